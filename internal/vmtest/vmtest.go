// Package vmtest starts a real single-node VictoriaMetrics for tests,
// loaded with a history from an OpenMetrics file through its
// /api/v1/import/prometheus endpoint.
//
// It needs the victoria-metrics binary (Debian: apt-get install
// victoria-metrics). Without it a test is skipped, or fails when CI is
// set.
package vmtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/textparse"
)

const (
	readyTimeout = 30 * time.Second
	loadTimeout  = 60 * time.Second
	stopTimeout  = 10 * time.Second
	// importChunk bounds one import request, well under the server's
	// -maxInsertRequestSize (32 MB).
	importChunk = 8 << 20
)

// Start starts VictoriaMetrics with its default flags but for where it
// keeps its data, where it listens, and its retention (-retentionPeriod
// 100y: by default it keeps a month, counted from now, and drops older
// samples as they are imported, without an error), loads openMetricsFile
// into it and returns the URL of its Prometheus API once every sample can
// be queried. The server is stopped when the test ends.
func Start(t testing.TB, openMetricsFile string) (url string) {
	t.Helper()
	bin := binary(t)
	text, samples, first, last, err := convert(openMetricsFile)
	if err != nil {
		t.Fatalf("read %s: %v", openMetricsFile, err)
	}
	addr, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	log := new(syncBuffer)
	cmd := exec.Command(bin,
		"-storageDataPath="+t.TempDir(),
		"-httpListenAddr="+addr,
		"-retentionPeriod=100y",
	)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start victoria-metrics: %v", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		select {
		case <-exited:
		default:
			_ = cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-exited:
			case <-time.After(stopTimeout):
				_ = cmd.Process.Kill()
				<-exited
			}
		}
		if t.Failed() {
			t.Logf("--- victoria-metrics log ---\n%s", log.Bytes())
		}
	})
	url = "http://" + addr
	if err := waitReady(url, exited); err != nil {
		t.Fatalf("victoria-metrics at %s is not ready: %v", url, err)
	}
	if err := load(url, text, samples, first, last); err != nil {
		t.Fatalf("load %s into victoria-metrics: %v", openMetricsFile, err)
	}
	return url
}

// binary finds victoria-metrics, or ends the test.
func binary(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("victoria-metrics")
	if err == nil {
		return path
	}
	msg := "victoria-metrics not found in PATH: this test needs a real VictoriaMetrics (Debian/Ubuntu: apt-get install victoria-metrics)"
	if os.Getenv("CI") != "" {
		t.Fatal(msg + "; CI is set, so it cannot be skipped")
	}
	t.Skip(msg)
	return ""
}

// convert reads an OpenMetrics file (timestamps in seconds) into the
// Prometheus text that /api/v1/import/prometheus takes, with timestamps in
// milliseconds, and counts its samples and their span.
func convert(file string) (text []byte, samples int, first, last int64, err error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, 0, 0, 0, err
	}
	p := textparse.NewOpenMetricsParser(data, labels.NewSymbolTable())
	var out bytes.Buffer
	first, last = math.MaxInt64, math.MinInt64
	for {
		e, err := p.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, 0, 0, 0, err
		}
		if e != textparse.EntrySeries {
			continue
		}
		series, ts, v := p.Series()
		if ts == nil {
			return nil, 0, 0, 0, fmt.Errorf("%s: a sample without a timestamp", series)
		}
		fmt.Fprintf(&out, "%s %s %d\n", series, strconv.FormatFloat(v, 'g', -1, 64), *ts)
		samples++
		first, last = min(first, *ts), max(last, *ts)
	}
	if samples == 0 {
		return nil, 0, 0, 0, errors.New("no samples")
	}
	return out.Bytes(), samples, first, last, nil
}

// load imports the samples and waits until a query counts them all: a new
// series is searchable only after the server flushes it.
func load(base string, text []byte, samples int, first, last int64) error {
	client := &http.Client{Timeout: loadTimeout}
	for len(text) > 0 {
		n := min(len(text), importChunk)
		if n < len(text) {
			n = bytes.LastIndexByte(text[:n], '\n') + 1
		}
		resp, err := client.Post(base+"/api/v1/import/prometheus", "text/plain", bytes.NewReader(text[:n]))
		if err != nil {
			return err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			return fmt.Errorf("import answered %s: %s", resp.Status, body)
		}
		text = text[n:]
	}
	span := (last-first)/1000 + 60
	query := url.Values{
		"query":   {fmt.Sprintf(`sum(count_over_time({__name__=~".+"}[%ds]))`, span)},
		"time":    {strconv.FormatInt(last/1000+1, 10)},
		"nocache": {"1"},
	}
	deadline := time.Now().Add(loadTimeout)
	got := -1
	for time.Now().Before(deadline) {
		if resp, err := client.Get(base + "/internal/force_flush"); err == nil {
			resp.Body.Close()
		}
		resp, err := client.Get(base + "/api/v1/query?" + query.Encode())
		if err == nil {
			var answer struct {
				Data struct {
					Result []struct {
						Value [2]any `json:"value"`
					} `json:"result"`
				} `json:"data"`
			}
			err = json.NewDecoder(resp.Body).Decode(&answer)
			resp.Body.Close()
			if err == nil && len(answer.Data.Result) == 1 {
				s, _ := answer.Data.Result[0].Value[1].(string)
				f, _ := strconv.ParseFloat(s, 64)
				if got = int(f); got == samples {
					return nil
				}
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("after %s, %d of the %d samples can be queried", loadTimeout, got, samples)
}

// waitReady polls /health until it answers 200, the server exits or
// readyTimeout passes.
func waitReady(url string, exited <-chan struct{}) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(readyTimeout)
	last := errors.New("no answer yet")
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return errors.New("it exited")
		default:
		}
		resp, err := client.Get(url + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = fmt.Errorf("/health answered %s", resp.Status)
		} else {
			last = err
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("not ready after %s: %w", readyTimeout, last)
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// syncBuffer collects the log of the server, written from its output
// goroutines and read by the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}
