package report

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

var servedAt = time.Date(2026, 10, 22, 12, 4, 30, 0, time.UTC)

func TestTheDashboardIsAWellFormedPageThatFetchesNothing(t *testing.T) {
	for _, name := range []string{"verdict.json", "october.json"} {
		t.Run(name, func(t *testing.T) {
			page := render(t, fixture(t, name), dashboardAt(servedAt))
			root := parsePage(t, page)
			checkSelfContained(t, root)
			checkAccessible(t, root)
		})
	}
}

func TestTheDashboardShowsEveryAgreementAtAGlance(t *testing.T) {
	page := render(t, fixture(t, "verdict.json"), dashboardAt(servedAt))
	for _, tc := range []struct{ what, want string }{
		{"when the verdict was made, and how long ago", "Last evaluation 22 Oct 2026 12:00 UTC (4 min 30 s ago)"},
		{"the revision of the policies", "<code>77fc8d3ef1cc46d5</code>"},
		{"the overall status in words", "Overall: breached"},
		{"the agreements by status", "3 agreements: 2 ✗ breached, 1 ▲ at risk"},
		{"an SLO's status", "✗</span> fail"},
		{"the budget left", "52.5% of the budget left"},
		{"an overspent budget", "overspent: 353.1% of the budget spent"},
		{"a value against its bound", "0.2125 against the max 0.3"},
		{"a value against a min", "99.9306 against the min 99.5"},
		{"the responsibilities", "5 ✓ met, 1 ✗ breached"},
		{"the credits, not final", "480.00 GBP owed (2% of the fee), not final"},
		{"the review", "overdue</span>, due 6 Jul 2026 (provider)"},
		{"a link to a report", `<a href="/v1/agreements/payments-hosting/report?period=2026-10&amp;format=html">October 2026 (HTML)</a>`},
		{"that it reloads", `<meta http-equiv="refresh" content="60" />`},
	} {
		if !strings.Contains(page, tc.want) {
			t.Errorf("%s: the page has no %q", tc.what, tc.want)
		}
	}
}

func TestBeforeTheFirstEvaluationTheDashboardWaits(t *testing.T) {
	page := render(t, nil, dashboardAt(servedAt))
	checkSelfContained(t, parsePage(t, page))
	for _, want := range []string{"Waiting for the first evaluation", `content="60"`, "reloads every 60 s"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page has no %q", want)
		}
	}
}

func TestTheDashboardReloadsOnlyWhenAskedTo(t *testing.T) {
	page := render(t, fixture(t, "verdict.json"), func(b *bytes.Buffer, d *Document) error {
		return Dashboard(b, d, DashboardOptions{})
	})
	if strings.Contains(page, "http-equiv") {
		t.Error("the page reloads with RefreshSeconds 0")
	}
	if strings.Contains(page, " ago)") {
		t.Error("the page says how old the evaluation is without knowing the time")
	}
}

func TestLinksAreEscapedAndNeverScripts(t *testing.T) {
	doc := fixture(t, "verdict.json")
	page := render(t, doc, func(b *bytes.Buffer, d *Document) error {
		return Dashboard(b, d, DashboardOptions{Links: map[string][]Link{
			"geo-api": {{Label: `<b>x</b>`, Href: "javascript:alert(1)"}, {Label: "ok", Href: `/report?a="b"&c=<d>`}},
		}})
	})
	root := parsePage(t, page)
	checkSelfContained(t, root)
	if strings.Contains(page, "javascript:") || strings.Contains(page, "<b>x</b>") {
		t.Error("a link's label or URL reached the page unescaped")
	}
}
