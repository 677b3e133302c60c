package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSIGHUPReloadsServe: SIGHUP killed serve without draining, and left
// its TSDB behind. It reloads the agreements and the tokens, reopens the
// decision log, and serve goes on; SIGTERM still stops it cleanly.
func TestSIGHUPReloadsServe(t *testing.T) {
	bin := buildEntente(t)
	dir := t.TempDir()
	agreements := filepath.Join(dir, "agreements")
	if err := copyDir("../../examples/agreements", agreements); err != nil {
		t.Fatal(err)
	}
	tokens := filepath.Join(dir, "tokens")
	os.WriteFile(tokens, []byte("first\n"), 0o600)
	decisions := filepath.Join(dir, "decisions.log")
	url, cmd, logFile := startServe(t, bin, "--token-file", tokens, "--decision-log", decisions,
		"--metrics", "../../examples/metrics/payments-hosting.om", agreements)
	auth := func(token string) int {
		return statusOf(t, "GET", url+"/v1/agreements", token)
	}
	before := getJSON(t, "GET", url+"/health", "")["revision"]

	hcl := filepath.Join(agreements, "payments-hosting.hcl")
	b, _ := os.ReadFile(hcl)
	os.WriteFile(hcl, []byte(strings.Replace(string(b), "objective   = 99.9 ", "objective   = 99.8 ", 1)), 0o644)
	os.WriteFile(tokens, []byte("second\n"), 0o600)
	if err := os.Rename(decisions, decisions+".1"); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for getJSON(t, "GET", url+"/health", "")["revision"] == before {
		if time.Now().After(deadline) {
			logs, _ := os.ReadFile(logFile)
			t.Fatalf("the revision did not change after SIGHUP:\n%s", logs)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if auth("first") != 401 || auth("second") != 200 {
		t.Errorf("after SIGHUP the old token answers %d, the new one %d; want 401 and 200", auth("first"), auth("second"))
	}
	statusOf(t, "POST", url+"/v1/agreements/payments-hosting/evaluate", "second")
	deadline = time.Now().Add(10 * time.Second)
	for {
		if b, err := os.ReadFile(decisions); err == nil && len(b) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no decision in the decision log reopened after SIGHUP")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := waitExit(cmd, 10*time.Second); err != nil {
		t.Errorf("after SIGTERM: %v", err)
	}
	if logs, _ := os.ReadFile(logFile); !strings.Contains(string(logs), "entente serve: stopped") {
		t.Errorf("serve did not stop cleanly:\n%s", logs)
	}
}

// TestASecondInterruptExitsAtOnce: a serve draining a request that does
// not end is interrupted a second time: it exits now, not 30 s later.
func TestASecondInterruptExitsAtOnce(t *testing.T) {
	bin := buildEntente(t)
	url, cmd, _ := startServe(t, bin, "../../examples/agreements")
	// A request whose body never ends keeps the server draining.
	pr, pw := io.Pipe()
	defer pw.Close()
	go func() {
		req, _ := http.NewRequest("POST", url+"/v1/agreements/payments-hosting/evaluate", pr)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	pw.Write([]byte(`{"measurements": {`))
	time.Sleep(200 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGINT)
	time.Sleep(200 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGINT)
	if err := waitExit(cmd, 10*time.Second); err == nil || cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != exitInterrupted {
		t.Errorf("after a second SIGINT: %v, want exit status %d at once", err, exitInterrupted)
	}
}

// statusOf sends a request, with a bearer token when given, and returns
// the status.
func statusOf(t *testing.T, method, url, token string) int {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(`{"measurements": {}}`))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// waitExit waits for the process to end: its error (nil for a clean exit),
// or one that says it did not end in time.
func waitExit(cmd *exec.Cmd, d time.Duration) error {
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		return fmt.Errorf("still running after %s", d)
	}
}
