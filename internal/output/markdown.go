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

func yesNo(v any) string {
	switch v {
	case true:
		return "yes"
	case false:
		return "no"
	}
	return "—"
}

// Output writes v.
func (Markdown) Output(w io.Writer, v *evaluator.Verdict) error {
	fmt.Fprintf(w, "## SLA check: %s\n\nEvaluated at %s, revision %s.\n", mark(v.Status), v.EvaluatedAt, cell(v.Revision))
	for _, a := range v.Agreements {
		fmt.Fprintf(w, "\n### %s — %s (%s)\n\n", cell(str(a, "agreement")), cell(str(a, "title")), mark(str(a, "status")))
		if in := str(a, "inactive"); in != "" {
			fmt.Fprintf(w, "Inactive (%s): nothing was measured.\n", strings.ReplaceAll(in, "_", " "))
			continue
		}
		if slos := list(a, "slos"); len(slos) > 0 {
			fmt.Fprintln(w, "| SLO | Status | Measured | Target | Budget left | |")
			fmt.Fprintln(w, "|---|---|---:|---:|---:|---|")
			for _, s := range slos {
				fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", cell(str(s, "name")), mark(str(s, "status")), measured(s), target(s), budget(s), cell(str(s, "message")))
			}
			fmt.Fprintln(w)
		}
		if duties := list(a, "responsibilities"); len(duties) > 0 {
			fmt.Fprintln(w, "| Responsibility | Party | Status | Due | |")
			fmt.Fprintln(w, "|---|---|---|---|---|")
			for _, r := range duties {
				fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", cell(str(r, "name")), cell(str(r, "party")), mark(str(r, "status")), cell(str(r, "due")), cell(str(r, "message")))
			}
			fmt.Fprintln(w)
		}
		if credits := list(a, "credits"); len(credits) > 0 {
			fmt.Fprintln(w, "| Credit | SLO | Status | Percent | Amount | Final |")
			fmt.Fprintln(w, "|---|---|---|---:|---:|---|")
			for _, c := range credits {
				fmt.Fprintf(w, "| %s | %s | %s | %s | %s %s | %s |\n", cell(str(c, "name")), cell(str(c, "slo")), mark(str(c, "status")), figure(c, "percent", "%"), figure(c, "amount", ""), cell(str(c, "currency")), yesNo(c["final"]))
			}
			if ct := object(a, "credit_total"); ct != nil {
				fmt.Fprintf(w, "| **Total** | | | %s | %s %s | capped: %s |\n", figure(ct, "percent", "%"), figure(ct, "amount", ""), cell(str(ct, "currency")), yesNo(ct["capped"]))
			}
			fmt.Fprintln(w)
		}
		if r := object(a, "review"); r != nil {
			fmt.Fprintf(w, "Review: %s, due %s.\n", mark(str(r, "status")), cell(str(r, "due")))
		}
	}
	return nil
}
