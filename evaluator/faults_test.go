package evaluator

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/entente-dev/entente/internal/shop"
)

// TestAFaultySourceNeverPasses measures the shop against a server that
// fails in each way a Prometheus can: every SLO must be an error with a
// message, never a pass or a number, and the agreement inconclusive.
func TestAFaultySourceNeverPasses(t *testing.T) {
	for _, c := range []struct {
		name    string
		handler http.HandlerFunc
		message string
	}{
		{"a server error", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "overloaded", http.StatusServiceUnavailable)
		}, "503"},
		{"malformed JSON", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"status":"success","data":{"resultType":"vector","result":[`))
		}, "malformed answer"},
		{"too slow", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(2 * time.Second):
			}
		}, "timed out"},
		{"two series", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if strings.Contains(r.URL.Path, "query_range") {
				w.Write([]byte(`{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":"1"},"values":[[1,"1"]]},{"metric":{"a":"2"},"values":[[1,"1"]]}]}}`))
				return
			}
			w.Write([]byte(`{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"1"},"value":[1,"1"]},{"metric":{"a":"2"},"value":[1,"1"]}]}}`))
		}, "aggregate it"},
	} {
		t.Run(c.name, func(t *testing.T) {
			server := httptest.NewServer(c.handler)
			defer server.Close()
			src, err := NewPrometheus(PrometheusConfig{URL: server.URL, Timeout: 200 * time.Millisecond, Retries: -1}, nil)
			if err != nil {
				t.Fatal(err)
			}
			v, err := evaluateValid(t, compileSet(t, shop.Agreement), src, Options{At: time.Date(2026, 10, 20, 18, 0, 0, 0, time.UTC)})
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"availability", "availability-today", "latency", "uptime"} {
				s := sloOf(t, v, name)
				if s["status"] != "error" || s["measured"] != nil || !strings.Contains(s["message"].(string), c.message) {
					t.Errorf("%s: %v, measured %v, %q; want error, null, a message with %q", name, s["status"], s["measured"], s["message"], c.message)
				}
			}
			if v.Status != "inconclusive" {
				t.Errorf("status %s, want inconclusive", v.Status)
			}
		})
	}
}

// TestAServerThatRecoversIsRetried: 500 then 200 gives a measurement.
func TestAServerThatRecoversIsRetried(t *testing.T) {
	const measurement = "max(max_over_time(latency_seconds{job='shop'}[86400s]))"
	engine := &fakeEngine{value: func(string, time.Time) (float64, bool) { return 0.2, true }}
	var calls atomic.Int64
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("query") == measurement && calls.Add(1) == 1 {
			http.Error(w, "try again", http.StatusInternalServerError)
			return
		}
		engine.ServeHTTP(w, r)
	}))
	defer server.Close()
	src, err := NewPrometheus(PrometheusConfig{URL: server.URL, MaxConcurrency: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	latencyOnly := `agreement "shop" {
  title     = "Shop"
  version   = "1.0.0"
  effective = "2026-01-01"
  indicator "latency" {
    value = "max(max_over_time(latency_seconds{job='shop'}[${window}]))"
  }
  slo "latency" {
    indicator = indicator.latency
    max       = 0.5
    window    = "1d"
  }
}
`
	v, err := evaluateValid(t, compileSet(t, latencyOnly), src, Options{At: time.Date(2026, 10, 20, 18, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if l := sloOf(t, v, "latency"); l["status"] != "pass" || l["measured"] != 0.2 {
		t.Errorf("latency %v %v, want pass at 0.2", l["status"], l["measured"])
	}
	if calls.Load() != 2 {
		t.Errorf("the measurement was asked %d times, want 2: once refused, once retried", calls.Load())
	}
}
