package evaluator

import (
	"context"
	"math"
	"time"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/policies"
	"github.com/entente-dev/entente/verdict"
)

// A report shows, besides each SLO's verdict over the period, how the
// period went: the error budget spent as time went by (a line, from range
// queries in steps fit for the window) and the attainment of each day or
// week (bars, each measured exactly as the SLO would be over that bucket).

// timeline is what a report charts of one SLO, before the policy has said
// what its objective is.
type timeline struct {
	kind   string
	step   time.Duration
	points []point
	unit   string // of the buckets: hour, day, week or month
	bucket []bucket
	err    error
}

// point is the state at the end of a step: cumulative bad and total events
// (or slices) from the window's start, or, for a value SLO, the value over
// the step.
type point struct {
	end        time.Time
	bad, total float64
	value      *float64
	data       bool // something was measured up to here
}

// bucket is one bar: good and total events (or slices), or a value.
type bucket struct {
	Interval
	good, total *float64
	value       *float64
}

// stepFor chooses the chart's step for a window: a few hundred points.
func stepFor(d time.Duration) time.Duration {
	switch {
	case d <= 2*24*time.Hour:
		return 5 * time.Minute
	case d <= 35*24*time.Hour:
		return time.Hour
	case d <= 100*24*time.Hour:
		return 6 * time.Hour
	}
	return 24 * time.Hour
}

// bucketsFor cuts a window into the bars of a report, on the agreement's
// calendar: hours of a short window, days of a month, weeks of a quarter,
// months of a year. The first and last may be partial.
func bucketsFor(w Interval, loc *time.Location) (string, []Interval) {
	unit, cal := "day", agreements.Day
	switch d := w.Duration(); {
	case d <= 2*24*time.Hour:
		unit = "hour"
	case d <= 35*24*time.Hour:
	case d <= 100*24*time.Hour:
		unit, cal = "week", agreements.Week
	default:
		unit, cal = "month", agreements.Month
	}
	var out []Interval
	for start := w.Start; start.Before(w.End); {
		var end time.Time
		if unit == "hour" {
			end = start.Truncate(time.Hour).Add(time.Hour) // absolute hours: no hour is lost or doubled at a clock change
		} else {
			end = NextPeriod(cal, PeriodStart(cal, start, loc))
		}
		if end.After(w.End) {
			end = w.End
		}
		out = append(out, Interval{start, end})
		start = end
	}
	return unit, out
}

// timeline measures what a report charts of an SLO over its window.
func (r recorder) timeline(ctx context.Context, slo policies.PlanSLO, ind policies.PlanIndicator, w Window, excluded []Interval, loc *time.Location) *timeline {
	tl := &timeline{kind: slo.Kind, step: stepFor(w.Duration()), unit: "day"}
	var buckets []Interval
	tl.unit, buckets = bucketsFor(w.Interval, loc)
	switch slo.Kind {
	case string(agreements.ValueSLO):
		tl.err = r.valueTimeline(ctx, ind, w, buckets, tl)
	case string(agreements.TimesliceSLO):
		tl.err = r.sliceTimeline(ctx, ind, slo.Timeslices, w, excluded, buckets, tl)
	default:
		tl.err = r.ratioTimeline(ctx, ind, w, excluded, buckets, tl)
	}
	return tl
}

// ladder is the steps a chart tries, finest first: a step shorter than
// the metric's scrape interval has too few samples for increase() or
// rate() to answer, and the chart then takes the next.
var ladder = []time.Duration{5 * time.Minute, time.Hour, 6 * time.Hour, 24 * time.Hour}

// stepped runs the range queries of a chart at the finest step, from the
// window's own, where at least half the steps have an answer; failing
// that, the step with the most answers.
func (r recorder) stepped(ctx context.Context, w Window, tl *timeline, queries ...string) ([]map[int64]float64, error) {
	var best []map[int64]float64
	bestStep, bestCount := tl.step, -1
	for _, step := range ladder {
		if step < tl.step || (step > tl.step && step > w.Duration()/4) {
			continue
		}
		n := int64(w.Duration() / step)
		if n == 0 {
			continue
		}
		first, last := w.Start.Add(step), w.Start.Add(time.Duration(n)*step)
		out := make([]map[int64]float64, len(queries))
		for i, q := range queries {
			m, err := r.series(ctx, q, step, first, last, "")
			if err != nil {
				return nil, err
			}
			out[i] = m
		}
		if count := len(out[0]); count > bestCount {
			best, bestStep, bestCount = out, step, count
		}
		if int64(len(out[0]))*2 >= n {
			break
		}
	}
	tl.step = bestStep
	return best, nil
}

func (r recorder) ratioTimeline(ctx context.Context, ind policies.PlanIndicator, w Window, excluded []Interval, buckets []Interval, tl *timeline) error {
	q := ind.Good
	if ind.Bad != "" {
		q = ind.Bad
	}
	answers, err := r.stepped(ctx, w, tl, ind.Total, q)
	if err != nil {
		return err
	}
	var totals, others map[int64]float64
	if answers != nil {
		totals, others = answers[0], answers[1]
	}
	n := int64(w.Duration() / tl.step)
	var p point
	// A step adds its events when both counts are numbers; a step without
	// them is a gap in the line, drawn empty.
	// An excluded step keeps the line where it was.
	seen := false
	add := func(total, other float64) {
		bad := total - other
		if ind.Bad != "" {
			bad = other
		}
		p.bad += bad
		p.total += total
		p.data, seen = true, true
	}
	for i := int64(1); i <= n; i++ {
		p.end = w.Start.Add(time.Duration(i) * tl.step)
		step := Interval{p.end.Add(-tl.step), p.end}
		t, ok := totals[p.end.Unix()]
		o, ook := others[p.end.Unix()]
		switch {
		case overlaps(step, excluded):
			p.data = seen
		case ok && (ook || t == 0):
			add(t, o)
		default:
			p.data = false
		}
		tl.points = append(tl.points, p)
	}
	// The rest of the window, shorter than a step, once over its length.
	if rest := w.End.Sub(w.Start.Add(time.Duration(n) * tl.step)).Truncate(time.Second); rest >= time.Second {
		p.end = w.End
		p.data = seen
		if !overlaps(Interval{w.End.Add(-rest), w.End}, excluded) {
			p.data = false
			t, tr, err := r.instant(ctx, ind.Total, rest, w.End)
			if err != nil {
				return err
			}
			o, or, err := r.instant(ctx, q, rest, w.End)
			if err != nil {
				return err
			}
			if tr == present && (or == present || t == 0) {
				add(t, o)
			}
		}
		tl.points = append(tl.points, p)
	}
	for _, b := range buckets {
		v, err := r.ratio(ctx, ind, Included(b, excluded))
		if err != nil {
			return err
		}
		bk := bucket{Interval: b}
		if good, ok := v["good"].(float64); ok {
			total := v["total"].(float64)
			bk.good, bk.total = &good, &total
		}
		tl.bucket = append(tl.bucket, bk)
	}
	return nil
}

func (r recorder) valueTimeline(ctx context.Context, ind policies.PlanIndicator, w Window, buckets []Interval, tl *timeline) error {
	answers, err := r.stepped(ctx, w, tl, ind.Value)
	if err != nil {
		return err
	}
	if answers != nil {
		for i := int64(1); i <= int64(w.Duration()/tl.step); i++ {
			p := point{end: w.Start.Add(time.Duration(i) * tl.step)}
			if v, ok := answers[0][p.end.Unix()]; ok {
				p.value, p.data = &v, true
			}
			tl.points = append(tl.points, p)
		}
	}
	for _, b := range buckets {
		v, err := r.value(ctx, ind.Value, Window{Interval: b, Period: b})
		if err != nil {
			return err
		}
		bk := bucket{Interval: b}
		if x, ok := v["value"].(float64); ok {
			bk.value = &x
		}
		tl.bucket = append(tl.bucket, bk)
	}
	return nil
}

func (r recorder) sliceTimeline(ctx context.Context, ind policies.PlanIndicator, ts *policies.PlanTimeslices, w Window, excluded []Interval, buckets []Interval, tl *timeline) error {
	list, err := r.slices(ctx, ind, ts, w, excluded)
	if err != nil {
		return err
	}
	// The bars and the budget line count the slices as the SLO's figure
	// does: short runs of bad slices forgiven, each slice its share of good
	// events under measure = "mean".
	if ts.MinRun > 1 {
		forgiveShortRuns(list, int(ts.MinRun))
	}
	if time.Duration(ts.SliceSeconds)*time.Second > tl.step {
		tl.step = time.Duration(ts.SliceSeconds) * time.Second
	}
	counts := make([]struct{ good, total float64 }, len(buckets))
	// A step where no slice counted is a gap in the line, drawn empty; a
	// step wholly excluded keeps the line where it was.
	var p point
	seen, counted, excludedOnly := false, false, true
	next := w.Start.Add(tl.step)
	for i, s := range list {
		excludedOnly = excludedOnly && s.excluded
		if s.verdict != "" {
			counted, seen = true, true
			good := s.good(ts)
			p.total++
			p.bad += 1 - good
			// A slice is in the bucket where it starts.
			for j, b := range buckets {
				if !s.Start.Before(b.Start) && s.Start.Before(b.End) {
					counts[j].total++
					counts[j].good += good
					break
				}
			}
		}
		if !s.End.Before(next) || i == len(list)-1 {
			p.end = s.End
			p.data = counted || (excludedOnly && seen)
			tl.points = append(tl.points, p)
			counted, excludedOnly = false, true
			for !next.After(s.End) {
				next = next.Add(tl.step)
			}
		}
	}
	for j, b := range buckets {
		good, total := counts[j].good, counts[j].total
		tl.bucket = append(tl.bucket, bucket{Interval: b, good: &good, total: &total})
	}
	return nil
}

// document turns a timeline into the "report" object of an SLO, now that
// its verdict says the objective: the budget spent at each point is the
// bad events so far over those the whole window allows.
func (tl *timeline) document(loc *time.Location, plan policies.PlanSLO, ind policies.PlanIndicator, result *verdict.SLO) *verdict.SLOReport {
	doc := &verdict.SLOReport{
		Description: verdict.Nullable(plan.Description),
		Unit:        verdict.Nullable(ind.Unit),
		Kind:        plan.Kind,
		StepSeconds: int64(tl.step / time.Second),
		Budget:      []verdict.BudgetPoint{},
		Values:      []verdict.ValuePoint{},
		Bucket:      tl.unit,
		Buckets:     []verdict.Bucket{},
	}
	if tl.err != nil {
		doc.Error = verdict.Nullable(tl.err.Error())
		return doc
	}
	objective, hasObjective := verdict.Float(result.Objective)
	min, hasMin := verdict.Float(result.Min)
	max, hasMax := verdict.Float(result.Max)
	stamp := func(t time.Time) time.Time { return t.In(loc).Truncate(time.Second) }

	if plan.Kind == string(agreements.ValueSLO) {
		for _, p := range tl.points {
			doc.Values = append(doc.Values, verdict.ValuePoint{End: stamp(p.end), Value: p.value})
		}
	} else {
		// The budget is that of the whole window: the events (or slices)
		// it counted, times the share the objective lets fail.
		total, _ := verdict.Float(result.Total)
		allowed := total * (100 - objective) / 100
		spent := func(bad float64) float64 { return round9(bad / allowed) }
		// Events counted at the chart's steps add up to a little more or
		// less than the verdict's (increase() extrapolates at each step's
		// edges): the steps give the line its shape, and it ends at the
		// verdict's figure.
		if final, ok := verdict.Float(result.BudgetConsumed); ok && plan.Kind == string(agreements.RatioSLO) && len(tl.points) > 0 {
			if last := tl.points[len(tl.points)-1].bad; last > 0 {
				spent = func(bad float64) float64 { return round9(final * bad / last) }
			}
		}
		for _, p := range tl.points {
			point := verdict.BudgetPoint{End: stamp(p.end)}
			if p.data && hasObjective && allowed > 0 {
				consumed := spent(p.bad)
				point.Consumed = &consumed
			}
			doc.Budget = append(doc.Budget, point)
		}
	}

	for _, b := range tl.bucket {
		item := verdict.Bucket{Start: stamp(b.Start), End: stamp(b.End), Good: b.good, Total: b.total, Value: b.value}
		switch {
		case b.value != nil:
			met := !(hasMin && *b.value < min) && !(hasMax && *b.value > max)
			item.Met = &met
		case b.total != nil && *b.total > 0:
			attainment := 100 * *b.good / *b.total
			item.Attainment = &attainment
			if hasObjective {
				met := attainment >= objective
				item.Met = &met
			}
		}
		doc.Buckets = append(doc.Buckets, item)
	}
	return doc
}

// round9 keeps nine decimals, as the policies round budgets.
func round9(f float64) float64 { return math.Round(f*1e9) / 1e9 }

// span is the period of a report in one agreement's time zone.
type span struct {
	Interval
	kind agreements.Calendar
}

// reportOf is the "report" object of an agreement: what a report shows
// besides the verdict — who, what, since when, and the time each
// exclusion removed in the period.
func reportOf(p policies.Plan, period Interval, loc *time.Location, exclusions []Exclusion) *verdict.AgreementReport {
	stamp := func(t time.Time) time.Time { return t.In(loc).Truncate(time.Second) }
	r := &verdict.AgreementReport{
		Period:     verdict.Span{Start: stamp(period.Start), End: stamp(period.End), TimeZone: p.TimeZone},
		Exclusions: []verdict.Exclusion{},
	}
	for i, e := range exclusions {
		e.SLOs = []string{""} // every occurrence in the period, whatever it applies to
		intervals := Applied([]Exclusion{e}, "", period, loc)
		list := []verdict.Interval{}
		for _, in := range intervals {
			list = append(list, verdict.Interval{Start: stamp(in.Start), End: stamp(in.End)})
		}
		pe := p.Exclusions[i]
		r.Exclusions = append(r.Exclusions, verdict.Exclusion{
			Name:        pe.Name,
			Description: verdict.Nullable(pe.Description),
			SLOs:        pe.SLOs,
			Intervals:   list,
			Seconds:     Seconds(intervals),
		})
	}
	if p.Expires != nil {
		if t, err := time.Parse(time.RFC3339, *p.Expires); err == nil {
			expires := stamp(t)
			r.Expires = &expires
		}
	}
	if t, err := time.Parse(time.RFC3339, p.Effective); err == nil {
		r.Effective = stamp(t)
	}
	if p.Parties != nil {
		r.Parties = []verdict.Party{}
		for _, party := range p.Parties {
			r.Parties = append(r.Parties, verdict.Party{Name: party.Name, LegalName: party.LegalName, Contact: party.Contact})
		}
	}
	if p.Services != nil {
		r.Services = []verdict.Service{}
		for _, s := range p.Services {
			r.Services = append(r.Services, verdict.Service{Name: s.Name, Description: s.Description, Includes: s.Includes, Excludes: s.Excludes})
		}
	}
	if p.Reporting != nil {
		r.Reporting = &verdict.Reporting{Frequency: p.Reporting.Frequency, Formats: p.Reporting.Formats, Recipients: p.Reporting.Recipients}
	}
	if p.Fee != nil {
		r.Fee = &verdict.Fee{Monthly: p.Fee.Monthly, Currency: p.Fee.Currency, CreditCapPercent: p.Fee.CreditCapPercent}
	}
	return r
}
