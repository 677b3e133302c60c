// Package promtest starts a real Prometheus server for tests, loaded with a
// history backfilled from an OpenMetrics file.
//
// It needs the prometheus and promtool binaries (Debian: apt-get install
// prometheus). Without them a test is skipped, or fails when CI is set.
package promtest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	readyTimeout = 30 * time.Second
	stopTimeout  = 10 * time.Second
	// portAttempts bounds the retries when another process takes the free
	// port between the moment it is found and the moment Prometheus binds it.
	portAttempts = 3
)

// config scrapes nothing: every sample comes from the backfilled blocks.
const config = "global:\n  scrape_interval: 1h\nscrape_configs: []\n"

// Options change how Start runs Prometheus.
type Options struct {
	// Retention is --storage.tsdb.retention.time (default 100y). Time
	// retention counts back from the newest block, not from now: a shorter
	// one deletes the blocks of a backfilled history that end before the
	// newest sample less the retention, as Prometheus opens them.
	Retention string
	// BlockDuration is the longest block promtool writes (default 744h,
	// 31 days): retention deletes whole blocks, so a shorter one makes it
	// cut the history closer to the retention.
	BlockDuration string
}

// Start backfills openMetricsFile (OpenMetrics text with timestamps in
// seconds, ending with "# EOF") into a new TSDB, starts Prometheus on it and
// returns its URL once it is ready. The server is stopped when the test ends.
func Start(t testing.TB, openMetricsFile string) (url string) {
	t.Helper()
	return StartWith(t, openMetricsFile, Options{})
}

// StartWith is Start with options.
func StartWith(t testing.TB, openMetricsFile string, opts Options) (url string) {
	t.Helper()
	prometheus, promtool := binaries(t)
	if opts.Retention == "" {
		opts.Retention = "100y"
	}
	if opts.BlockDuration == "" {
		// Blocks of up to 31 days: promtool's default of 2h makes one block
		// per two hours of history, slow to open for months of it.
		opts.BlockDuration = "744h"
	}

	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	out, err := exec.Command(promtool, "tsdb", "create-blocks-from", "openmetrics",
		"--max-block-duration="+opts.BlockDuration, openMetricsFile, data).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool could not backfill %s: %v\n%s", openMetricsFile, err, out)
	}
	configFile := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(configFile, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}

	for attempt := 1; ; attempt++ {
		url, retry := start(t, prometheus, data, configFile, opts.Retention)
		if url != "" {
			return url
		}
		if !retry || attempt == portAttempts {
			t.FailNow()
		}
	}
}

// binaries finds prometheus and promtool, or ends the test.
func binaries(t testing.TB) (prometheus, promtool string) {
	t.Helper()
	var missing []string
	find := func(name string) string {
		path, err := exec.LookPath(name)
		if err != nil {
			missing = append(missing, name)
		}
		return path
	}
	prometheus, promtool = find("prometheus"), find("promtool")
	if len(missing) == 0 {
		return prometheus, promtool
	}
	msg := fmt.Sprintf("%s not found in PATH: this test needs a real Prometheus server (Debian/Ubuntu: apt-get install prometheus)", strings.Join(missing, " and "))
	if os.Getenv("CI") != "" {
		t.Fatal(msg + "; CI is set, so it cannot be skipped")
	}
	t.Skip(msg)
	return "", ""
}

// start runs Prometheus on a free port and waits until it is ready. On
// failure it reports the error and returns retry when the port was taken.
func start(t testing.TB, prometheus, data, configFile, retention string) (url string, retry bool) {
	t.Helper()
	addr, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	log := new(syncBuffer)
	cmd := exec.Command(prometheus,
		"--storage.tsdb.path="+data,
		"--config.file="+configFile,
		"--web.listen-address="+addr,
		// Time retention counts back from the newest block, not from now,
		// and would delete the older part of a backfilled history as
		// Prometheus opens it (15d by default).
		"--storage.tsdb.retention.time="+retention,
	)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start prometheus: %v", err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	stop := func() {
		select {
		case <-exited:
			return
		default:
		}
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(stopTimeout):
			_ = cmd.Process.Kill()
			<-exited
		}
	}

	url = "http://" + addr
	if err := waitReady(url, exited); err != nil {
		stop()
		if errors.Is(err, errExited) && bytes.Contains(log.Bytes(), []byte("address already in use")) {
			t.Logf("prometheus could not listen on %s, trying another port", addr)
			return "", true
		}
		t.Errorf("prometheus at %s is not ready: %v (exit: %v)\n--- prometheus log ---\n%s", url, err, waitErr, log.Bytes())
		return "", false
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("--- prometheus log ---\n%s", log.Bytes())
		}
	})
	return url, false
}

var errExited = errors.New("prometheus exited")

// waitReady polls /-/ready until it answers 200, Prometheus exits or
// readyTimeout passes.
func waitReady(url string, exited <-chan struct{}) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(readyTimeout)
	last := errors.New("no answer yet")
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return errExited
		default:
		}
		resp, err := client.Get(url + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = fmt.Errorf("/-/ready answered %s", resp.Status)
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

// syncBuffer collects the log of Prometheus, written from its output
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

// Promtool finds promtool, or ends the test as Start does without it.
func Promtool(t testing.TB) string {
	t.Helper()
	_, promtool := binaries(t)
	return promtool
}

// Run starts Prometheus on an empty TSDB with the configuration given
// (what it scrapes, its rule files) and returns its URL once it is ready.
// The server is stopped when the test ends.
func Run(t testing.TB, config string) (url string) {
	t.Helper()
	prometheus, _ := binaries(t)
	dir := t.TempDir()
	configFile := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(configFile, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	for attempt := 1; ; attempt++ {
		url, retry := start(t, prometheus, filepath.Join(dir, "data"), configFile, "1d")
		if url != "" {
			return url
		}
		if !retry || attempt == portAttempts {
			t.FailNow()
		}
	}
}
