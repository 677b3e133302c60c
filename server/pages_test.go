package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/evaluator"
	"github.com/entente-dev/entente/internal/examplemetrics"
	"github.com/entente-dev/entente/internal/verdictschema"
)

// exampleServer serves the examples from their histories, evaluated at
// the time the histories are made for.
func exampleServer(t *testing.T, tokens ...string) *Server {
	t.Helper()
	at, _ := time.Parse(time.RFC3339, examplemetrics.At)
	src, err := evaluator.LoadFiles(context.Background(), []string{
		"../examples/metrics/payments-hosting.om", "../examples/metrics/geo-api.om", "../examples/metrics/managed-support.om",
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	raw, err := os.ReadFile("../examples/metrics/facts.json")
	if err != nil {
		t.Fatal(err)
	}
	var facts map[string]map[string]any
	if err := json.Unmarshal(raw, &facts); err != nil {
		t.Fatal(err)
	}
	return New(Config{Set: examples(t), Source: src, Facts: facts, Tokens: tokens, Now: func() time.Time { return at }})
}

func get(t *testing.T, srv *Server, path string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	return rec
}

func TestTheDashboardShowsTheLastVerdicts(t *testing.T) {
	srv := exampleServer(t)
	before := get(t, srv, "/")
	if before.Code != 200 || !strings.Contains(strings.ToLower(before.Body.String()), "waiting for the first evaluation") {
		t.Errorf("before the first evaluation: %d\n%s", before.Code, before.Body)
	}
	srv.Run(context.Background())
	rec := get(t, srv, "/")
	page := rec.Body.String()
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("the page may fetch from elsewhere: Content-Security-Policy %q", csp)
	}
	for _, want := range []string{
		"Payments API hosting", "geo-api", "managed-support", // every agreement
		"22 Oct 2026 12:00 UTC", // when it was evaluated
		// the links to the reports of the month and week of the verdicts
		// shown, over by the wall clock, not of the last month closed
		// on 22 October, before the history starts
		"/v1/agreements/payments-hosting/report?format=html&amp;period=2026-10",
		"/v1/agreements/geo-api/report?format=html&amp;period=2026-W43",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the dashboard lacks %q", want)
		}
	}
	for _, status := range []string{"breached", "at risk"} {
		if !strings.Contains(strings.ToLower(page), status) {
			t.Errorf("the dashboard does not say %q", status)
		}
	}
	if strings.Contains(page, "<script") {
		t.Error("the dashboard has a script")
	}
}

func TestAReportIsServedInEachFormat(t *testing.T) {
	srv := exampleServer(t)
	path := "/v1/agreements/payments-hosting/report?period=2026-W42"

	rec := get(t, srv, path+"&format=json")
	if rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if err := verdictschema.Validate(rec.Body.Bytes()); err != nil {
		t.Errorf("the JSON report does not match the schema: %v", err)
	}
	var doc map[string]any
	json.Unmarshal(rec.Body.Bytes(), &doc)
	if p, _ := doc["period"].(map[string]any); p["label"] != "2026-W42" || len(doc["agreements"].([]any)) != 1 {
		t.Errorf("period %v, %d agreements; want 2026-W42 and payments-hosting alone", doc["period"], len(doc["agreements"].([]any)))
	}
	// Generated now, by the wall clock, whatever time the server replays.
	if g, err := time.Parse(time.RFC3339, fmt.Sprint(doc["generated_at"])); err != nil || time.Since(g) > time.Minute || time.Since(g) < -time.Second {
		t.Errorf("generated_at %v; want the time it was served", doc["generated_at"])
	}
	queries := scrape(t, srv)

	html := get(t, srv, path)
	if html.Code != 200 || !strings.HasPrefix(html.Header().Get("Content-Type"), "text/html") || !strings.Contains(html.Body.String(), "Payments API hosting") {
		t.Errorf("HTML: %d %s", html.Code, html.Header().Get("Content-Type"))
	}
	md := get(t, srv, path+"&format=markdown")
	if md.Code != 200 || !strings.HasPrefix(md.Header().Get("Content-Type"), "text/markdown") || !strings.Contains(md.Body.String(), "| availability") {
		t.Errorf("Markdown: %d %s\n%s", md.Code, md.Header().Get("Content-Type"), md.Body)
	}
	// The same report again is not measured again.
	if after := scrape(t, srv); sourceQueries(after) != sourceQueries(queries) {
		t.Errorf("the report was measured again: %s then %s", sourceQueries(queries), sourceQueries(after))
	}
}

func sourceQueries(metrics string) string {
	var out []string
	for _, line := range strings.Split(metrics, "\n") {
		if strings.HasPrefix(line, "entente_source_queries_total") {
			out = append(out, line)
		}
	}
	return strings.Join(out, "; ")
}

func TestAReportRequestThatCannotBeAnsweredSaysWhy(t *testing.T) {
	srv := exampleServer(t)
	noSource := New(Config{Set: examples(t)})
	for _, c := range []struct {
		name   string
		srv    *Server
		path   string
		status int
		code   string
		says   string
	}{
		{"no period", srv, "/v1/agreements/geo-api/report", 400, "bad_request", "give the period"},
		{"a period that is no period", srv, "/v1/agreements/geo-api/report?period=2026-13", 400, "bad_request", "the month must be 01 to 12"},
		{"a period not over", srv, "/v1/agreements/geo-api/report?period=2999", 400, "period_not_over", "2999 ends at"},
		{"an unknown format", srv, "/v1/agreements/geo-api/report?period=2026-09&format=pdf", 400, "bad_request", "html, markdown or json"},
		{"an unknown agreement", srv, "/v1/agreements/nope/report?period=2026-09", 404, "unknown_agreement", "nope"},
		{"no source", noSource, "/v1/agreements/geo-api/report?period=2026-09", 422, "no_source", "--prometheus or --metrics"},
		{"a period before 1970, which overflowed the arithmetic of windows", srv, "/v1/agreements/geo-api/report?period=1600", 400, "bad_request", "reports cover periods from 1970 on"},
		{"a relative period of no kind", srv, "/v1/agreements/geo-api/report?period=last-decade", 400, "bad_request", "last-month"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := get(t, c.srv, c.path)
			var body map[string]any
			json.Unmarshal(rec.Body.Bytes(), &body)
			if rec.Code != c.status || body["code"] != c.code || !strings.Contains(body["message"].(string), c.says) {
				t.Errorf("%d %s, want %d %s saying %q", rec.Code, rec.Body, c.status, c.code, c.says)
			}
		})
	}
}

func TestThePagesTakeTheTokenAsABasicPassword(t *testing.T) {
	srv := exampleServer(t, "s3cret")
	rec := get(t, srv, "/")
	if rec.Code != 401 || !strings.Contains(strings.Join(rec.Header().Values("WWW-Authenticate"), ","), "Basic") {
		t.Errorf("without a token: %d, challenges %v; want 401 with a Basic challenge a browser answers", rec.Code, rec.Header().Values("WWW-Authenticate"))
	}
	if rec := get(t, srv, "/", "Authorization", "Basic dXNlcjpndWVzcw=="); rec.Code != 401 { // user:guess
		t.Errorf("a wrong password: %d", rec.Code)
	}
	if rec := get(t, srv, "/", "Authorization", "Basic dXNlcjpzM2NyZXQ="); rec.Code != 200 { // user:s3cret
		t.Errorf("the token as the password: %d", rec.Code)
	}
}

// The dashboard links to the reports of the periods its verdicts are in
// once they are over by the wall clock (a replayed history), else to the
// periods before them (live verdicts).
func TestTheDashboardLinksToTheReportsOfThePeriodsOfItsVerdicts(t *testing.T) {
	at := time.Date(2026, 10, 22, 12, 0, 0, 0, time.UTC)
	kinds := []agreements.Calendar{agreements.Week, agreements.Month, agreements.Quarter}
	for _, c := range []struct {
		name           string
		evaluated, now time.Time
		zone           string
		want           []string
	}{
		{"a history replayed at 22 October 2026, served in December", at, at.AddDate(0, 1, 12), "Europe/Paris", []string{"2026-W43", "2026-10", "2026-Q3"}},
		{"live verdicts of 22 October", at, at.Add(3 * time.Second), "Europe/Paris", []string{"2026-W42", "2026-09", "2026-Q3"}},
		{"verdicts of midnight on 1 November are October's", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 1, 0, 0, 5, 0, time.UTC), "UTC", []string{"2026-W43", "2026-10", "2026-Q3"}},
		{"October is not over in New York at midnight UTC", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 1, 0, 0, 5, 0, time.UTC), "America/New_York", []string{"2026-W43", "2026-09", "2026-Q3"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, l := range reportLinks("geo-api", c.zone, kinds, c.evaluated, c.now) {
				if u, _ := url.Parse(l.Href); u.Query().Get("format") == "html" {
					got = append(got, u.Query().Get("period"))
				}
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("links to %v, want %v", got, c.want)
			}
		})
	}
}

// TestARelativePeriodIsTheLastClosed: last-month is the last month closed
// in the agreement's time zone, as entente report reads it.
func TestARelativePeriodIsTheLastClosed(t *testing.T) {
	srv := exampleServer(t)
	rec := get(t, srv, "/v1/agreements/payments-hosting/report?period=last-month&format=json")
	var doc map[string]any
	json.Unmarshal(rec.Body.Bytes(), &doc)
	paris, _ := time.LoadLocation("Europe/Paris")
	want := evaluator.LastClosed("month", time.Now(), paris).Label
	if p, _ := doc["period"].(map[string]any); rec.Code != 200 || p["label"] != want {
		t.Errorf("%d, period %v; want %s", rec.Code, doc["period"], want)
	}
}

// flaky fails every query whose text holds fail, while failing is set.
type flaky struct {
	evaluator.Source
	failing *atomic.Bool
	fail    string
}

func (f flaky) Query(ctx context.Context, q string, t time.Time) (evaluator.Answer, error) {
	if f.failing.Load() && strings.Contains(q, f.fail) {
		return evaluator.Answer{}, &evaluator.SourceError{Query: q, Err: errors.New("connection reset")}
	}
	return f.Source.Query(ctx, q, t)
}

// TestAReportWithAFailureIsMeasuredAgain: a report part of which the
// source failed to measure was kept ten minutes, and served again after
// the source recovered.
func TestAReportWithAFailureIsMeasuredAgain(t *testing.T) {
	base := exampleServer(t)
	var failing atomic.Bool
	failing.Store(true)
	cfg := base.cfg
	cfg.Source = flaky{Source: cfg.Source, failing: &failing, fail: "http_request_duration_seconds_bucket"}
	srv := New(cfg)
	path := "/v1/agreements/payments-hosting/report?period=2026-10&format=json"
	first := get(t, srv, path).Body.String()
	if !strings.Contains(first, "latency could not be measured: connection reset") {
		t.Fatalf("the latency did not fail: %.300s", first)
	}
	failing.Store(false)
	if again := get(t, srv, path).Body.String(); strings.Contains(again, "could not be measured") {
		t.Errorf("after the source recovered, the report still says %q", "could not be measured")
	}
}
