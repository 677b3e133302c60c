// Package opatest builds the stock opa command from the OPA module in
// go.mod and runs it for tests, so that entente's bundles and answers are
// compared with OPA exactly as users run it.
package opatest

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// build builds the opa of go.mod's tool line into Go's build cache, and
// returns its path there: nothing is left in the temporary directory (a
// directory of its own was left behind by every test run).
var build = sync.OnceValues(func() (string, error) {
	out, err := exec.Command("go", "tool", "-n", "opa").Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		return "", fmt.Errorf("go tool -n opa: %v\n%s", err, stderr)
	}
	return strings.TrimSpace(string(out)), nil
})

// Binary returns the path of the stock opa, built once per test binary.
// With -short, outside CI, the test is skipped instead.
func Binary(t testing.TB) string {
	t.Helper()
	if testing.Short() && os.Getenv("CI") == "" {
		t.Skip("-short: not building the stock opa binary")
	}
	bin, err := build()
	if err != nil {
		t.Fatalf("building stock OPA from go.mod: %v", err)
	}
	return bin
}

// Start runs "opa run --server" with args on a loopback port and returns
// its URL once healthy; it is stopped when the test ends. An error means
// OPA refused to start (e.g. a bundle that does not verify).
func Start(t testing.TB, args ...string) (string, error) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	logs := &syncBuffer{}
	cmd := exec.Command(Binary(t), append([]string{"run", "--server", "--addr", addr, "--log-level", "error"}, args...)...)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	url := "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			return "", fmt.Errorf("opa exited: %v\n%s", err, logs)
		default:
		}
		if resp, err := http.Get(url + "/health?bundles"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				t.Cleanup(func() {
					cmd.Process.Kill()
					<-done
				})
				return url, nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	cmd.Process.Kill()
	<-done
	return "", fmt.Errorf("opa did not become healthy:\n%s", logs)
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
