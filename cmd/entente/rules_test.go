package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/entente-dev/entente/internal/promtest"
)

// End to end, as an operator runs it: a real Prometheus loads the rules
// entente writes, scrapes a service whose requests fail fast and entente
// serve's /metrics; the page alert fires, and stops when the agreement's
// maintenance window begins.
func TestRulesAlertAndExclusionsSilenceThemOnARealPrometheus(t *testing.T) {
	if testing.Short() && os.Getenv("CI") == "" {
		t.Skip("starts Prometheus and waits for its alerts")
	}
	t.Parallel() // it mostly waits: beside the hostile clients
	bin := buildEntente(t)
	dir := t.TempDir()

	// A service answering 100 requests a second, half of them errors.
	start := time.Now()
	var scrapes atomic.Int64
	service := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scrapes.Add(1)
		s := time.Since(start).Seconds()
		fmt.Fprintf(w, "# TYPE shop_requests_total counter\nshop_requests_total{code=\"200\"} %d\nshop_requests_total{code=\"500\"} %d\n", int(50*s), int(50*s))
	}))
	defer service.Close()

	// The maintenance window starts 30 seconds from now: time for the
	// alert to fire first.
	from := time.Now().Add(30 * time.Second).UTC().Truncate(time.Second)
	agreement := fmt.Sprintf(`agreement "shop" {
  title     = "Shop"
  version   = "1.0.0"
  effective = "2026-01-01"
  party "provider" {
    name = "Provider"
  }
  party "customer" {
    name = "Customer"
  }
  service "shop" {
    includes = ["shop"]
  }
  indicator "availability" {
    ratio {
      good  = "sum(increase(shop_requests_total{code!~\"5..\"}[${window}]))"
      total = "sum(increase(shop_requests_total[${window}]))"
    }
  }
  slo "availability" {
    indicator = indicator.availability
    objective = 99.9
    window    = "30d"
  }
  exclusion "maintenance" {
    from = %q
    to   = %q
  }
}
`, from.Format(time.RFC3339), from.Add(time.Hour).Format(time.RFC3339))
	agreementFile := filepath.Join(dir, "shop.hcl")
	if err := os.WriteFile(agreementFile, []byte(agreement), 0o644); err != nil {
		t.Fatal(err)
	}
	rulesDir := filepath.Join(dir, "rules")
	if r := runBinary(t, bin, dir, "rules", "-o", rulesDir, agreementFile); r.code != 0 {
		t.Fatalf("entente rules: %d\n%s", r.code, r.stderr)
	}
	serveURL, _, _ := startServe(t, bin, agreementFile)

	config := fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - %s
scrape_configs:
  - job_name: shop
    static_configs:
      - targets: [%q]
  - job_name: entente
    static_configs:
      - targets: [%q]
`, filepath.Join(rulesDir, "*.yml"), strings.TrimPrefix(service.URL, "http://"), strings.TrimPrefix(serveURL, "http://"))
	prom := promtest.Run(t, config)

	firing := func() (bool, string) {
		resp, err := http.Get(prom + "/api/v1/alerts")
		if err != nil {
			return false, err.Error()
		}
		defer resp.Body.Close()
		var body struct {
			Data struct {
				Alerts []struct {
					Labels map[string]string `json:"labels"`
					State  string            `json:"state"`
				} `json:"alerts"`
			} `json:"data"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			return false, err.Error()
		}
		var names []string
		fired := false
		for _, a := range body.Data.Alerts {
			names = append(names, a.Labels["alertname"]+"/"+a.Labels["long_window"]+"/"+a.State)
			if a.Labels["alertname"] == "EntenteBudgetBurnFast" && a.Labels["long_window"] == "1h" && a.Labels["slo"] == "availability" && a.State == "firing" {
				fired = true
			}
		}
		return fired, strings.Join(names, ", ")
	}

	deadline := from.Add(-2 * time.Second)
	for {
		ok, alerts := firing()
		if ok {
			t.Logf("the page alert fires before the maintenance window (alerts: %s)", alerts)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the page alert did not fire with half of the requests failing (alerts: %s; %d scrapes of the service)", alerts, scrapes.Load())
		}
		time.Sleep(500 * time.Millisecond)
	}
	deadline = from.Add(20 * time.Second)
	for {
		ok, alerts := firing()
		if !ok && time.Now().After(from) {
			t.Logf("silenced once the maintenance window began (alerts: %s)", alerts)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the page alert still fires 20s into the maintenance window (alerts: %s)", alerts)
		}
		time.Sleep(500 * time.Millisecond)
	}
}
