package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/entente-dev/entente/internal/examplemetrics"
	"github.com/entente-dev/entente/internal/promtest"
)

// buildEntente builds the binary, as users run it.
func buildEntente(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "entente")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startServe starts entente serve, its log in a file, and waits until it
// is ready.
func startServe(t *testing.T, bin string, args ...string) (string, *exec.Cmd, string) {
	t.Helper()
	return startServeIn(t, "", bin, args...)
}

// startServeIn starts entente serve in the directory dir.
func startServeIn(t *testing.T, dir, bin string, args ...string) (string, *exec.Cmd, string) {
	t.Helper()
	addr := freePort(t)
	cmd := exec.Command(bin, append([]string{"serve", "--addr", addr, "--interval", "0", "--watch", "0"}, args...)...)
	cmd.Dir = dir
	logFile := filepath.Join(t.TempDir(), "serve.log")
	f, err := os.Create(logFile)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// SIGTERM, so that the server removes what it wrote (the TSDB of
		// --metrics); SIGKILL only if it does not stop.
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		f.Close()
	})
	url := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(url + "/health/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return url, cmd, logFile
			}
		}
		if time.Now().After(deadline) {
			logs, _ := os.ReadFile(logFile)
			t.Fatalf("entente serve not ready:\n%s", logs)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func getJSON(t *testing.T, method, url, body string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: %v: %s", method, url, err, raw)
	}
	return out
}

func statuses(v map[string]any) map[string]string {
	out := map[string]string{}
	for _, a := range v["agreements"].([]any) {
		agreement := a.(map[string]any)
		out[agreement["agreement"].(string)] = agreement["status"].(string)
		for _, s := range agreement["slos"].([]any) {
			slo := s.(map[string]any)
			out[agreement["agreement"].(string)+"/"+slo["name"].(string)] = slo["status"].(string)
		}
	}
	return out
}

// TestServeEndToEnd starts the built binary twice, measuring the payments
// agreement from its history file and from a real Prometheus loaded with
// the same history, drives both over HTTP, and stops them with SIGTERM.
func TestServeEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not building and starting entente serve")
	}
	bin := buildEntente(t)
	history := "../../examples/metrics/payments-hosting.om"
	evaluate := fmt.Sprintf(`{"at": %q}`, examplemetrics.At)
	facts := "../../examples/metrics/facts.json"

	files, filesCmd, filesLogs := startServe(t, bin, "--metrics", history, "--facts", facts, "../../examples/agreements")
	prom := promtest.Start(t, history)
	server, _, _ := startServe(t, bin, "--prometheus", prom, "--facts", facts, "../../examples/agreements")

	list := getJSON(t, "GET", files+"/v1/agreements", "")
	if n := len(list["agreements"].([]any)); n != 3 {
		t.Errorf("%d agreements listed, want 3", n)
	}
	fromFiles := getJSON(t, "POST", files+"/v1/agreements/payments-hosting/evaluate", evaluate)
	fromServer := getJSON(t, "POST", server+"/v1/agreements/payments-hosting/evaluate", evaluate)
	want := map[string]string{
		"payments-hosting":              "at_risk",
		"payments-hosting/availability": "warn",
		"payments-hosting/latency":      "pass",
		"payments-hosting/uptime":       "pass",
	}
	for name, v := range map[string]map[string]any{"--metrics": fromFiles, "--prometheus": fromServer} {
		got := statuses(v)
		for k, w := range want {
			if got[k] != w {
				t.Errorf("%s: %s is %s, want %s", name, k, got[k], w)
			}
		}
	}
	if e := getJSON(t, "GET", files+"/v1/agreements/nope", ""); e["code"] != "unknown_agreement" {
		t.Errorf("unknown agreement: %v", e)
	}

	// SIGTERM: a clean stop, exit 0.
	filesCmd.Process.Signal(syscall.SIGTERM)
	errc := make(chan error, 1)
	go func() { errc <- filesCmd.Wait() }()
	select {
	case err := <-errc:
		logs, _ := os.ReadFile(filesLogs)
		if err != nil {
			t.Errorf("entente serve exited with %v after SIGTERM:\n%s", err, logs)
		}
		if !strings.Contains(string(logs), "entente serve: stopped") {
			t.Errorf("no clean stop in the log:\n%s", logs)
		}
	case <-time.After(30 * time.Second):
		t.Error("entente serve did not stop within 30 s of SIGTERM")
	}
}
