package evaluator

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkLoadFiles1M loads an OpenMetrics file of a million samples: 100
// series of 10,000 samples a minute apart (about a week), each series whole
// before the next, as an export writes them.
func BenchmarkLoadFiles1M(b *testing.B) {
	const (
		series  = 100
		samples = 10_000
	)
	path := filepath.Join(b.TempDir(), "1m.om")
	if err := writeBenchFile(path, series, samples); err != nil {
		b.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(info.Size())
	b.ResetTimer()
	for b.Loop() {
		s, err := LoadFiles(b.Context(), []string{path}, nil)
		if err != nil {
			b.Fatal(err)
		}
		if s.Samples() != series*samples {
			b.Fatalf("loaded %d samples, want %d", s.Samples(), series*samples)
		}
		b.StopTimer()
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*series*samples), "ns/sample")
}

func writeBenchFile(path string, series, samples int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	fmt.Fprintln(w, "# HELP http_requests Requests answered.")
	fmt.Fprintln(w, "# TYPE http_requests counter")
	for s := range series {
		for i := range samples {
			fmt.Fprintf(w, "http_requests_total{job=\"payments\",instance=\"host-%02d\",code=\"200\"} %d %d\n",
				s, i*(s+1), start+int64(i)*60)
		}
	}
	fmt.Fprintln(w, "# EOF")
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
