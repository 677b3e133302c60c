package report

// The words of a report: why an agreement has its status, and its period
// in a few sentences.

import (
	"fmt"
	"strings"
	"time"
)

func inactiveSentence(a *Agreement, loc *time.Location) string {
	switch {
	case a.Inactive == "not_yet_effective" && a.Report != nil:
		return "Not yet effective: the agreement is in force from " + moment(a.Report.Effective, loc) + ". Nothing was measured."
	case a.Inactive == "expired" && a.Report != nil && a.Report.Expires != nil:
		return "Expired on " + moment(*a.Report.Expires, loc) + ". Nothing was measured."
	}
	return "Inactive (" + words(string(a.Inactive)) + "). Nothing was measured."
}

// reasons says why the agreement has its status, following the rule that
// decides it (SPEC §2): the first of inactive, breached, inconclusive,
// at_risk, compliant that holds, and what makes it hold.
func reasons(a *Agreement, parties map[string]string) []string {
	var out []string
	slos := func(status, verb string) {
		for _, s := range a.SLOs {
			if s.Status == status {
				out = append(out, "SLO "+s.Name+" "+verb)
			}
		}
	}
	duties := func(status, verb string) {
		for _, r := range a.Responsibilities {
			if r.Status == status {
				out = append(out, "responsibility "+r.Name+" of "+partyOr(parties, r.Party)+" "+verb)
			}
		}
	}
	switch a.Status {
	case "breached":
		slos("fail", "failed its objective")
		duties("breached", "was breached")
	case "inconclusive":
		slos("no_data", "has no data")
		slos("error", "could not be measured")
		duties("unknown", "is unknown")
	case "at_risk":
		slos("warn", "is past its warning threshold")
		if a.Review != nil && a.Review.Status == "overdue" {
			out = append(out, "the review is overdue")
		}
	case "compliant":
		out = append(out, "every SLO met its objective and no responsibility was breached")
	}
	return out
}

func sloCount(slos []SLO) string {
	if len(slos) == 0 {
		return "none measured"
	}
	pass := 0
	for _, s := range slos {
		if s.Status == "pass" {
			pass++
		}
	}
	return fmt.Sprintf("%d of %d pass", pass, len(slos))
}

// summary is the agreement's period in a few sentences: what a reader at
// the review wants before the tables.
func summary(a *Agreement, v *agreementView, closed bool) []string {
	if a.Inactive != "" {
		return []string{v.Inactive}
	}
	var out []string
	if len(a.SLOs) > 0 {
		out = append(out, "SLOs: "+countBy(a.SLOs, func(s SLO) string { return s.Status }, "pass", "warn", "fail", "no_data", "error")+".")
	}
	for _, s := range a.SLOs {
		if s.BudgetConsumed != nil && s.BudgetConsumed.Float64() > 1 {
			out = append(out, "The error budget of "+s.Name+" is overspent: "+share(s.BudgetConsumed.Float64())+" of it was spent.")
		}
	}
	if len(a.Responsibilities) > 0 {
		out = append(out, "Responsibilities: "+countBy(a.Responsibilities, func(r Responsibility) string { return r.Status }, "met", "pending", "breached", "unknown")+".")
	}
	out = append(out, creditSentence(a, v, closed))
	if s := exclusionSentence(a); s != "" {
		out = append(out, s)
	}
	if v.Review != nil {
		out = append(out, "Review "+v.Review.Status.Word+": due "+v.Review.Due+", owned by "+v.Review.Owner+".")
	}
	return out
}

// countBy counts items by status, in the order given: "2 pass, 1 fail".
func countBy[T any](items []T, status func(T) string, order ...string) string {
	var parts []string
	for _, st := range order {
		n := 0
		for _, it := range items {
			if status(it) == st {
				n++
			}
		}
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, statusBadge(st).Label()))
		}
	}
	return strings.Join(parts, ", ")
}

func exclusionSentence(a *Agreement) string {
	if a.Report == nil {
		return ""
	}
	var seconds int64
	n := 0
	for _, e := range a.Report.Exclusions {
		seconds += e.Seconds
		n += len(e.Intervals)
	}
	if n == 0 {
		return "No exclusion applied in the period."
	}
	return "Exclusions removed " + duration(seconds) + " from the period (" + plural(n, "occurrence") + ")."
}
