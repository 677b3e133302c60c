package evaluator

import (
	"testing"
	"time"

	"github.com/entente-dev/entente/agreements"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestCalendarWindowsStartAtTheLocalPeriod(t *testing.T) {
	paris, ny := zone(t, "Europe/Paris"), zone(t, "America/New_York")
	for _, c := range []struct {
		name      string
		loc       *time.Location
		effective string
		calendar  agreements.Calendar
		at        string
		start     string
		periodEnd string
		elapsed   float64
	}{
		{
			// October 2026 in Paris runs from 1 October 00:00 CEST to
			// 1 November 00:00 CET: 31 days and one hour, as clocks go back
			// on the 25th.
			name: "a month in Paris across the end of summer time", loc: paris,
			effective: "2026-01-01T00:00:00Z", calendar: agreements.Month, at: "2026-10-31T12:00:00Z",
			start: "2026-09-30T22:00:00Z", periodEnd: "2026-10-31T23:00:00Z", elapsed: 734.0 / 745.0,
		},
		{
			name: "just after midnight UTC on 1 November is still October in New York", loc: ny,
			effective: "2026-01-01T00:00:00Z", calendar: agreements.Month, at: "2026-11-01T02:00:00Z",
			start: "2026-10-01T04:00:00Z", periodEnd: "2026-11-01T04:00:00Z", elapsed: 742.0 / 744.0,
		},
		{
			name: "an ISO week starts on Monday", loc: time.UTC,
			effective: "2026-01-01T00:00:00Z", calendar: agreements.Week, at: "2026-11-01T12:00:00Z",
			start: "2026-10-26T00:00:00Z", periodEnd: "2026-11-02T00:00:00Z", elapsed: 156.0 / 168.0,
		},
		{
			name: "on Monday itself the week has just begun", loc: time.UTC,
			effective: "2026-01-01T00:00:00Z", calendar: agreements.Week, at: "2026-11-02T06:00:00Z",
			start: "2026-11-02T00:00:00Z", periodEnd: "2026-11-09T00:00:00Z", elapsed: 6.0 / 168.0,
		},
		{
			name: "the last evening of June is in the second quarter in New York", loc: ny,
			effective: "2026-01-01T00:00:00Z", calendar: agreements.Quarter, at: "2026-07-01T03:00:00Z",
			start: "2026-04-01T04:00:00Z", periodEnd: "2026-07-01T04:00:00Z", elapsed: (91*24 - 1) / (91 * 24.0),
		},
		{
			name: "a day", loc: paris,
			effective: "2026-01-01T00:00:00Z", calendar: agreements.Day, at: "2026-03-29T10:00:00Z",
			// 29 March 2026 in Paris has 23 hours: clocks go forward at 02:00.
			start: "2026-03-28T23:00:00Z", periodEnd: "2026-03-29T22:00:00Z", elapsed: 11.0 / 23.0,
		},
		{
			name: "a year", loc: time.UTC,
			effective: "2026-01-01T00:00:00Z", calendar: agreements.Year, at: "2026-07-02T12:00:00Z",
			start: "2026-01-01T00:00:00Z", periodEnd: "2027-01-01T00:00:00Z", elapsed: (182*24 + 12) / (365 * 24.0),
		},
		{
			name: "at exactly the end of a month, the month is complete", loc: paris,
			effective: "2026-01-01T00:00:00Z", calendar: agreements.Month, at: "2026-10-31T23:00:00Z",
			start: "2026-09-30T22:00:00Z", periodEnd: "2026-10-31T23:00:00Z", elapsed: 1,
		},
		{
			name: "one second into a day, the day has begun", loc: time.UTC,
			effective: "2026-01-01T00:00:00Z", calendar: agreements.Day, at: "2026-10-22T00:00:01Z",
			start: "2026-10-22T00:00:00Z", periodEnd: "2026-10-23T00:00:00Z", elapsed: 1.0 / 86400,
		},
		{
			name: "a window never starts before the agreement is effective", loc: time.UTC,
			effective: "2026-10-10T00:00:00Z", calendar: agreements.Month, at: "2026-10-20T00:00:00Z",
			start: "2026-10-10T00:00:00Z", periodEnd: "2026-11-01T00:00:00Z", elapsed: 10.0 / 22.0,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := WindowAt(c.loc, utc(c.effective), 0, c.calendar, utc(c.at))
			if !w.Start.Equal(utc(c.start)) || !w.End.Equal(utc(c.at)) {
				t.Errorf("window [%s, %s], want [%s, %s]", w.Start.UTC(), w.End.UTC(), c.start, c.at)
			}
			if !w.Period.End.Equal(utc(c.periodEnd)) {
				t.Errorf("period ends %s, want %s", w.Period.End.UTC(), c.periodEnd)
			}
			if diff := w.Elapsed() - c.elapsed; diff > 1e-9 || diff < -1e-9 {
				t.Errorf("elapsed %v, want %v", w.Elapsed(), c.elapsed)
			}
		})
	}
}

func TestARollingWindowEndsAtTheEvaluationTime(t *testing.T) {
	effective := utc("2026-01-01T00:00:00Z")
	w := WindowAt(time.UTC, effective, 30*24*time.Hour, "", utc("2026-11-01T00:00:00Z"))
	if !w.Start.Equal(utc("2026-10-02T00:00:00Z")) || w.Elapsed() != 1 {
		t.Errorf("window starts %s with elapsed %v, want 2026-10-02 and 1", w.Start, w.Elapsed())
	}
	early := WindowAt(time.UTC, effective, 30*24*time.Hour, "", utc("2026-01-05T00:00:00Z"))
	if !early.Start.Equal(effective) {
		t.Errorf("a 30-day window 4 days after the start begins %s, want the effective date", early.Start)
	}
}

// planExclusions reads the exclusions of an agreement the way the
// evaluator reads them from its compiled plan.
func planExclusions(t *testing.T, src string) []Exclusion {
	t.Helper()
	ex, err := exclusionsOf(compileSet(t, src).Plans[0])
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

const exclusionsAgreement = `agreement "x" {
  title     = "X"
  version   = "1.0.0"
  effective = "2026-01-01"
  indicator "requests" {
    ratio {
      good  = "sum(increase(ok_total[${window}]))"
      total = "sum(increase(all_total[${window}]))"
    }
  }
  indicator "latency" {
    value = "max(max_over_time(latency_seconds[${window}]))"
  }
  slo "a" {
    indicator = indicator.requests
    objective = 99
    window    = "1d"
  }
  slo "b" {
    indicator = indicator.requests
    objective = 99
    window    = "1d"
  }
  slo "lat" {
    indicator = indicator.latency
    max       = 1
    window    = "1d"
  }
  exclusion "nightly" {
    cron     = "0 0 * * *"
    duration = "2h"
    slos     = [slo.a]
  }
  exclusion "move" {
    from = "2026-11-01T12:00:00Z"
    to   = "2026-11-01T13:30:00Z"
  }
}
`

func TestExclusionsCutTheWindow(t *testing.T) {
	ex := planExclusions(t, exclusionsAgreement)
	w := Interval{utc("2026-11-01T01:00:00Z"), utc("2026-11-02T01:00:00Z")}

	// The nightly run that began at midnight straddles the window's start:
	// its last hour is excluded, and the next night's first hour.
	got := Applied(ex, "a", w, time.UTC)
	want := []Interval{
		{utc("2026-11-01T01:00:00Z"), utc("2026-11-01T02:00:00Z")},
		{utc("2026-11-01T12:00:00Z"), utc("2026-11-01T13:30:00Z")},
		{utc("2026-11-02T00:00:00Z"), utc("2026-11-02T01:00:00Z")},
	}
	if !equalIntervals(got, want) {
		t.Errorf("exclusions of a:\n got %v\nwant %v", got, want)
	}
	if s := Seconds(got); s != 3*3600+1800 {
		t.Errorf("excluded %d s, want %d", s, 3*3600+1800)
	}
	included := Included(w, got)
	wantIncluded := []Interval{
		{utc("2026-11-01T02:00:00Z"), utc("2026-11-01T12:00:00Z")},
		{utc("2026-11-01T13:30:00Z"), utc("2026-11-02T00:00:00Z")},
	}
	if !equalIntervals(included, wantIncluded) {
		t.Errorf("included:\n got %v\nwant %v", included, wantIncluded)
	}
	// Exclusions outside a shorter interval (a report's day) leave it whole.
	day := Interval{utc("2026-10-31T00:00:00Z"), utc("2026-11-01T00:00:00Z")}
	if got := Included(day, got); !equalIntervals(got, []Interval{day}) {
		t.Errorf("a day before every exclusion: included %v, want the whole day", got)
	}

	// The nightly exclusion names slo.a only; the move applies to all.
	if got := Applied(ex, "b", w, time.UTC); !equalIntervals(got, want[1:2]) {
		t.Errorf("exclusions of b: %v, want only the move", got)
	}
	// Value SLOs are never cut.
	if got := Applied(ex, "lat", w, time.UTC); len(got) != 0 {
		t.Errorf("exclusions of a value SLO: %v", got)
	}
}

func equalIntervals(a, b []Interval) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Start.Equal(b[i].Start) || !a[i].End.Equal(b[i].End) {
			return false
		}
	}
	return true
}
