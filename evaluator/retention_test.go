package evaluator

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/entente-dev/entente/internal/promtest"
)

// hosting is a monthly availability SLO with a credit, the kind of
// agreement a short retention robs of its figure.
const hosting = `agreement "hosting" {
  title     = "Hosting"
  version   = "1.0.0"
  effective = "2026-01-01"
  indicator "requests" {
    ratio {
      bad   = "sum(increase(http_requests_total{code=~'5..'}[${window}]))"
      total = "sum(increase(http_requests_total[${window}]))"
    }
  }
  slo "availability" {
    indicator = indicator.requests
    objective = 99.9
    calendar  = "month"
  }
  fee {
    monthly  = 12000
    currency = "EUR"
  }
  credit "availability" {
    slo = slo.availability
    tier {
      below   = 99.9
      percent = 10
    }
  }
}
`

// hostingHistory writes October's requests from from on: 100 a second,
// with 0.3% of 503s until 21 October, none after. The whole month fails
// at about 99.8%; its last third alone would pass at 100%.
func hostingHistory(t testing.TB, from time.Time) string {
	t.Helper()
	clean := time.Date(2026, 10, 21, 0, 0, 0, 0, time.UTC)
	end := time.Date(2026, 11, 1, 1, 0, 0, 0, time.UTC)
	var ok, failed int64
	var oks, fails strings.Builder
	for ts := time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC); !ts.After(end); ts = ts.Add(5 * time.Minute) {
		ok += 29_910
		if ts.Before(clean) {
			failed += 90
		} else {
			ok += 90
		}
		if ts.Before(from) {
			continue
		}
		fmt.Fprintf(&oks, "http_requests_total{code=\"200\"} %d %d\n", ok, ts.Unix())
		fmt.Fprintf(&fails, "http_requests_total{code=\"503\"} %d %d\n", failed, ts.Unix())
	}
	file := filepath.Join(t.TempDir(), "hosting.om")
	data := "# TYPE http_requests counter\n" + oks.String() + fails.String() + "# EOF\n"
	if err := os.WriteFile(file, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// TestAShortRetentionLeavesTheMonthWithoutAFigure measures October from
// the whole history and from its last third only, from metric files and
// from a Prometheus that keeps ten days: the whole month fails and owes
// its credit; its last third is no data, not a pass, and the credit is
// unknown rather than lost.
func TestAShortRetentionLeavesTheMonthWithoutAFigure(t *testing.T) {
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	whole := hostingHistory(t, time.Time{})
	lastThird := hostingHistory(t, time.Date(2026, 10, 22, 0, 0, 0, 0, time.UTC))
	set := compileSet(t, hosting)

	sources := []struct {
		name  string
		whole bool
		open  func(t *testing.T) Source
		says  string
	}{
		{"the whole history in files", true, func(t *testing.T) Source { return loaded(t, whole) }, ""},
		{"the last third in files", false, func(t *testing.T) Source { return loaded(t, lastThird) },
			"nothing before 2026-10-22T00:00:00Z: the metric files do not go that far back for this indicator"},
	}
	if !testing.Short() {
		sources = append(sources,
			struct {
				name  string
				whole bool
				open  func(t *testing.T) Source
				says  string
			}{"a Prometheus that keeps everything", true, func(t *testing.T) Source {
				return prometheusAt(t, promtest.StartWith(t, whole, promtest.Options{BlockDuration: "24h"}))
			}, ""},
			struct {
				name  string
				whole bool
				open  func(t *testing.T) Source
				says  string
			}{"a Prometheus that keeps ten days", false, func(t *testing.T) Source {
				// Time retention counts from the newest block: Prometheus
				// deletes the days older than ten as it opens them.
				return prometheusAt(t, promtest.StartWith(t, whole, promtest.Options{BlockDuration: "24h", Retention: "10d"}))
			}, "the source may not retain the whole window (it keeps 10d, its storage retention)"},
		)
	}
	for _, src := range sources {
		t.Run(src.name, func(t *testing.T) {
			v, err := evaluateValid(t, set, src.open(t), Options{At: at})
			if err != nil {
				t.Fatal(err)
			}
			a := sloOf(t, v, "availability")
			c := a["coverage"].(map[string]any)
			credit := written(t, v)[0]["credits"].([]any)[0].(map[string]any)
			if src.whole {
				if a["status"] != "fail" || num(a["measured"]) > 99.81 || num(a["measured"]) < 99.79 || num(c["percent"]) < 99 || credit["status"] != "owed" || v.Status != "breached" {
					t.Errorf("%s at %v (%v), coverage %v, credit %v, the agreement %s; want fail at 99.8%%, covered, 10%% owed, breached",
						a["status"], a["measured"], a["message"], c["percent"], credit["status"], v.Status)
				}
				return
			}
			if a["status"] != "no_data" || a["measured"] != nil || num(c["percent"]) >= 50 || credit["status"] != "unknown" || v.Status != "inconclusive" {
				t.Errorf("%s at %v, coverage %v, credit %v, the agreement %s; want no_data with under 50%% covered, the credit unknown, inconclusive",
					a["status"], a["measured"], c["percent"], credit["status"], v.Status)
			}
			if !strings.Contains(a["message"].(string), "less than the 95% required") || !strings.Contains(a["message"].(string), src.says) {
				t.Errorf("the message %q does not say %q", a["message"], src.says)
			}
		})
	}

}

func loaded(t *testing.T, file string) Source {
	t.Helper()
	src, err := LoadFiles(context.Background(), []string{file}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

func prometheusAt(t *testing.T, url string) Source {
	t.Helper()
	src, err := NewPrometheus(PrometheusConfig{URL: url}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return src
}
