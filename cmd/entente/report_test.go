package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden reports in testdata/reports")

// TestTheExamplesReportsMatchTheirGoldenFiles writes the examples' reports
// as users run them, from the root of the repository: October in Markdown,
// and the week 2026-W43 of payments-hosting in JSON. A change to what the
// reports say shows in the diff of testdata/reports (go test -update).
func TestTheExamplesReportsMatchTheirGoldenFiles(t *testing.T) {
	golden, err := filepath.Abs("testdata/reports")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir("../..")
	// The time the reports say they were generated at: fixed, as a
	// reproducible build fixes it.
	t.Setenv("SOURCE_DATE_EPOCH", "1793606400")
	metrics := []string{
		"--metrics", "examples/metrics/payments-hosting.om",
		"--metrics", "examples/metrics/geo-api.om",
		"--metrics", "examples/metrics/managed-support.om",
		"--facts", "examples/metrics/facts.json",
	}
	for _, c := range []struct {
		file string
		args []string
	}{
		{"2026-10.md", []string{"--period", "2026-10", "--format", "markdown"}},
		{"2026-W43-payments-hosting.json", []string{"--period", "2026-W43", "--format", "json", "--agreement", "payments-hosting"}},
	} {
		t.Run(c.file, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append(append([]string{"report"}, c.args...), append(metrics, "examples/agreements")...)
			if code := run(context.Background(), args, nil, &stdout, &stderr); code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			path := filepath.Join(golden, c.file)
			if *update {
				if err := os.WriteFile(path, stdout.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (go test -update writes it)", err)
			}
			if !bytes.Equal(stdout.Bytes(), want) {
				t.Errorf("the report differs from %s; run go test -update and review the diff", filepath.Join("testdata/reports", c.file))
			}
		})
	}
}
