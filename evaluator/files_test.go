package evaluator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql"
)

// filesT0 is the first sample of testdata/files; answers are asked at
// filesT4, four minutes later, where payments.om ends.
var (
	filesT0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	filesT4 = filesT0.Add(4 * time.Minute)
)

func loadTestdata(t *testing.T) *FileSource {
	t.Helper()
	s, err := LoadFiles(t.Context(), []string{"testdata/files/payments.om", "testdata/files/latency.prom"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// wantSample is one expected sample of a vector: its labels and value.
type wantSample struct {
	metric string
	value  float64
}

func TestFileSourceInstantQueriesGiveHandComputedAnswers(t *testing.T) {
	s := loadTestdata(t)
	tests := []struct {
		name  string
		query string
		at    time.Time
		want  []wantSample
	}{
		{
			name:  "an increase over a window that holds the first sample counts every event",
			query: `sum(increase(http_requests_total{job="payments"}[5m]))`,
			at:    filesT4,
			want:  []wantSample{{`{}`, 243}},
		},
		{
			name:  "the good events leave out the server errors",
			query: `sum(increase(http_requests_total{job="payments",code!~"5.."}[5m]))`,
			at:    filesT4,
			want:  []wantSample{{`{}`, 240}},
		},
		{
			name:  "an increase over a window that starts at the first sample extrapolates like Prometheus",
			query: `increase(http_requests_total{job="payments",code="200"}[4m])`,
			at:    filesT4,
			// The sample at the start is left out (the range is left-open):
			// 180 over the 3 minutes sampled, extrapolated to the 4 minutes.
			want: []wantSample{{`{code="200", job="payments"}`, 240}},
		},
		{
			name:  "avg_over_time averages the samples in the window",
			query: `avg_over_time(probe_success{job="payments"}[5m])`,
			at:    filesT4,
			want:  []wantSample{{`{job="payments"}`, 0.8}},
		},
		{
			name:  "a sum over two series between samples takes the last sample of each",
			query: `sum(http_requests_total{job="payments"})`,
			at:    filesT0.Add(150 * time.Second),
			want:  []wantSample{{`{}`, 122}},
		},
		{
			name:  "a selector that matches nothing is an empty vector",
			query: `http_requests_total{job="checkout"}`,
			at:    filesT4,
			want:  []wantSample{},
		},
		{
			name:  "a series is still there just under five minutes after its last sample",
			query: `probe_success`,
			at:    filesT4.Add(5*time.Minute - time.Second),
			want:  []wantSample{{`probe_success{job="payments"}`, 1}},
		},
		{
			name:  "a series is gone five minutes after its last sample",
			query: `probe_success`,
			at:    filesT4.Add(5 * time.Minute),
			want:  []wantSample{},
		},
		{
			name:  "nothing is there before the first sample",
			query: `probe_success`,
			at:    filesT0.Add(-time.Second),
			want:  []wantSample{},
		},
		{
			name:  "a ratio of counters that did not move is NaN",
			query: `sum(increase(refunds_failed_total[5m])) / sum(increase(refunds_failed_total[5m]))`,
			at:    filesT4,
			want:  []wantSample{{`{}`, math.NaN()}},
		},
		{
			name:  "a NaN sample in a file is NaN",
			query: `queue_depth`,
			at:    filesT4,
			want:  []wantSample{{`queue_depth{job="payments"}`, math.NaN()}},
		},
		{
			name:  "Prometheus text timestamps are milliseconds",
			query: `max_over_time(latency_seconds{job="payments"}[5m])`,
			at:    filesT4,
			want:  []wantSample{{`{job="payments"}`, 0.3}},
		},
		{
			name:  "Prometheus text timestamps keep their milliseconds",
			query: `timestamp(latency_seconds)`,
			at:    filesT4,
			want:  []wantSample{{`{job="payments"}`, 1767225720.5}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := valueOf(s.Query(t.Context(), tt.query, tt.at))
			if err != nil {
				t.Fatal(err)
			}
			vec, ok := v.(model.Vector)
			if !ok {
				t.Fatalf("got %T %v, want a vector", v, v)
			}
			assertVector(t, vec, tt.at, tt.want)
		})
	}
}

func assertVector(t *testing.T, vec model.Vector, at time.Time, want []wantSample) {
	t.Helper()
	if vec == nil {
		t.Fatal("got a nil vector; the API client gives an empty one")
	}
	if len(vec) != len(want) {
		t.Fatalf("got %d samples %v, want %v", len(vec), vec, want)
	}
	for i, w := range want {
		got := vec[i]
		if got.Metric.String() != w.metric {
			t.Errorf("sample %d: metric %s, want %s", i, got.Metric, w.metric)
		}
		if !sameFloat(float64(got.Value), w.value) {
			t.Errorf("sample %d: value %v, want %v", i, got.Value, w.value)
		}
		if got.Timestamp != model.TimeFromUnixNano(at.UnixNano()) {
			t.Errorf("sample %d: at %v, want the time of the query %v", i, got.Timestamp.Time().UTC(), at)
		}
	}
}

func sameFloat(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b))
}

func TestFileSourceOtherResultsComeAsTheAPIClientGivesThem(t *testing.T) {
	s := loadTestdata(t)
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"a scalar is a *model.Scalar at the time of the query", `scalar(sum(probe_success))`, "*model.Scalar scalar: 1 @[1767225840]"},
		{"a string is a *model.String", `"payments"`, "*model.String payments"},
		{"a range selector is a matrix of the samples in its left-open range", `probe_success{job="payments"}[2m]`,
			"model.Matrix probe_success{job=\"payments\"} =>\n1 @[1767225780]\n1 @[1767225840]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := valueOf(s.Query(t.Context(), tt.query, filesT4))
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprintf("%T %v", v, v); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestFileSourceRangeQueriesStepThroughTheWindow(t *testing.T) {
	s := loadTestdata(t)
	tests := []struct {
		name       string
		query      string
		start, end time.Time
		step       time.Duration
		want       []float64 // one a step from start
	}{
		{
			name:  "a sum of two counters every minute",
			query: `sum(http_requests_total{job="payments"})`,
			start: filesT0, end: filesT4, step: time.Minute,
			want: []float64{0, 61, 122, 182, 243},
		},
		{
			name:  "one-minute slices of a probe see the failed minute",
			query: `avg_over_time(probe_success{job="payments"}[1m])`,
			start: filesT0.Add(time.Minute), end: filesT4, step: time.Minute,
			want: []float64{1, 0, 1, 1},
		},
		{
			name:  "steps before the first sample are left out",
			query: `sum(http_requests_total{job="payments"})`,
			start: filesT0.Add(-2 * time.Minute), end: filesT0, step: time.Minute,
			want: []float64{0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := valueOf(s.QueryRange(t.Context(), tt.query, tt.start, tt.end, tt.step))
			if err != nil {
				t.Fatal(err)
			}
			m, ok := v.(model.Matrix)
			if !ok || len(m) != 1 {
				t.Fatalf("got %T %v, want a matrix of one series", v, v)
			}
			got := m[0].Values
			first := tt.end.Add(-time.Duration(len(tt.want)-1) * tt.step)
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i, w := range tt.want {
				at := model.TimeFromUnixNano(first.Add(time.Duration(i) * tt.step).UnixNano())
				if got[i].Timestamp != at || !sameFloat(float64(got[i].Value), w) {
					t.Errorf("step %d: got %v, want %v @[%v]", i, got[i], w, at)
				}
			}
		})
	}
}

func TestFileSourceRangeQueriesHaveTheLimitsOfTheAPI(t *testing.T) {
	s := loadTestdata(t)
	q := `sum(http_requests_total)`
	tests := []struct {
		name       string
		start, end time.Time
		step       time.Duration
		want       string
	}{
		{"a step of zero is refused", filesT0, filesT4, 0, "must be positive"},
		{"an end before the start is refused", filesT4, filesT0, time.Minute, "end timestamp must not be before start time"},
		{"more than 11,000 steps are refused, as Prometheus does", filesT0, filesT0.Add(11001 * time.Minute), time.Minute, "exceeded maximum resolution of 11,000 points"},
		{"a matrix is refused as the answer of a range query", filesT0, filesT4, time.Minute, "invalid expression type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			query := q
			if strings.Contains(tt.name, "matrix") {
				query = `probe_success[1m]`
			}
			_, err := s.QueryRange(t.Context(), query, tt.start, tt.end, tt.step)
			var se *SourceError
			if !errors.As(err, &se) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want a SourceError saying %q", err, tt.want)
			}
		})
	}
	if _, err := s.QueryRange(t.Context(), q, filesT0, filesT0.Add(11000*time.Minute), time.Minute); err != nil {
		t.Errorf("11,000 steps: %v", err)
	}
}

func TestFileSourceBadQueriesAreSourceErrors(t *testing.T) {
	s := loadTestdata(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	tests := []struct {
		name  string
		ctx   context.Context
		query string
		want  error
		says  string
	}{
		{"a query that does not parse", t.Context(), `sum(`, nil, "metrics files: "},
		{"a query whose context is cancelled", ctx, `up`, context.Canceled, "metrics files: context canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Query(tt.ctx, tt.query, filesT4)
			var se *SourceError
			if !errors.As(err, &se) || se.Query != tt.query || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("got %v, want a SourceError for %q saying %q", err, tt.query, tt.says)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("got %v, want it to wrap %v", err, tt.want)
			}
		})
	}
}

func TestLoadFilesCountsSeriesAndSamples(t *testing.T) {
	s := loadTestdata(t)
	// payments.om: 5 series, 20 samples; latency.prom: 1 series, 3 samples.
	if s.Series() != 6 || s.Samples() != 23 {
		t.Errorf("got %d series and %d samples, want 6 and 23", s.Series(), s.Samples())
	}
}

func TestLoadFilesReadsBothTimestampUnits(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		content string
	}{
		{"OpenMetrics timestamps are seconds, possibly fractional", "a.om", "x 1 1767225600.25\n# EOF\n"},
		{"OpenMetrics without a newline after # EOF", "a.om", "x 1 1767225600.25\n# EOF"},
		{"OpenMetrics with blank lines after # EOF", "a.om", "x 1 1767225600.25\n# EOF\n\n\n"},
		{"OpenMetrics with Windows line ends", "a.om", "# TYPE x gauge\r\nx 1 1767225600.25\r\n# EOF\r\n"},
		{"Prometheus text timestamps are milliseconds", "a.prom", "x 1 1767225600250\n"},
		{"Prometheus text without a final newline", "a.prom", "# TYPE x gauge\nx 1 1767225600250"},
		{"Prometheus text whatever the name of the file", "a.om", "x 1 1767225600250\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.file, tt.content)
			s, err := LoadFiles(t.Context(), []string{path}, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			v, err := valueOf(s.Query(t.Context(), `timestamp(x)`, filesT4))
			if err != nil {
				t.Fatal(err)
			}
			assertVector(t, v.(model.Vector), filesT4, []wantSample{{`{}`, 1767225600.25}})
		})
	}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadFilesNamesTheFileAndLineOfEachProblem(t *testing.T) {
	tests := []struct {
		name  string
		files [][2]string // name, content
		want  string      // the message, with the files' directory taken out
		is    error
	}{
		{
			name:  "an OpenMetrics line that does not parse",
			files: [][2]string{{"bad.om", "# TYPE up gauge\nup{job=\"a\"} 1 1767225600\nup{job=\"a\" 1 1767225660\n# EOF\n"}},
			want:  `bad.om:3: not valid OpenMetrics: `,
		},
		{
			name:  "a Prometheus text line that does not parse, after blank lines",
			files: [][2]string{{"bad.prom", "up{job=\"a\"} 1 1767225600000\n\n  \nup{job=\"a\"} one 1767225660000\n"}},
			want:  `bad.prom:4: not valid Prometheus text: `,
		},
		{
			name:  "a bad line at the start of a file",
			files: [][2]string{{"bad.prom", "\n{job=\"a\"} 1 1767225600000\n"}},
			want:  `bad.prom:2: not valid Prometheus text: metric name not set`,
		},
		{
			name:  "seconds with a fraction in Prometheus text",
			files: [][2]string{{"bad.prom", "up 1 1767225600000\nup 1 1767225660.5\n"}},
			want:  `bad.prom:2: not valid Prometheus text: `,
		},
		{
			name:  "an OpenMetrics file with a unit but without # EOF",
			files: [][2]string{{"bad.om", "# TYPE d_seconds gauge\n# UNIT d_seconds seconds\nd_seconds 1 1767225600\n"}},
			want:  `bad.om:3: not valid OpenMetrics: data does not end with # EOF`,
		},
		{
			name:  "samples after # EOF",
			files: [][2]string{{"bad.om", "up 1 1767225600\n# EOF\nup 1 1767225660\n"}},
			want:  `bad.om:2: not valid OpenMetrics: unexpected data after # EOF`,
		},
		{
			name:  "a sample without a timestamp",
			files: [][2]string{{"now.prom", "# TYPE up gauge\nup{job=\"a\"} 1\n"}},
			want:  `now.prom:2: up{job="a"}: sample has no timestamp (put one after the value: Prometheus text timestamps are milliseconds)`,
			is:    ErrNoTimestamp,
		},
		{
			name:  "a sample earlier than the one before it in its series",
			files: [][2]string{{"late.om", "up{job=\"a\"} 1 1767225660\nup{job=\"b\"} 1 1767225600\nup{job=\"a\"} 1 1767225600\n# EOF\n"}},
			want:  `late.om:3: up{job="a"}: sample out of order: 2026-01-01T00:00:00Z is before 2026-01-01T00:01:00Z at late.om:1; the samples of a series must be in time order`,
			is:    ErrOutOfOrder,
		},
		{
			name: "a sample earlier than one of the same series in a file before",
			files: [][2]string{
				{"feb.om", "up{job=\"a\"} 1 1769904000\n# EOF\n"},
				{"jan.prom", "up{job=\"a\"} 1 1767225600000\n"},
			},
			want: `jan.prom:1: up{job="a"}: sample out of order: 2026-01-01T00:00:00Z is before 2026-02-01T00:00:00Z at feb.om:1; the samples of a series must be in time order, across files too: give the files oldest first, without overlap`,
			is:   ErrOutOfOrder,
		},
		{
			name:  "the same sample twice with different values",
			files: [][2]string{{"dup.om", "# TYPE up gauge\nup{job=\"a\"} 1 1767225600\nup{job=\"a\"} 0 1767225600\n# EOF\n"}},
			want:  `dup.om:3: up{job="a"}: duplicate sample with a different value: 0 at 2026-01-01T00:00:00Z, but 1 at dup.om:2`,
			is:    ErrDuplicateSample,
		},
		{
			name:  "a label twice",
			files: [][2]string{{"twice.prom", "up{job=\"a\",job=\"b\"} 1 1767225600000\n"}},
			want:  `twice.prom:1: up{job="a",job="b"}: label "job" appears twice`,
		},
		{
			name:  "a timestamp in the year 300,000",
			files: [][2]string{{"far.prom", "up 1 9467107200000000\n"}},
			want:  `far.prom:1: up: timestamp 9467107200000000 is outside the years 1 to 9999 (Prometheus text timestamps are milliseconds)`,
		},
		{
			name:  "milliseconds in OpenMetrics",
			files: [][2]string{{"ms.om", "up 1 1767225600000\n# EOF\n"}},
			want:  `ms.om:1: up: timestamp 1767225600000 is outside the years 1 to 9999 (OpenMetrics timestamps are seconds)`,
		},
		{
			name:  "samples more than a hundred years apart",
			files: [][2]string{{"old.prom", "a 1 253402300799000\nb 1 1767225600000\n"}},
			want:  `old.prom:2: b: 2026-01-01T00:00:00Z is too old: the samples loaded at once must lie within 100 years of one another`,
		},
		{
			name:  "a file that does not exist",
			files: [][2]string{{"missing.om", ""}},
			want:  `missing.om: cannot read: no such file or directory`,
			is:    fs.ErrNotExist,
		},
		{
			name:  "a directory",
			files: [][2]string{{"metrics", ""}},
			want:  `metrics: is a directory, not a metrics file`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			var paths []string
			for _, f := range tt.files {
				path := filepath.Join(dir, f[0])
				paths = append(paths, path)
				switch f[0] {
				case "missing.om":
				case "metrics":
					if err := os.Mkdir(path, 0o700); err != nil {
						t.Fatal(err)
					}
				default:
					if err := os.WriteFile(path, []byte(f[1]), 0o600); err != nil {
						t.Fatal(err)
					}
				}
			}
			s, err := LoadFiles(t.Context(), paths, nil)
			if err == nil {
				s.Close()
				t.Fatalf("loaded; want %s", tt.want)
			}
			got := strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), "")
			if !strings.HasPrefix(got, tt.want) {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Errorf("got %T, want a *FileError", err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("got %v, want it to wrap %v", err, tt.is)
			}
		})
	}
}

func TestLoadFilesTakesARepeatedSampleWithTheSameValueOnce(t *testing.T) {
	path := writeFile(t, "a.om", "up 1 1767225600\nup 1 1767225600\nup 0 1767225660\n# EOF\n")
	s, err := LoadFiles(t.Context(), []string{path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Series() != 1 || s.Samples() != 2 {
		t.Errorf("got %d series and %d samples, want 1 and 2", s.Series(), s.Samples())
	}
}

func TestLoadFilesLoadsSeriesWrittenOneAfterTheOtherOverAMonth(t *testing.T) {
	// Each series whole before the next, as an export writes them: the
	// second series starts thirty days before the end of the first.
	var b strings.Builder
	start := filesT0.Unix()
	const n = 30 * 24 * 60
	for _, job := range []string{"a", "b"} {
		for i := range n {
			fmt.Fprintf(&b, "up{job=%q} 1 %d\n", job, start+int64(i)*60)
		}
	}
	b.WriteString("# EOF\n")
	s, err := LoadFiles(t.Context(), []string{writeFile(t, "month.om", b.String())}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Series() != 2 || s.Samples() != 2*n {
		t.Errorf("got %d series and %d samples, want 2 and %d", s.Series(), s.Samples(), 2*n)
	}
	end := filesT0.Add((n - 1) * time.Minute)
	v, err := valueOf(s.Query(t.Context(), `sum(count_over_time(up[30d]))`, end))
	if err != nil {
		t.Fatal(err)
	}
	assertVector(t, v.(model.Vector), end, []wantSample{{`{}`, 2 * n}})
}

func TestLoadFilesEmptyFileLoadsNothing(t *testing.T) {
	s, err := LoadFiles(t.Context(), []string{writeFile(t, "empty.prom", "")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	v, err := valueOf(s.Query(t.Context(), `up`, filesT4))
	if err != nil {
		t.Fatal(err)
	}
	if s.Series() != 0 || len(v.(model.Vector)) != 0 {
		t.Errorf("got %d series and %v", s.Series(), v)
	}
}

func TestLoadFilesStopsWhenItsContextIsCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := LoadFiles(ctx, []string{"testdata/files/payments.om"}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestFileSourceCloseRemovesItsDirectoryAndEndsQueries(t *testing.T) {
	s, err := LoadFiles(t.Context(), []string{"testdata/files/payments.om"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the directory of the TSDB is still there: %v", err)
	}
	if _, err := s.Query(t.Context(), `up`, filesT4); err == nil {
		t.Error("a query after Close answered")
	}
	if err := s.Close(); err != nil {
		t.Errorf("a second Close: %v", err)
	}
}

func TestFileSourceAnswersConcurrentQueries(t *testing.T) {
	s := loadTestdata(t)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Go(func() {
			at := filesT0.Add(time.Duration(i%5) * time.Minute)
			v, err := valueOf(s.Query(t.Context(), `sum(http_requests_total{job="payments",code="200"})`, at))
			if err != nil {
				errs <- err
				return
			}
			if got := float64(v.(model.Vector)[0].Value); got != float64(60*(i%5)) {
				errs <- fmt.Errorf("at %v: got %v, want %v", at, got, 60*(i%5))
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestFileSourceGivesWhatTheAPIClientDecodes runs each query twice: through
// the file source, and through the Prometheus API client talking to a
// server that runs the same engine on the same TSDB and writes its result
// as JSON. Both must give the same values.
func TestFileSourceGivesWhatTheAPIClientDecodes(t *testing.T) {
	s := loadTestdata(t)
	srv := httptest.NewServer(fakeAPI(t, s))
	defer srv.Close()
	client, err := api.NewClient(api.Config{Address: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	prom := v1.NewAPI(client)

	instant := []string{
		`sum(increase(http_requests_total{job="payments"}[5m]))`,
		`http_requests_total`,
		`http_requests_total{job="checkout"}`,
		`queue_depth`,
		`sum(increase(refunds_failed_total[5m])) / sum(increase(refunds_failed_total[5m]))`,
		`probe_success[3m]`,
		`scalar(sum(probe_success))`,
		`-1 / 0`,
	}
	for _, q := range instant {
		t.Run(q, func(t *testing.T) {
			want, _, _, err := prom.Query(t.Context(), q, filesT4)
			if err != nil {
				t.Fatal(err)
			}
			got, err := valueOf(s.Query(t.Context(), q, filesT4))
			if err != nil {
				t.Fatal(err)
			}
			assertSameValue(t, got, want)
		})
	}
	ranged := []string{
		`sum by (code) (rate(http_requests_total[2m]))`,
		`queue_depth`,
		`nothing_at_all`,
	}
	for _, q := range ranged {
		t.Run(q, func(t *testing.T) {
			r := v1.Range{Start: filesT0, End: filesT4.Add(3 * time.Minute), Step: 30 * time.Second}
			want, _, _, err := prom.QueryRange(t.Context(), q, r)
			if err != nil {
				t.Fatal(err)
			}
			got, err := valueOf(s.QueryRange(t.Context(), q, r.Start, r.End, r.Step))
			if err != nil {
				t.Fatal(err)
			}
			assertSameValue(t, got, want)
		})
	}
}

func assertSameValue(t *testing.T, got, want model.Value) {
	t.Helper()
	g, w := fmt.Sprintf("%T %v", got, got), fmt.Sprintf("%T %v", want, want)
	if g != w {
		t.Errorf("got  %s\nwant %s", g, w)
	}
	// Empty results are empty, not nil, in both.
	switch w := want.(type) {
	case model.Vector:
		if (w == nil) != (got.(model.Vector) == nil) {
			t.Errorf("got nil %v, want nil %v", got.(model.Vector) == nil, w == nil)
		}
	case model.Matrix:
		if (w == nil) != (got.(model.Matrix) == nil) {
			t.Errorf("got nil %v, want nil %v", got.(model.Matrix) == nil, w == nil)
		}
	}
}

// fakeAPI answers /api/v1/query and /api/v1/query_range the way Prometheus
// does, with the engine and TSDB of s and the JSON encoding of the engine's
// values.
func fakeAPI(t *testing.T, s *FileSource) http.Handler {
	seconds := func(v string) time.Time {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Errorf("time %q: %v", v, err)
		}
		return time.UnixMilli(int64(math.Round(f * 1000)))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			t.Error(err)
		}
		var (
			q   promql.Query
			err error
		)
		switch r.URL.Path {
		case "/api/v1/query":
			q, err = s.engine.NewInstantQuery(r.Context(), s.db, nil, r.Form.Get("query"), seconds(r.Form.Get("time")))
		case "/api/v1/query_range":
			step, _ := strconv.ParseFloat(r.Form.Get("step"), 64)
			q, err = s.engine.NewRangeQuery(r.Context(), s.db, nil, r.Form.Get("query"),
				seconds(r.Form.Get("start")), seconds(r.Form.Get("end")), time.Duration(step*float64(time.Second)))
		default:
			http.NotFound(w, r)
			return
		}
		if err != nil {
			t.Error(err)
			return
		}
		res := q.Exec(r.Context())
		if res.Err != nil {
			t.Error(res.Err)
			return
		}
		// Prometheus writes an empty vector or matrix as [], never null.
		result := any(res.Value)
		switch v := res.Value.(type) {
		case promql.Vector:
			if v == nil {
				result = promql.Vector{}
			}
		case promql.Matrix:
			if v == nil {
				result = promql.Matrix{}
			}
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"status": "success",
			"data":   map[string]any{"resultType": res.Value.Type(), "result": result},
		})
	})
}

func TestLoadFilesWarnsAboutSecondsInPrometheusTextAndEmptyFiles(t *testing.T) {
	tests := []struct {
		name, file, content, want string
	}{
		{"seconds in Prometheus text", "s.prom", "up 1 1767225600\n", "fall in 1970: they are milliseconds"},
		{"a file without samples", "empty.om", "# EOF\n", "metrics file has no samples"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf strings.Builder
			logger := slog.New(slog.NewTextHandler(&buf, nil))
			s, err := LoadFiles(t.Context(), []string{writeFile(t, tt.file, tt.content)}, logger)
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
			if !strings.Contains(buf.String(), "level=WARN") || !strings.Contains(buf.String(), tt.want) {
				t.Errorf("logged %q, want a warning saying %q", buf.String(), tt.want)
			}
		})
	}
}

// FuzzLoadFiles checks that no file makes LoadFiles panic, and that every
// problem it reports points at a line of the file.
func FuzzLoadFiles(f *testing.F) {
	for _, seed := range []string{
		"# HELP up Up.\n# TYPE up gauge\nup{job=\"a\"} 1 1767225600\nup{job=\"a\"} 0 1767225660.5 # {trace_id=\"x\"} 1 1767225660\n# EOF\n",
		"# TYPE h histogram\nh_bucket{le=\"1\"} 1 1767225600\nh_bucket{le=\"+Inf\"} 2 1767225600\nh_count 2 1767225600\nh_sum 3 1767225600\nh_created 1767225000 1767225600\n# EOF",
		"up 1 1767225600000\n\nup 2 1767225660000\r\n# comment\n",
		"up 1\n",
		"{\"odd.name\",job=\"a\"} 1 1767225600\n# EOF\n",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, content string) {
		path := filepath.Join(t.TempDir(), "f")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := LoadFiles(context.Background(), []string{path}, nil)
		if err == nil {
			s.Close()
			return
		}
		var fe *FileError
		if !errors.As(err, &fe) {
			t.Fatalf("%v: not a *FileError", err)
		}
		if lines := strings.Count(content, "\n") + 1; fe.Line < 1 || fe.Line > lines {
			t.Fatalf("%v: line %d, but the file has %d", err, fe.Line, lines)
		}
	})
}

// TestLoadFilesRemovesTheDirectoriesOfDeadProcesses: a serve that was
// killed left its TSDB in the temporary directory for good.
func TestLoadFilesRemovesTheDirectoriesOfDeadProcesses(t *testing.T) {
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip("no true command:", err)
	}
	gone, err := os.MkdirTemp("", metricsDirPrefix)
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(gone)
	os.WriteFile(filepath.Join(gone, ownerFile), []byte(strconv.Itoa(dead.Process.Pid)), 0o600)
	mine, err := os.MkdirTemp("", metricsDirPrefix)
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(mine)
	os.WriteFile(filepath.Join(mine, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o600)

	s := loadTestdata(t)
	if _, err := os.Stat(gone); !os.IsNotExist(err) {
		t.Errorf("the directory of a process that is gone is still there: %v", err)
	}
	if _, err := os.Stat(mine); err != nil {
		t.Errorf("the directory of a running process was removed: %v", err)
	}
	if _, err := s.Query(t.Context(), "up", filesT4); err != nil {
		t.Errorf("the files do not answer: %v", err)
	}
}
