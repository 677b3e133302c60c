package evaluator

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/common/model"

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
	c.explain(w, Included(w.Interval, excluded), r.memo.describe(ctx), time.Now())
	return c, nil
}

// coverageSteps are the steps coverage is measured at, finest first: a
// chart's (5 minutes, an hour, 6 hours, a day), and two days, at which a
// counter sampled once a day still answers increase().
var coverageSteps = []time.Duration{5 * time.Minute, time.Hour, 6 * time.Hour, 24 * time.Hour, 48 * time.Hour}

// unresolved is a coverage that cannot be measured: the expression answers
// at no step up to half the window, so that a single answer over the
// whole window would hide any gap. The block has no data, with why.
type unresolved struct{ msg string }

func (u *unresolved) Error() string { return u.msg }

// rangeCoverage evaluates expr with ${window} set to a step, at every step
// back from the window's end: each answer that is a number says that the
// source holds data over the step before it (NaN does not: VictoriaMetrics
// leaves it out of its answers).
//
// The step is the finest that resolves the data. It starts at the chart's
// step for the window (5 minutes for a day, an hour for a month). A metric
// sampled more rarely than the step answers at some steps only, evenly
// spread: the next coarser step is tried. A gap in the data is a long run
// of steps without an answer among steps that answer one after the other:
// it is counted missing at that step, never smoothed over by a coarser one.
// A single missing step between two answers is the jitter of sampling, and
// counts as held.
func (r recorder) rangeCoverage(ctx context.Context, expr string, w Window, excluded []Interval) (*coverage, error) {
	included := Included(w.Interval, excluded)
	if Seconds(included) == 0 {
		return nil, nil
	}
	length := w.Duration().Truncate(time.Second)
	var rungs []time.Duration
	for _, step := range coverageSteps {
		if step >= stepFor(length) && step < length {
			rungs = append(rungs, step)
		}
	}
	// Half the window is the coarsest step: a metric scraped so rarely
	// that nothing finer answers is still seen to hold both halves, or not.
	// A window shorter than the finest step is measured in one answer.
	half := (length / 2).Truncate(time.Second)
	whole := length < coverageSteps[0]
	switch {
	case whole:
		rungs = []time.Duration{length}
	case len(rungs) == 0 || half > rungs[len(rungs)-1]:
		rungs = append(rungs, half)
	}
	var chosen, coarsest *rung
	for _, step := range rungs {
		g, err := r.rung(ctx, expr, step, w)
		if err != nil {
			return nil, err
		}
		if g.answers >= 2 || (whole && g.answers == 1) {
			coarsest = g
			if g.density >= denseEnough || g.spacing <= 1 {
				chosen = g
				break
			}
		}
	}
	if chosen == nil {
		chosen = coarsest
	}
	if chosen == nil {
		return nil, &unresolved{fmt.Sprintf("its coverage cannot be measured: the query answers at no step from %s to half the window (%s), which would hide any gap (a metric sampled less than twice in %s?): give the indicator a coverage query that answers more often, or coverage = false", model.Duration(rungs[0]), model.Duration(rungs[len(rungs)-1]), model.Duration(rungs[len(rungs)-1]))}
	}
	c := &coverage{step: chosen.step}
	held := merge(chosen.held)
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
	answers int
	// density is the share of the steps held between the first and the
	// last held; spacing the median distance, in steps, between answers.
	density float64
	spacing int64
}

// rung queries expr at every step back from the window's end.
func (r recorder) rung(ctx context.Context, expr string, step time.Duration, w Window) (*rung, error) {
	length := w.Duration().Truncate(time.Second)
	n := int64((length + step - 1) / step)
	start := w.End.Add(-time.Duration(n-1) * step)
	points, err := r.series(ctx, expr, step, start, w.End, "coverage")
	if err != nil {
		return nil, err
	}
	answered := make([]bool, n)
	var at []int64
	for i := range n {
		if _, ok := points[start.Add(time.Duration(i)*step).Unix()]; ok {
			answered[i] = true
			at = append(at, i)
		}
	}
	g := &rung{step: step, answers: len(at)}
	if len(at) == 0 {
		return g, nil
	}
	held := slices.Clone(answered)
	for i := int64(1); i+1 < n; i++ {
		if !answered[i] && answered[i-1] && answered[i+1] {
			held[i] = true
		}
	}
	count := 0
	for i := at[0]; i <= at[len(at)-1]; i++ {
		if !held[i] {
			continue
		}
		count++
		end := start.Add(time.Duration(i) * step)
		from := end.Add(-step)
		if from.Before(w.Start) {
			from = w.Start
		}
		g.held = append(g.held, Interval{from, end})
	}
	g.density = float64(count) / float64(at[len(at)-1]-at[0]+1)
	if len(at) >= 2 {
		gaps := make([]int64, 0, len(at)-1)
		for i := 1; i < len(at); i++ {
			gaps = append(gaps, at[i]-at[i-1])
		}
		slices.Sort(gaps)
		g.spacing = gaps[len(gaps)/2]
	}
	return g, nil
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
func (c *coverage) explain(w Window, included []Interval, e Engine, now time.Time) {
	if c.percent >= 100 {
		return
	}
	start, end := w.Start, w.End
	if len(included) > 0 {
		start, end = included[0].Start, included[len(included)-1].End
	}
	var parts []string
	switch {
	case c.from.IsZero():
		parts = append(parts, "the source holds no data for the indicator in the window"+keeps(w, e, now))
	default:
		if c.from.After(start.Add(c.step)) {
			why := ": the source may not retain the whole window"
			switch {
			case e.Kind == "files":
				why = ": the metric files do not go that far back for this indicator"
			case !retentionExplains(w, e, now):
				why = ": the metric may have begun then"
			}
			parts = append(parts, "nothing before "+stamp(c.from)+why+keeps(w, e, now))
		}
		if c.to.Before(end.Add(-c.step)) {
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
func keeps(w Window, e Engine, now time.Time) string {
	switch {
	case e.Retention != "" && retentionExplains(w, e, now):
		return " (it keeps " + e.Retention + ", its storage retention)"
	case e.Kind == "files":
		if first, err := time.Parse(time.RFC3339Nano, e.DataStart); err == nil && first.After(w.Start) {
			return " (their oldest sample is at " + e.DataStart + ")"
		}
	}
	return ""
}

// retentionExplains says whether the source's retention reaches back
// less far than the window's start: "15d", or a size ("15d or 10GiB")
// that may delete sooner.
func retentionExplains(w Window, e Engine, now time.Time) bool {
	if e.Retention == "" {
		return true // nothing known: it may
	}
	d, err := model.ParseDuration(strings.TrimSpace(e.Retention))
	if err != nil {
		return true // a size, or both
	}
	return now.Add(-time.Duration(d)).After(w.Start)
}
