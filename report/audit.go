package report

// The audit appendix: the queries sent, exactly, and where each block is
// written.

import (
	"time"
)

// auditEntries list each SLO and responsibility with where it is written
// and the queries sent to measure it.
func auditEntries(a *Agreement) []auditEntry {
	var out []auditEntry
	for _, s := range a.SLOs {
		out = append(out, auditEntry{Kind: "SLO", Name: s.Name, Source: sourceText(s.Source), Queries: queryViews(s.Queries), Note: noQuery(s.Queries, "no query was sent")})
	}
	for _, r := range a.Responsibilities {
		note := "no query was sent"
		if r.Measured == nil && len(r.Queries) == 0 {
			note = "a fact supplied at evaluation time; no query"
		}
		out = append(out, auditEntry{Kind: "Responsibility", Name: r.Name, Source: sourceText(r.Source), Queries: queryViews(r.Queries), Note: noQuery(r.Queries, note)})
	}
	return out
}

func noQuery(qs []Query, note string) string {
	if len(qs) > 0 {
		return ""
	}
	return note
}

// queryViews keeps the queries exactly as sent, with their times in RFC
// 3339 as sent, so that an auditor can run them again.
func queryViews(qs []Query) []queryView {
	var out []queryView
	for _, q := range qs {
		when := unknown
		switch {
		case q.Time != nil:
			when = "instant at " + q.Time.Format(time.RFC3339)
		case q.Start != nil && q.End != nil:
			when = "range " + q.Start.Format(time.RFC3339) + " to " + q.End.Format(time.RFC3339) + ", step " + duration(q.StepSeconds)
		}
		if q.Purpose == "coverage" {
			when = "coverage: " + when
		}
		for _, w := range q.Warnings {
			when += "; accepted warning: " + w
		}
		out = append(out, queryView{Expr: q.Query, When: when})
	}
	return out
}
