// Package shop is a small agreement and its metric history: three days of
// a web shop's requests, errors, latency and probes. The evaluator's tests
// against a real Prometheus and the benchmark harness measure it.
package shop

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/entente-dev/entente/agreements"
)

// Agreement is the shop's agreement: a ratio SLO over a window and over a
// calendar day, a value SLO and a timeslice SLO, with a nightly exclusion.
const Agreement = `agreement "shop" {
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

// Copies returns the agreement under n names, shop-000 and on, each on
// one of replicas replicas in turn: the agreements on one replica share
// their queries, as the agreements of one provider do.
func Copies(n, replicas int) []agreements.Source {
	out := make([]agreements.Source, n)
	for i := range out {
		src := strings.Replace(Agreement, `agreement "shop"`, fmt.Sprintf(`agreement "shop-%03d"`, i), 1)
		src = strings.ReplaceAll(src, "job='shop'", fmt.Sprintf("job='shop',replica='%d'", i%replicas))
		out[i] = agreements.Source{Name: fmt.Sprintf("shop-%03d.hcl", i), Bytes: []byte(src)}
	}
	return out
}

// WriteHistory writes three days of the shop's metrics up to end as
// OpenMetrics, one sample a minute, 13 seconds off the minute so that no
// sample sits on a window's edge (where Prometheus 2 and 3 differ): for
// the job alone, or, with replicas above 0, for each of replica="0" to
// replicas-1. Errors run at 0.2% of requests except for a bad hour;
// latency stays at 0.2 s but for one spike; the shop is up but for an
// hour.
func WriteHistory(out io.Writer, end time.Time, replicas int) error {
	type point struct {
		t                 time.Time
		req, err, lat, up float64
	}
	var points []point
	var requests, errs float64
	for ts := end.Add(-72 * time.Hour).Truncate(time.Minute).Add(13 * time.Second); ts.Before(end); ts = ts.Add(time.Minute) {
		bad := 0.2
		if ts.After(end.Add(-30*time.Hour)) && ts.Before(end.Add(-29*time.Hour)) {
			bad = 30 // a bad hour, yesterday
		}
		requests += 100
		errs += bad
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
	labels := []string{`job="shop"`}
	if replicas > 0 {
		labels = nil
		for i := range replicas {
			labels = append(labels, fmt.Sprintf(`job="shop",replica="%d"`, i))
		}
	}
	w := bufio.NewWriter(out)
	for _, m := range []struct {
		name, kind string
		value      func(point) float64
	}{
		{"requests", "counter", func(p point) float64 { return p.req }},
		{"errors", "counter", func(p point) float64 { return p.err }},
		{"latency_seconds", "gauge", func(p point) float64 { return p.lat }},
		{"up", "gauge", func(p point) float64 { return p.up }},
	} {
		fmt.Fprintf(w, "# TYPE %s %s\n", m.name, m.kind)
		name := m.name
		if m.kind == "counter" {
			name += "_total"
		}
		for _, l := range labels {
			for _, p := range points {
				fmt.Fprintf(w, "%s{%s} %g %d\n", name, l, m.value(p), p.t.Unix())
			}
		}
	}
	w.WriteString("# EOF\n")
	return w.Flush()
}
