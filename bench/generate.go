package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/entente-dev/entente/internal/shop"
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

// writeShops writes n shop agreements (internal/shop) into dir, spread
// over replicas.
func writeShops(dir string, n, replicas int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, src := range shop.Copies(n, replicas) {
		if err := os.WriteFile(filepath.Join(dir, src.Name), src.Bytes, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// writeShopHistory writes three days of the shops' metrics up to end, for
// each replica (internal/shop).
func writeShopHistory(path string, end time.Time, replicas int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := shop.WriteHistory(f, end, replicas); err != nil {
		f.Close()
		return err
	}
	return f.Close()
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
