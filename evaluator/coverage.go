package evaluator

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/policies"
)

// Coverage is the share of a window (exclusions cut out) for which the
// source holds data for an indicator. A figure measured over a month from
// a Prometheus that keeps ten days is the figure of ten days: the policy
// makes an SLO whose coverage is below its min_coverage no data.

// coverage is what was found of one block's window.
type coverage struct {
	percent  float64
	from, to time.Time // the first and last instants with data; zero when none
	step     time.Duration
	note     string
}

// doc is the measurement's "coverage" object, as the policy reads it.
func (c *coverage) doc() map[string]any {
	var from, to, note any
	if !c.from.IsZero() {
		from, to = stamp(c.from), stamp(c.to)
	}
	if c.note != "" {
		note = c.note
	}
	return map[string]any{
		"percent":      round9(c.percent),
		"from":         from,
		"to":           to,
		"step_seconds": int64(c.step / time.Second),
		"note":         note,
	}
}

// denseEnough is the share of its steps, between the first and the last
// with data, that a step must have an answer at to be taken as resolving
// the data: a metric scraped every 30 minutes leaves most 5-minute steps of
// increase() without an answer, a gap in the data leaves every step
// without one.
const denseEnough = 0.9

// coverageOf measures the coverage of one block: from its slices for a
// timeslice SLO, otherwise from one range query of the indicator's total
// (ratio) or value expression, or of its own coverage expression. Nil when
// coverage does not apply (the indicator says so, or nothing of the
// window is left to cover).
func (r recorder) coverageOf(ctx context.Context, ind policies.PlanIndicator, w Window, excluded []Interval, sliced []slice, sliceLength time.Duration) (*coverage, error) {
	if ind.NoCoverage {
		return nil, nil
	}
	var c *coverage
	var err error
	switch {
	case sliceLength > 0 && ind.Coverage != "":
		c, err = r.slicedCoverage(ctx, ind.Coverage, w, sliced, sliceLength)
	case sliceLength > 0:
		c = coverageOfSlices(sliced, sliceLength)
	default:
		expr := ind.Coverage
		if expr == "" {
			expr = ind.Total
			if ind.Kind == string(agreements.ValueIndicator) {
				expr = ind.Value
			}
		}
		c, err = r.rangeCoverage(ctx, expr, w, excluded)
	}
	if err != nil || c == nil {
		return nil, err
	}
	c.explain(w, r.memo.describe(ctx))
	return c, nil
}

// rangeCoverage evaluates expr with ${window} set to a step, at every step
// back from the window's end: each answer that is a number says that the
// source holds data over the step before it (NaN does not: VictoriaMetrics
// leaves it out of its answers). The step is the report's for the window
// (5 minutes for a day, an hour for a month), or coarser when the metric is
// scraped too rarely for the expression to answer at every step.
func (r recorder) rangeCoverage(ctx context.Context, expr string, w Window, excluded []Interval) (*coverage, error) {
	included := Included(w.Interval, excluded)
	if Seconds(included) == 0 {
		return nil, nil
	}
	length := w.Duration().Truncate(time.Second)
	// The last step is the window itself, one answer over its whole length,
	// as the measurement asks: a metric scraped too rarely for any shorter
	// step is covered as far as its samples can tell.
	var rungs []time.Duration
	for _, step := range ladder {
		if step >= stepFor(length) && step < length {
			rungs = append(rungs, step)
		}
	}
	rungs = append(rungs, length)
	var tried []rung
	for _, step := range rungs {
		n := int64((length + step - 1) / step)
		start := w.End.Add(-time.Duration(n-1) * step)
		points, err := r.series(ctx, expr, step, start, w.End, "coverage")
		if err != nil {
			return nil, err
		}
		g := rung{step: step}
		first, last, answered := int64(-1), int64(-1), 0
		for i := range n {
			end := start.Add(time.Duration(i) * step)
			if _, ok := points[end.Unix()]; !ok {
				continue
			}
			if first < 0 {
				first = i
			}
			last, answered = i, answered+1
			from := end.Add(-step)
			if from.Before(w.Start) {
				from = w.Start
			}
			g.held = append(g.held, Interval{from, end})
		}
		if answered > 0 {
			g.density = float64(answered) / float64(last-first+1)
		}
		tried = append(tried, g)
		if g.density >= denseEnough {
			break
		}
	}
	// A gap in the data looks the same at every step, a sparse metric
	// denser at coarser ones: take the finest step about as dense as the
	// densest. The whole window, a single answer, is always dense: it is
	// taken only when no shorter step has an answer.
	best := tried[0]
	for _, g := range tried {
		if g.step == length && best.density > 0 {
			break
		}
		if g.density > best.density+0.05 {
			best = g
		}
	}
	c := &coverage{step: best.step}
	held := merge(best.held)
	if len(held) > 0 {
		c.from, c.to = held[0].Start, held[len(held)-1].End
	}
	c.percent = 100 * float64(overlap(held, included)) / float64(Seconds(included))
	return c, nil
}

// rung is coverage measured at one step.
type rung struct {
	step    time.Duration
	held    []Interval
	density float64
}

// overlap is the length, in seconds, of what two sorted, merged lists of
// intervals share.
func overlap(a, b []Interval) int64 {
	var d time.Duration
	for _, x := range a {
		for _, y := range b {
			start, end := x.Start, x.End
			if y.Start.After(start) {
				start = y.Start
			}
			if y.End.Before(end) {
				end = y.End
			}
			if end.After(start) {
				d += end.Sub(start)
			}
		}
	}
	return int64(d / time.Second)
}

// coverageOfSlices is the share of the slices not excluded whose data the
// source holds, counted before the SLO's missing policy counts a missing
// one as good or bad.
func coverageOfSlices(list []slice, length time.Duration) *coverage {
	c := &coverage{step: length}
	counted, held := 0, 0
	for _, s := range list {
		if s.excluded {
			continue
		}
		counted++
		if !s.covered {
			continue
		}
		held++
		if c.from.IsZero() {
			c.from = s.Start
		}
		c.to = s.End
	}
	if counted == 0 {
		return nil
	}
	c.percent = 100 * float64(held) / float64(counted)
	return c
}

// slicedCoverage is the coverage of the slices by an indicator's own
// coverage expression: one range query at the slice's step.
func (r recorder) slicedCoverage(ctx context.Context, expr string, w Window, list []slice, length time.Duration) (*coverage, error) {
	if len(list) == 0 {
		return nil, nil
	}
	points, err := r.series(ctx, expr, length, list[0].End, list[len(list)-1].End, "coverage")
	if err != nil {
		return nil, err
	}
	marked := make([]slice, len(list))
	for i, s := range list {
		_, s.covered = points[s.End.Unix()]
		marked[i] = s
	}
	return coverageOfSlices(marked, length), nil
}

// explain says, when data is missing, where it is missing and what the
// source says it keeps.
func (c *coverage) explain(w Window, e Engine) {
	if c.percent >= 100 {
		return
	}
	var parts []string
	switch {
	case c.from.IsZero():
		parts = append(parts, "the source holds no data for the indicator in the window"+keeps(w, e))
	default:
		if c.from.After(w.Start.Add(c.step)) {
			why := ": the source may not retain the whole window"
			if e.Kind == "files" {
				why = ": the metric files do not go that far back for this indicator"
			}
			parts = append(parts, "nothing before "+stamp(c.from)+why+keeps(w, e))
		}
		if c.to.Before(w.End.Add(-c.step)) {
			parts = append(parts, fmt.Sprintf("nothing after %s: is the metric still collected?", stamp(c.to)))
		}
		if len(parts) == 0 {
			parts = append(parts, "the data has gaps")
		}
	}
	c.note = strings.Join(parts, "; ")
}

// keeps says what the source holds, where that may explain data missing
// from the window's start.
func keeps(w Window, e Engine) string {
	switch {
	case e.Retention != "":
		return " (it keeps " + e.Retention + ", its storage retention)"
	case e.Kind == "files":
		if first, err := time.Parse(time.RFC3339Nano, e.DataStart); err == nil && first.After(w.Start) {
			return " (their oldest sample is at " + e.DataStart + ")"
		}
	}
	return ""
}
