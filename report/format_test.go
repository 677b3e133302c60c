package report

import (
	"math"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestFiguresReadAsPeopleWriteThem(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	for _, tc := range []struct {
		name, got, want string
	}{
		{"a count from increase()", number(84677083.87549528), "84,677,084"},
		{"a small value keeps four decimals", number(0.2125363147056572), "0.2125"},
		{"trailing zeros go", number(99.5), "99.5"},
		{"a whole number", number(19), "19"},
		{"a negative thousand", number(-1234.5), "-1,235"},
		{"minus zero", number(-0.00001), "0"},
		{"not a number", number(math.NaN()), "—"},
		{"compact millions", compact(84677083), "84.7M"},
		{"compact thousands", compact(1200), "1.2k"},
		{"compact whole thousands", compact(15000), "15k"},
		{"compact small", compact(0.25), "0.25"},
		{"compact billions", compact(1.2e9), "1.2B"},
		{"a percentage", percent(f(99.74347073832028)), "99.7435%"},
		{"an unknown percentage", percent(nil), "—"},
		{"a budget share", share(0.524542911), "52.5%"},
		{"an overspent budget", share(-2.530725322), "-253.1%"},
		{"a huge budget", share(41.3), "4,130%"},
		{"no budget at all", share(-0.0001), "0.0%"},
		{"a value in seconds", withUnit(f(0.3596), "s"), "0.3596 s"},
		{"a value in percent", withUnit(f(99.93), "%"), "99.93%"},
		{"a value without unit", withUnit(f(2), ""), "2"},
		{"an unknown value", withUnit(nil, "s"), "—"},
		{"a long time as a duration", withUnit(f(8012.903226), "s"), "2 h 13 min"},
		{"minutes as a duration", withUnit(f(22), "min"), "22 min"},
		{"a minute and a half", withUnit(f(1.5), "min"), "1 min 30 s"},
		{"money", money(f(1200), "EUR"), "1,200.00 EUR"},
		{"unknown money", money(nil, "EUR"), "—"},
		{"hours", duration(14400), "4 h"},
		{"days and hours", duration(2*86400 + 3*3600 + 59), "2 d 3 h"},
		{"a day and minutes", duration(86400 + 1800), "1 d 30 min"},
		{"seconds", duration(45), "45 s"},
		{"nothing", duration(0), "none"},
		{"one of a kind", plural(1, "SLO"), "1 SLO"},
		{"many", plural(3, "day"), "3 days"},
		{"many queries", plural(2, "query"), "2 queries"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}

// An SLO's percentages read as the text table writes them
// (internal/output): the objective as written, the measured value with
// its decimals, two at least, cut so that it never reads as meeting an
// objective it misses.
func TestPercentagesHaveThePrecisionOfTheirObjective(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	for _, tc := range []struct {
		name, got, want string
	}{
		{"just below 99.95 is not 99.95", attained(f(99.94999), f(99.95)), "99.94%"},
		{"cut, not rounded", attained(f(99.74347074), f(99.95)), "99.74%"},
		{"two decimals at least", attained(f(99.899), f(99.9)), "99.89%"},
		{"the decimals of a precise objective", attained(f(99.9999), f(99.999)), "99.999%"},
		{"a whole objective", attained(f(96.6667), f(95)), "96.66%"},
		{"zeros are kept", attained(f(100), f(95)), "100.00%"},
		{"exactly the objective", attained(f(99.95), f(99.95)), "99.95%"},
		// Multiplied by 100 in binary, 1.13 is 112.99999999999999.
		{"a value that binary cannot hold", attained(f(1.13), f(99)), "1.13%"},
		{"a tiny value in plain decimals", attained(f(1e-7), f(99.9)), "0.00%"},
		{"no minus zero", attained(f(-1e-9), f(99.9)), "0.00%"},
		{"no objective", attained(f(99.123), nil), "99.12%"},
		{"unknown", attained(nil, f(99.9)), "—"},
		{"an objective as written", promised(f(99.95)), "99.95%"},
		{"a whole objective as written", promised(f(99)), "99%"},
		{"a threshold in a tenth", promised(f(97.5)), "97.5%"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}

// exponent is a figure in scientific notation: 1e-07, 3.4E+38.
var exponent = regexp.MustCompile(`[0-9][eE][-+]?[0-9]`)

// No figure is ever written with an exponent, however small or large.
func TestNoFigureIsInScientificNotation(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	for _, x := range []float64{1e-7, -1e-7, 1.5e-12, 1e-300, 5e-324, 1e15, 1e21, -1e21, 3.4e38} {
		for _, s := range []string{number(x), compact(x), percent(f(x)), attained(f(x), f(99.95)), promised(f(x)), share(x), withUnit(f(x), "s"), withUnit(f(x), "req"), tickLabel(x, 0.01)} {
			if exponent.MatchString(s) || strings.Contains(s, "none") {
				t.Errorf("%g is written %q", x, s)
			}
		}
	}
}

func TestPeriodsAreNamedForPeople(t *testing.T) {
	for _, tc := range []struct {
		p    Period
		want string
	}{
		{Period{Label: "2026-10-14", Kind: "day"}, "14 October 2026"},
		{Period{Label: "2026-W43", Kind: "week"}, "week 43 of 2026"},
		{Period{Label: "2026-10", Kind: "month"}, "October 2026"},
		{Period{Label: "2026-Q3", Kind: "quarter"}, "Q3 2026"},
		{Period{Label: "2026", Kind: "year"}, "2026"},
		{Period{Label: "someday", Kind: "month"}, "someday"},
	} {
		if got := periodName(&tc.p); got != tc.want {
			t.Errorf("%v: got %q, want %q", tc.p, got, tc.want)
		}
	}
}

func TestTimesAreShownInTheAgreementsZone(t *testing.T) {
	paris := mustZone("Europe/Paris")
	// 00:00 UTC on 25 October 2026 is 02:00 CEST; two hours later the
	// clocks have gone back an hour and it is 03:00 CET.
	start := time.Date(2026, 10, 25, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, got, want string
	}{
		{"an interval inside a day", interval(start.Add(-24*time.Hour), start.Add(-22*time.Hour), paris), "24 Oct 2026 02:00–04:00 CEST"},
		{"an interval across a change of time", interval(start, start.Add(2*time.Hour), paris), "25 Oct 2026 02:00 CEST – 25 Oct 2026 03:00 CET"},
		{"the start of a day is a day", moment(time.Date(2026, 1, 1, 0, 0, 0, 0, paris), paris), "1 Jan 2026"},
		{"another time is a time", moment(start, paris), "25 Oct 2026 02:00 CEST"},
		{"a day is shown as written", date(&Date{Day: "2026-03-01", Time: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}, paris), "1 Mar 2026"},
		{"a time is shown in the zone", date(&Date{Time: time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)}, paris), "1 Feb 2026 13:00 CET"},
		{"no date", date(nil, paris), "—"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}
