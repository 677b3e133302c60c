package output

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/entente-dev/entente/evaluator"
	"github.com/entente-dev/entente/internal/figures"
	"github.com/entente-dev/entente/verdict"
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
		title := fmt.Sprintf("%s %s — %s", Printable(a.Name), Printable(a.Version), Printable(a.Title))
		fmt.Fprintf(w, "%s: %s\n", title, t.headline(Printable(a.Status)))
		if in := Printable(string(a.Inactive)); in != "" {
			fmt.Fprintf(w, "  inactive: %s; nothing was measured\n", strings.ReplaceAll(in, "_", " "))
			continue
		}
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		if len(a.SLOs) > 0 {
			fmt.Fprintln(tw, "  SLO\tSTATUS\tMEASURED\tTARGET\tBUDGET LEFT\tDATA\tMESSAGE")
			for _, s := range a.SLOs {
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\n", Printable(s.Name), Printable(s.Status), measured(&s), target(&s), budget(&s), coverage(s.Coverage), Printable(s.Message))
			}
		}
		if len(a.Responsibilities) > 0 {
			fmt.Fprintln(tw, "  RESPONSIBILITY\tSTATUS\tPARTY\tDUE\t\tDATA\tMESSAGE")
			for _, r := range a.Responsibilities {
				when := due(r.Due)
				if when == "" {
					when = "—"
				}
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t\t%s\t%s\n", Printable(r.Name), Printable(r.Status), Printable(r.Party), when, coverage(r.Coverage), Printable(r.Message))
			}
		}
		tw.Flush()
		for _, c := range a.Credits {
			final := ""
			if !c.Final && !c.Missing() {
				final = " (not final: the period is still running)"
			}
			if tier := c.Tier; tier != nil {
				if b, ok := verdict.Float(tier.Below); ok {
					final = " (tier below " + plain(b) + ")" + final
				} else if ab, ok := verdict.Float(tier.Above); ok {
					final = " (tier above " + plain(ab) + ")" + final
				}
			}
			claimBy := ""
			if c.ClaimBy != nil {
				claimBy = Printable(*c.ClaimBy)
			}
			if c.Claim != nil {
				switch *c.Claim {
				case "claimable":
					if claimBy != "" {
						final += "; claim by " + claimBy
					}
				case "expired":
					final += "; expired: not claimed by " + claimBy
				case "below_minimum":
					final += "; not paid: at or below the minimum amount"
				}
			}
			fmt.Fprintf(w, "  credit %s: %s %s of the monthly fee, %s %s%s\n", Printable(c.Name), t.status(Printable(c.Status)), figure(c.Percent, "%"), figure(c.Amount, ""), Printable(c.Currency), final)
		}
		if ct := a.CreditTotal; ct != nil {
			capped := ""
			if ct.Capped != nil && *ct.Capped {
				capped = ", capped"
			}
			fmt.Fprintf(w, "  credits in total: %s, %s %s%s\n", figure(ct.Percent, "%"), figure(ct.Amount, ""), Printable(ct.Currency), capped)
		}
		if r := a.Review; r != nil {
			fmt.Fprintf(w, "  review: %s, due %s\n", t.status(Printable(r.Status)), Printable(r.Due.String()))
		}
	}
	fmt.Fprintf(w, "\n%s, evaluated at %s (revision %s)\n", t.headline(v.Status), evaluated(v), v.Revision)
	return nil
}

// measured is the measured value as people read it: a percentage with
// the decimals of its objective (two at least), cut, not rounded, so that
// a value below the objective never reads as meeting it; a value in its
// unit, a duration as hours and minutes.
func measured(s *verdict.SLO) string {
	f, ok := verdict.Float(s.Measured)
	if !ok {
		return "—"
	}
	if obj, ok := verdict.Float(s.Objective); ok {
		return percentText(f, max(decimals(obj), 2))
	}
	return valueText(f, Printable(s.Unit))
}

// target is the SLO's objective, or its bound in its unit.
func target(s *verdict.SLO) string {
	unit := Printable(s.Unit)
	if obj, ok := verdict.Float(s.Objective); ok {
		return "≥ " + percentText(obj, decimals(obj))
	}
	if f, ok := verdict.Float(s.Max); ok {
		return "≤ " + valueText(f, unit)
	}
	if f, ok := verdict.Float(s.Min); ok {
		return "≥ " + valueText(f, unit)
	}
	return "—"
}

// decimals is how many decimals a number is written with.
func decimals(f float64) int {
	t := strconv.FormatFloat(f, 'f', -1, 64)
	if i := strings.IndexByte(t, '.'); i >= 0 {
		return len(t) - i - 1
	}
	return 0
}

// percentText cuts a percentage to n decimals, toward zero.
func percentText(f float64, n int) string {
	s, ok := figures.Cut(f, n)
	if !ok {
		return "—"
	}
	return s + "%"
}

// secondsIn are the units of time a value may be written in.
var secondsIn = map[string]float64{"ms": 0.001, "s": 1, "sec": 1, "seconds": 1, "min": 60, "minutes": 60, "h": 3600, "hours": 3600}

// valueText writes a value in its unit: four significant digits, never in
// scientific notation; a duration of a minute or more as hours, minutes
// and seconds ("2 h 13 min").
func valueText(f float64, unit string) string {
	if k, ok := secondsIn[unit]; ok && math.Abs(f*k) >= 60 {
		return durationText(f * k)
	}
	out := plain(f)
	switch unit {
	case "":
	case "%":
		out += unit
	default:
		out += " " + unit
	}
	return out
}

// plain writes a number with four significant digits (all its integer
// digits), without an exponent.
func plain(f float64) string {
	if f == 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	digits := int(math.Floor(math.Log10(math.Abs(f)))) + 1
	n := max(4-digits, 0)
	t := strconv.FormatFloat(f, 'f', n, 64)
	if strings.Contains(t, ".") {
		t = strings.TrimRight(strings.TrimRight(t, "0"), ".")
	}
	return t
}

// durationText writes seconds as days, hours, minutes and seconds, the two
// largest that are not zero.
func durationText(secs float64) string {
	sign := ""
	if secs < 0 {
		sign, secs = "-", -secs
	}
	total := int64(math.Round(secs))
	parts := []struct {
		n    int64
		unit string
	}{{total / 86400, "d"}, {total % 86400 / 3600, "h"}, {total % 3600 / 60, "min"}, {total % 60, "s"}}
	var out []string
	for _, p := range parts {
		if p.n == 0 && len(out) == 0 {
			continue
		}
		if len(out) == 2 {
			break
		}
		if p.n != 0 {
			out = append(out, fmt.Sprintf("%d %s", p.n, p.unit))
		} else {
			out = append(out, "")
		}
	}
	return sign + strings.TrimSpace(strings.Join(out, " "))
}

// coverage is the share of the window the source held data for: 100%,
// 32.3%; a dash where coverage does not apply or was not measured.
func coverage(c *verdict.Coverage) string {
	if c == nil {
		return "—"
	}
	f := c.Percent.Float64()
	out := strconv.FormatFloat(math.Floor(f*10)/10, 'f', -1, 64) + "%"
	if r := c.Required.Float64(); f < r {
		out += " (<" + strconv.FormatFloat(r, 'f', -1, 64) + "%)"
	}
	return out
}

// budget is the share of the error budget left.
func budget(s *verdict.SLO) string {
	f, ok := verdict.Float(s.BudgetRemaining)
	if !ok {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", 100*f)
}
