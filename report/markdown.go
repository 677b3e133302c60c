package report

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Markdown writes the report of doc as GitHub-flavoured Markdown: the
// content of the HTML report, with a table of the buckets (and of the
// error budget spent by the end of each) where the HTML has charts.
func Markdown(w io.Writer, doc *Document) error {
	if doc == nil {
		return errors.New("render markdown report: no document")
	}
	v := buildReport(doc, false)
	var md mdWriter
	md.line("# %s", text(v.Title))
	md.line("")
	generated := ""
	if v.Generated != nil {
		generated = " · generated " + v.Generated.Text
	}
	md.line("%s %s%s · policy revision %s", v.AsOf, v.Evaluated, generated, code(v.Revision))
	md.line("")
	md.line("**Overall: %s**", v.Status.Label())
	if v.Overview != nil {
		md.line("")
		md.line("## Agreements in this report")
		t := md.table("Agreement", "Status", "SLOs", "Credits owed:", "Review")
		for _, a := range v.Overview {
			review := a.ReviewDue
			if review == "" {
				review = "none"
			}
			t.row(cell(a.Title)+" "+code(a.Name), a.Status.Label(), a.SLOCount, a.CreditSum, review)
		}
	}
	for _, a := range v.Agreements {
		md.agreement(a)
	}
	md.appendix(v)
	_, err := io.WriteString(w, md.String())
	return err
}

// mdWriter builds a Markdown document.
type mdWriter struct {
	strings.Builder
}

func (md *mdWriter) line(format string, args ...any) {
	fmt.Fprintf(md, format, args...)
	md.WriteByte('\n')
}

// blank ends the paragraph before, once.
func (md *mdWriter) blank() {
	if s := md.String(); s != "" && !strings.HasSuffix(s, "\n\n") {
		md.WriteByte('\n')
	}
}

// heading starts a section.
func (md *mdWriter) heading(level int, title string) {
	md.blank()
	md.line("%s %s", strings.Repeat("#", level), title)
	md.line("")
}

func (md *mdWriter) bullets(items []string) {
	for _, it := range items {
		md.line("- %s", text(it))
	}
}

// mdTable writes a table row by row. A header ending in ":" is a column
// of figures, aligned right.
type mdTable struct {
	md *mdWriter
}

func (md *mdWriter) table(head ...string) mdTable {
	seps := make([]string, len(head))
	for i, h := range head {
		seps[i] = "---"
		if strings.HasSuffix(h, ":") {
			head[i], seps[i] = strings.TrimSuffix(h, ":"), "--:"
		}
	}
	md.blank()
	md.line("| %s |", strings.Join(head, " | "))
	md.line("|%s|", strings.Join(seps, "|"))
	return mdTable{md}
}

// row writes cells that are already escaped (with cell or code).
func (t mdTable) row(cells ...string) {
	t.md.line("| %s |", strings.Join(cells, " | "))
}

func (md *mdWriter) agreement(a *agreementView) {
	md.heading(2, text(a.Title))
	md.line("%s · version %s", code(a.Name), text(a.Version))
	md.line("")
	md.line("**%s %s**", a.Status.Symbol, capitalize(a.Status.Word))
	if len(a.Reasons) > 0 {
		md.line("")
		md.bullets(a.Reasons)
	}
	facts := md.table("Item", "Detail")
	for _, f := range a.Facts {
		facts.row(cell(f.Label), cell(f.Value))
	}
	if len(a.Parties) > 0 {
		md.heading(3, "Parties")
		t := md.table("Role", "Legal name", "Contact")
		for _, p := range a.Parties {
			t.row(cell(p.Role), cell(p.LegalName), orDash(cell(p.Contact)))
		}
	}
	if len(a.Services) > 0 {
		md.heading(3, "Services")
		t := md.table("Service", "Description", "Includes", "Excludes")
		for _, s := range a.Services {
			t.row(cell(s.Name), cell(s.Description), cellList(s.Includes), cellList(s.Excludes))
		}
	}
	md.heading(3, "Summary")
	md.bullets(a.Summary)
	if a.Inactive == "" {
		md.slos(a)
		md.exclusions(a)
		md.duties(a)
		md.credits(a)
	}
	md.review(a)
}

func (md *mdWriter) slos(a *agreementView) {
	md.heading(3, "Service levels")
	if len(a.SLOs) == 0 {
		md.line("The agreement has no SLO.")
		return
	}
	t := md.table("SLO", "Status", "Objective:", "Warning:", "Measured:", "Budget left:", "Excluded:", "Data:")
	for _, s := range a.SLOs {
		t.row(cell(s.Name), s.Status.Label(), cell(s.Objective), cell(s.Warning), cell(s.Measured), cell(s.Budget), cell(s.Excluded), cell(s.Coverage))
	}
	for _, s := range a.SLOs {
		md.slo(s)
	}
}

func (md *mdWriter) slo(s *sloView) {
	md.heading(4, text(s.Name)+" — "+s.Status.Label())
	if s.Description != "" {
		md.line("%s", text(s.Description))
		md.line("")
	}
	md.line("%s", text(s.Message))
	md.line("")
	md.line("- Objective: %s", text(s.Objective))
	md.line("- Measured: %s", text(s.Measured))
	if s.Events != "" {
		md.line("- Counted: %s", text(s.Events))
	}
	md.line("- Kind: %s", text(s.Kind))
	md.line("- Window: %s", text(s.Window))
	if s.CoverageDetail != "" {
		md.line("- Data: %s", text(s.CoverageDetail))
	}
	if s.ChartError != "" {
		md.line("")
		md.line("Not charted: %s.", text(s.ChartError))
		return
	}
	if len(s.Buckets) == 0 {
		if s.BucketHead != "" {
			md.line("")
			md.line("No data for this period.")
		}
		return
	}
	if s.Kind == "value" {
		t := md.table(s.BucketHead, "Value:", "Met")
		for _, b := range s.Buckets {
			t.row(cell(b.Name), cell(b.Figure), b.Met.Label())
		}
		return
	}
	t := md.table(s.BucketHead, "Good:", "Total:", "Attainment:", "Met", "Budget spent by its end:")
	for _, b := range s.Buckets {
		t.row(cell(b.Name), cell(b.Good), cell(b.Total), cell(b.Figure), b.Met.Label(), cell(b.Budget))
	}
}

func (md *mdWriter) exclusions(a *agreementView) {
	md.heading(3, "Exclusions")
	if len(a.Exclusions) == 0 {
		md.line("No exclusion applied in the period.")
		return
	}
	t := md.table("Exclusion", "Description", "Applies to", "Occurrences in the period", "Time removed:")
	for _, e := range a.Exclusions {
		occ := e.Occurrences
		if e.More > 0 {
			occ = append(append([]string{}, occ...), fmt.Sprintf("and %d more", e.More))
		}
		t.row(cell(e.Name), orDash(cell(e.Description)), cell(e.AppliesTo), cellList(occ), cell(e.Removed))
	}
}

func (md *mdWriter) duties(a *agreementView) {
	md.heading(3, "Responsibilities")
	if len(a.Duties) == 0 {
		md.line("The agreement sets no responsibility.")
		return
	}
	t := md.table("Party", "Responsibility", "Status", "Measured:", "Due", "Result")
	for _, g := range a.Duties {
		for _, d := range g.Items {
			t.row(cell(g.Party), cell(d.Name), d.Status.Label(), cell(d.Measured), cell(d.Due), cell(d.Message))
		}
	}
}

func (md *mdWriter) credits(a *agreementView) {
	md.heading(3, "Service credits")
	if len(a.Credits) == 0 {
		md.line("%s", text(a.CreditNote))
		return
	}
	t := md.table("Credit", "SLO", "Status", "Percent:", "Amount:", "Final")
	for _, c := range a.Credits {
		t.row(cell(c.Name), cell(c.SLO), c.Status.Label(), cell(c.Percent), cell(c.Amount), cell(c.Final))
	}
	if tot := a.Total; tot != nil {
		t.row("**Total owed**", "", "", "**"+cell(tot.Percent)+"**", "**"+cell(tot.Amount)+"**", cell(tot.Capped))
	}
	md.line("")
	md.line("%s", text(a.CreditNote))
}

func (md *mdWriter) review(a *agreementView) {
	md.heading(3, "Review")
	if r := a.Review; r != nil {
		md.line("%s: %s", r.Status.Label(), text(r.Sentence))
		return
	}
	md.line("The agreement sets no review.")
}

func (md *mdWriter) appendix(v *reportView) {
	md.heading(2, "Audit appendix")
	md.line("The exact queries sent to measure each SLO and responsibility, and where each is written. Times are as sent, in RFC 3339.")
	for _, a := range v.Agreements {
		md.heading(3, text(a.Title)+" ("+code(a.Name)+")")
		if len(a.Audit) == 0 {
			md.line("Nothing was measured.")
		}
		for _, e := range a.Audit {
			md.heading(4, text(e.Kind+" "+e.Name+" — "+e.Source))
			if len(e.Queries) == 0 {
				md.line("%s.", capitalize(text(e.Note)))
				continue
			}
			t := md.table("Query", "Evaluated")
			for _, q := range e.Queries {
				t.row(code(q.Expr), cell(q.When))
			}
		}
	}
}

// text is a run of literal text on one line (a line break in it could
// start a list or a heading): no emphasis, link, HTML, heading or broken
// table. An underscore inside a word is left alone, as it cannot start
// emphasis there: ip_allowlist_provided reads as written.
func text(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	var b strings.Builder
	for i, r := range s {
		switch r {
		case '\\', '|', '*', '`', '~', '[', ']', '#':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '_':
			if i == 0 || i == len(s)-1 || !wordByte(s[i-1]) || !wordByte(s[i+1]) {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func wordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// cell is literal text in a table cell; its line breaks become <br>, the
// only way a cell holds one.
func cell(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = text(l)
	}
	return strings.Join(lines, "<br>")
}

// cellList is a list in a table cell, one item a line.
func cellList(items []string) string {
	if len(items) == 0 {
		return unknown
	}
	cells := make([]string, len(items))
	for i, it := range items {
		cells[i] = cell(it)
	}
	return strings.Join(cells, "<br>")
}

func orDash(s string) string {
	if s == "" {
		return unknown
	}
	return s
}

// code is a code span that holds s literally (spaces kept: a query is
// shown exactly as sent), on one line, fenced by more
// backticks than s holds in a row; a pipe is escaped, as GitHub reads the
// table before the span.
func code(s string) string {
	s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
	if strings.TrimSpace(s) == "" {
		return unknown
	}
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + strings.ReplaceAll(s, "|", "\\|") + fence
}
