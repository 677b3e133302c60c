package main

import (
	"testing"
	"time"
)

// The harness refuses to time servers that disagree: these are the
// comparisons of verdicts it relies on.
func TestVerdictsAreComparedWhole(t *testing.T) {
	opa := map[string]any{"status": "breached", "slos": []any{map[string]any{"name": "availability", "measured": 99.41}}}
	cases := []struct {
		name    string
		entente any
		same    bool
	}{
		{"the same verdict", map[string]any{"status": "breached", "slos": []any{map[string]any{"name": "availability", "measured": 99.41}}}, true},
		{"entente's own additions", map[string]any{"status": "breached", "source": "x", "slos": []any{map[string]any{"name": "availability", "measured": 99.41, "queries": []any{}}}}, true},
		{"another status", map[string]any{"status": "compliant", "slos": []any{map[string]any{"name": "availability", "measured": 99.41}}}, false},
		{"another figure deep inside", map[string]any{"status": "breached", "slos": []any{map[string]any{"name": "availability", "measured": 99.42}}}, false},
		{"an SLO missing", map[string]any{"status": "breached", "slos": []any{}}, false},
		{"no verdict", nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := contains("result", opa, c.entente)
			if (err == nil) != c.same {
				t.Errorf("contains: %v, want same=%v", err, c.same)
			}
		})
	}
}

func TestFiguresReadAsPeopleWriteThem(t *testing.T) {
	cases := []struct {
		u    unit
		v    float64
		want string
	}{
		{perSecond, 12345.6, "12,346 req/s"},
		{seconds, 0.0021, "2.10 ms"},
		{seconds, 0.25, "250.0 ms"},
		{seconds, 39.14, "39.14 s"},
		{byteSize, 283.4 * (1 << 20), "283.4 MiB"},
		{count, 4320000, "4,320,000"},
	}
	for _, c := range cases {
		if got := c.u.format(c.v); got != c.want {
			t.Errorf("format(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}

func TestMediansAndPercentiles(t *testing.T) {
	if got := median([]time.Duration{5, 1, 3}); got != 3 {
		t.Errorf("median of 5, 1, 3 = %v, want 3", got)
	}
	if got := median([]float64{4, 1, 3, 2}); got != 2.5 {
		t.Errorf("median of 4, 1, 3, 2 = %v, want 2.5", got)
	}
	sorted := make([]time.Duration, 100)
	for i := range sorted {
		sorted[i] = time.Duration(i + 1)
	}
	if p50, p99 := percentile(sorted, 0.5), percentile(sorted, 0.99); p50 != 50 || p99 != 99 {
		t.Errorf("p50, p99 of 1..100 = %v, %v, want 50, 99", p50, p99)
	}
}

func TestGoalsCompareTheRatio(t *testing.T) {
	throughput := result{entente: 150, peer: 100, goal: atLeast(1)}
	latency := result{entente: 150, peer: 100, goal: atMost(1)}
	news := result{entente: 150, peer: 100, goal: noGoal}
	if throughput.status() != "met" || latency.status() != "missed" || news.status() != "—" {
		t.Errorf("statuses %s, %s, %s; want met, missed, —", throughput.status(), latency.status(), news.status())
	}
	if got := throughput.ratioText(); got != "1.50×" {
		t.Errorf("ratio %s, want 1.50×", got)
	}
}

func TestRatiosKeepTwoFigures(t *testing.T) {
	for _, c := range []struct {
		entente, peer float64
		want          string
	}{
		{6, 1310, "0.0046×"},
		{1, 2, "0.50×"},
		{4.3, 0.05, "86.00×"},
		{25, 0.1, "250×"},
	} {
		if got := (result{entente: c.entente, peer: c.peer}).ratioText(); got != c.want {
			t.Errorf("%v / %v = %s, want %s", c.entente, c.peer, got, c.want)
		}
	}
}
