package server

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestAnEvaluationTimeIsReadAsWrittenOrRefused: unix seconds are a time;
// the zero time was silently the present.
func TestAnEvaluationTimeIsReadAsWrittenOrRefused(t *testing.T) {
	h := New(Config{Set: examples(t)}).Handler()
	measurements := `"measurements": {"slos": {"availability": {"good": 9941000, "total": 10000000}}}`
	for _, c := range []struct {
		at     string
		status int
		want   string
	}{
		{`1792065600`, 200, `"evaluated_at":"2026-10-15T12:00:00Z"`},
		{`"1792065600"`, 200, `"evaluated_at":"2026-10-15T12:00:00Z"`},
		{`"2026-10-15T12:00:00Z"`, 200, `"evaluated_at":"2026-10-15T12:00:00Z"`},
		{`"0001-01-01T00:00:00Z"`, 400, "0001-01-01T00:00:00Z is out of range: give a time from 1970 to 9999"},
		{`1792065600000`, 400, "is it in milliseconds?"},
		{`"yesterday"`, 400, `\"yesterday\" is not a time`},
		{`true`, 400, "give RFC 3339"},
	} {
		r := call(t, h, "POST", "/v1/agreements/payments-hosting/evaluate", `{"at": `+c.at+`, `+measurements+`}`)
		if r.status != c.status || !strings.Contains(r.raw, c.want) {
			t.Errorf("at %s: %d %s, want %d with %s", c.at, r.status, r.raw, c.status, c.want)
		}
	}
}

// TestNumbersThatNoMeasurementCanBeAreRefused: 1e100000 gave a 500, and a
// number of hundreds of thousands of digits seconds of CPU.
func TestNumbersThatNoMeasurementCanBeAreRefused(t *testing.T) {
	h := New(Config{Set: examples(t)}).Handler()
	for _, n := range []string{"1e100000", "-1e400", strings.Repeat("9", 500_000), "0." + strings.Repeat("1", 100)} {
		for _, route := range []struct{ path, body string }{
			{"/v1/agreements/payments-hosting/evaluate", `{"at": "2026-10-15T12:00:00Z", "measurements": {"slos": {"availability": {"good": ` + n + `, "total": 10}}}}`},
			{"/v1/data/entente/agreements/payments-hosting/verdict", `{"input": {"at": "2026-10-15T12:00:00Z", "measurements": {"slos": {"latency": {"value": ` + n + `}}}}}`},
		} {
			r := call(t, h, "POST", route.path, route.body)
			if r.status != 400 || !strings.Contains(r.raw, "is not one a measurement can be") {
				t.Errorf("%s with %.20s: %d %.200s, want 400", route.path, n, r.status, r.raw)
			}
		}
	}
}

// TestRequestsWithABodyTakeTurns: a thousand concurrent bodies of a
// megabyte each took 7.6 GB; they are read and decided a bounded number at
// once, and the others, after a second, are told to come back.
func TestRequestsWithABodyTakeTurns(t *testing.T) {
	srv := httptest.NewServer(New(Config{Set: examples(t), MaxDecisions: 1}).Handler())
	defer srv.Close()
	// A body that never ends holds the only turn.
	pr, pw := io.Pipe()
	defer pw.Close()
	go func() {
		req, _ := http.NewRequest("POST", srv.URL+"/v1/agreements/payments-hosting/evaluate", pr)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	pw.Write([]byte(`{"at": "2026-10-15T12:00:00Z", "measurements": {`))
	time.Sleep(200 * time.Millisecond)
	resp, err := http.Post(srv.URL+"/v1/agreements/payments-hosting/evaluate", "application/json", strings.NewReader(breach))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "1" || !strings.Contains(string(body), `"code":"busy"`) {
		t.Errorf("%d %s, want 503 busy with Retry-After", resp.StatusCode, body)
	}
	pw.Close()
	// Once the turn is free, the same request is answered.
	time.Sleep(100 * time.Millisecond)
	resp, err = http.Post(srv.URL+"/v1/agreements/payments-hosting/evaluate", "application/json", strings.NewReader(breach))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("after the turn was freed: %d", resp.StatusCode)
	}
}

// TestTheMetricsAreBehindTheToken: /metrics named the agreements, their
// statuses and the credits owed to anyone, token or not.
func TestTheMetricsAreBehindTheToken(t *testing.T) {
	for _, c := range []struct {
		public bool
		header []string
		status int
	}{
		{false, nil, 401},
		{false, []string{"Authorization", "Bearer s3cret"}, 200},
		{true, nil, 200},
	} {
		h := New(Config{Set: examples(t), Tokens: []string{"s3cret"}, MetricsPublic: c.public}).Handler()
		if r := call(t, h, "GET", "/metrics", "", c.header...); r.status != c.status {
			t.Errorf("public %v, header %v: %d, want %d", c.public, c.header, r.status, c.status)
		}
	}
}

// TestAFailedEvaluationMarksTheVerdictsStale: the verdicts of the last
// evaluation that succeeded were served as fresh after the ones since had
// failed.
func TestAFailedEvaluationMarksTheVerdictsStale(t *testing.T) {
	srv := exampleServer(t)
	srv.evaluateAll(context.Background())
	if page := get(t, srv, "/").Body.String(); strings.Contains(page, "Stale verdicts") {
		t.Fatal("fresh verdicts are marked stale")
	}
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	srv.evaluateAll(gone) // the policies cannot decide on a context that ended
	page := get(t, srv, "/").Body.String()
	if !strings.Contains(page, "Stale verdicts") || !strings.Contains(page, "the periodic evaluation failed") {
		t.Errorf("the dashboard does not say that its verdicts are stale")
	}
	if m := scrape(t, srv); !strings.Contains(m, "entente_verdicts_age_seconds ") {
		t.Errorf("/metrics has no age of the verdicts")
	}
	srv.evaluateAll(context.Background())
	if page := get(t, srv, "/").Body.String(); strings.Contains(page, "Stale verdicts") {
		t.Error("after an evaluation that succeeded, the verdicts are still stale")
	}
}

// TestANewSetIsEvaluatedAtOnce: after a reload, the verdicts served were
// the old set's until the next periodic evaluation, a minute or an hour
// later.
func TestANewSetIsEvaluatedAtOnce(t *testing.T) {
	base := exampleServer(t)
	cfg := base.cfg
	cfg.Interval = time.Hour
	srv := New(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go srv.Run(ctx)
	waitFor(t, "the first evaluation", func() bool { return srv.lastAll.Load() != nil })
	first := srv.lastAll.Load()
	srv.Swap(examples(t))
	waitFor(t, "the new set evaluated", func() bool { return srv.lastAll.Load() != first })
}
