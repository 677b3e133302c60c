package output

import (
	"fmt"
	"io"
	"strings"

	"github.com/entente-dev/entente/evaluator"
)

// Markdown writes the verdict as Markdown tables: for pull requests, chat
// and GitHub's step summary.
type Markdown struct{}

var statusMark = map[string]string{
	"pass": "✅", "met": "✅", "compliant": "✅", "none": "✅", "current": "✅",
	"warn": "⚠️", "at_risk": "⚠️", "pending": "⏳", "due_soon": "⚠️",
	"fail": "❌", "breached": "❌", "owed": "💶", "overdue": "❌",
	"no_data": "❔", "error": "❗", "unknown": "❔", "inconclusive": "❔",
	"inactive": "💤",
}

// mark is an icon and the word: status never rests on the icon alone.
func mark(s string) string { return strings.TrimSpace(statusMark[s] + " " + s) }

// markdownEscaper makes text from an agreement literal in Markdown: no
// formatting, no HTML, no broken table.
var markdownEscaper = strings.NewReplacer(
	"\\", "\\\\", "|", "\\|", "*", "\\*", "_", "\\_", "`", "\\`",
	"<", "&lt;", ">", "&gt;", "[", "\\[", "]", "\\]", "#", "\\#",
)

// cell keeps a table cell on one line and its text literal.
func cell(s string) string {
	return markdownEscaper.Replace(strings.Join(strings.Fields(s), " "))
}

// yesNo writes a flag; "—" when it is unknown (nil).
func yesNo(v *bool) string {
	switch {
	case v == nil:
		return "—"
	case *v:
		return "yes"
	}
	return "no"
}

// Output writes v.
func (Markdown) Output(w io.Writer, v *evaluator.Verdict) error {
	fmt.Fprintf(w, "## SLA check: %s\n\nEvaluated at %s, revision %s.\n", mark(v.Status), evaluated(v), cell(v.Revision))
	for _, a := range v.Agreements {
		fmt.Fprintf(w, "\n### %s — %s (%s)\n\n", cell(Printable(a.Name)), cell(Printable(a.Title)), mark(Printable(a.Status)))
		if in := Printable(string(a.Inactive)); in != "" {
			fmt.Fprintf(w, "Inactive (%s): nothing was measured.\n", strings.ReplaceAll(in, "_", " "))
			continue
		}
		if len(a.SLOs) > 0 {
			fmt.Fprintln(w, "| SLO | Status | Measured | Target | Budget left | |")
			fmt.Fprintln(w, "|---|---|---:|---:|---:|---|")
			for _, s := range a.SLOs {
				fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", cell(Printable(s.Name)), mark(Printable(s.Status)), measured(&s), target(&s), budget(&s), cell(Printable(s.Message)))
			}
			fmt.Fprintln(w)
		}
		if len(a.Responsibilities) > 0 {
			fmt.Fprintln(w, "| Responsibility | Party | Status | Due | |")
			fmt.Fprintln(w, "|---|---|---|---|---|")
			for _, r := range a.Responsibilities {
				fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", cell(Printable(r.Name)), cell(Printable(r.Party)), mark(Printable(r.Status)), cell(due(r.Due)), cell(Printable(r.Message)))
			}
			fmt.Fprintln(w)
		}
		if len(a.Credits) > 0 {
			fmt.Fprintln(w, "| Credit | SLO | Status | Percent | Amount | Final |")
			fmt.Fprintln(w, "|---|---|---|---:|---:|---|")
			for _, c := range a.Credits {
				var final *bool
				if !c.Missing() {
					final = &c.Final
				}
				fmt.Fprintf(w, "| %s | %s | %s | %s | %s %s | %s |\n", cell(Printable(c.Name)), cell(Printable(c.SLO)), mark(Printable(c.Status)), figure(c.Percent, "%"), figure(c.Amount, ""), cell(Printable(c.Currency)), yesNo(final))
			}
			if ct := a.CreditTotal; ct != nil {
				fmt.Fprintf(w, "| **Total** | | | %s | %s %s | capped: %s |\n", figure(ct.Percent, "%"), figure(ct.Amount, ""), cell(Printable(ct.Currency)), yesNo(ct.Capped))
			}
			fmt.Fprintln(w)
		}
		if r := a.Review; r != nil {
			fmt.Fprintf(w, "Review: %s, due %s.\n", mark(Printable(r.Status)), cell(Printable(r.Due.String())))
		}
	}
	return nil
}
