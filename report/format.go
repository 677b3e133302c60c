package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/entente-dev/entente/internal/figures"
)

// How figures read in every format. A figure that is unknown reads as an
// em dash, never as 0.

const unknown = "—"

// number writes a measured figure the way a person reads it: thousands
// separated, at most four decimals and no trailing zeros below 1,000
// (99.7435, 0.2125), whole numbers from 1,000 on (84,677,084): counts from
// increase() are not whole, and their decimals are noise.
func number(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return unknown
	}
	if math.Abs(x) >= 1000 {
		return group(strconv.FormatFloat(math.Round(x), 'f', 0, 64))
	}
	s := strconv.FormatFloat(x, 'f', 4, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		return "0"
	}
	return s
}

// group puts thousands separators into the whole part of a decimal string.
func group(s string) string { return figures.Group(s) }

// compact writes a figure short enough for an axis or a gauge: 84.7M,
// 1.2k, 0.25.
func compact(x float64) string {
	a := math.Abs(x)
	for _, u := range []struct {
		size   float64
		suffix string
	}{{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "k"}} {
		if a >= u.size {
			s := strconv.FormatFloat(x/u.size, 'f', 1, 64)
			return strings.TrimSuffix(s, ".0") + u.suffix
		}
	}
	s := strconv.FormatFloat(x, 'g', 3, 64)
	if strings.ContainsAny(s, "e") {
		return number(x)
	}
	return s
}

// numberOr writes a figure that may be unknown.
func numberOr(x *float64) string {
	if x == nil {
		return unknown
	}
	return number(*x)
}

// percent writes a percentage of the fee (a credit, its cap): 10%, 2.5%.
// An SLO's percentages are attained and promised.
func percent(x *float64) string {
	if x == nil {
		return unknown
	}
	return number(*x) + "%"
}

// attained writes a percentage measured against an objective as the text
// table does: with the decimals of the objective, two at least, cut toward
// zero, never rounded up, so that a value below the objective never reads
// as meeting it (99.94999 against 99.95 is 99.94%). Without an objective,
// two decimals.
func attained(x, objective *float64) string {
	if x == nil {
		return unknown
	}
	n := 2
	if objective != nil {
		n = max(writtenDecimals(*objective), 2)
	}
	return cut(*x, n) + "%"
}

// promised writes an objective or a warning threshold as the agreement
// writes it: 99.95%, 99.9%, 99%.
func promised(x *float64) string {
	if x == nil {
		return unknown
	}
	return cut(*x, writtenDecimals(*x)) + "%"
}

// writtenDecimals is how many decimals x has as written: 2 for 99.95, 0
// for 99.
func writtenDecimals(x float64) int {
	_, frac, _ := strings.Cut(strconv.FormatFloat(x, 'f', -1, 64), ".")
	return len(frac)
}

// cut writes x with n decimals, the others dropped, never rounded.
func cut(x float64, n int) string {
	s, ok := figures.Cut(x, n)
	if !ok {
		return unknown
	}
	return s
}

// share writes a fraction (an error budget) as a percentage with one
// decimal: 0.5245 is 52.5%, -2.53 is -253%. Beyond ±10 (1,000%) the
// decimal says nothing.
func share(x float64) string {
	p := x * 100
	if math.Abs(p) >= 1000 {
		return group(strconv.FormatFloat(math.Round(p), 'f', 0, 64)) + "%"
	}
	s := strconv.FormatFloat(p, 'f', 1, 64)
	if s == "-0.0" {
		s = "0.0"
	}
	return s + "%"
}

// withUnit writes a value of a value indicator in its unit: 0.2125 s,
// 22 min, 99.93%; a duration of a minute or more as one: 2 h 13 min.
func withUnit(x *float64, unit string) string {
	if x == nil {
		return unknown
	}
	// Beyond 2⁶² seconds the count of seconds overflows: not a duration.
	if k, ok := secondsIn[unit]; ok && *x*k >= 60 && *x*k < 1<<62 {
		return duration(int64(math.Round(*x * k)))
	}
	switch unit {
	case "":
		return number(*x)
	case "%":
		return number(*x) + "%"
	}
	return number(*x) + " " + unit
}

// secondsIn are the units of time a value may be written in, in seconds:
// a minute or more of them reads as a duration ("2 h 13 min").
var secondsIn = map[string]float64{"ms": 0.001, "s": 1, "sec": 1, "seconds": 1, "min": 60, "minutes": 60, "h": 3600, "hours": 3600}

// money writes an amount and its currency: 1,200.00 EUR.
func money(x *float64, currency string) string {
	if x == nil {
		return unknown
	}
	s := group(strconv.FormatFloat(*x, 'f', 2, 64))
	return strings.TrimSpace(s + " " + currency)
}

// duration writes seconds in the two largest units that are not zero:
// "4 h", "2 d 3 h", "1 h 30 min", "45 s". Reports count maintenance
// windows, not milliseconds.
func duration(seconds int64) string {
	if seconds <= 0 {
		return "none"
	}
	units := []struct {
		size int64
		name string
	}{{86400, "d"}, {3600, "h"}, {60, "min"}, {1, "s"}}
	var parts []string
	for _, u := range units {
		if n := seconds / u.size; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, u.name))
			seconds -= n * u.size
		}
		if len(parts) == 2 || (len(parts) > 0 && seconds == 0) {
			break
		}
	}
	return strings.Join(parts, " ")
}

// The layouts of dates and times in reports: unambiguous in every
// country, with the zone so that a time read on paper needs no context.
const (
	dayLayout  = "2 Jan 2006"
	timeLayout = "2 Jan 2006 15:04 MST"
)

func clock(t time.Time, loc *time.Location) string { return t.In(loc).Format(timeLayout) }

// moment writes a time as a day when it is the start of one in loc (an
// effective date written "2026-01-01"), and with the time of day otherwise.
func moment(t time.Time, loc *time.Location) string {
	l := t.In(loc)
	if l.Hour() == 0 && l.Minute() == 0 && l.Second() == 0 {
		return l.Format(dayLayout)
	}
	return l.Format(timeLayout)
}

// date writes a date of the agreement: a day as it is (it is already in
// the agreement's time zone), a time in loc.
func date(d *Date, loc *time.Location) string {
	if d == nil {
		return unknown
	}
	if d.Day != "" {
		return d.Time.Format(dayLayout)
	}
	return moment(d.Time, loc)
}

// span writes [start, end) compactly: "1 Oct 2026 00:00 CEST to 1 Nov
// 2026 00:00 CET". The zone is kept on both ends as it may change between.
func span(start, end time.Time, loc *time.Location) string {
	return clock(start, loc) + " to " + clock(end, loc)
}

// interval writes an exclusion's occurrence: "4 Oct 2026 02:00–04:00 CEST",
// or both ends in full when the day or the zone changes.
func interval(start, end time.Time, loc *time.Location) string {
	s, e := start.In(loc), end.In(loc)
	if s.Format("2006-01-02 MST") == e.Format("2006-01-02 MST") {
		return s.Format("2 Jan 2006 15:04") + "–" + e.Format("15:04 MST")
	}
	return clock(s, loc) + " – " + clock(e, loc)
}

// periodName writes a period label for people: "October 2026",
// "week 43 of 2026", "Q3 2026", "14 October 2026", "2026".
func periodName(p *Period) string {
	if p == nil {
		return ""
	}
	switch p.Kind {
	case "day":
		if t, err := time.Parse(time.DateOnly, p.Label); err == nil {
			return t.Format("2 January 2006")
		}
	case "month":
		if t, err := time.Parse("2006-01", p.Label); err == nil {
			return t.Format("January 2006")
		}
	case "week":
		var year, week int
		if _, err := fmt.Sscanf(p.Label, "%d-W%d", &year, &week); err == nil {
			return fmt.Sprintf("week %d of %d", week, year)
		}
	case "quarter":
		var year, q int
		if _, err := fmt.Sscanf(p.Label, "%d-Q%d", &year, &q); err == nil {
			return fmt.Sprintf("Q%d %d", q, year)
		}
	}
	return p.Label
}

// words turns a status or reason token into words: at_risk is "at risk".
func words(token string) string { return strings.ReplaceAll(token, "_", " ") }

// plural writes a count and its noun: "1 SLO", "3 SLOs".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if k := len(noun); k > 1 && noun[k-1] == 'y' && !strings.ContainsRune("aeiou", rune(noun[k-2])) {
		return strconv.Itoa(n) + " " + noun[:k-1] + "ies"
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// zoneName names a time zone: its IANA name, or for a fixed offset read
// from a timestamp, "UTC-04:00".
func zoneName(loc *time.Location) string {
	if name := loc.String(); name != "" {
		return name
	}
	return "UTC" + time.Unix(0, 0).In(loc).Format("-07:00")
}

// capitalize makes the first letter of s a capital.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// coverage writes how much of a window the source holds data for: 100%,
// or 32.4% (95% required) when that is too little; an em dash when coverage
// does not apply.
func coverage(c *Coverage) string {
	if c == nil {
		return unknown
	}
	s := number(c.Percent.Float64()) + "%"
	if c.Short() {
		s += " (" + number(c.Required.Float64()) + "% required)"
	}
	return s
}

// coverageDetail says it in a sentence, with where the data is.
func coverageDetail(c *Coverage, loc *time.Location) string {
	if c == nil {
		return ""
	}
	s := number(c.Percent.Float64()) + "% of the window"
	if c.Percent.Float64() < 100 && c.From != nil && c.To != nil {
		s += ", with data from " + moment(*c.From, loc) + " to " + moment(*c.To, loc)
	}
	if c.Short() {
		s += "; " + number(c.Required.Float64()) + "% is required"
	}
	if c.Note != "" && c.Percent.Float64() < 100 {
		s += " (" + string(c.Note) + ")"
	}
	return s
}
