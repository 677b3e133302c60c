package promtest_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/entente-dev/entente/evaluator"
	"github.com/entente-dev/entente/internal/promtest"
	"github.com/prometheus/common/model"
)

// history writes two hours of http_requests_total ending at end, a sample a
// minute: code="200" grows by 9 a minute in the first hour and 18 in the
// second, code="500" by 1 then 2. So over the first hour 600 requests, over
// the second 1200, 10% of them errors. And one sample of a gauge three
// months before: a report for a closed period reaches that far back.
func history(t *testing.T, end time.Time) string {
	t.Helper()
	start := end.Add(-2 * time.Hour)
	var b strings.Builder
	fmt.Fprintf(&b, "# TYPE sla_version gauge\nsla_version 2 %d\n", end.Add(-90*24*time.Hour).Unix())
	b.WriteString("# HELP http_requests Requests answered.\n# TYPE http_requests counter\n")
	for _, s := range []struct {
		code string
		rate float64 // per minute in the first hour; doubled in the second
	}{{"200", 9}, {"500", 1}} {
		v := 0.0
		for ts := start; !ts.After(end); ts = ts.Add(time.Minute) {
			fmt.Fprintf(&b, "http_requests_total{code=%q} %g %d\n", s.code, v, ts.Unix())
			if ts.Sub(start) < time.Hour {
				v += s.rate
			} else {
				v += 2 * s.rate
			}
		}
	}
	b.WriteString("# EOF\n")
	path := filepath.Join(t.TempDir(), "history.om")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestARealPrometheusAnswersQueriesOverABackfilledHistory(t *testing.T) {
	// Three days ago: old enough to be out of the head block, recent enough
	// for any retention.
	end := time.Now().UTC().Truncate(time.Hour).Add(-72 * time.Hour)
	start := end.Add(-2 * time.Hour)
	url := promtest.Start(t, history(t, end))
	p, err := evaluator.NewPrometheus(evaluator.PrometheusConfig{URL: url, Timeout: 10 * time.Second}, nil)
	if err != nil {
		t.Fatal(err)
	}

	instant := []struct {
		name  string
		query string
		at    time.Time
		want  []float64 // one per series; none for an empty answer
	}{
		{"the last sample of a series is its value at the end", `http_requests_total{code="500"}`, end, []float64{180}},
		{"the requests over the whole history add up", `sum(increase(http_requests_total[7200s]))`, end, []float64{1800}},
		{"the good requests are 90% of the total", `sum(increase(http_requests_total{code!~"5.."}[7200s])) / sum(increase(http_requests_total[7200s]))`, end, []float64{0.9}},
		{"the last hour counts twice the first", `sum(increase(http_requests_total[3600s]))`, end, []float64{1200}},
		{"a sample from three months before is still there", `sla_version`, end.Add(-90 * 24 * time.Hour), []float64{2}},
		{"a sample is not seen more than five minutes after it", `http_requests_total{code="500"}`, end.Add(6 * time.Minute), nil},
	}
	for _, tt := range instant {
		t.Run(tt.name, func(t *testing.T) {
			a, err := p.Query(t.Context(), tt.query, tt.at)
			if err != nil {
				t.Fatal(err)
			}
			v := a.Value
			vec, ok := v.(model.Vector)
			if !ok {
				t.Fatalf("got %s, want a vector", v.Type())
			}
			var got []float64
			for _, s := range vec {
				if !s.Timestamp.Time().Equal(tt.at) {
					t.Errorf("sample at %s, want %s", s.Timestamp.Time(), tt.at)
				}
				got = append(got, float64(s.Value))
			}
			if !near(got, tt.want) {
				t.Errorf("%s at %s = %v, want %v", tt.query, tt.at, got, tt.want)
			}
		})
	}

	t.Run("a range query gives each hour its own count", func(t *testing.T) {
		v, err := p.QueryRange(t.Context(), `sum(increase(http_requests_total[3600s]))`, start, end, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		m := v.Value.(model.Matrix)
		if len(m) != 1 {
			t.Fatalf("got %d series, want 1: %v", len(m), m)
		}
		// Nothing at start: one sample is not enough for increase.
		want := []model.SamplePair{
			{Timestamp: model.TimeFromUnix(start.Add(time.Hour).Unix()), Value: 600},
			{Timestamp: model.TimeFromUnix(end.Unix()), Value: 1200},
		}
		got := m[0].Values
		if len(got) != len(want) {
			t.Fatalf("got %v, want %v", got, want)
		}
		for i := range want {
			if got[i].Timestamp != want[i].Timestamp || !near([]float64{float64(got[i].Value)}, []float64{float64(want[i].Value)}) {
				t.Errorf("point %d = %v, want %v", i, got[i], want[i])
			}
		}
	})

	if got := p.Requests(); got != int64(len(instant)+1) {
		t.Errorf("Requests() = %d, want one per query, %d", got, len(instant)+1)
	}
}

// near compares answers that went through floating-point extrapolation.
func near(got, want []float64) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > 1e-9*math.Max(1, math.Abs(want[i])) {
			return false
		}
	}
	return true
}
