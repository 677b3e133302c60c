package evaluator

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/entente-dev/entente/internal/promtest"
	"github.com/entente-dev/entente/internal/verdictschema"
)

// history writes three days of a shop's metrics, one sample a minute, 13
// seconds off the minute so that no sample sits on a window's edge (where
// Prometheus 2 and 3 differ). Errors run at 0.2% of requests except for a
// bad hour; latency stays at 0.2 s but for one spike; the shop is up but
// for two hours.
func history(t testing.TB, end time.Time) string {
	return historyFile(t, end, "")
}

// historyFile writes the history for one job, or, with replicas set, for
// each of replicas="0".."N-1" under it.
func historyFile(t testing.TB, end time.Time, replicas string) string {
	t.Helper()
	var b strings.Builder
	start := end.Add(-72 * time.Hour)
	var requests, errs float64
	type point struct {
		t                 time.Time
		req, err, lat, up float64
	}
	var points []point
	for ts := start.Truncate(time.Minute).Add(13 * time.Second); ts.Before(end); ts = ts.Add(time.Minute) {
		rate := 100.0
		bad := 0.2
		if ts.After(end.Add(-30*time.Hour)) && ts.Before(end.Add(-29*time.Hour)) {
			bad = 30 // a bad hour, yesterday
		}
		requests += rate
		errs += rate * bad / 100
		lat := 0.2
		if ts.After(end.Add(-10*time.Hour)) && ts.Before(end.Add(-9*time.Hour)) {
			lat = 0.8
		}
		up := 1.0
		if ts.After(end.Add(-3*time.Hour)) && ts.Before(end.Add(-2*time.Hour)) {
			up = 0
		}
		points = append(points, point{ts, requests, errs, lat, up})
	}
	write := func(name, kind string, value func(point) float64) {
		fmt.Fprintf(&b, "# TYPE %s %s\n", name, kind)
		suffix := ""
		if kind == "counter" {
			suffix = "_total"
		}
		labels := []string{`job="shop"`}
		if n, _ := strconv.Atoi(replicas); n > 0 {
			labels = nil
			for i := range n {
				labels = append(labels, fmt.Sprintf(`job="shop",replica="%d"`, i))
			}
		}
		for _, l := range labels {
			for _, p := range points {
				fmt.Fprintf(&b, "%s%s{%s} %g %d\n", name, suffix, l, value(p), p.t.Unix())
			}
		}
	}
	write("requests", "counter", func(p point) float64 { return p.req })
	write("errors", "counter", func(p point) float64 { return p.err })
	write("latency_seconds", "gauge", func(p point) float64 { return p.lat })
	write("up", "gauge", func(p point) float64 { return p.up })
	b.WriteString("# EOF\n")
	file := filepath.Join(t.TempDir(), "shop.om")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

const shop = `agreement "shop" {
  title     = "Shop"
  version   = "1.0.0"
  effective = "2026-01-01"
  indicator "errors" {
    ratio {
      bad   = "sum(increase(errors_total{job='shop'}[${window}]))"
      total = "sum(increase(requests_total{job='shop'}[${window}]))"
    }
  }
  indicator "latency" {
    value = "max(max_over_time(latency_seconds{job='shop'}[${window}]))"
    unit  = "s"
  }
  indicator "up" {
    value = "avg(avg_over_time(up{job='shop'}[${window}]))"
  }
  slo "availability" {
    indicator = indicator.errors
    objective = 99
    warning   = 99.5
    window    = "2d"
  }
  slo "availability-today" {
    indicator = indicator.errors
    objective = 99
    calendar  = "day"
  }
  slo "latency" {
    indicator = indicator.latency
    max       = 0.5
    window    = "1d"
  }
  slo "uptime" {
    indicator = indicator.up
    objective = 80
    window    = "12h"
    timeslices {
      slice = "1h"
      min   = 0.99
    }
  }
  exclusion "nightly" {
    cron     = "0 3 * * *"
    duration = "1h"
  }
}
`

// TestARealPrometheusGivesTheSameVerdictsAsTheMetricsFiles backfills a
// history into a real Prometheus and checks that measuring from it and
// from the same file loaded by --metrics give the same verdict, to the
// figure, and that the verdict is what the history shows.
func TestARealPrometheusGivesTheSameVerdictsAsTheMetricsFiles(t *testing.T) {
	at := time.Date(2026, 10, 20, 18, 0, 0, 0, time.UTC)
	file := history(t, at.Add(-30*time.Minute))
	url := promtest.Start(t, file)
	set := compileSet(t, shop)
	ctx := context.Background()

	server, err := NewPrometheus(PrometheusConfig{URL: url}, nil)
	if err != nil {
		t.Fatal(err)
	}
	fromServer, err := set.Evaluate(ctx, server, Options{At: at})
	if err != nil {
		t.Fatal(err)
	}
	files, err := LoadFiles(ctx, []string{file}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer files.Close()
	fromFiles, err := set.Evaluate(ctx, files, Options{At: at})
	if err != nil {
		t.Fatal(err)
	}

	a, _ := json.MarshalIndent(fromServer, "", " ")
	b, _ := json.MarshalIndent(fromFiles, "", " ")
	if string(a) != string(b) {
		t.Errorf("the server and the files disagree:\nserver: %s\nfiles:  %s", a, b)
	}
	for _, doc := range [][]byte{a, b} {
		if err := verdictschema.Validate(doc); err != nil {
			t.Errorf("the verdict does not match docs/verdict.schema.json: %v", err)
		}
	}
	want := map[string]string{
		"availability":       "warn", // the bad hour, 30% errors, in two days of 0.2%
		"availability-today": "pass", // the bad hour was yesterday
		"latency":            "fail", // the spike to 0.8 s
		"uptime":             "pass", // the down hour spans two slices: 10 of 12 is above 80%
	}
	for name, status := range want {
		if got := sloOf(t, fromServer, name)["status"]; got != status {
			t.Errorf("%s is %v, want %s", name, got, status)
		}
	}
	if n := server.Requests(); n == 0 || int(n) > len(distinctQueries(fromServer)) {
		t.Errorf("%d HTTP requests for %d distinct queries", n, len(distinctQueries(fromServer)))
	}
}

func distinctQueries(v *Verdict) map[string]bool {
	seen := map[string]bool{}
	for _, a := range v.Agreements {
		for _, kind := range []string{"slos", "responsibilities"} {
			list, _ := a[kind].([]any)
			for _, x := range list {
				qs, _ := x.(map[string]any)["queries"].([]QueryRecord)
				for _, q := range qs {
					seen[fmt.Sprintf("%+v", q)] = true
				}
			}
		}
	}
	return seen
}
