package report

import (
	"bytes"
	"strings"
	"testing"
)

func TestTheHTMLReportIsAWellFormedPageThatFetchesNothing(t *testing.T) {
	page := render(t, fixture(t, "october.json"), htmlOf)
	root := parsePage(t, page)
	checkSelfContained(t, root)
	checkAccessible(t, root)
	if !strings.HasPrefix(page, "<!DOCTYPE html>") {
		t.Error("the page does not start with <!DOCTYPE html>")
	}
	for _, want := range []string{"@page", "@media print", "break-before: page", "break-inside: avoid"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page's style has no %q: it would print badly", want)
		}
	}
}

func TestTheHTMLReportSaysWhatAReaderLooksFor(t *testing.T) {
	page := render(t, fixture(t, "october.json"), htmlOf)
	for _, tc := range []struct {
		what string
		want string
	}{
		{"the period", "SLA report, October 2026"},
		{"the overall status, as a word", "Overall: breached"},
		{"each agreement's status, as a symbol and a word", "✗</span> Breached"},
		{"at risk, in words", "▲</span> At risk"},
		{"an inactive agreement, and why", "Not yet effective: the agreement is in force from 1 Jan 2027"},
		{"why an agreement is breached", "responsibility ip-allowlist of Northwind Logistics LLC (customer) was breached"},
		{"an SLO's status", "✗</span> fail"},
		{"an SLO that could not be measured", "!</span> error"},
		{"counts with thousands separators", "76,009,820 good of 76,166,954 events"},
		{"a measured percentage", "99.7937%"},
		{"an overspent budget left", "-312.6% (overspent)"},
		{"an overspent budget, its true value on the chart", "412.6% spent"},
		{"a clamped chart", "Off scale above 200%: peak 414.4%"},
		{"the 100% budget line", "Budget exhausted (100%)"},
		{"a value with its unit", "0.31 s"},
		{"a long time as a duration", "2 h 3 min"},
		{"excluded time in human units", `<td class="num">8 h</td>`},
		{"an exclusion on the day the clocks change", "25 Oct 2026 02:00–04:00 CET"},
		{"dates in the agreement's time zone", "1 Oct 2026 00:00 EDT to 1 Nov 2026 00:00 EDT"},
		{"a party with its legal name", "Harbor Ops GmbH (provider)"},
		{"a contact to write to", `href="mailto:sla@acme.example"`},
		{"a credit amount", "1,200.00 GBP"},
		{"a capped total", "capped at 5% of the fee"},
		{"a total under its cap", "under the cap of 30%"},
		{"no credits in an agreement without a fee", "This agreement provides no service credits."},
		{"an overdue review", "was due 6 Jul 2026 and has not been recorded"},
		{"a bucket that missed", "Wed 14 Oct 2026: 94.02% (2,337,970 good of 2,486,583)"},
		{"a query, exactly as sent", "sum(increase(http_requests_total{job=&#39;geo-api&#39;,code=~&#39;5..&#39;}[7200s]))"},
		{"where the query comes from", "examples/agreements/geo-api.hcl:74"},
		{"a fact, measured without a query", "a fact supplied at evaluation time; no query."},
	} {
		if !strings.Contains(page, tc.want) {
			t.Errorf("%s: the page has no %q", tc.what, tc.want)
		}
	}
}

// A contact that is a URL stays text: the report links to nothing that
// could be fetched.
func TestAContactThatIsNotAnEmailAddressIsNotALink(t *testing.T) {
	page := render(t, fixture(t, "october.json"), htmlOf)
	if !strings.Contains(page, "<td>https://itsm.fabrikam.example/escalation</td>") {
		t.Error("the URL contact is not shown as plain text")
	}
}

func TestUnknownFiguresAreDashesOrNoDataNeverZero(t *testing.T) {
	doc := fixture(t, "october.json")
	a := &doc.Agreements[1] // geo-api
	s := &a.SLOs[0]
	s.Status, s.Measured, s.Good, s.Total, s.BudgetRemaining, s.BudgetConsumed, s.BurnRate = "no_data", nil, nil, nil, nil, nil, nil
	a.Credits[0].Status, a.Credits[0].Percent, a.Credits[0].Amount = "unknown", nil, nil
	a.CreditTotal.Percent, a.CreditTotal.Amount, a.CreditTotal.Capped = nil, nil, nil

	page := render(t, doc, htmlOf)
	for _, want := range []string{
		`<td class="num">no data</td><td class="num">—</td>`,
		`?</span> unknown</span></td><td class="num">—</td><td class="num">—</td>`,
		"The total is unknown while a credit is unknown",
		"The credits owed are unknown",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the HTML report has no %q", want)
		}
	}
	md := render(t, doc, markdownOf)
	for _, want := range []string{
		"| availability | ? no data | ≥ 99.95% | 99.98% | no data | — | 8 h |",
		"| availability | availability | ? unknown | — | — | yes |",
		"| **Total owed** |  |  | **—** | **—** | — |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the Markdown report has no %q", want)
		}
	}
}

// hostile fills a document with text that would run, break out of its
// element or break a table if it were not escaped.
func hostile(t *testing.T) *Document {
	doc := fixture(t, "october.json")
	const x = `<script>alert("x")</script> | a "quote" & 'apostrophe'` + "\n| --- |\n# heading `tick`"
	a := &doc.Agreements[3]
	a.Title = x
	a.Report.Parties[0].LegalName = x
	a.Report.Parties[0].Contact = "javascript:alert(1)"
	a.Report.Parties[1].Contact = `"><img src=x onerror=alert(1)>@example.com`
	a.Report.Services[0].Description = `</title></desc><svg onload=alert(1)>`
	a.Report.Services[0].Includes = append(a.Report.Services[0].Includes, x)
	a.Report.Exclusions[0].Description = x
	a.SLOs[0].Message = x
	a.SLOs[0].Report.Description = `]]><!-- --><style>body{background:url(https://evil.example/x)}</style>`
	a.SLOs[0].Queries[0].Query = x
	a.Responsibilities[0].Message = x
	doc.Revision = x
	return doc
}

func TestTextFromTheDocumentIsEscapedInHTML(t *testing.T) {
	page := render(t, hostile(t), htmlOf)
	root := parsePage(t, page)
	checkSelfContained(t, root)
	if strings.Contains(page, "<script") || strings.Contains(page, "<img") || strings.Contains(page, "<svg onload") {
		t.Error("markup from the document reached the page")
	}
	if !strings.Contains(page, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
		t.Error("the hostile title is not shown escaped")
	}
	if strings.Contains(page, `href="javascript:`) {
		t.Error("a javascript: contact became a link")
	}
}

func TestTextFromTheDocumentIsEscapedInMarkdown(t *testing.T) {
	md := render(t, hostile(t), markdownOf)
	// Inside a code span markup is shown, not read: only the rest counts.
	if prose := outsideCode(md); strings.Contains(prose, "<script") || strings.Contains(prose, "<img") || strings.Contains(prose, "<style") {
		t.Error("markup from the document reached the Markdown")
	}
	if strings.Contains(md, "\n# heading") || strings.Contains(md, "\n| --- |") {
		t.Error("a line break in the document started a heading or a table row")
	}
	checkTables(t, md)
}

func TestNoDocumentIsAnError(t *testing.T) {
	var buf bytes.Buffer
	if err := HTML(&buf, nil); err == nil {
		t.Error("HTML(nil) did not fail")
	}
	if err := Markdown(&buf, nil); err == nil {
		t.Error("Markdown(nil) did not fail")
	}
	if buf.Len() != 0 {
		t.Error("a failed render wrote something")
	}
}

// A plain verdict, without the report's additions, still renders: without
// parties, charts or exclusions, but with every result.
func TestAPlainVerdictRendersAsAReportWithoutCharts(t *testing.T) {
	doc := fixture(t, "verdict.json")
	page := render(t, doc, htmlOf)
	root := parsePage(t, page)
	checkSelfContained(t, root)
	checkAccessible(t, root)
	if n := len(root.all("svg")); n != 0 {
		t.Errorf("a plain verdict has %d charts, want none", n)
	}
	for _, want := range []string{"99.7435%", "p1-acknowledgement 22 min is above the maximum 15 min", "480.00 GBP"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page has no %q", want)
		}
	}
	checkTables(t, render(t, doc, markdownOf))
}

func TestAReportOfOneAgreementIsTitledByIt(t *testing.T) {
	doc := fixture(t, "october.json")
	doc.Agreements = doc.Agreements[3:4]
	page := render(t, doc, htmlOf)
	if !strings.Contains(page, "<title>Payments API hosting: SLA report, October 2026</title>") {
		t.Error("a report of one agreement is not titled by the agreement")
	}
	if strings.Contains(page, "Agreements in this report") {
		t.Error("a report of one agreement lists the agreements")
	}
}

// A block the policy gave no result for has only a name, a status and a
// message: it still shows, as an error or unknown, never as a pass.
func TestBlocksWithoutAResultStillShow(t *testing.T) {
	doc := fixture(t, "october.json")
	a := &doc.Agreements[3]
	a.SLOs = append(a.SLOs, SLO{Name: "ghost", Status: "error", Message: "ghost has no result: the input is not what the policy expects"})
	a.Responsibilities = append(a.Responsibilities, Responsibility{Name: "phantom", Status: "unknown", Message: "phantom has no result"})
	a.Credits = append(a.Credits, Credit{Name: "spectre", Status: "unknown", Message: "spectre has no result"})
	page := render(t, doc, htmlOf)
	root := parsePage(t, page)
	checkAccessible(t, root)
	for _, want := range []string{"ghost has no result", "phantom has no result", `<th scope="row">spectre</th>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page has no %q", want)
		}
	}
	checkTables(t, render(t, doc, markdownOf))
	parsePage(t, render(t, doc, dashboardAt(servedAt)))
}

// A credit that is not final is still running in a live verdict, and
// indicative in the report of a closed period.
func TestACreditNotFinalSaysWhy(t *testing.T) {
	live := render(t, fixture(t, "verdict.json"), htmlOf)
	if !strings.Contains(live, "no, the period is still running") {
		t.Error("a live verdict does not say its credits may still change")
	}
	doc := fixture(t, "october.json")
	doc.Agreements[1].Credits[0].Final = false
	closed := render(t, doc, htmlOf)
	for _, want := range []string{"no, indicative: its SLO is measured over another period", "Some are indicative: their SLO is measured over another period."} {
		if !strings.Contains(closed, want) {
			t.Errorf("the report has no %q", want)
		}
	}
}
