package evaluator

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/entente-dev/entente/internal/promtest"
	"github.com/entente-dev/entente/internal/shop"
	"github.com/entente-dev/entente/internal/verdictschema"
	"github.com/entente-dev/entente/verdict"
)

// history writes the shop's history (internal/shop) up to end.
func history(t testing.TB, end time.Time) string {
	return historyFile(t, end, 0)
}

// historyFile writes the history for the job alone, or, with replicas
// above 0, for each of replica="0".."N-1" under it.
func historyFile(t testing.TB, end time.Time, replicas int) string {
	t.Helper()
	var b strings.Builder
	if err := shop.WriteHistory(&b, end, replicas); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "shop.om")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// TestARealPrometheusGivesTheSameVerdictsAsTheMetricsFiles backfills a
// history into a real Prometheus and checks that measuring from it and
// from the same file loaded by --metrics give the same verdict, to the
// figure, and that the verdict is what the history shows.
func TestARealPrometheusGivesTheSameVerdictsAsTheMetricsFiles(t *testing.T) {
	at := time.Date(2026, 10, 20, 18, 0, 0, 0, time.UTC)
	file := history(t, at.Add(-30*time.Minute))
	url := promtest.Start(t, file)
	set := compileSet(t, shop.Agreement)
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

	// Debian's Prometheus 2 selects the samples of [t-r, t]: entente finds
	// out and sends every range 1 ms shorter, so that it counts what the
	// embedded engine of Prometheus 3 counts over (t-r, t]. increase()
	// extrapolates over 1 ms less: the figures agree to a millionth.
	if ds := fromServer.DataSource; ds == nil || ds.Kind != "prometheus" || ds.Ranges != LeftClosed || ds.Retention != "100y" {
		t.Errorf("the server is described as %+v, want a left-closed prometheus that keeps 100y", ds)
	}
	if ds := fromFiles.DataSource; ds == nil || ds.Kind != "files" || ds.Ranges != LeftOpen || ds.DataStart == "" {
		t.Errorf("the files are described as %+v, want left-open files with their first sample", ds)
	}
	agree(t, "Prometheus 2 against the files", fromServer, fromFiles)
	a, _ := json.Marshal(fromServer)
	b, _ := json.Marshal(fromFiles)
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
	// One request per distinct query, and two to describe the server: the
	// probe of its ranges and its runtime information.
	if n := server.Requests(); n == 0 || int(n) > len(distinctQueries(fromServer))+2 {
		t.Errorf("%d HTTP requests for %d distinct queries", n, len(distinctQueries(fromServer)))
	}
}

func distinctQueries(v *Verdict) map[string]bool {
	seen := map[string]bool{}
	for _, a := range v.Agreements {
		var queries []verdict.Query
		for _, s := range a.SLOs {
			queries = append(queries, s.Queries...)
		}
		for _, r := range a.Responsibilities {
			queries = append(queries, r.Queries...)
		}
		for _, q := range queries {
			b, _ := json.Marshal(q)
			seen[string(b)] = true
		}
	}
	return seen
}
