package server

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"
	"testing"
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

func TestEachDecisionIsLoggedInTheShapeOfOPAsDecisionLog(t *testing.T) {
	var log lockedBuffer
	srv := New(Config{Set: examples(t), DecisionLog: &log})
	h := srv.Handler()
	r := call(t, h, "POST", "/v1/data/entente/agreements/payments-hosting/verdict", `{"input": `+breach+`}`, "X-Request-Id", "deploy-42")
	call(t, h, "POST", "/v1/agreements/payments-hosting/evaluate", breach)
	call(t, h, "POST", "/v1/data/entente/agreements/payments-hosting/verdict", `{"input": {"at": "yesterday"}}`)

	lines := strings.Split(strings.TrimSpace(log.b.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d decision log lines, want 3:\n%s", len(lines), log.b.String())
	}
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
	for _, key := range []string{"decision_id", "path", "input", "result", "bundles", "timestamp", "metrics"} {
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
