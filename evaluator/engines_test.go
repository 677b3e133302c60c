package evaluator

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/entente-dev/entente/internal/shop"
)

// shopAt is when the shop is measured in these tests.
var shopAt = time.Date(2026, 10, 20, 18, 0, 0, 0, time.UTC)

// steady answers every query of the shop with a figure that passes: no
// errors, a latency of 0.2 s, every probe up.
func steady(q string, _ time.Time) (float64, bool) {
	switch {
	case strings.Contains(q, "errors_total"):
		return 0, true
	case strings.Contains(q, "latency_seconds"):
		return 0.2, true
	case strings.Contains(q, "up{"):
		return 1, true
	}
	return 1000, true
}

// TestPartialAnswersFailClosed measures the shop through engines that
// answer from part of their data: Thanos, with warnings when a store did
// not answer, and a VictoriaMetrics cluster, with isPartial. No SLO is
// measured from such an answer unless the user accepted its warning, and
// then the warning is in the audit.
func TestPartialAnswersFailClosed(t *testing.T) {
	const storeDown = "partial response: receive 10.0.3.7:10901 did not answer: rpc error: code = Unavailable"
	for _, c := range []struct {
		name    string
		engine  *fakeEngine
		accept  []*regexp.Regexp
		want    string // the status of every SLO
		message string
	}{
		{"Thanos with a store down warns: every SLO is an error in its words", &fakeEngine{value: steady, warnings: []string{storeDown}}, nil,
			"error", `the answer carries a warning, so it is not used: "` + storeDown + `" (if it is harmless, accept it with --accept-warning REGEX)`},
		{"a VictoriaMetrics cluster with a storage node down marks it partial: every SLO is an error", &fakeEngine{value: steady, partial: true}, nil,
			"error", "answered from part of its data only (isPartial: true)"},
		{"a partial answer is refused even with its warnings accepted", &fakeEngine{value: steady, partial: true}, []*regexp.Regexp{regexp.MustCompile(".*")},
			"error", "isPartial"},
		{"a warning the user accepted is measured, and kept in the audit", &fakeEngine{value: steady, warnings: []string{"PromQL warning: encountered a mix of histograms and floats"}}, []*regexp.Regexp{regexp.MustCompile("mix of histograms")},
			"pass", ""},
		{"a warning another expression accepts is still refused", &fakeEngine{value: steady, warnings: []string{storeDown}}, []*regexp.Regexp{regexp.MustCompile("mix of histograms")},
			"error", storeDown},
	} {
		t.Run(c.name, func(t *testing.T) {
			var mu sync.Mutex
			forms := map[string]int{}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_ = r.ParseForm()
				mu.Lock()
				for _, p := range []string{"partial_response=false", "deny_partial_response=1", "nocache=1"} {
					k, v, _ := strings.Cut(p, "=")
					if r.Form.Get(k) == v {
						forms[p]++
					}
				}
				if strings.HasPrefix(r.URL.Path, "/api/v1/query") {
					forms["requests"]++
				}
				mu.Unlock()
				c.engine.ServeHTTP(w, r)
			}))
			defer srv.Close()
			src, err := NewPrometheus(PrometheusConfig{URL: srv.URL}, nil)
			if err != nil {
				t.Fatal(err)
			}
			v, err := evaluateValid(t, compileSet(t, shop.Agreement), src, Options{At: shopAt, AcceptWarnings: c.accept})
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"availability", "availability-today", "latency", "uptime"} {
				s := sloOf(t, v, name)
				if s["status"] != c.want || !strings.Contains(s["message"].(string), c.message) {
					t.Errorf("%s: %v %q; want %s saying %q", name, s["status"], s["message"], c.want, c.message)
				}
				if c.want == "pass" {
					for _, q := range queriesOf(t, s) {
						if len(q.Warnings) != 1 || q.Warnings[0] != c.engine.warnings[0] {
							t.Errorf("%s: the query %s records the warnings %q", name, q.Query, q.Warnings)
						}
					}
				}
			}
			if c.want == "error" && v.Status != "inconclusive" {
				t.Errorf("the shop is %s, want inconclusive", v.Status)
			}
			mu.Lock()
			defer mu.Unlock()
			for _, p := range []string{"partial_response=false", "deny_partial_response=1", "nocache=1"} {
				if forms[p] != forms["requests"] {
					t.Errorf("%s in %d of %d requests", p, forms[p], forms["requests"])
				}
			}
		})
	}
}

// TestRetriesAsEnginesExpect: 429 and 503 are retried after the wait the
// engine asks for, within the query timeout; a query the engine refuses
// is not retried; each message says which.
func TestRetriesAsEnginesExpect(t *testing.T) {
	retryAfter := func(status int, after string) promAnswer {
		return func(w http.ResponseWriter, r *http.Request) {
			if after != "" {
				w.Header().Set("Retry-After", after)
			}
			promStatus(status, `{"status":"error","errorType":"unavailable","error":"too many outstanding requests"}`)(w, r)
		}
	}
	for _, c := range []struct {
		name     string
		answers  []promAnswer
		requests int64
		wait     string // logged as the wait before the retry
		wantErr  []string
	}{
		{"Mimir's 429 is retried after its Retry-After", []promAnswer{retryAfter(429, "1"), promStatus(200, promVector)}, 2, "wait=1s", nil},
		{"a 503 with Retry-After as a date is retried", []promAnswer{retryAfter(503, time.Now().Add(-time.Minute).UTC().Format(http.TimeFormat)), promStatus(200, promVector)}, 2, "it asked to retry after 0s", nil},
		{"a 429 without Retry-After is retried after the backoff", []promAnswer{retryAfter(429, ""), promStatus(200, promVector)}, 2, "", nil},
		{"a wait longer than the query timeout is not waited for", []promAnswer{retryAfter(429, "120")}, 1, "",
			[]string{"answered 429 Too Many Requests", "too many outstanding requests", "it asked to retry after 2m0s", "not retried: it asked to wait 2m0s, more than the query timeout of 30s"}},
		{"a 429 that lasts fails after the retries", []promAnswer{retryAfter(429, "0")}, 3, "",
			[]string{"answered 429 Too Many Requests three times"}},
		{"a query the engine cannot run (422) is not retried", []promAnswer{promStatus(422, `{"status":"error","errorType":"execution","error":"expanding series: the query hit the max number of series limit (limit: 100000 series)"}`)}, 1, "",
			[]string{"rejected the query (422 Unprocessable Entity): expanding series: the query hit the max number of series limit", "(not retried)"}},
		{"another 4xx is not retried either", []promAnswer{promStatus(413, "request body too large\n")}, 1, "",
			[]string{"answered 413 Request Entity Too Large: request body too large (not retried)"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv, requests := fakePrometheus(t, c.answers...)
			var logs bytes.Buffer
			p := newTestPrometheus(t, PrometheusConfig{URL: srv.URL}, slog.New(slog.NewTextHandler(&logs, nil)))

			_, err := p.Query(t.Context(), "up", time.Unix(1767225600, 0))

			if got := requests.Load(); got != c.requests {
				t.Errorf("the server got %d requests, want %d", got, c.requests)
			}
			if c.wait != "" && !strings.Contains(logs.String(), c.wait) {
				t.Errorf("the log does not say %s: %s", c.wait, logs.String())
			}
			if c.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			assertSourceError(t, err, srv.URL, c.wantErr...)
		})
	}
}

// TestALeftClosedEngineIsSentRangesAMillisecondShorter: an engine that
// selects [t-r, t] (Prometheus 2) is found out by the probe, and every
// range sent to it, of a measurement or a coverage query, is 1 ms
// shorter; one that selects (t-r, t] gets the ranges as written.
func TestALeftClosedEngineIsSentRangesAMillisecondShorter(t *testing.T) {
	for _, c := range []struct {
		leftClosed bool
		ranges     string
		query      string
	}{
		{true, LeftClosed, `max(max_over_time(latency_seconds{job="shop"}[23h59m59s999ms]))`},
		{false, LeftOpen, `max(max_over_time(latency_seconds{job='shop'}[86400s]))`},
	} {
		t.Run(c.ranges, func(t *testing.T) {
			var sent sync.Map
			engine := &fakeEngine{value: func(q string, at time.Time) (float64, bool) {
				sent.Store(q, true)
				return steady(q, at)
			}, leftClosed: c.leftClosed, retention: "15d"}
			srv := httptest.NewServer(engine)
			defer srv.Close()
			src, err := NewPrometheus(PrometheusConfig{URL: srv.URL}, nil)
			if err != nil {
				t.Fatal(err)
			}
			v, err := evaluateValid(t, compileSet(t, shop.Agreement), src, Options{At: shopAt})
			if err != nil {
				t.Fatal(err)
			}
			if v.DataSource.Ranges != c.ranges || v.DataSource.Retention != "15d" || v.DataSource.URL != srv.URL {
				t.Errorf("the source is described as %+v", v.DataSource)
			}
			if c.leftClosed && (len(v.DataSource.Notes) != 1 || !strings.Contains(v.DataSource.Notes[0], "1 ms shorter")) {
				t.Errorf("the notes %q do not say that ranges are sent 1 ms shorter", v.DataSource.Notes)
			}
			latency := sloOf(t, v, "latency")
			queries := queriesOf(t, latency)
			if queries[0].Query != c.query {
				t.Errorf("the latency was measured with %s, want %s", queries[0].Query, c.query)
			}
			if _, ok := sent.Load(c.query); !ok {
				t.Errorf("%s was not sent", c.query)
			}
			sent.Range(func(k, _ any) bool {
				q := k.(string)
				if c.leftClosed && strings.Contains(q, "[") && !strings.Contains(q, "999ms") {
					t.Errorf("%s was sent to a left-closed engine", q)
				}
				return true
			})
			if latency["status"] != "pass" {
				t.Errorf("latency %v: %v", latency["status"], latency["message"])
			}
		})
	}
}

// TestMimirBehindItsPrefixWithATenant: Mimir serves the API under
// /prometheus and wants the tenant in X-Scope-OrgID.
func TestMimirBehindItsPrefixWithATenant(t *testing.T) {
	engine := &fakeEngine{value: steady}
	var tenants atomic.Int64
	mux := http.NewServeMux()
	mux.Handle("/prometheus/", http.StripPrefix("/prometheus", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Scope-OrgID") != "team-payments" {
			http.Error(w, "no org id", http.StatusUnauthorized)
			return
		}
		tenants.Add(1)
		engine.ServeHTTP(w, r)
	})))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	src, err := NewPrometheus(PrometheusConfig{URL: srv.URL + "/prometheus", Headers: map[string]string{"X-Scope-OrgID": "team-payments"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	v, err := evaluateValid(t, compileSet(t, shop.Agreement), src, Options{At: shopAt})
	if err != nil {
		t.Fatal(err)
	}
	if v.Status == "inconclusive" || tenants.Load() == 0 {
		t.Errorf("the shop is %s after %d requests for the tenant", v.Status, tenants.Load())
	}
}

// TestAnEngineThatCannotBeProbedMeasuresNothing: when the probe of how an
// engine selects the samples of a range fails, its figures could be of
// other samples than Prometheus 3 counts: every SLO is an error.
func TestAnEngineThatCannotBeProbedMeasuresNothing(t *testing.T) {
	engine := &fakeEngine{value: steady}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("query") == rangesProbe {
			http.Error(w, "overloaded", http.StatusServiceUnavailable)
			return
		}
		engine.ServeHTTP(w, r)
	}))
	defer srv.Close()
	src := newTestPrometheus(t, PrometheusConfig{URL: srv.URL}, nil)
	v, err := evaluateValid(t, compileSet(t, shop.Agreement), src, Options{At: shopAt})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"availability", "latency", "uptime"} {
		s := sloOf(t, v, name)
		if s["status"] != "error" || !strings.Contains(s["message"].(string), "could not find out how it selects the samples of a range (prometheus at "+srv.URL+": answered 503 Service Unavailable three times: overloaded)") {
			t.Errorf("%s: %v %q", name, s["status"], s["message"])
		}
	}
	if v.DataSource.Ranges != RangesUnknown || len(v.DataSource.Notes) != 1 {
		t.Errorf("the source is described as %+v", v.DataSource)
	}
}
