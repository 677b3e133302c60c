package report

import (
	"strings"
	"testing"
	"time"

	"github.com/entente-dev/entente/verdict"
)

// justBelow is a report of one SLO measured a hair below its objective.
func justBelow() *Document {
	f := func(x float64) *verdict.Number { n := verdict.NumberOf(x); return &n }
	generated := time.Date(2026, 11, 2, 8, 15, 0, 0, time.UTC)
	return &Document{
		Schema:      Schema,
		EvaluatedAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		GeneratedAt: &generated,
		Revision:    "4f9c2a71d03be815",
		Status:      "breached",
		Period:      &Period{Label: "2026-10", Kind: "month"},
		Agreements: []Agreement{{
			Name: "geo-api", Title: "Geocoding API", Version: "1.0.0", Status: "breached",
			SLOs: []SLO{{Name: "availability", Status: "fail", Measured: f(99.94999), Objective: f(99.95), Warning: f(99.98), BudgetRemaining: f(-0.0002)}},
		}},
	}
}

// An SLO measured 99.94999 against an objective of 99.95 missed it, and
// no page says 99.95%: each cuts the figure to the objective's decimals.
func TestAFigureJustBelowItsObjectiveNeverReadsAsMeetingIt(t *testing.T) {
	for _, c := range []struct {
		name   string
		render renderer
		want   string
	}{
		{"the Markdown report", markdownOf, "| availability | ✗ fail | ≥ 99.95% | 99.98% | 99.94% |"},
		{"the HTML report", htmlOf, `<td class="num">99.94%</td>`},
		{"the dashboard", dashboardAt(time.Time{}), `<td class="num">99.94%</td><td class="num">≥ 99.95%</td>`},
	} {
		t.Run(c.name, func(t *testing.T) {
			page := render(t, justBelow(), c.render)
			if !strings.Contains(page, c.want) {
				t.Errorf("%s has no %q", c.name, c.want)
			}
			for _, wrong := range []string{"99.9499", "Measured: 99.95%", `<td class="num">99.95%</td>`} {
				if strings.Contains(page, wrong) {
					t.Errorf("%s says %q", c.name, wrong)
				}
			}
		})
	}
}

// A report says when it was generated, apart from the time its figures
// are of; a plain verdict rendered as a report does not make one up.
func TestAReportSaysWhenItWasGenerated(t *testing.T) {
	doc := justBelow()
	if md := render(t, doc, markdownOf); !strings.Contains(md, "Figures as of the end of the period, 1 Nov 2026 00:00 UTC · generated 2 Nov 2026 08:15 UTC · policy revision") {
		t.Errorf("the Markdown report does not say when it was generated:\n%.400s", md)
	}
	if html := render(t, doc, htmlOf); !strings.Contains(html, `generated <time datetime="2026-11-02T08:15:00Z">2 Nov 2026 08:15 UTC</time>`) {
		t.Errorf("the HTML report does not say when it was generated")
	}
	doc.GeneratedAt = nil
	for _, r := range []renderer{markdownOf, htmlOf} {
		if page := render(t, doc, r); strings.Contains(page, "generated") {
			t.Errorf("a document without generated_at reads as generated at some time")
		}
	}
}
