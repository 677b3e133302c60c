package output

import (
	"testing"

	"github.com/entente-dev/entente/verdict"
)

// n is a figure of a verdict.
func n(f float64) *verdict.Number {
	v := verdict.NumberOf(f)
	return &v
}

// What a reader sees in the MEASURED and TARGET columns.
func TestFiguresReadAsPeopleWriteThem(t *testing.T) {
	for _, c := range []struct {
		slo           verdict.SLO
		measured, tgt string
	}{
		// The decimals of the objective, two at least, cut: 99.899 never
		// reads as meeting 99.9.
		{verdict.SLO{Measured: n(99.74347074), Objective: n(99.95)}, "99.74%", "≥ 99.95%"},
		{verdict.SLO{Measured: n(99.899), Objective: n(99.9)}, "99.89%", "≥ 99.9%"},
		{verdict.SLO{Measured: n(99.9999), Objective: n(99.999)}, "99.999%", "≥ 99.999%"},
		// Values in their unit, never in scientific notation.
		{verdict.SLO{Measured: n(0.3596306154), Max: n(0.4), Unit: "s"}, "0.3596 s", "≤ 0.4 s"},
		{verdict.SLO{Measured: n(0.00001234), Max: n(0.001)}, "0.00001234", "≤ 0.001"},
		{verdict.SLO{Measured: n(123456789.0), Min: n(1e6), Unit: "req"}, "123456789 req", "≥ 1000000 req"},
		{verdict.SLO{Measured: n(99.93), Min: n(99.5), Unit: "%"}, "99.93%", "≥ 99.5%"},
		// Durations as hours and minutes.
		{verdict.SLO{Measured: n(8012.903226), Max: n(14400.0), Unit: "s"}, "2 h 13 min", "≤ 4 h"},
		{verdict.SLO{Measured: n(22.0), Max: n(15.0), Unit: "min"}, "22 min", "≤ 15 min"},
		{verdict.SLO{Measured: n(90.0), Max: n(1440.0), Unit: "min"}, "1 h 30 min", "≤ 1 d"},
		{verdict.SLO{Max: n(0.4), Unit: "s"}, "—", "≤ 0.4 s"},
	} {
		if got := measured(&c.slo); got != c.measured {
			t.Errorf("%+v: measured %q, want %q", c.slo, got, c.measured)
		}
		if got := target(&c.slo); got != c.tgt {
			t.Errorf("%+v: target %q, want %q", c.slo, got, c.tgt)
		}
	}
}

// A percentage is cut at the decimals of its objective, as it is written:
// 1.13 is 1.13%, not 1.12% (1.13 × 100 is 112.99999 in binary), and a
// value just below the objective never reads as meeting it.
func TestPercentagesAreCutAsWritten(t *testing.T) {
	for _, c := range []struct {
		f    float64
		n    int
		want string
	}{
		{1.13, 2, "1.13%"},
		{0.29, 2, "0.29%"},
		{99.94999, 2, "99.94%"},
		{99.9, 2, "99.90%"},
		{100, 2, "100.00%"},
		{-0.001, 2, "0.00%"},
		{-2.5, 1, "-2.5%"},
		{98.87641, 0, "98%"},
	} {
		if got := percentText(c.f, c.n); got != c.want {
			t.Errorf("percentText(%v, %d) = %q, want %q", c.f, c.n, got, c.want)
		}
	}
}
