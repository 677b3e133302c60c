package report

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestAxesEndOnRoundNumbers(t *testing.T) {
	for _, tc := range []struct {
		name   string
		lo, hi float64
		ticks  []float64
	}{
		{"a whole budget", 0, 1, []float64{0, 0.25, 0.5, 0.75, 1}},
		{"twice the budget", 0, 2, []float64{0, 0.5, 1, 1.5, 2}},
		{"a budget a third over", 0, 1.3, []float64{0, 0.5, 1, 1.5}},
		{"attainments near 100%", 99.45, 100, []float64{99.4, 99.6, 99.8, 100}},
		{"latencies", 0, 0.43, []float64{0, 0.2, 0.4, 0.6}},
		{"large counts", 0, 17253, []float64{0, 5000, 10000, 15000, 20000}},
		{"one value", 5, 5, []float64{4.5, 4.75, 5, 5.25, 5.5}},
		{"zero alone", 0, 0, []float64{-1, -0.5, 0, 0.5, 1}},
		{"reversed", 1, 0, []float64{0, 0.25, 0.5, 0.75, 1}},
		{"no data", math.NaN(), math.Inf(1), []float64{0, 0.25, 0.5, 0.75, 1}},
	} {
		a := niceAxis(tc.lo, tc.hi, 5)
		if !slices.Equal(a.ticks, tc.ticks) {
			t.Errorf("%s: ticks %v, want %v", tc.name, a.ticks, tc.ticks)
		}
		if a.lo != tc.ticks[0] || a.hi != tc.ticks[len(tc.ticks)-1] {
			t.Errorf("%s: axis [%v, %v] is not its ticks' span", tc.name, a.lo, a.hi)
		}
	}
}

func TestTickLabelsHaveTheDecimalsTheirStepNeeds(t *testing.T) {
	for _, tc := range []struct {
		v, step float64
		want    string
	}{
		{99.4, 0.2, "99.4"},
		{100, 0.2, "100.0"},
		{0.25, 0.25, "0.25"},
		{15000, 5000, "15k"},
		{2, 1, "2"},
	} {
		if got := tickLabel(tc.v, tc.step); got != tc.want {
			t.Errorf("tickLabel(%v, %v) = %q, want %q", tc.v, tc.step, got, tc.want)
		}
	}
	if got := shareTick(0.75, 0.25); got != "75%" {
		t.Errorf("shareTick(0.75) = %q", got)
	}
}

func TestScalesClampWhatFallsOffThem(t *testing.T) {
	s := scale{d0: 0, d1: 2, r0: 200, r1: 20} // values up, pixels down
	for _, tc := range []struct {
		v       float64
		at      float64
		clipped bool
	}{
		{0, 200, false},
		{1, 110, false},
		{2, 20, false},
		{4.13, 20, true},
		{-1, 200, true},
	} {
		at, clipped := s.clamped(tc.v)
		if at != tc.at || clipped != tc.clipped {
			t.Errorf("clamped(%v) = %v, %v; want %v, %v", tc.v, at, clipped, tc.at, tc.clipped)
		}
	}
	if got := (scale{d0: 1, d1: 1, r0: 0, r1: 10}).at(1); got != 5 {
		t.Errorf("an empty domain maps to %v, want the middle", got)
	}
}

func TestTimeTicksFollowTheAgreementsCalendar(t *testing.T) {
	paris := mustZone("Europe/Paris")
	labels := func(ticks []timeTick) string {
		var out []string
		for _, tk := range ticks {
			out = append(out, tk.label)
		}
		return strings.Join(out, ", ")
	}
	for _, tc := range []struct {
		name       string
		start, end time.Time
		want       string
	}{
		{"a month, by weeks", time.Date(2026, 10, 1, 0, 0, 0, 0, paris), time.Date(2026, 11, 1, 0, 0, 0, 0, paris), "1 Oct, 8 Oct, 15 Oct, 22 Oct, 29 Oct"},
		{"a day, by six hours, midnights as days", time.Date(2026, 10, 14, 0, 0, 0, 0, paris), time.Date(2026, 10, 15, 0, 0, 0, 0, paris), "14 Oct, 06:00, 12:00, 18:00, 15 Oct"},
		{"a week, by days, across the change of time", time.Date(2026, 10, 22, 12, 0, 0, 0, paris), time.Date(2026, 10, 29, 12, 0, 0, 0, paris), "23 Oct, 24 Oct, 25 Oct, 26 Oct, 27 Oct, 28 Oct, 29 Oct"},
		{"a year, by quarters", time.Date(2026, 1, 1, 0, 0, 0, 0, paris), time.Date(2027, 1, 1, 0, 0, 0, 0, paris), "Jan 2026, Apr 2026, Jul 2026, Oct 2026, Jan 2027"},
		{"nothing", time.Date(2026, 1, 1, 0, 0, 0, 0, paris), time.Date(2026, 1, 1, 0, 0, 0, 0, paris), ""},
	} {
		ticks := timeTicks(tc.start, tc.end, paris, 8)
		if got := labels(ticks); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
		for _, tk := range ticks {
			if l := tk.t.In(paris); !strings.Contains(tc.name, "hours") && (l.Hour() != 0 || l.Minute() != 0) {
				t.Errorf("%s: tick %v is not at midnight", tc.name, l)
			}
		}
	}
}
