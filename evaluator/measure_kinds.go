package evaluator

import (
	"context"
	"sync"
	"time"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/policies"
)

// recorder measures one block, through the memo, and records its queries.
type recorder struct {
	memo  *memo
	audit *audit
	key   string
}

func (r recorder) instant(ctx context.Context, tmpl string, window time.Duration, at time.Time) (float64, bool, error) {
	q := agreements.Query(tmpl).Expand(window)
	r.audit.add(r.key, QueryRecord{Query: q, Time: at.UTC().Format(time.RFC3339)})
	v, err := r.memo.query(ctx, q, at)
	if err != nil {
		return 0, false, err
	}
	return sample(q, v)
}

// maxPoints is how many points one range query may return: Prometheus's
// HTTP API refuses more than 11,000.
const maxPoints = 10_000

// series evaluates a query at each step from start to end, in as many range
// queries as Prometheus's limit on points needs.
func (r recorder) series(ctx context.Context, tmpl string, step time.Duration, start, end time.Time) (map[int64]float64, error) {
	q := agreements.Query(tmpl).Expand(step)
	out := map[int64]float64{}
	for from := start; !from.After(end); from = from.Add(maxPoints * step) {
		to := from.Add((maxPoints - 1) * step)
		if to.After(end) {
			to = end
		}
		r.audit.add(r.key, QueryRecord{Query: q, Start: from.UTC().Format(time.RFC3339), End: to.UTC().Format(time.RFC3339), StepSeconds: int64(step / time.Second)})
		v, err := r.memo.queryRange(ctx, q, from, to, step)
		if err != nil {
			return nil, err
		}
		part, err := series(q, v)
		if err != nil {
			return nil, err
		}
		for t, x := range part {
			out[t] = x
		}
	}
	return out, nil
}

// ratio counts good and total events over the included intervals: each
// interval [a, b] is measured at b over its own length, and the counts are
// summed. No series, or NaN, is no events for that interval. The queries
// are recorded in order, then sent at once (the source bounds how many are
// in flight): an SLO cut by exclusions into many intervals would otherwise
// wait for each answer in turn.
func (r recorder) ratio(ctx context.Context, ind policies.PlanIndicator, included []Interval) (map[string]any, error) {
	other := ind.Good
	if ind.Bad != "" {
		other = ind.Bad
	}
	type ask struct {
		query string
		at    time.Time
		value float64
		err   error
	}
	var asks []*ask
	for _, in := range included {
		length := in.Duration().Truncate(time.Second)
		if length < time.Second {
			continue
		}
		for _, tmpl := range []string{ind.Total, other} {
			q := agreements.Query(tmpl).Expand(length)
			r.audit.add(r.key, QueryRecord{Query: q, Time: in.End.UTC().Format(time.RFC3339)})
			asks = append(asks, &ask{query: q, at: in.End})
		}
	}
	var wg sync.WaitGroup
	for _, a := range asks {
		wg.Go(func() {
			v, err := r.memo.query(ctx, a.query, a.at)
			if err == nil {
				a.value, _, err = sample(a.query, v)
			}
			a.err = err
		})
	}
	wg.Wait()
	var total, counted float64
	for i, a := range asks {
		if a.err != nil {
			return nil, a.err
		}
		if i%2 == 0 {
			total += a.value
		} else {
			counted += a.value
		}
	}
	if ind.Bad != "" {
		return map[string]any{"good": total - counted, "total": total}, nil
	}
	return map[string]any{"good": counted, "total": total}, nil
}

// value measures a value indicator once, at the window's end, over the
// whole window.
func (r recorder) value(ctx context.Context, tmpl string, w Window) (map[string]any, error) {
	length := w.Duration().Truncate(time.Second)
	if length < time.Second {
		return map[string]any{"value": nil}, nil
	}
	v, ok, err := r.instant(ctx, tmpl, length, w.End)
	if err != nil {
		return nil, err
	}
	if !ok {
		return map[string]any{"value": nil}, nil
	}
	return map[string]any{"value": v}, nil
}

// timeslices cuts the window into whole slices from its start, leaves out
// those that overlap an exclusion, and counts the good ones: a slice is
// evaluated at its end over its own length, with one range query.
func (r recorder) timeslices(ctx context.Context, ind policies.PlanIndicator, ts *policies.PlanTimeslices, w Window, excluded []Interval) (map[string]any, error) {
	list, err := r.slices(ctx, ind, ts, w, excluded)
	if err != nil {
		return nil, err
	}
	good, total, measured := 0, 0, 0
	for _, s := range list {
		if s.measured {
			measured++
		}
		if s.verdict == "" {
			continue
		}
		total++
		if s.verdict == "good" {
			good++
		}
	}
	// Slices counted as good or bad because they are missing must not make
	// an SLO whose every slice is missing (a misspelt metric) look measured.
	if measured == 0 {
		return map[string]any{"good": 0, "total": 0}, nil
	}
	return map[string]any{"good": good, "total": total}, nil
}

// slice is one timeslice of a window and what it counts as: "good", "bad",
// or "" when it is excluded or missing and skipped.
type slice struct {
	Interval
	verdict  string
	measured bool // the source answered for it
}

// slices judges each slice of the window.
func (r recorder) slices(ctx context.Context, ind policies.PlanIndicator, ts *policies.PlanTimeslices, w Window, excluded []Interval) ([]slice, error) {
	if ts == nil || ts.SliceSeconds <= 0 {
		return nil, measureErr("the plan has no slice length")
	}
	length := time.Duration(ts.SliceSeconds) * time.Second
	n := int64(w.Duration() / length)
	if n == 0 {
		return nil, nil
	}
	first, last := w.Start.Add(length), w.Start.Add(time.Duration(n)*length)

	var values, goods, totals map[int64]float64
	var err error
	// The answer must be on the slice grid: a query frontend that moves
	// the steps would otherwise leave every slice missing.
	onGrid := func(points map[int64]float64) error {
		for t := range points {
			if t < first.Unix() || t > last.Unix() || (t-first.Unix())%ts.SliceSeconds != 0 {
				return measureErr("the source answered at %s, off the slices (every %s from %s): it moved the range query's steps", time.Unix(t, 0).UTC().Format(time.RFC3339), length, first.UTC().Format(time.RFC3339))
			}
		}
		return nil
	}
	if ind.Kind == string(agreements.ValueIndicator) {
		if values, err = r.series(ctx, ind.Value, length, first, last); err != nil {
			return nil, err
		}
		if err := onGrid(values); err != nil {
			return nil, err
		}
	} else {
		if totals, err = r.series(ctx, ind.Total, length, first, last); err != nil {
			return nil, err
		}
		q := ind.Good
		if ind.Bad != "" {
			q = ind.Bad
		}
		if goods, err = r.series(ctx, q, length, first, last); err != nil {
			return nil, err
		}
		if err := onGrid(totals); err != nil {
			return nil, err
		}
		if err := onGrid(goods); err != nil {
			return nil, err
		}
	}

	out := make([]slice, 0, n)
	for i := int64(0); i < n; i++ {
		s := slice{Interval: Interval{w.Start.Add(time.Duration(i) * length), w.Start.Add(time.Duration(i+1) * length)}}
		if overlaps(s.Interval, excluded) {
			out = append(out, s)
			continue
		}
		end := s.End.Unix()
		verdict := "missing"
		if values != nil {
			if v, ok := values[end]; ok {
				verdict = judge(v, ts)
			}
		} else if t, ok := totals[end]; ok && t > 0 {
			g := goods[end] // no series for good events is none
			if ind.Bad != "" {
				g = t - g
			}
			if ts.Objective != nil && 100*g/t >= *ts.Objective {
				verdict = "good"
			} else {
				verdict = "bad"
			}
		}
		s.measured = verdict != "missing"
		if verdict == "missing" {
			switch ts.Missing {
			case string(agreements.MissingGood):
				verdict = "good"
			case string(agreements.MissingBad):
				verdict = "bad"
			default:
				verdict = ""
			}
		}
		s.verdict = verdict
		out = append(out, s)
	}
	return out, nil
}

func judge(v float64, ts *policies.PlanTimeslices) string {
	if (ts.Max != nil && v > *ts.Max) || (ts.Min != nil && v < *ts.Min) {
		return "bad"
	}
	return "good"
}

func overlaps(s Interval, list []Interval) bool {
	for _, x := range list {
		if x.Start.Before(s.End) && s.Start.Before(x.End) {
			return true
		}
	}
	return false
}
