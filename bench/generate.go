package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// customerSource is the payments-hosting example, which uses every block
// of the language.
const customerSource = "examples/agreements/payments-hosting.hcl"

// writeCustomers writes n agreements into dir, one file each: the
// payments-hosting example as customer-0000, customer-0001, ..., with
// objectives spread so that no two policies are alike.
func (h *harness) writeCustomers(dir string, n int) error {
	src, err := os.ReadFile(filepath.Join(h.root, customerSource))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i := range n {
		s := string(src)
		for _, r := range []struct{ old, new string }{
			{`agreement "payments-hosting"`, fmt.Sprintf(`agreement "%s"`, customer(i))},
			{"objective   = 99.9 ", fmt.Sprintf("objective   = 99.%d ", 1+i%8)},
		} {
			if !strings.Contains(s, r.old) {
				return fmt.Errorf("%s no longer holds %q: update the generator of the harness", customerSource, r.old)
			}
			s = strings.Replace(s, r.old, r.new, 1)
		}
		if err := os.WriteFile(filepath.Join(dir, customer(i)+".hcl"), []byte(s), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func customer(i int) string { return fmt.Sprintf("customer-%04d", i) }

// decisionInput is the input document of a customer's verdict: the
// README's example, a breach of availability that owes a credit, so that
// every part of the policy (SLOs, budgets, credit tiers and the cap,
// responsibilities, the review) is decided.
func decisionInput() map[string]any {
	return map[string]any{
		"at": "2026-11-01T00:00:00Z",
		"measurements": map[string]any{
			"slos": map[string]any{
				"availability": map[string]any{"good": 9941000, "total": 10000000, "elapsed": 1},
				"latency":      map[string]any{"value": 0.21},
				"uptime":       map[string]any{"good": 8600, "total": 8640},
			},
			"responsibilities": map[string]any{"p1-acknowledgement": map[string]any{"value": 12}},
		},
		"facts": map[string]any{"staging_access_granted": true},
	}
}

// shop is the agreement that the evaluator's benchmark against a real
// Prometheus checks: a ratio SLO over a window and over a calendar day, a
// value SLO and a timeslice SLO, with a nightly exclusion.
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

// writeShops writes n shop agreements into dir, spread over replicas: each
// group of agreements on one replica shares its queries, as the
// agreements of one provider do.
func writeShops(dir string, n, replicas int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i := range n {
		src := strings.Replace(shop, `agreement "shop"`, fmt.Sprintf(`agreement "shop-%03d"`, i), 1)
		src = strings.ReplaceAll(src, "job='shop'", fmt.Sprintf("job='shop',replica='%d'", i%replicas))
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("shop-%03d.hcl", i)), []byte(src), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// writeShopHistory writes three days of the shops' metrics up to end, for
// each replica, one sample a minute, 13 seconds off the minute so that no
// sample sits on a window's edge. Errors run at 0.2% of requests except
// for a bad hour; latency stays at 0.2 s but for one spike; the shop is up
// but for an hour.
func writeShopHistory(path string, end time.Time, replicas int) error {
	type point struct {
		t                 time.Time
		req, err, lat, up float64
	}
	var points []point
	var requests, errs float64
	for ts := end.Add(-72 * time.Hour).Truncate(time.Minute).Add(13 * time.Second); ts.Before(end); ts = ts.Add(time.Minute) {
		bad := 0.2
		if ts.After(end.Add(-30*time.Hour)) && ts.Before(end.Add(-29*time.Hour)) {
			bad = 30
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
	return writeOpenMetrics(path, func(w *bufio.Writer) {
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
			for r := range replicas {
				for _, p := range points {
					fmt.Fprintf(w, "%s{job=\"shop\",replica=\"%d\"} %g %d\n", name, r, m.value(p), p.t.Unix())
				}
			}
		}
	})
}

// offlineStart is where the offline history begins.
var offlineStart = time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)

// writeOfflineHistory writes series counters of HTTP requests, samples
// each, one a minute from offlineStart, each series whole before the next
// as an export writes them: half the series count answers 200, half 500,
// at a thousandth of the rate. It returns the number of samples.
func writeOfflineHistory(path string, series, samples int) (int, error) {
	start := offlineStart.Unix()
	err := writeOpenMetrics(path, func(w *bufio.Writer) {
		w.WriteString("# HELP http_requests Requests answered.\n# TYPE http_requests counter\n")
		var line []byte
		for s := range series {
			code, step := "200", 100.0
			if s%2 == 1 {
				code, step = "500", 0.1
			}
			for i := range samples {
				line = fmt.Appendf(line[:0], "http_requests_total{job=\"payments\",instance=\"host-%03d\",code=\"%s\"} ", s/2, code)
				line = strconv.AppendFloat(line, float64(i+1)*step, 'g', -1, 64)
				line = append(line, ' ')
				line = strconv.AppendInt(line, start+int64(i)*60, 10)
				line = append(line, '\n')
				w.Write(line)
			}
		}
	})
	return series * samples, err
}

// offlineAgreement measures the availability of the offline history over
// all of it.
func offlineAgreement(samples int) string {
	window := fmt.Sprintf("%dm", samples)
	if samples%(24*60) == 0 {
		window = fmt.Sprintf("%dd", samples/(24*60))
	}
	return fmt.Sprintf(`agreement "offline" {
  title     = "Availability over an offline history"
  version   = "1.0.0"
  effective = "2026-01-01"
  indicator "availability" {
    ratio {
      bad   = "sum(increase(http_requests_total{job='payments',code=~'5..'}[${window}]))"
      total = "sum(increase(http_requests_total{job='payments'}[${window}]))"
    }
  }
  slo "availability" {
    indicator = indicator.availability
    objective = 99.9
    window    = %q
  }
}
`, window)
}

// writeOpenMetrics writes an OpenMetrics file: what body writes, then
// "# EOF".
func writeOpenMetrics(path string, body func(*bufio.Writer)) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	body(w)
	w.WriteString("# EOF\n")
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
