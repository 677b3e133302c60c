package server

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestEachDecisionIsLoggedInTheShapeOfOPAsDecisionLog(t *testing.T) {
	var log lockedBuffer
	srv := New(Config{Set: examples(t), DecisionLog: &log})
	h := srv.Handler()
	r := call(t, h, "POST", "/v1/data/entente/agreements/payments-hosting/verdict", `{"input": `+breach+`}`, "X-Request-Id", "deploy-42")
	call(t, h, "POST", "/v1/agreements/payments-hosting/evaluate", breach)
	call(t, h, "POST", "/v1/data/entente/agreements/payments-hosting/verdict", `{"input": {"at": "yesterday"}}`)

	// Written off the request path.
	waitFor(t, "three decisions logged", func() bool { return strings.Count(log.String(), "\n") == 3 })
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	var undefined map[string]any
	if err := json.Unmarshal([]byte(lines[2]), &undefined); err != nil {
		t.Fatal(err)
	}
	if _, ok := undefined["result"]; ok {
		t.Errorf("an undefined decision is logged with a result: %s", lines[2])
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &d); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"decision_id", "path", "input", "result", "bundles", "timestamp", "metrics", "labels"} {
		if _, ok := d[key]; !ok {
			t.Errorf("the decision log line lacks %q: %s", key, lines[0])
		}
	}
	if d["decision_id"] != r.body["decision_id"] {
		t.Errorf("decision_id %v in the log, %v in the answer", d["decision_id"], r.body["decision_id"])
	}
	if d["req_id"] != "deploy-42" {
		t.Errorf("the client's request ID is %v, want deploy-42", d["req_id"])
	}
	if d["path"] != "entente/agreements/payments-hosting/verdict" {
		t.Errorf("path %v", d["path"])
	}
	rev := d["bundles"].(map[string]any)["entente"].(map[string]any)["revision"]
	if rev != srv.Revision() {
		t.Errorf("revision %v, want %s", rev, srv.Revision())
	}
	if res, _ := d["result"].(map[string]any); res["status"] != "breached" {
		t.Errorf("result %v", d["result"])
	}
}

// blocked is a disk that never finishes a write.
type blocked struct{ release chan struct{} }

func (b blocked) Write(p []byte) (int, error) {
	<-b.release
	return len(p), nil
}

// TestASlowDecisionLogSlowsNoRequest: decisions were written on the
// request path, so a slow disk held every request.
func TestASlowDecisionLogSlowsNoRequest(t *testing.T) {
	disk := blocked{release: make(chan struct{})}
	defer close(disk.release)
	h := New(Config{Set: examples(t), DecisionLog: disk}).Handler()
	done := make(chan int, 2)
	go func() {
		for range 2 {
			done <- call(t, h, "POST", "/v1/agreements/payments-hosting/evaluate", breach).status
		}
	}()
	for range 2 {
		select {
		case status := <-done:
			if status != 200 {
				t.Errorf("status %d", status)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a request waits for the decision log's disk")
		}
	}
}

// TestTheDecisionLogIsReopenedForRotation: after the file is moved
// aside, Reopen writes to a new one at the path.
func TestTheDecisionLogIsReopenedForRotation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "decisions.log")
	dl, err := OpenDecisionLog(path)
	if err != nil {
		t.Fatal(err)
	}
	h := New(Config{Set: examples(t), DecisionLog: dl}).Handler()
	call(t, h, "POST", "/v1/agreements/payments-hosting/evaluate", breach)
	waitFor(t, "the first decision", func() bool { b, _ := os.ReadFile(path); return len(b) > 0 })
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	if err := dl.Reopen(); err != nil {
		t.Fatal(err)
	}
	call(t, h, "POST", "/v1/agreements/payments-hosting/evaluate", breach)
	if err := dl.Close(); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{path, path + ".1"} {
		if b, _ := os.ReadFile(f); strings.Count(string(b), "\n") != 1 {
			t.Errorf("%s holds %q, want one decision", filepath.Base(f), b)
		}
	}
}
