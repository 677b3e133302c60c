package evaluator

import (
	"context"
	"testing"
	"time"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/internal/promtest"
	"github.com/entente-dev/entente/internal/shop"
)

// hundredShops is the shop agreement under 100 names, over 10 replicas:
// each ten share their queries, as agreements of one provider do.
func hundredShops(b *testing.B) *Set {
	b.Helper()
	set, diags := agreements.Parse(shop.Copies(100, 10)...)
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	return prepared(b, set)
}

// BenchmarkCheck100AgreementsAgainstPrometheus evaluates 100 agreements
// against a real Prometheus and reports the HTTP requests sent per
// evaluation against the distinct queries.
func BenchmarkCheck100AgreementsAgainstPrometheus(b *testing.B) {
	at := time.Date(2026, 10, 20, 18, 0, 0, 0, time.UTC)
	file := historyFile(b, at.Add(-30*time.Minute), 10)
	url := promtest.Start(b, file)
	set := hundredShops(b)
	var requests, distinct int64
	for b.Loop() {
		src, err := NewPrometheus(PrometheusConfig{URL: url}, nil)
		if err != nil {
			b.Fatal(err)
		}
		m := newMemo(src, nil)
		v, err := set.evaluate(context.Background(), m, Options{At: at})
		if err != nil {
			b.Fatal(err)
		}
		if v.Status == "inconclusive" {
			b.Fatalf("some SLO could not be measured: %v", written(b, v)[0]["slos"])
		}
		requests, distinct = src.Requests(), int64(m.Distinct())
	}
	b.ReportMetric(float64(requests), "requests/op")
	b.ReportMetric(float64(distinct), "distinct-queries/op")
}
