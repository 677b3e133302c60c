package evaluator

import (
	"context"
	"fmt"
	"math"
	"strconv"
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

func (r recorder) instant(ctx context.Context, tmpl string, window time.Duration, at time.Time) (float64, reading, error) {
	q, err := r.memo.expand(ctx, tmpl, window)
	if err != nil {
		return 0, absent, err
	}
	rec := r.audit.add(r.key, QueryRecord{Query: q, Time: stamp(at)})
	v, warnings, err := r.memo.query(ctx, q, at)
	r.audit.warned(rec, warnings)
	if err != nil {
		return 0, absent, err
	}
	return sample(q, v)
}

// maxPoints is how many points one range query may return: Prometheus's
// HTTP API refuses more than 11,000.
const maxPoints = 10_000

// series evaluates a query at each step from start to end, in as many range
// queries as Prometheus's limit on points needs. NaN is kept: the source
// holds data there. An answer off the steps asked for is an error: a query
// frontend that moved them would have every step measured over the wrong
// span.
func (r recorder) series(ctx context.Context, tmpl string, step time.Duration, start, end time.Time, purpose string) (map[int64]float64, error) {
	q, err := r.memo.expand(ctx, tmpl, step)
	if err != nil {
		return nil, err
	}
	out := map[int64]float64{}
	for from := start; !from.After(end); {
		// Counted in points: a long step times ten thousand would overflow
		// a time.Duration.
		to := end
		if int64(end.Sub(from)/step) >= maxPoints {
			to = from.Add((maxPoints - 1) * step)
		}
		rec := r.audit.add(r.key, QueryRecord{Query: q, Start: stamp(from), End: stamp(to), StepSeconds: int64(step / time.Second), Purpose: purpose})
		v, warnings, err := r.memo.queryRange(ctx, q, from, to, step)
		r.audit.warned(rec, warnings)
		if err != nil {
			return nil, err
		}
		part, err := series(q, v)
		if err != nil {
			return nil, err
		}
		s := int64(step / time.Second)
		for t, x := range part {
			if t < from.Unix() || t > to.Unix() || (t-from.Unix())%s != 0 {
				return nil, measureErr("the source answered at %s, off the steps asked for (every %s from %s): it moved the range query's steps", time.Unix(t, 0).UTC().Format(time.RFC3339), step, stamp(from))
			}
			out[t] = x
		}
		from = to.Add(step)
	}
	return out, nil
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// figure writes a number for a message: whole numbers whole, others with
// at most four decimals.
func figure(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatFloat(f, 'f', 0, 64)
	}
	return strconv.FormatFloat(math.Round(f*1e4)/1e4, 'f', -1, 64)
}

// ratio counts good and total events over the included intervals: each
// interval [a, b] is measured at b over its own length, and the counts are
// summed. An interval with no series at all adds nothing (coverage tells
// how much of the window that leaves out). The queries are recorded in
// order, then sent at once (the source bounds how many are in flight): an
// SLO cut by exclusions into many intervals would otherwise wait for each
// answer in turn.
//
// Counts that make no sense never pass: NaN, or one query answering where
// the other does not, is no data with the reason; good events above the
// total, or negative counts, are an error.
func (r recorder) ratio(ctx context.Context, ind policies.PlanIndicator, included []Interval) (map[string]any, error) {
	other, otherName := ind.Good, "good"
	if ind.Bad != "" {
		other, otherName = ind.Bad, "bad"
	}
	type ask struct {
		query string
		at    time.Time
		rec   *QueryRecord
		value float64
		read  reading
		err   error
	}
	var asks []*ask
	for _, in := range included {
		length := in.Duration().Truncate(time.Second)
		if length < time.Second {
			continue
		}
		for _, tmpl := range []string{ind.Total, other} {
			q, err := r.memo.expand(ctx, tmpl, length)
			if err != nil {
				return nil, err
			}
			asks = append(asks, &ask{query: q, at: in.End, rec: r.audit.add(r.key, QueryRecord{Query: q, Time: stamp(in.End)})})
		}
	}
	var wg sync.WaitGroup
	for _, a := range asks {
		wg.Go(func() {
			v, warnings, err := r.memo.query(ctx, a.query, a.at)
			r.audit.warned(a.rec, warnings)
			if err == nil {
				a.value, a.read, err = sample(a.query, v)
			}
			a.err = err
		})
	}
	wg.Wait()
	var total, counted float64
	for i := 0; i < len(asks); i += 2 {
		t, o := asks[i], asks[i+1]
		for _, a := range []*ask{t, o} {
			if a.err != nil {
				return nil, a.err
			}
		}
		at := stamp(t.at)
		switch {
		case t.read == absent && (o.read == absent || o.value == 0):
			// Nothing held for this interval ("or vector(0)" answers 0
			// where there is no series): coverage tells how much is held.
			continue
		case t.read == absent:
			return noCounts("the total query returns no number (no series, or NaN) at %s, where the %s query returns %s", at, otherName, figure(o.value)), nil
		case o.read == absent && t.value != 0:
			return noCounts("the %s query returns no number (no series, or NaN) at %s, where the total query counts %s events: if there were no %s events, end the query with \"or vector(0)\"", otherName, at, figure(t.value), otherName), nil
		case t.value < 0 || o.value < 0:
			return nil, measureErr("impossible counts at %s: %s total and %s %s events; a count of events is never negative", at, figure(t.value), figure(o.value), otherName)
		case o.value > t.value*(1+1e-9)+1e-9:
			return nil, measureErr("impossible counts at %s: %s %s events out of %s in all; the %s query must count a part of what the total query counts", at, figure(o.value), otherName, figure(t.value), otherName)
		}
		total += t.value
		counted += o.value
	}
	if ind.Bad != "" {
		return map[string]any{"good": max(total-counted, 0), "total": total}, nil
	}
	return map[string]any{"good": counted, "total": total}, nil
}

// noCounts is a ratio measurement without data, and why.
func noCounts(format string, args ...any) map[string]any {
	return map[string]any{"good": nil, "total": nil, "reason": fmt.Sprintf(format, args...)}
}

// value measures a value indicator once, at the window's end, over the
// whole window.
func (r recorder) value(ctx context.Context, tmpl string, w Window) (map[string]any, error) {
	length := w.Duration().Truncate(time.Second)
	if length < time.Second {
		return map[string]any{"value": nil}, nil
	}
	v, read, err := r.instant(ctx, tmpl, length, w.End)
	switch {
	case err != nil:
		return nil, err
	case read == absent:
		return map[string]any{"value": nil}, nil
	}
	return map[string]any{"value": v}, nil
}

// timeslices cuts the window into whole slices on its grid (Window.Slices),
// leaves out those that overlap an exclusion, and counts the good ones: a
// slice is evaluated at its end over its own length, with one range query.
func (r recorder) timeslices(ctx context.Context, ind policies.PlanIndicator, ts *policies.PlanTimeslices, w Window, excluded []Interval) (map[string]any, []slice, error) {
	list, err := r.slices(ctx, ind, ts, w, excluded)
	if err != nil {
		return nil, nil, err
	}
	if ts.MinRun > 1 {
		forgiveShortRuns(list, int(ts.MinRun))
	}
	good, total, measured := 0.0, 0, 0
	for _, s := range list {
		if s.measured {
			measured++
		}
		if s.verdict == "" {
			continue
		}
		total++
		good += s.good(ts)
	}
	// Slices counted as good or bad because they are missing must not make
	// an SLO whose every slice is missing (a misspelt metric) look measured.
	if measured == 0 {
		return map[string]any{"good": 0, "total": 0}, list, nil
	}
	if ts.Measure != string(agreements.MeanOfSlices) {
		return map[string]any{"good": int(good), "total": total}, list, nil
	}
	// The mean of the slices' shares of good events is good ÷ total: good
	// is their sum.
	return map[string]any{"good": good, "total": total}, list, nil
}

// forgiveShortRuns counts as good the bad slices of runs shorter than
// minRun. A run is cut by the start and end of the window, by an excluded
// slice and by a skipped one.
func forgiveShortRuns(list []slice, minRun int) {
	start := -1
	end := func(i int) {
		if start >= 0 && i-start < minRun {
			for j := start; j < i; j++ {
				list[j].verdict, list[j].share, list[j].forgiven = "good", 1, true
			}
		}
		start = -1
	}
	for i, s := range list {
		if s.verdict == "bad" {
			if start < 0 {
				start = i
			}
			continue
		}
		end(i)
	}
	end(len(list))
}

// slice is one timeslice of a window and what it counts as: "good", "bad",
// or "" when it is excluded or missing and skipped.
type slice struct {
	Interval
	verdict string
	// share is the slice's share of good events for measure = "mean"
	// (1 for a good slice, 0 for a bad one when it has no events to count).
	share float64
	// forgiven is a bad slice of a run shorter than min_run.
	forgiven bool
	excluded bool
	measured bool // the source answered for it with a judgement
	covered  bool // the source holds data for it
}

// good is how much of a counted slice is good: its share of good events
// under measure = "mean", otherwise all of it or none.
func (s slice) good(ts *policies.PlanTimeslices) float64 {
	switch {
	case ts.Measure == string(agreements.MeanOfSlices):
		return s.share
	case s.verdict == "good":
		return 1
	}
	return 0
}

// slices judges each slice of the window. A slice whose value (or either
// count, unless there were no events) is missing or NaN is missing; counts
// that make no sense are an error.
func (r recorder) slices(ctx context.Context, ind policies.PlanIndicator, ts *policies.PlanTimeslices, w Window, excluded []Interval) ([]slice, error) {
	if ts == nil || ts.SliceSeconds <= 0 {
		return nil, measureErr("the plan has no slice length")
	}
	length := time.Duration(ts.SliceSeconds) * time.Second
	grid := w.Slices(length)
	if len(grid) == 0 {
		return nil, nil
	}
	first, last := grid[0].End, grid[len(grid)-1].End
	var values, goods, totals map[int64]float64
	var err error
	otherName := "good"
	if ind.Kind == string(agreements.ValueIndicator) {
		if values, err = r.series(ctx, ind.Value, length, first, last, ""); err != nil {
			return nil, err
		}
	} else {
		if totals, err = r.series(ctx, ind.Total, length, first, last, ""); err != nil {
			return nil, err
		}
		q := ind.Good
		if ind.Bad != "" {
			q, otherName = ind.Bad, "bad"
		}
		if goods, err = r.series(ctx, q, length, first, last, ""); err != nil {
			return nil, err
		}
	}

	out := make([]slice, 0, len(grid))
	for _, in := range grid {
		s := slice{Interval: in}
		if overlaps(s.Interval, excluded) {
			s.excluded = true
			out = append(out, s)
			continue
		}
		end := s.End.Unix()
		verdict := "missing"
		judged := false // by the slice's own share of good events
		if values != nil {
			if v, ok := values[end]; ok {
				verdict, s.covered = judge(v, ts), true
			}
		} else if t, ok := totals[end]; ok {
			g, gok := goods[end]
			s.covered = gok || t == 0
			switch {
			case t < 0 || (gok && g < 0):
				return nil, measureErr("impossible counts in the slice ending %s: %s total and %s %s events; a count of events is never negative", stamp(s.End), figure(t), figure(g), otherName)
			case gok && g > t*(1+1e-9)+1e-9:
				return nil, measureErr("impossible counts in the slice ending %s: %s %s events out of %s in all; the %s query must count a part of what the total query counts", stamp(s.End), figure(g), otherName, figure(t), otherName)
			case t == 0 || (ts.MinEvents > 0 && t < float64(ts.MinEvents) && gok):
				// No events, or too few to judge the slice by: as empty
				// says; unset, a slice without events is missing and one
				// with too few is good.
				switch {
				case ts.Empty != "":
					verdict = policyVerdict(ts.Empty)
				case t > 0:
					verdict = "good"
				}
			case !gok:
				// The other count is missing: nothing to judge it by.
			default:
				if ind.Bad != "" {
					g = t - g
				}
				s.share, judged = g/t, true
				if ts.Objective != nil && 100*g/t >= *ts.Objective {
					verdict = "good"
				} else {
					verdict = "bad"
				}
			}
		}
		s.measured = verdict != "missing"
		if verdict == "missing" {
			verdict = policyVerdict(ts.Missing)
		}
		if !judged && verdict == "good" {
			s.share = 1
		}
		s.verdict = verdict
		out = append(out, s)
	}
	return out, nil
}

// policyVerdict is what a slice counts as under a missing or empty
// policy: "good", "bad", or "" (skipped).
func policyVerdict(p string) string {
	switch p {
	case string(agreements.MissingGood):
		return "good"
	case string(agreements.MissingBad):
		return "bad"
	}
	return ""
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
