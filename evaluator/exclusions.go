package evaluator

import (
	"slices"
	"time"

	"github.com/entente-dev/entente/agreements"
)

// maxOccurrences bounds the cron occurrences looked at for one window, so
// that a schedule that starts every minute over a year cannot stall.
const maxOccurrences = 1_000_000

// Exclusion is a window of time left out of the SLOs it applies to:
// recurring (Schedule and Duration) or once (Once).
type Exclusion struct {
	Name     string
	Schedule *agreements.Schedule
	Duration time.Duration
	Once     *Interval
	// SLOs are the names of the SLOs it applies to.
	SLOs []string
}

// Applied returns the intervals of the exclusions that apply to the SLO and
// overlap the window, clipped to it, merged and sorted. Occurrences of a
// schedule are read in loc.
func Applied(exclusions []Exclusion, slo string, w Interval, loc *time.Location) []Interval {
	var out []Interval
	for _, e := range exclusions {
		if !slices.Contains(e.SLOs, slo) {
			continue
		}
		switch {
		case e.Once != nil:
			out = appendOverlap(out, *e.Once, w)
		case e.Schedule != nil:
			// An occurrence that started up to Duration before the window
			// still covers its start. Next is strictly after: step back 1s.
			t := w.Start.Add(-e.Duration).Add(-time.Second).In(loc)
			for n := 0; n < maxOccurrences; n++ {
				t = e.Schedule.Next(t)
				if t.IsZero() || !t.Before(w.End) {
					break
				}
				out = appendOverlap(out, Interval{t, t.Add(e.Duration)}, w)
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

// Included returns the window minus the exclusions (sorted, merged; those
// outside the window are ignored): the intervals over which events are
// counted.
func Included(w Interval, excluded []Interval) []Interval {
	var out []Interval
	start := w.Start
	for _, x := range excluded {
		if !x.Start.Before(w.End) {
			break
		}
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
