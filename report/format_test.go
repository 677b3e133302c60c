package report

import (
	"math"
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
