package evaluator

import (
	"time"

	"github.com/entente-dev/entente/agreements"
)

// Interval is the span of time [Start, End).
type Interval struct {
	Start, End time.Time
}

// Duration is the length of the interval.
func (i Interval) Duration() time.Duration { return i.End.Sub(i.Start) }

// Window is what an SLO is measured over at one evaluation time.
type Window struct {
	Interval
	// Calendar is the calendar period, or "" for a rolling window.
	Calendar agreements.Calendar
	// Period is the whole calendar period that holds the window; for a
	// rolling window, the window itself.
	Period Interval
	// Anchor is where the grid of timeslices starts: the start of the
	// calendar period, or the agreement's effective time for a rolling
	// window. The slices of a rolling window fall on the same grid
	// whatever the second a check runs at: on the samples of metrics
	// scraped on it, which engines that count increase() differently
	// (VictoriaMetrics) then count alike.
	Anchor time.Time
}

// Elapsed is the share of the calendar period that has passed, between 0
// and 1: 1 for rolling windows and closed periods.
//
// An agreement that became effective during the period has its share
// counted from then: its budget is for the part of the period it covers.
func (w Window) Elapsed() float64 {
	if w.Calendar == "" || !w.End.Before(w.Period.End) {
		return 1
	}
	total := w.Period.End.Sub(w.Start)
	if total <= 0 {
		return 1
	}
	return float64(w.End.Sub(w.Start)) / float64(total)
}

// PeriodStart returns the start of the calendar period that holds t, in
// loc: midnight, Monday of the ISO week, the first of the month, of the
// quarter, or of the year.
func PeriodStart(c agreements.Calendar, t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	y, m, d := t.Date()
	switch c {
	case agreements.Day:
		return time.Date(y, m, d, 0, 0, 0, 0, loc)
	case agreements.Week:
		back := (int(t.Weekday()) + 6) % 7 // days since Monday
		return time.Date(y, m, d-back, 0, 0, 0, 0, loc)
	case agreements.Month:
		return time.Date(y, m, 1, 0, 0, 0, 0, loc)
	case agreements.Quarter:
		return time.Date(y, m-(m-1)%3, 1, 0, 0, 0, 0, loc)
	case agreements.Year:
		return time.Date(y, 1, 1, 0, 0, 0, 0, loc)
	}
	return t
}

// NextPeriod returns the start of the calendar period after the one that
// starts at start.
func NextPeriod(c agreements.Calendar, start time.Time) time.Time {
	switch c {
	case agreements.Day:
		return start.AddDate(0, 0, 1)
	case agreements.Week:
		return start.AddDate(0, 0, 7)
	case agreements.Month:
		return start.AddDate(0, 1, 0)
	case agreements.Quarter:
		return start.AddDate(0, 3, 0)
	case agreements.Year:
		return start.AddDate(1, 0, 0)
	}
	return start
}

// WindowAt returns the window of a rolling or calendar measurement at time
// at, in the agreement's time zone loc, never starting before effective.
//
// A calendar window is the period that holds the instant just before at:
// periods are closed at their end, so at exactly midnight on 1 November
// the October window is complete (and its credits final) rather than an
// empty November one. That is what a check run on the boundary by a
// scheduler means, and what a report of October measures.
func WindowAt(loc *time.Location, effective time.Time, rolling time.Duration, calendar agreements.Calendar, at time.Time) Window {
	var w Window
	if calendar != "" {
		start := PeriodStart(calendar, at.Add(-time.Nanosecond), loc)
		w = Window{Interval: Interval{start, at}, Calendar: calendar, Period: Interval{start, NextPeriod(calendar, start)}, Anchor: start}
	} else {
		w = Window{Interval: Interval{at.Add(-rolling), at}, Anchor: effective}
		w.Period = w.Interval
	}
	if w.Start.Before(effective) {
		w.Start = effective
	}
	if w.End.Before(w.Start) {
		w.End = w.Start
	}
	return w
}

// ClosedWindow returns the window of a closed calendar period, for a
// report: the whole period [start, end), clipped at the effective date.
func ClosedWindow(effective time.Time, period Interval) Window {
	w := Window{Interval: period, Period: period, Anchor: period.Start}
	if w.Start.Before(effective) {
		w.Start = effective
	}
	if w.End.Before(w.Start) {
		w.End = w.Start
	}
	return w
}

// Slices returns the whole slices of length on the window's grid that lie
// in the window: a partial slice at either end is left out.
func (w Window) Slices(length time.Duration) []Interval {
	if length <= 0 {
		return nil
	}
	start := w.Start
	if !w.Anchor.IsZero() && !w.Anchor.After(start) {
		k := (start.Sub(w.Anchor) + length - 1) / length
		start = w.Anchor.Add(k * length)
	}
	var out []Interval
	for s := start; !s.Add(length).After(w.End); s = s.Add(length) {
		out = append(out, Interval{s, s.Add(length)})
	}
	return out
}
