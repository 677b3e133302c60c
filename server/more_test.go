package server

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/entente-dev/entente/evaluator"
)

func TestTheDataAPIAnswersForEveryDocumentOfAnAgreement(t *testing.T) {
	h := New(Config{Set: examples(t)}).Handler()
	plan := call(t, h, "POST", "/v1/data/entente/agreements/payments-hosting/plan", `{}`)
	if p, _ := plan.body["result"].(map[string]any); p["time_zone"] != "Europe/Paris" {
		t.Errorf("the plan: %s", plan.raw)
	}
	rule := call(t, h, "POST", "/v1/data/entente/agreements/payments-hosting/slos/availability", `{"input": `+breach+`}`)
	if r, _ := rule.body["result"].(map[string]any); r["status"] != "fail" {
		t.Errorf("one SLO's rule: %s", rule.raw)
	}
	pkg := call(t, h, "POST", "/v1/data/entente/agreements/payments-hosting", `{"input": `+breach+`}`)
	if r, _ := pkg.body["result"].(map[string]any); r["verdict"] == nil || r["plan"] == nil {
		t.Errorf("the package: %.300s", pkg.raw)
	}
	if u := call(t, h, "POST", "/v1/data/entente/agreements/payments-hosting/nothing", `{}`); u.raw != "{}\n" {
		t.Errorf("an undefined rule answers %q", u.raw)
	}
}

// down is a source that cannot be reached.
type down struct{}

func (down) Query(context.Context, string, time.Time) (evaluator.Answer, error) {
	return evaluator.Answer{}, &evaluator.SourceError{Query: "q", Err: errors.New("connection refused")}
}

func (down) QueryRange(context.Context, string, time.Time, time.Time, time.Duration) (evaluator.Answer, error) {
	return evaluator.Answer{}, &evaluator.SourceError{Query: "q", Err: errors.New("connection refused")}
}

// slow is a source that answers after the request's context ends.
type slow struct{ started chan struct{} }

func (s slow) Query(ctx context.Context, _ string, _ time.Time) (evaluator.Answer, error) {
	select {
	case s.started <- struct{}{}:
	default:
	}
	<-ctx.Done()
	return evaluator.Answer{}, ctx.Err()
}

func (s slow) QueryRange(ctx context.Context, q string, t, _ time.Time, _ time.Duration) (evaluator.Answer, error) {
	return s.Query(ctx, q, t)
}

func TestASourceThatIsDownOrBusyGives503(t *testing.T) {
	h := New(Config{Set: examples(t), Source: down{}}).Handler()
	r := call(t, h, "POST", "/v1/agreements/payments-hosting/evaluate", `{"at": "2026-10-22T12:00:00Z"}`)
	if r.status != 503 || r.body["code"] != "source_unavailable" || !strings.Contains(r.body["message"].(string), "connection refused") {
		t.Errorf("a source that is down: %d %s", r.status, r.raw)
	}

	src := slow{started: make(chan struct{}, 1)}
	srv := New(Config{Set: examples(t), Source: src, MaxEvaluations: 1, RequestTimeout: 2 * time.Second})
	done := make(chan response)
	go func() {
		done <- call(t, srv.Handler(), "POST", "/v1/agreements/payments-hosting/evaluate", `{"at": "2026-10-22T12:00:00Z"}`)
	}()
	<-src.started
	busy := call(t, srv.Handler(), "POST", "/v1/agreements/payments-hosting/evaluate", `{"at": "2026-10-22T12:00:00Z"}`)
	if busy.status != 503 || busy.body["code"] != "busy" {
		t.Errorf("a second evaluation while the only slot is taken: %d %s", busy.status, busy.raw)
	}
	// The first ends at its deadline, as a source failure, not a hang.
	if first := <-done; first.status != 503 {
		t.Errorf("an evaluation past its deadline: %d %.200s", first.status, first.raw)
	}
}

func TestReadinessTurnsOffWhenDraining(t *testing.T) {
	srv := New(Config{Set: examples(t)})
	srv.Run(context.Background())
	if r := call(t, srv.Handler(), "GET", "/health/ready", ""); r.status != 200 {
		t.Fatalf("ready: %d", r.status)
	}
	srv.Drain()
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/health/ready", nil))
	if rec.Code != 503 {
		t.Errorf("draining: %d", rec.Code)
	}
}
