package evaluator

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/entente-dev/entente/internal/promtest"
	"github.com/entente-dev/entente/internal/vmtest"
)

// conformanceAgreement measures the conformance history with every kind of
// SLO: ratios over a calendar month (with exclusions) and a rolling day, a
// value, and timeslices of a value and of a ratio.
const conformanceAgreement = `agreement "conformance" {
  title     = "Conformance"
  version   = "1.0.0"
  effective = "2026-09-01"
  indicator "requests" {
    ratio {
      good  = "sum(increase(requests_total{code!~'5..'}[${window}]))"
      total = "sum(increase(requests_total[${window}]))"
    }
  }
  indicator "latency" {
    value = "max(max_over_time(latency_seconds[${window}]))"
    unit  = "s"
  }
  indicator "engineers" {
    value = "min(min_over_time(oncall_engineers[${window}]))"
  }
  indicator "probes" {
    ratio {
      good  = "sum(increase(probe_ok_total[${window}]))"
      total = "sum(increase(probe_total[${window}]))"
    }
  }
  slo "availability" {
    indicator = indicator.requests
    objective = 99.5
    warning   = 99.8
    calendar  = "month"
  }
  slo "availability-day" {
    indicator = indicator.requests
    objective = 99
    window    = "1d"
  }
  slo "latency" {
    indicator = indicator.latency
    max       = 0.5
    window    = "1d"
  }
  slo "oncall" {
    indicator = indicator.engineers
    objective = 98.5
    window    = "1d"
    timeslices {
      slice   = "15m"
      min     = 2
      missing = "bad"
    }
  }
  slo "probes" {
    indicator = indicator.probes
    objective = 97
    window    = "1d"
    timeslices {
      slice     = "5m"
      objective = 99
    }
  }
  exclusion "sunday" {
    cron     = "0 2 * * SUN"
    duration = "1h"
    slos     = [slo.availability]
  }
}
`

// conformanceHistory writes a month of the service, from 28 September to
// 1 November 01:00 UTC, with every sample on the minute: the ranges of
// whole minutes that the SLOs measure start and end on samples, where
// engines that select [t-r, t] and (t-r, t] differ. The scrape target is
// down for two hours on 15 October (no sample of any series), and the 503s
// begin on 10 October, a series born inside the windows.
func conformanceHistory(t testing.TB) string {
	t.Helper()
	from := time.Date(2026, 9, 28, 0, 0, 0, 0, time.UTC)
	to := time.Date(2026, 11, 1, 1, 0, 0, 0, time.UTC)
	gap := Interval{time.Date(2026, 10, 15, 3, 0, 0, 0, time.UTC), time.Date(2026, 10, 15, 5, 0, 0, 0, time.UTC)}
	incident := Interval{time.Date(2026, 10, 20, 8, 0, 0, 0, time.UTC), time.Date(2026, 10, 20, 9, 0, 0, 0, time.UTC)}
	born := time.Date(2026, 10, 10, 10, 0, 0, 0, time.UTC)
	down := func(t time.Time) bool { return t.After(gap.Start) && t.Before(gap.End) }
	in := func(t time.Time, i Interval) bool { return t.After(i.Start) && !t.After(i.End) }

	var b strings.Builder
	family := func(name, typ string, step time.Duration, series func(t time.Time) []string) {
		fmt.Fprintf(&b, "# TYPE %s %s\n", name, typ)
		// One series after the other: a series's samples in time order.
		var lines [][]string
		for t := from; !t.After(to); t = t.Add(step) {
			if down(t) {
				continue
			}
			for i, s := range series(t) {
				for len(lines) <= i {
					lines = append(lines, nil)
				}
				if s != "" {
					lines[i] = append(lines[i], fmt.Sprintf("%s %d\n", s, t.Unix()))
				}
			}
		}
		for _, l := range lines {
			b.WriteString(strings.Join(l, ""))
		}
	}

	// 200 requests a second, 0.2% of 500s, and 0.2% of 503s from 10
	// October; 5% of 500s in the incident of 20 October, 08:00 to 09:00.
	var ok, e500, e503 int64
	family("requests", "counter", 5*time.Minute, func(t time.Time) []string {
		if t.After(from) {
			ok += 59_760
			if in(t, incident) {
				e500 += 3_000
				ok -= 2_880
			} else {
				e500 += 120
			}
		}
		out := []string{fmt.Sprintf(`requests_total{code="200"} %d`, ok), fmt.Sprintf(`requests_total{code="500"} %d`, e500), ""}
		if !t.Before(born) {
			e503 += 120 // its first sample is 120: it starts above zero
			out[2] = fmt.Sprintf(`requests_total{code="503"} %d`, e503)
		}
		return out
	})
	// 0.2 s, and 0.8 s once in the incident.
	family("latency_seconds", "gauge", 5*time.Minute, func(t time.Time) []string {
		if t.Equal(incident.Start.Add(30 * time.Minute)) {
			return []string{"latency_seconds 0.8"}
		}
		return []string{"latency_seconds 0.2"}
	})
	// Two engineers on call; one in the quarter-hour before 03:15 on 20
	// October. The low sample sits on the edge of the slice after it,
	// which an engine that selects [t-r, t] would count too.
	family("oncall_engineers", "gauge", 15*time.Minute, func(t time.Time) []string {
		if t.Equal(time.Date(2026, 10, 20, 3, 15, 0, 0, time.UTC)) {
			return []string{"oncall_engineers 1"}
		}
		return []string{"oncall_engineers 2"}
	})
	// A probe every 150 s; every probe fails from 10:00 to 10:30 on 20
	// October.
	var probes, good int64
	family("probe", "counter", 150*time.Second, func(t time.Time) []string {
		if t.After(from) {
			probes++
			if !in(t, Interval{time.Date(2026, 10, 20, 10, 0, 0, 0, time.UTC), time.Date(2026, 10, 20, 10, 30, 0, 0, time.UTC)}) {
				good++
			}
		}
		return []string{fmt.Sprintf("probe_total %d", probes), fmt.Sprintf("probe_ok_total %d", good)}
	})
	b.WriteString("# EOF\n")

	file := filepath.Join(t.TempDir(), "conformance.om")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// TestEveryEngineGivesTheSameVerdicts measures the conformance history
// from the embedded engine (Prometheus 3's), Debian's Prometheus 2.42 and
// VictoriaMetrics, each started with its default flags: every status is
// the same, and every figure within 0.01 of a point, at times on the
// samples' grid and off it, and in the report of October.
func TestEveryEngineGivesTheSameVerdicts(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not starting Prometheus and VictoriaMetrics")
	}
	file := conformanceHistory(t)
	set := compileSet(t, conformanceAgreement)
	ctx := context.Background()
	files, err := LoadFiles(ctx, []string{file}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer files.Close()
	prometheus, err := NewPrometheus(PrometheusConfig{URL: promtest.Start(t, file)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	victoria, err := NewPrometheus(PrometheusConfig{URL: vmtest.Start(t, file)}, nil)
	if err != nil {
		t.Fatal(err)
	}

	october, _ := ParsePeriod("2026-10")
	for _, c := range []struct {
		name string
		opts Options
		want map[string]string
	}{
		{"on the grid", Options{At: time.Date(2026, 10, 20, 12, 0, 0, 0, time.UTC)}, map[string]string{
			"availability":     "warn", // 0.2% of 500s, 0.2% of 503s for ten days, and the incident
			"availability-day": "pass",
			"latency":          "fail", // 0.8 s in the incident
			"oncall":           "pass", // one slice in 96 short of an engineer: 98.96%
			"probes":           "pass", // six slices in 288 of failed probes: 97.92%
		}},
		{"off the grid", Options{At: time.Date(2026, 10, 20, 12, 7, 31, 0, time.UTC)}, map[string]string{
			"availability":     "warn",
			"availability-day": "pass",
			"latency":          "fail",
			"oncall":           "pass",
			"probes":           "pass",
		}},
		{"the report of October", Options{Period: october}, map[string]string{
			"availability":     "warn",
			"availability-day": "pass",
			"latency":          "pass",
			"oncall":           "pass",
			"probes":           "pass",
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			want, err := evaluateValid(t, set, files, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			for name, status := range c.want {
				if s := sloOf(t, want, name); s["status"] != status {
					t.Errorf("from the files, %s is %v (%v), want %s", name, s["status"], s["message"], status)
				}
			}
			for _, e := range []struct {
				name   string
				src    *Prometheus
				ranges string
			}{{"Prometheus 2.42", prometheus, LeftClosed}, {"VictoriaMetrics", victoria, LeftOpen}} {
				got, err := evaluateValid(t, set, e.src, c.opts)
				if err != nil {
					t.Fatal(err)
				}
				if got.DataSource.Ranges != e.ranges {
					t.Errorf("%s: ranges are %s, want %s", e.name, got.DataSource.Ranges, e.ranges)
				}
				agree(t, e.name, got, want)
			}
		})
	}
}

// TestVictoriaMetricsGivesTheExamplesVerdicts checks the examples against
// VictoriaMetrics, started with its default flags, loaded with their
// histories: the same verdicts as from the metric files, at the time the
// history is made for (on every slice grid), two and a half minutes later
// (on none), and in the reports of October and of its week 43.
//
// Not later than that: VictoriaMetrics looks for the sample before a range
// only 5 minutes back, and counts the first sample in the range of a
// counter scraped less often from zero (docs/sources.md). The examples'
// restore tests, sampled every 6 hours, count 16 at 12:07:31, not 3.
func TestVictoriaMetricsGivesTheExamplesVerdicts(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not starting VictoriaMetrics")
	}
	victoria, err := NewPrometheus(PrometheusConfig{URL: vmtest.Start(t, examplesFile(t))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	files := exampleFiles(t)
	s := exampleSet(t)
	at := time.Date(2026, 10, 22, 12, 0, 0, 0, time.UTC)
	october, _ := ParsePeriod("2026-10")
	week, _ := ParsePeriod("2026-W43")
	for _, c := range []struct {
		name string
		opts Options
	}{
		{"at 22 October 12:00", Options{At: at}},
		{"at 22 October 12:02:31", Options{At: at.Add(2*time.Minute + 31*time.Second)}},
		{"the report of October", Options{Period: october}},
		{"the report of week 43", Options{Period: week}},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.opts.Facts = exampleFacts(t)
			want, err := evaluateValid(t, s, files, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			got, err := evaluateValid(t, s, victoria, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			agree(t, "VictoriaMetrics", got, want)
		})
	}
}

// exampleFacts are the facts of examples/metrics/facts.json.
func exampleFacts(t *testing.T) map[string]map[string]any {
	t.Helper()
	raw, err := os.ReadFile("../examples/metrics/facts.json")
	if err != nil {
		t.Fatal(err)
	}
	var facts map[string]map[string]any
	if err := json.Unmarshal(raw, &facts); err != nil {
		t.Fatal(err)
	}
	return facts
}

// TestVictoriaMetricsAnswersForTheTimeAsked: a check runs "now", and by
// default VictoriaMetrics answers an instant query within 30 seconds of
// now from the data of 30 seconds before, with the time asked for on the
// answer. Asked not to use its cache, it answers for the time asked: the
// spike of the last 20 seconds is measured.
func TestVictoriaMetricsAnswersForTheTimeAsked(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not starting VictoriaMetrics")
	}
	now := time.Now().Truncate(time.Second)
	var b strings.Builder
	b.WriteString("# TYPE latency_seconds gauge\n")
	for ts := now.Add(-10 * time.Minute); !ts.After(now.Add(-5 * time.Second)); ts = ts.Add(5 * time.Second) {
		v := "0.2"
		if now.Sub(ts) <= 20*time.Second {
			v = "9"
		}
		fmt.Fprintf(&b, "latency_seconds %s %d\n", v, ts.Unix())
	}
	b.WriteString("# EOF\n")
	file := filepath.Join(t.TempDir(), "now.om")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	victoria, err := NewPrometheus(PrometheusConfig{URL: vmtest.Start(t, file)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	set := compileSet(t, `agreement "now" {
  title     = "Now"
  version   = "1.0.0"
  effective = "2026-01-01"
  indicator "latency" {
    value = "max(max_over_time(latency_seconds[${window}]))"
  }
  slo "latency" {
    indicator = indicator.latency
    max       = 5
    window    = "5m"
  }
}
`)
	v, err := evaluateValid(t, set, victoria, Options{At: now})
	if err != nil {
		t.Fatal(err)
	}
	if l := sloOf(t, v, "latency"); l["status"] != "fail" || l["measured"] != 9.0 {
		t.Errorf("latency %v at %v (%v), want fail at 9: the last 20 seconds count", l["status"], l["measured"], l["message"])
	}
}
