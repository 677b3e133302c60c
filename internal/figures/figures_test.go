package figures

import (
	"math"
	"testing"
)

func TestFiguresReadAsWritten(t *testing.T) {
	for _, c := range []struct {
		x    float64
		n    int
		want string
	}{
		{1.13, 2, "1.13"},
		{0.29, 2, "0.29"},
		{99.94999, 2, "99.94"},
		{99.9, 2, "99.90"},
		{-0.001, 2, "0.00"},
		{-2.5, 1, "-2.5"},
		{84677084.5, 0, "84,677,084"},
		{1e21, 0, "1,000,000,000,000,000,000,000"},
		{5e-324, 2, "0.00"},
	} {
		if got, ok := Cut(c.x, c.n); !ok || got != c.want {
			t.Errorf("Cut(%v, %d) = %q, want %q", c.x, c.n, got, c.want)
		}
	}
	if _, ok := Cut(math.NaN(), 2); ok {
		t.Error("NaN has a figure")
	}
	if got := Group("-1234567.25"); got != "-1,234,567.25" {
		t.Errorf("Group: %q", got)
	}
}
