package evaluator

import (
	"bytes"
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/common/model"
)

const promVector = `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1767225600,"42"]}]}}`

// promAnswer is one way the fake Prometheus answers a request.
type promAnswer func(w http.ResponseWriter, r *http.Request)

func promStatus(code int, body string) promAnswer {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		fmt.Fprint(w, body)
	}
}

func promSlow(d time.Duration) promAnswer {
	return func(w http.ResponseWriter, r *http.Request) {
		// Reading the body lets the server notice when the client hangs up.
		_ = r.ParseForm()
		select {
		case <-time.After(d):
			promStatus(200, promVector)(w, r)
		case <-r.Context().Done():
		}
	}
}

// fakePrometheus answers the nth request with answers[n], and the requests
// after the last with the last answer.
func fakePrometheus(t *testing.T, answers ...promAnswer) (srv *httptest.Server, requests *atomic.Int64) {
	t.Helper()
	requests = new(atomic.Int64)
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(requests.Add(1)) - 1
		answers[min(n, len(answers)-1)](w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, requests
}

// valueOf is the value of an answer.
func valueOf(a Answer, err error) (model.Value, error) { return a.Value, err }

func newTestPrometheus(t *testing.T, cfg PrometheusConfig, logger *slog.Logger) *Prometheus {
	t.Helper()
	p, err := NewPrometheus(cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	p.backoff = time.Millisecond // keep the tests fast; the doubling still shows
	return p
}

func TestPrometheusFaults(t *testing.T) {
	tests := []struct {
		name     string
		answers  []promAnswer
		timeout  time.Duration
		retries  int
		requests int64
		wantErr  []string // the error mentions each of these
	}{
		{
			name:     "a server error followed by an answer is retried and the query succeeds",
			answers:  []promAnswer{promStatus(500, `{"status":"error","errorType":"internal","error":"boom"}`), promStatus(200, promVector)},
			requests: 2,
		},
		{
			name:     "a server that stays unavailable fails after the retries, saying how often it answered what",
			answers:  []promAnswer{promStatus(503, "overloaded\n")},
			requests: 3,
			wantErr:  []string{"answered 503 Service Unavailable three times: overloaded"},
		},
		{
			name:     "fewer retries mean fewer requests",
			answers:  []promAnswer{promStatus(502, "")},
			retries:  1,
			requests: 2,
			wantErr:  []string{"answered 502 Bad Gateway twice"},
		},
		{
			name:     "no retries at all when retries are negative",
			answers:  []promAnswer{promStatus(500, "")},
			retries:  -1,
			requests: 1,
			wantErr:  []string{"answered 500 Internal Server Error"},
		},
		{
			name:     "a bad query is not retried and the parse error is shown",
			answers:  []promAnswer{promStatus(400, `{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected \")\""}`)},
			requests: 1,
			wantErr:  []string{"rejected the query (400 Bad Request): 1:5: parse error"},
		},
		{
			name:     "a query the engine cannot run is not retried",
			answers:  []promAnswer{promStatus(422, `{"status":"error","errorType":"execution","error":"query processing would load too many samples into memory"}`)},
			requests: 1,
			wantErr:  []string{"rejected the query (422 Unprocessable Entity): query processing would load too many samples"},
		},
		{
			name:     "a refused token is not retried and the user is told what to check",
			answers:  []promAnswer{promStatus(401, "no token\n")},
			requests: 1,
			wantErr:  []string{"answered 401 Unauthorized: no token", "bearer token file"},
		},
		{
			name:     "a wrong path is not retried and the user is told about /api/v1",
			answers:  []promAnswer{promStatus(404, "404 page not found\n")},
			requests: 1,
			wantErr:  []string{"answered 404 Not Found", "without /api/v1"},
		},
		{
			name:     "a server slower than the timeout fails with the timeout in the message",
			answers:  []promAnswer{promSlow(5 * time.Second)},
			timeout:  50 * time.Millisecond,
			retries:  1,
			requests: 2,
			wantErr:  []string{"timed out after 50ms twice"},
		},
		{
			name:     "a slow first answer is retried and the query succeeds",
			answers:  []promAnswer{promSlow(5 * time.Second), promStatus(200, promVector)},
			timeout:  50 * time.Millisecond,
			requests: 2,
		},
		{
			name:     "a malformed answer is an error and is not retried",
			answers:  []promAnswer{promStatus(200, `{"status":"success","data":{"resultType":"vector","result":[{"metric":`)},
			requests: 1,
			wantErr:  []string{"malformed answer"},
		},
		{
			name:     "an answer with no result is malformed",
			answers:  []promAnswer{promStatus(200, `{"status":"success"}`)},
			requests: 1,
			wantErr:  []string{"malformed answer: no result"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, requests := fakePrometheus(t, tt.answers...)
			p := newTestPrometheus(t, PrometheusConfig{URL: srv.URL, Timeout: tt.timeout, Retries: tt.retries}, nil)

			v, err := valueOf(p.Query(t.Context(), "up", time.Unix(1767225600, 0)))

			if got := requests.Load(); got != tt.requests {
				t.Errorf("the server got %d requests, want %d", got, tt.requests)
			}
			if got := p.Requests(); got != tt.requests {
				t.Errorf("Requests() = %d, want %d", got, tt.requests)
			}
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if want := "42"; len(v.(model.Vector)) != 1 || v.(model.Vector)[0].Value.String() != want {
					t.Errorf("got %v, want one sample of %s", v, want)
				}
				return
			}
			assertSourceError(t, err, srv.URL, tt.wantErr...)
		})
	}
}

func assertSourceError(t *testing.T, err error, url string, want ...string) {
	t.Helper()
	var serr *SourceError
	if !errors.As(err, &serr) {
		t.Fatalf("got %v (%T), want a *SourceError", err, err)
	}
	msg := err.Error()
	t.Log(msg)
	for _, w := range append([]string{"prometheus at " + url + ": "}, want...) {
		if !strings.Contains(msg, w) {
			t.Errorf("the error %q does not say %q", msg, w)
		}
	}
}

func TestPrometheusConnectionRefusedIsRetriedThenReported(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	l.Close()
	p := newTestPrometheus(t, PrometheusConfig{URL: url}, nil)

	_, err = p.Query(t.Context(), "up", time.Now())

	assertSourceError(t, err, url, "connection refused three times")
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("the error %v does not wrap ECONNREFUSED", err)
	}
	if got := p.Requests(); got != 3 {
		t.Errorf("Requests() = %d, want 3", got)
	}
}

func TestPrometheusTimeoutWrapsDeadlineExceeded(t *testing.T) {
	srv, _ := fakePrometheus(t, promSlow(5*time.Second))
	p := newTestPrometheus(t, PrometheusConfig{URL: srv.URL, Timeout: 20 * time.Millisecond, Retries: -1}, nil)

	_, err := p.Query(t.Context(), "up", time.Now())

	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("the error %v does not wrap context.DeadlineExceeded", err)
	}
}

func TestPrometheusStopsWhenTheCallerGivesUp(t *testing.T) {
	srv, requests := fakePrometheus(t, promSlow(5*time.Second))
	p := newTestPrometheus(t, PrometheusConfig{URL: srv.URL}, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()

	start := time.Now()
	_, err := p.Query(ctx, "up", time.Now())

	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("the query took %s after its context ended", took)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want the caller's deadline", err)
	}
	if got := requests.Load(); got != 1 {
		t.Errorf("the server got %d requests, want 1: the caller's deadline is not retried", got)
	}
}

func TestPrometheusSendsHeadersAndTheCurrentBearerToken(t *testing.T) {
	var (
		mu   sync.Mutex
		seen []http.Header
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Clone())
		mu.Unlock()
		promStatus(200, promVector)(w, r)
	}))
	defer srv.Close()
	token := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(token, []byte("first-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := newTestPrometheus(t, PrometheusConfig{
		URL:             srv.URL,
		Headers:         map[string]string{"x-scope-orgid": "tenant-1"},
		BearerTokenFile: token,
	}, nil)

	if _, err := p.Query(t.Context(), "up", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(token, []byte("rotated-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Query(t.Context(), "up", time.Now()); err != nil {
		t.Fatal(err)
	}

	mu.Lock()
	defer mu.Unlock()
	want := []struct{ auth, org string }{{"Bearer first-token", "tenant-1"}, {"Bearer rotated-token", "tenant-1"}}
	if len(seen) != len(want) {
		t.Fatalf("the server got %d requests, want %d", len(seen), len(want))
	}
	for i, w := range want {
		if got := seen[i].Get("Authorization"); got != w.auth {
			t.Errorf("request %d: Authorization = %q, want %q", i+1, got, w.auth)
		}
		if got := seen[i].Get("X-Scope-OrgID"); got != w.org {
			t.Errorf("request %d: X-Scope-OrgID = %q, want %q", i+1, got, w.org)
		}
	}
}

func TestPrometheusOverTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(promStatus(200, promVector)))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	defer srv.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(ca, cert, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		cfg     PrometheusConfig
		wantErr string
	}{
		{"a server signed by an unknown authority is refused at once", PrometheusConfig{}, "TLS handshake failed: tls: failed to verify certificate"},
		{"the CA file makes the server trusted", PrometheusConfig{CAFile: ca}, ""},
		{"skipping verification trusts any server", PrometheusConfig{InsecureSkipVerify: true}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.URL = srv.URL
			p := newTestPrometheus(t, tt.cfg, nil)
			_, err := p.Query(t.Context(), "up", time.Now())
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			assertSourceError(t, err, srv.URL, tt.wantErr, "CA file")
			if got := p.Requests(); got != 1 {
				t.Errorf("Requests() = %d, want 1: a certificate does not get better by retrying", got)
			}
		})
	}
}

func TestPrometheusMissingTokenFileIsReportedWithoutRetry(t *testing.T) {
	srv, requests := fakePrometheus(t, promStatus(200, promVector))
	missing := filepath.Join(t.TempDir(), "token")
	p := newTestPrometheus(t, PrometheusConfig{URL: srv.URL, BearerTokenFile: missing}, nil)

	_, err := p.Query(t.Context(), "up", time.Now())

	assertSourceError(t, err, srv.URL, "cannot read "+missing)
	if got := p.Requests(); got != 1 {
		t.Errorf("Requests() = %d, want 1", got)
	}
	if got := requests.Load(); got != 0 {
		t.Errorf("the server got %d requests, want none", got)
	}
}

func TestPrometheusRejectsBadConfiguration(t *testing.T) {
	tests := []struct {
		name string
		cfg  PrometheusConfig
		want string
	}{
		{"a URL without a scheme", PrometheusConfig{URL: "localhost:9090"}, "want http://host:port"},
		{"a certificate without its key", PrometheusConfig{URL: "https://p:9090", CertFile: "c.pem"}, "both the certificate and its key"},
		{"a header entente sets itself", PrometheusConfig{URL: "http://p:9090", Headers: map[string]string{"user-agent": "x"}}, "header User-Agent"},
		{"an Authorization header beside a token file", PrometheusConfig{URL: "http://p:9090", BearerTokenFile: "t", Headers: map[string]string{"Authorization": "Basic eA=="}}, "give one or the other"},
		{"a CA file that does not exist", PrometheusConfig{URL: "https://p:9090", CAFile: "/nonexistent/ca.pem"}, "/nonexistent/ca.pem"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewPrometheus(tt.cfg, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error saying %q", err, tt.want)
			}
		})
	}
}

func TestPrometheusAnswersRangeQueriesWithAMatrix(t *testing.T) {
	forms := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			t.Error(err)
		}
		forms <- r.URL.Path + "?" + r.PostForm.Encode()
		promStatus(200, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"job":"a"},"values":[[60,"1"],[120,"2"]]}]}}`)(w, r)
	}))
	defer srv.Close()
	p := newTestPrometheus(t, PrometheusConfig{URL: srv.URL + "/prom/", Timeout: 10 * time.Second}, nil)

	v, err := valueOf(p.QueryRange(t.Context(), "up", time.Unix(60, 0), time.Unix(120, 0), time.Minute))

	if err != nil {
		t.Fatal(err)
	}
	if form, want := <-forms, "/prom/api/v1/query_range?deny_partial_response=1&end=120&nocache=1&partial_response=false&query=up&start=60&step=60&timeout=10s"; form != want {
		t.Errorf("the server got %s, want %s", form, want)
	}
	if m := v.(model.Matrix); len(m) != 1 || len(m[0].Values) != 2 || m[0].Values[1].Value != 2 {
		t.Errorf("got %v", v)
	}
}

func TestPrometheusRangeQueryAnsweredWithAVectorIsMalformed(t *testing.T) {
	srv, _ := fakePrometheus(t, promStatus(200, promVector))
	p := newTestPrometheus(t, PrometheusConfig{URL: srv.URL}, nil)

	_, err := p.QueryRange(t.Context(), "up", time.Unix(60, 0), time.Unix(120, 0), time.Minute)

	assertSourceError(t, err, srv.URL, "malformed answer: a range query gave a vector, not a matrix")
}

func TestPrometheusLogsWarningsWithTheQuery(t *testing.T) {
	srv, _ := fakePrometheus(t, promStatus(200, `{"status":"success","warnings":["PromQL warning: metric might not be a counter"],"data":{"resultType":"vector","result":[]}}`))
	var logs bytes.Buffer
	p := newTestPrometheus(t, PrometheusConfig{URL: srv.URL}, slog.New(slog.NewTextHandler(&logs, nil)))

	if _, err := p.Query(t.Context(), "rate(up[5m])", time.Now()); err != nil {
		t.Fatal(err)
	}

	for _, want := range []string{"level=WARN", "metric might not be a counter", `query=rate(up[5m])`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the log %q does not say %q", logs.String(), want)
		}
	}
}

func TestPrometheusNeverHasMoreThanMaxConcurrencyRequestsInFlight(t *testing.T) {
	const limit, queries = 3, 20
	var inFlight, peak atomic.Int64
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			old := peak.Load()
			if n <= old || peak.CompareAndSwap(old, n) {
				break
			}
		}
		<-release
		promStatus(200, promVector)(w, r)
	}))
	defer srv.Close()
	p := newTestPrometheus(t, PrometheusConfig{URL: srv.URL, MaxConcurrency: limit}, nil)

	var wg sync.WaitGroup
	errs := make(chan error, queries)
	for range queries {
		wg.Go(func() {
			_, err := p.Query(t.Context(), "up", time.Now())
			errs <- err
		})
	}
	// Let the requests pile up against the limit before any is answered.
	deadline := time.Now().Add(5 * time.Second)
	for inFlight.Load() < limit && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	close(release)
	wg.Wait()
	close(errs)

	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if got := peak.Load(); got != limit {
		t.Errorf("at most %d requests were in flight at once, want exactly %d", got, limit)
	}
	if got := p.Requests(); got != queries {
		t.Errorf("Requests() = %d, want %d", got, queries)
	}
}

func TestPrometheusAnswerLargerThanTheLimitIsAnErrorNotRetried(t *testing.T) {
	huge := `{"status":"success","data":{"resultType":"vector","result":[` + strings.Repeat(`{"metric":{"instance":"a-long-instance-name"},"value":[1,"1"]},`, 2000) + `{"metric":{},"value":[1,"1"]}]}}`
	srv, requests := fakePrometheus(t, promStatus(200, huge))
	p := newTestPrometheus(t, PrometheusConfig{URL: srv.URL, MaxAnswerBytes: 64 << 10}, nil)

	_, err := p.Query(t.Context(), "up", time.Unix(1767225600, 0))

	assertSourceError(t, err, srv.URL, "the answer is larger than 64 KiB (--max-answer-size): aggregate the query, or raise the limit")
	if got := requests.Load(); got != 1 {
		t.Errorf("the server got %d requests, want 1: a large answer is not asked again", got)
	}
}

func TestPrometheusSendsQueriesAsGETOnceAPostIsRefused(t *testing.T) {
	var mu sync.Mutex
	var methods []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		methods = append(methods, r.Method)
		mu.Unlock()
		if r.Method == http.MethodPost {
			http.Error(w, "read only", http.StatusMethodNotAllowed)
			return
		}
		if r.URL.Query().Get("query") == "" || r.URL.Query().Get("api_key") != "s3cret" {
			http.Error(w, "no query or key", http.StatusBadRequest)
			return
		}
		promStatus(200, promVector)(w, r)
	}))
	defer srv.Close()
	p := newTestPrometheus(t, PrometheusConfig{URL: srv.URL + "/?api_key=s3cret", Timeout: 2500 * time.Millisecond}, nil)
	for range 2 {
		if _, err := p.Query(t.Context(), "up", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if d := p.Describe(t.Context()); !strings.Contains(d.URL, "api_key=xxxxx") || strings.Contains(fmt.Sprint(d), "s3cret") {
		t.Errorf("the source is described as %+v, with the key in it", d)
	}
	mu.Lock()
	defer mu.Unlock()
	if got := strings.Join(methods[:3], " "); got != "POST GET GET" {
		t.Errorf("the server got %v, want POST GET GET", methods)
	}
}

func TestPrometheusTimeoutIsSentAsTheServersParseIt(t *testing.T) {
	for d, want := range map[time.Duration]string{30 * time.Second: "30s", 2500 * time.Millisecond: "2500ms", 90 * time.Second: "90s"} {
		if got := durationParam(d); got != want {
			t.Errorf("%s is sent as %s, want %s", d, got, want)
		}
	}
}
