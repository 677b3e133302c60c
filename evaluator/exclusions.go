package evaluator

import (
	"slices"
	"time"

	"github.com/entente-dev/entente/agreements"
)

// maxOccurrences bounds the cron occurrences looked at for one window, so
// that a schedule that starts every minute over a year cannot stall.
const maxOccurrences = 1_000_000

// Exclusions returns the intervals of an agreement's exclusions that apply
// to the SLO and overlap the window, merged and sorted.
func Exclusions(a *agreements.Agreement, slo string, w Interval) []Interval {
	var out []Interval
	for _, e := range a.Exclusions {
		if len(e.SLOs) > 0 && !slices.Contains(e.SLOs, slo) {
			continue
		}
		if s := a.SLO(slo); s != nil && s.Kind == agreements.ValueSLO {
			continue
		}
		switch {
		case e.From != nil && e.To != nil:
			out = appendOverlap(out, Interval{*e.From, *e.To}, w)
		case e.Schedule() != nil:
			d := time.Duration(e.Duration)
			// An occurrence that started up to d before the window still
			// covers its start. Next is strictly after, so step back a second.
			t := w.Start.Add(-d).Add(-time.Second).In(a.Location)
			for n := 0; n < maxOccurrences; n++ {
				t = e.Schedule().Next(t)
				if t.IsZero() || !t.Before(w.End) {
					break
				}
				out = appendOverlap(out, Interval{t, t.Add(d)}, w)
			}
		}
	}
	return merge(out)
}

func appendOverlap(list []Interval, x, w Interval) []Interval {
	if x.Start.Before(w.Start) {
		x.Start = w.Start
	}
	if x.End.After(w.End) {
		x.End = w.End
	}
	if !x.Start.Before(x.End) {
		return list
	}
	return append(list, x)
}

// merge sorts intervals and joins those that overlap or touch.
func merge(list []Interval) []Interval {
	slices.SortFunc(list, func(a, b Interval) int { return a.Start.Compare(b.Start) })
	var out []Interval
	for _, x := range list {
		if n := len(out); n > 0 && !x.Start.After(out[n-1].End) {
			if x.End.After(out[n-1].End) {
				out[n-1].End = x.End
			}
			continue
		}
		out = append(out, x)
	}
	return out
}

// Included returns the window minus the exclusions: the intervals over
// which events are counted.
func Included(w Interval, excluded []Interval) []Interval {
	var out []Interval
	start := w.Start
	for _, x := range excluded {
		if x.Start.After(start) {
			out = append(out, Interval{start, x.Start})
		}
		if x.End.After(start) {
			start = x.End
		}
	}
	if start.Before(w.End) {
		out = append(out, Interval{start, w.End})
	}
	return out
}

// Seconds is the total length of intervals in seconds.
func Seconds(list []Interval) int64 {
	var d time.Duration
	for _, x := range list {
		d += x.Duration()
	}
	return int64(d / time.Second)
}
