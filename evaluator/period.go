package evaluator

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/entente-dev/entente/agreements"
)

// Period is a calendar period a report covers, named as `entente report
// --period` takes it. It is a date, not an instant: October 2026 begins at
// midnight on 1 October in each agreement's own time zone.
type Period struct {
	// Label is the period as written: 2026-10-14, 2026-W43, 2026-10,
	// 2026-Q3 or 2026.
	Label string `json:"label"`
	// Kind is the calendar period: day, week, month, quarter or year.
	Kind agreements.Calendar `json:"kind"`

	first time.Time // its first day, as a date in UTC
}

var periodForms = []struct {
	re   *regexp.Regexp
	kind agreements.Calendar
}{
	{regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`), agreements.Day},
	{regexp.MustCompile(`^(\d{4})-W(\d{2})$`), agreements.Week},
	{regexp.MustCompile(`^(\d{4})-(\d{2})$`), agreements.Month},
	{regexp.MustCompile(`^(\d{4})-Q(\d)$`), agreements.Quarter},
	{regexp.MustCompile(`^(\d{4})$`), agreements.Year},
}

// ParsePeriod reads a period: 2026-10-14 (a day), 2026-W43 (an ISO week),
// 2026-10 (a month), 2026-Q3 (a quarter) or 2026 (a year).
func ParsePeriod(s string) (Period, error) {
	for _, f := range periodForms {
		m := f.re.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		n := make([]int, len(m))
		for i := 1; i < len(m); i++ {
			n[i], _ = strconv.Atoi(m[i])
		}
		p := Period{Label: s, Kind: f.kind}
		year := n[1]
		if year < 1970 {
			// Times that far back overflow the arithmetic of windows.
			return Period{}, fmt.Errorf("period %q: reports cover periods from 1970 on", s)
		}
		switch f.kind {
		case agreements.Day:
			p.first = time.Date(year, time.Month(n[2]), n[3], 0, 0, 0, 0, time.UTC)
			if n[2] < 1 || n[2] > 12 || p.first.Day() != n[3] {
				return Period{}, fmt.Errorf("period %q: there is no such day", s)
			}
		case agreements.Week:
			// 4 January is always in week 1; weeks start on Monday.
			jan4 := time.Date(year, 1, 4, 0, 0, 0, 0, time.UTC)
			monday := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+7*(n[2]-1))
			if y, w := monday.ISOWeek(); n[2] < 1 || y != year || w != n[2] {
				return Period{}, fmt.Errorf("period %q: %d has no ISO week %d", s, year, n[2])
			}
			p.first = monday
		case agreements.Month:
			if n[2] < 1 || n[2] > 12 {
				return Period{}, fmt.Errorf("period %q: the month must be 01 to 12", s)
			}
			p.first = time.Date(year, time.Month(n[2]), 1, 0, 0, 0, 0, time.UTC)
		case agreements.Quarter:
			if n[2] < 1 || n[2] > 4 {
				return Period{}, fmt.Errorf("period %q: the quarter must be Q1 to Q4", s)
			}
			p.first = time.Date(year, time.Month(3*(n[2]-1)+1), 1, 0, 0, 0, 0, time.UTC)
		case agreements.Year:
			p.first = time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		return p, nil
	}
	return Period{}, fmt.Errorf("period %q: write a day (2026-10-14), an ISO week (2026-W43), a month (2026-10), a quarter (2026-Q3) or a year (2026)", s)
}

// In returns the period in a time zone: from midnight of its first day to
// midnight of the day after its last.
func (p Period) In(loc *time.Location) Interval {
	y, m, d := p.first.Date()
	start := time.Date(y, m, d, 0, 0, 0, 0, loc)
	return Interval{start, NextPeriod(p.Kind, start)}
}

// String returns the label.
func (p Period) String() string { return p.Label }

// IsZero reports whether p is no period.
func (p Period) IsZero() bool { return p.Kind == "" }

// ResolvePeriod reads a period as ParsePeriod does, or a relative one:
// last-day, last-week, last-month, last-quarter or last-year, the last
// period of that kind closed at now in loc.
func ResolvePeriod(label string, now time.Time, loc *time.Location) (Period, error) {
	kind, ok := strings.CutPrefix(label, "last-")
	if !ok {
		return ParsePeriod(label)
	}
	switch agreements.Calendar(kind) {
	case agreements.Day, agreements.Week, agreements.Month, agreements.Quarter, agreements.Year:
	default:
		return Period{}, fmt.Errorf("period %q: write last-day, last-week, last-month, last-quarter or last-year", label)
	}
	return LastClosed(agreements.Calendar(kind), now, loc), nil
}

// LastClosed returns the last period of a kind that is over at t in loc:
// the month before the one t is in, for a month.
func LastClosed(kind agreements.Calendar, t time.Time, loc *time.Location) Period {
	start := PeriodStart(kind, t, loc)
	prev := PeriodStart(kind, start.Add(-time.Nanosecond), loc)
	p := Period{Kind: kind, first: time.Date(prev.Year(), prev.Month(), prev.Day(), 0, 0, 0, 0, time.UTC)}
	switch kind {
	case agreements.Day:
		p.Label = p.first.Format("2006-01-02")
	case agreements.Week:
		y, w := p.first.ISOWeek()
		p.Label = fmt.Sprintf("%d-W%02d", y, w)
	case agreements.Month:
		p.Label = p.first.Format("2006-01")
	case agreements.Quarter:
		p.Label = fmt.Sprintf("%d-Q%d", p.first.Year(), (int(p.first.Month())-1)/3+1)
	case agreements.Year:
		p.Label = p.first.Format("2006")
	}
	return p
}

// ParseTime reads an evaluation time as a person or a program writes it:
// RFC 3339 ("2026-11-01T00:00:00Z") or unix seconds (1793491200, as a
// number or a string). Times before 1970 or after 9999 are refused: the
// zero time would silently be the present, and windows that far back
// overflow.
func ParseTime(v any) (time.Time, error) {
	var t time.Time
	switch x := v.(type) {
	case string:
		if parsed, err := time.Parse(time.RFC3339, x); err == nil {
			t = parsed
		} else if secs, err := strconv.ParseInt(x, 10, 64); err == nil {
			return ParseTime(json.Number(strconv.FormatInt(secs, 10)))
		} else {
			return time.Time{}, fmt.Errorf("%q is not a time: give RFC 3339 (2026-11-01T00:00:00Z) or unix seconds", x)
		}
	case json.Number:
		secs, err := x.Int64()
		if err != nil {
			return time.Time{}, fmt.Errorf("%s is not a time: give whole unix seconds", x)
		}
		if secs > 100_000_000_000 {
			return time.Time{}, fmt.Errorf("%d is too large for unix seconds: is it in milliseconds? Give %d", secs, secs/1000)
		}
		t = time.Unix(secs, 0).UTC()
	case float64:
		return ParseTime(json.Number(strconv.FormatFloat(x, 'f', -1, 64)))
	default:
		return time.Time{}, fmt.Errorf("give RFC 3339 (2026-11-01T00:00:00Z) or unix seconds")
	}
	if t.Year() < 1970 || t.Year() > 9999 {
		return time.Time{}, fmt.Errorf("%s is out of range: give a time from 1970 to 9999", t.Format(time.RFC3339))
	}
	return t, nil
}
