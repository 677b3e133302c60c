package report

import (
	"io"
	"math"
	"time"
)

// DashboardOptions are what the server knows beside the verdict.
type DashboardOptions struct {
	// RefreshSeconds, above 0, makes the page reload itself that often.
	RefreshSeconds int
	// Links are the links of each agreement (by name) to its reports.
	Links map[string][]Link
	// Now is the time the page is served, to say how old the evaluation
	// is; the zero time says nothing of it.
	Now time.Time
	// Stale, when set, says why the verdicts shown are not the latest:
	// the evaluations since have failed.
	Stale string
}

// Link is a link to a report: "October 2026 (HTML)" and its URL, relative
// to the server.
type Link struct {
	Label string
	Href  string
}

type dashboardView struct {
	Refresh   int
	Waiting   bool
	Evaluated string
	Age       string
	Stale     string
	Revision  string
	Status    badge
	Counts    string
	Cards     []card
}

// card is an agreement at a glance.
type card struct {
	ID, Name, Title, Version string
	Status                   badge
	Reasons                  []string
	Inactive                 string
	SLOs                     []gaugeRow
	Duties                   string
	Credits                  string
	Review                   *reviewView
	Links                    []Link
}

// gaugeRow is an SLO and a bar: the error budget left, or for a value SLO
// the value measured against its bound.
type gaugeRow struct {
	Name      string
	Status    badge
	Measured  string
	Objective string
	Gauge     gauge
	Text      string
	// Coverage is the share of the window the source holds data for.
	Coverage string
}

// gauge is a small bar. Fill runs from the left to End; Marks are bound
// lines; Over hatches the whole track: the budget is overspent.
type gauge struct {
	ID    string
	Width px
	End   px
	Tone  string
	Marks []gaugeMark
	Over  bool
	Empty bool
}

// gaugeMark is a bound on a gauge: Kind is limit or warning.
type gaugeMark struct {
	X    px
	Kind string
}

const gaugeWidth = 120

// Dashboard writes the page entente serve shows at "/": every agreement of
// the last verdict at a glance, with links to its reports. A nil doc is
// the page before the first evaluation. The page needs nothing else: no
// script, no style or font fetched; it reloads itself with a meta refresh.
func Dashboard(w io.Writer, doc *Document, opts DashboardOptions) error {
	v := dashboardView{Refresh: max(opts.RefreshSeconds, 0), Waiting: doc == nil, Stale: opts.Stale}
	if doc != nil {
		v.Evaluated = clock(doc.EvaluatedAt, time.UTC)
		v.Revision = doc.Revision
		v.Status = statusBadge(doc.Status)
		if !opts.Now.IsZero() {
			v.Age = age(opts.Now.Sub(doc.EvaluatedAt))
		}
		v.Counts = plural(len(doc.Agreements), "agreement")
		if len(doc.Agreements) > 0 {
			v.Counts += ": " + countBy(doc.Agreements, func(a Agreement) string { return a.Status }, "breached", "inconclusive", "at_risk", "compliant", "inactive")
		}
		for i := range doc.Agreements {
			v.Cards = append(v.Cards, buildCard(&doc.Agreements[i], opts.Links))
		}
	}
	return execute(w, "dashboard", v)
}

// age says how long ago something was: "just now", "5 min ago".
func age(d time.Duration) string {
	if d < time.Minute {
		return "just now"
	}
	return duration(int64(d.Seconds())) + " ago"
}

func buildCard(a *Agreement, links map[string][]Link) card {
	loc := a.Location()
	parties := partyNames(a)
	c := card{
		ID: "agreement-" + a.Name, Name: a.Name, Title: a.Title, Version: a.Version,
		Status:  statusBadge(a.Status),
		Reasons: reasons(a, parties),
		Links:   links[a.Name],
	}
	if a.Inactive != "" {
		c.Inactive = inactiveSentence(a, loc)
	}
	for i := range a.SLOs {
		c.SLOs = append(c.SLOs, gaugeFor(c.ID, &a.SLOs[i]))
	}
	if len(a.Responsibilities) > 0 {
		c.Duties = countBy(a.Responsibilities, func(r Responsibility) string { return r.Status }, "met", "pending", "breached", "unknown")
	}
	c.Credits = creditLine(a)
	if a.Review != nil {
		c.Review = reviewOf(a.Review, parties, loc)
	}
	return c
}

// creditLine sums up the credits of an agreement in a phrase.
func creditLine(a *Agreement) string {
	t := a.CreditTotal
	switch {
	case t == nil:
		return "none in the agreement"
	case t.Amount == nil:
		return "unknown: an SLO has no data"
	case t.Amount.Float64() == 0:
		return "none owed"
	}
	s := money(t.Amount.Float(), t.Currency) + " owed (" + percent(t.Percent.Float()) + " of the fee"
	if t.Capped != nil && *t.Capped {
		s += ", capped"
	}
	s += ")"
	for _, c := range a.Credits {
		if !c.Final {
			return s + ", not final"
		}
	}
	return s
}

func gaugeFor(id string, s *SLO) gaugeRow {
	row := gaugeRow{Name: s.Name, Status: statusBadge(s.Status), Measured: measured(s), Objective: objective(s), Coverage: coverage(s.Coverage)}
	g := gauge{ID: id + "-" + s.Name, Width: gaugeWidth, Tone: row.Status.Tone, Empty: true}
	if kindOf(s) == KindValue {
		g, row.Text = valueGauge(g, s)
	} else {
		g, row.Text = budgetGauge(g, s.BudgetRemaining.Float())
	}
	row.Gauge = g
	return row
}

// budgetGauge fills the bar with the budget left; an overspent budget
// hatches the empty bar.
func budgetGauge(g gauge, remaining *float64) (gauge, string) {
	if remaining == nil {
		return g, "budget unknown"
	}
	g.Empty = false
	if *remaining < 0 {
		g.Over = true
		return g, "overspent: " + share(1-*remaining) + " of the budget spent"
	}
	g.End = px(math.Min(*remaining, 1) * gaugeWidth)
	return g, share(*remaining) + " of the budget left"
}

// valueGauge places the value measured on the same axis the report's
// charts would use, with the bound and warning marked.
func valueGauge(g gauge, s *SLO) (gauge, string) {
	b := sloBounds(s)
	var values []float64
	if s.Measured != nil {
		values = append(values, s.Measured.Float64())
	}
	a := valueAxis(values, b)
	x := scale{d0: a.lo, d1: a.hi, r0: 0, r1: gaugeWidth}
	for _, m := range []struct {
		v    *float64
		kind string
	}{{b.limit, "limit"}, {b.warning, "warning"}} {
		if m.v != nil {
			g.Marks = append(g.Marks, gaugeMark{X: px(x.at(*m.v)), Kind: m.kind})
		}
	}
	text := b.name() + " " + withUnit(b.limit, b.unit)
	if s.Measured == nil {
		return g, "no value; " + text
	}
	end, _ := x.clamped(s.Measured.Float64())
	g.End, g.Empty = px(end), false
	return g, withUnit(s.Measured.Float(), b.unit) + " against the " + text
}
