package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/evaluator"
	"github.com/entente-dev/entente/internal/verdictschema"
	"github.com/entente-dev/entente/policies"
)

func examples(t *testing.T) *evaluator.Set {
	t.Helper()
	set, diags := agreements.Load("../examples/agreements")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return prepare(t, set)
}

// prepare compiles agreements and prepares them for evaluation.
func prepare(t *testing.T, set *agreements.Set) *evaluator.Set {
	t.Helper()
	tree, err := policies.Compile(set)
	if err != nil {
		t.Fatal(err)
	}
	s, err := evaluator.FromTree(context.Background(), tree)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type response struct {
	status int
	body   map[string]any
	raw    string
}

func call(t *testing.T, h http.Handler, method, path, body string, header ...string) response {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	r := response{status: rec.Code, raw: rec.Body.String()}
	_ = json.Unmarshal(rec.Body.Bytes(), &r.body)
	return r
}

const breach = `{"at": "2026-10-15T12:00:00Z", "measurements": {"slos": {
  "availability": {"good": 9941000, "total": 10000000, "elapsed": 0.5},
  "latency": {"value": 0.21}, "uptime": {"good": 8640, "total": 8640}},
  "responsibilities": {"p1-acknowledgement": {"value": 9}}},
  "facts": {"staging_access_granted": true}}`

func TestEveryRouteAnswersWithItsStatusAndShape(t *testing.T) {
	set := examples(t)
	srv := New(Config{Set: set})
	h := srv.Handler()
	for _, c := range []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"health names the revision", "GET", "/health", "", 200, ""},
		{"not ready before the first evaluation", "GET", "/health/ready", "", 503, "not_ready"},
		{"the list of agreements", "GET", "/v1/agreements", "", 200, ""},
		{"one agreement", "GET", "/v1/agreements/payments-hosting", "", 200, ""},
		{"an unknown agreement", "GET", "/v1/agreements/nope", "", 404, "unknown_agreement"},
		{"evaluate with measurements", "POST", "/v1/agreements/payments-hosting/evaluate", breach, 200, ""},
		{"evaluate an unknown agreement", "POST", "/v1/agreements/nope/evaluate", breach, 404, "unknown_agreement"},
		{"malformed JSON", "POST", "/v1/agreements/payments-hosting/evaluate", `{"at": `, 400, "bad_request"},
		{"wrong types", "POST", "/v1/agreements/payments-hosting/evaluate", `{"measurements": "all good"}`, 400, "bad_request"},
		{"a misspelt field", "POST", "/v1/agreements/payments-hosting/evaluate", `{"measurment": {}}`, 400, "bad_request"},
		{"two JSON values", "POST", "/v1/agreements/payments-hosting/evaluate", `{} {}`, 400, "bad_request"},
		{"a bad at", "POST", "/v1/agreements/payments-hosting/evaluate", `{"at": "yesterday", "measurements": {}}`, 400, "bad_request"},
		{"no source and no measurements", "POST", "/v1/agreements/payments-hosting/evaluate", `{}`, 422, "invalid_measurements"},
		{"no periodic verdict yet", "GET", "/v1/agreements/payments-hosting/verdict", "", 503, "not_evaluated"},
		{"a body over the limit", "POST", "/v1/agreements/payments-hosting/evaluate", `{"facts": {"x": "` + strings.Repeat("a", DefaultBodyLimit) + `"}}`, 413, "body_too_large"},
		{"the OPA data API", "POST", "/v1/data/entente/agreements/payments-hosting/verdict", `{"input": ` + breach + `}`, 200, ""},
		{"an undefined document", "POST", "/v1/data/entente/nothing", `{"input": {}}`, 200, ""},
		{"an unknown route", "GET", "/v2/nothing", "", 404, "not_found"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := call(t, h, c.method, c.path, c.body)
			if r.status != c.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.status, r.raw)
			}
			if c.code != "" && (r.body["code"] != c.code || r.body["message"] == "") {
				t.Errorf("error %s, want code %q and a message", r.raw, c.code)
			}
		})
	}

	r := call(t, h, "POST", "/v1/agreements/payments-hosting/evaluate", breach)
	if r.body["status"] != "breached" {
		t.Errorf("the breach evaluates to %v", r.body["status"])
	}
	if err := verdictschema.Validate([]byte(r.raw)); err != nil {
		t.Errorf("the verdict does not match the schema: %v", err)
	}
	d := call(t, h, "POST", "/v1/data/entente/agreements/payments-hosting/verdict", `{"input": `+breach+`}`)
	result, _ := d.body["result"].(map[string]any)
	if result["status"] != "breached" || d.body["decision_id"] == "" {
		t.Errorf("data API answered %s", d.raw)
	}
	if w := call(t, h, "POST", "/v1/agreements/payments-hosting/evaluate", `{"measurements": "all good"}`); strings.Contains(w.raw, "Go value") || strings.Contains(w.raw, "json:") {
		t.Errorf("an error shows Go internals: %s", w.raw)
	}
	req := httptest.NewRequest("POST", "/v1/data/entente/agreements/payments-hosting/verdict", strings.NewReader(`{"input": `+breach+`}`))
	req.Header.Set("X-Request-Id", "chosen-by-the-client")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if strings.Contains(rec.Body.String(), "chosen-by-the-client") {
		t.Errorf("the client chose the decision ID: %s", rec.Body.String())
	}
	if u := call(t, h, "POST", "/v1/data/entente/nothing", `{}`); u.raw != "{}\n" {
		t.Errorf("an undefined document answers %q, want {}", u.raw)
	}
}

func TestTokensGuardEveryV1Route(t *testing.T) {
	h := New(Config{Set: examples(t), Tokens: []string{"s3cret"}}).Handler()
	for _, c := range []struct {
		name   string
		header []string
		status int
	}{
		{"no token", nil, 401},
		{"a wrong token", []string{"Authorization", "Bearer guess"}, 401},
		{"not a bearer token", []string{"Authorization", "Basic czNjcmV0"}, 401},
		{"the token", []string{"Authorization", "Bearer s3cret"}, 200},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := call(t, h, "GET", "/v1/agreements", "", c.header...)
			if r.status != c.status {
				t.Errorf("status %d, want %d", r.status, c.status)
			}
			if c.status == 401 && r.body["code"] != "unauthorized" {
				t.Errorf("body %s", r.raw)
			}
		})
	}
	if r := call(t, h, "GET", "/health", ""); r.status != 200 {
		t.Errorf("/health needs no token, got %d", r.status)
	}
}

func TestPeriodicVerdictsAreServedAndExported(t *testing.T) {
	srv := exampleServer(t)
	srv.Run(context.Background()) // one evaluation: no interval
	h := srv.Handler()

	if r := call(t, h, "GET", "/health/ready", ""); r.status != 200 {
		t.Errorf("ready: %d", r.status)
	}
	v := call(t, h, "GET", "/v1/agreements/geo-api/verdict", "")
	if v.status != 200 || v.body["status"] != "breached" {
		t.Errorf("geo-api verdict: %d %v", v.status, v.body["status"])
	}
	list := call(t, h, "GET", "/v1/agreements", "")
	if !strings.Contains(list.raw, `"status":"at_risk"`) {
		t.Errorf("the list does not show the last statuses: %s", list.raw)
	}
	req := httptest.NewRequest("GET", "/metrics", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`entente_agreement_status{agreement="geo-api",status="breached"} 1`,
		`entente_slo_status{agreement="payments-hosting",slo="availability",status="warn"} 1`,
		`entente_slo_objective{agreement="payments-hosting",slo="availability"} 99.9`,
		`entente_credits_owed{agreement="geo-api",currency="USD"} 850`,
		`entente_slo_measured{agreement="managed-support",slo="p1-acknowledgement"} 22`,
		`entente_slo_coverage_percent{agreement="payments-hosting",slo="availability"} 100`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
