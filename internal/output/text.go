package output

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/entente-dev/entente/evaluator"
)

// Text writes a readable table per agreement, for people at a terminal.
type Text struct {
	Color bool
}

var statusColor = map[string]string{
	"pass": "32", "met": "32", "compliant": "32", "none": "32", "current": "32",
	"warn": "33", "at_risk": "33", "pending": "33", "due_soon": "33",
	"fail": "31", "breached": "31", "owed": "31", "overdue": "31",
	"no_data": "35", "error": "35", "unknown": "35", "inconclusive": "35",
	"inactive": "2",
}

// status colours a status word on a terminal. Table cells stay plain:
// tabwriter would count the escape codes as width.
func (t *Text) status(s string) string {
	if !t.Color || statusColor[s] == "" {
		return s
	}
	return "\x1b[" + statusColor[s] + "m" + s + "\x1b[0m"
}

// headline is a status in capitals, coloured by what it means.
func (t *Text) headline(s string) string {
	up := strings.ToUpper(s)
	if !t.Color || statusColor[s] == "" {
		return up
	}
	return "\x1b[1;" + statusColor[s] + "m" + up + "\x1b[0m"
}

// Output writes v.
func (t *Text) Output(w io.Writer, v *evaluator.Verdict) error {
	for i, a := range v.Agreements {
		if i > 0 {
			fmt.Fprintln(w)
		}
		title := fmt.Sprintf("%s %s — %s", str(a, "agreement"), str(a, "version"), str(a, "title"))
		fmt.Fprintf(w, "%s: %s\n", title, t.headline(str(a, "status")))
		if in := str(a, "inactive"); in != "" {
			fmt.Fprintf(w, "  inactive: %s; nothing was measured\n", strings.ReplaceAll(in, "_", " "))
			continue
		}
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		if slos := list(a, "slos"); len(slos) > 0 {
			fmt.Fprintln(tw, "  SLO\tSTATUS\tMEASURED\tTARGET\tBUDGET LEFT\tDATA\tMESSAGE")
			for _, s := range slos {
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\n", str(s, "name"), str(s, "status"), measured(s), target(s), budget(s), coverage(s), str(s, "message"))
			}
		}
		if duties := list(a, "responsibilities"); len(duties) > 0 {
			fmt.Fprintln(tw, "  RESPONSIBILITY\tSTATUS\tPARTY\tDUE\t\tDATA\tMESSAGE")
			for _, r := range duties {
				due := str(r, "due")
				if due == "" {
					due = "—"
				}
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t\t%s\t%s\n", str(r, "name"), str(r, "status"), str(r, "party"), due, coverage(r), str(r, "message"))
			}
		}
		tw.Flush()
		for _, c := range list(a, "credits") {
			final := ""
			if c["final"] == false {
				final = " (not final: the period is still running)"
			}
			switch str(c, "claim") {
			case "claimable":
				if by := str(c, "claim_by"); by != "" {
					final += "; claim by " + by
				}
			case "expired":
				final += "; expired: not claimed by " + str(c, "claim_by")
			case "below_minimum":
				final += "; not paid: at or below the minimum amount"
			}
			fmt.Fprintf(w, "  credit %s: %s %s of the monthly fee, %s %s%s\n", str(c, "name"), t.status(str(c, "status")), figure(c, "percent", "%"), figure(c, "amount", ""), str(c, "currency"), final)
		}
		if ct := object(a, "credit_total"); ct != nil {
			capped := ""
			if ct["capped"] == true {
				capped = ", capped"
			}
			fmt.Fprintf(w, "  credits in total: %s, %s %s%s\n", figure(ct, "percent", "%"), figure(ct, "amount", ""), str(ct, "currency"), capped)
		}
		if r := object(a, "review"); r != nil {
			fmt.Fprintf(w, "  review: %s, due %s\n", t.status(str(r, "status")), str(r, "due"))
		}
	}
	fmt.Fprintf(w, "\n%s, evaluated at %s (revision %s)\n", t.headline(v.Status), v.EvaluatedAt, v.Revision)
	return nil
}

func measured(s map[string]any) string {
	if _, ok := number(s, "objective"); ok {
		return figure(s, "measured", "%")
	}
	return figure(s, "measured", "")
}

func target(s map[string]any) string {
	if _, ok := number(s, "objective"); ok {
		return "≥ " + figure(s, "objective", "%")
	}
	if _, ok := number(s, "max"); ok {
		return "≤ " + figure(s, "max", "")
	}
	if _, ok := number(s, "min"); ok {
		return "≥ " + figure(s, "min", "")
	}
	return "—"
}

// coverage is the share of the window the source held data for: 100%,
// 32.3%; a dash where coverage does not apply or was not measured.
func coverage(s map[string]any) string {
	c := object(s, "coverage")
	if c == nil {
		return "—"
	}
	f, ok := number(c, "percent")
	if !ok {
		return "—"
	}
	out := strconv.FormatFloat(math.Floor(f*10)/10, 'f', -1, 64) + "%"
	if r, ok := number(c, "required"); ok && f < r {
		out += " (<" + strconv.FormatFloat(r, 'f', -1, 64) + "%)"
	}
	return out
}

func budget(s map[string]any) string {
	f, ok := number(s, "budget_remaining")
	if !ok {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", 100*f)
}
