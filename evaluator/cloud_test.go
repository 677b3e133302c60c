package evaluator

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/internal/examplemetrics"
	"github.com/entente-dev/entente/internal/promtest"
	"github.com/entente-dev/entente/internal/vmtest"
)

// The cloud examples (examples/cloud) measure minutes and 5-minute
// intervals from one or two samples each: Debian's Prometheus 2 and
// VictoriaMetrics, loaded with their histories, give the verdicts the
// metric files give, at the time the histories are made for and in the
// report of October.
func TestTheCloudExamplesGiveTheSameVerdictsOnEveryEngine(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not starting Prometheus and VictoriaMetrics")
	}
	var paths []string
	var all strings.Builder
	for _, name := range examplemetrics.CloudFiles {
		path := filepath.Join("..", "examples", "metrics", name)
		paths = append(paths, path)
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		all.WriteString(strings.TrimSuffix(strings.TrimSpace(string(raw)), "# EOF"))
	}
	all.WriteString("# EOF\n")
	file := filepath.Join(t.TempDir(), "cloud.om")
	if err := os.WriteFile(file, []byte(all.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	set, diags := agreements.Load("../examples/cloud")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	s := prepared(t, set)
	files, err := LoadFiles(t.Context(), paths, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { files.Close() })
	at, _ := time.Parse(time.RFC3339, examplemetrics.At)
	october, _ := ParsePeriod("2026-10")

	for _, engine := range []struct {
		name  string
		start func(testing.TB, string) string
	}{
		{"Prometheus 2", promtest.Start},
		{"VictoriaMetrics", vmtest.Start},
	} {
		t.Run(engine.name, func(t *testing.T) {
			t.Parallel()
			server, err := NewPrometheus(PrometheusConfig{URL: engine.start(t, file)}, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, opts := range []Options{{At: at}, {Period: october}} {
				want, err := evaluateValid(t, s, files, opts)
				if err != nil {
					t.Fatal(err)
				}
				got, err := evaluateValid(t, s, server, opts)
				if err != nil {
					t.Fatal(err)
				}
				agree(t, engine.name, got, want)
			}
		})
	}
}
