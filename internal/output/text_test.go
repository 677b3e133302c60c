package output

import "testing"

// What a reader sees in the MEASURED and TARGET columns.
func TestFiguresReadAsPeopleWriteThem(t *testing.T) {
	for _, c := range []struct {
		slo           map[string]any
		measured, tgt string
	}{
		// The decimals of the objective, two at least, cut: 99.899 never
		// reads as meeting 99.9.
		{map[string]any{"measured": 99.74347074, "objective": 99.95}, "99.74%", "≥ 99.95%"},
		{map[string]any{"measured": 99.899, "objective": 99.9}, "99.89%", "≥ 99.9%"},
		{map[string]any{"measured": 99.9999, "objective": 99.999}, "99.999%", "≥ 99.999%"},
		// Values in their unit, never in scientific notation.
		{map[string]any{"measured": 0.3596306154, "max": 0.4, "unit": "s"}, "0.3596 s", "≤ 0.4 s"},
		{map[string]any{"measured": 0.00001234, "max": 0.001}, "0.00001234", "≤ 0.001"},
		{map[string]any{"measured": 123456789.0, "min": 1e6, "unit": "req"}, "123456789 req", "≥ 1000000 req"},
		{map[string]any{"measured": 99.93, "min": 99.5, "unit": "%"}, "99.93%", "≥ 99.5%"},
		// Durations as hours and minutes.
		{map[string]any{"measured": 8012.903226, "max": 14400.0, "unit": "s"}, "2 h 13 min", "≤ 4 h"},
		{map[string]any{"measured": 22.0, "max": 15.0, "unit": "min"}, "22 min", "≤ 15 min"},
		{map[string]any{"measured": 90.0, "max": 1440.0, "unit": "min"}, "1 h 30 min", "≤ 1 d"},
		{map[string]any{"measured": nil, "max": 0.4, "unit": "s"}, "—", "≤ 0.4 s"},
	} {
		if got := measured(c.slo); got != c.measured {
			t.Errorf("%v: measured %q, want %q", c.slo, got, c.measured)
		}
		if got := target(c.slo); got != c.tgt {
			t.Errorf("%v: target %q, want %q", c.slo, got, c.tgt)
		}
	}
}
