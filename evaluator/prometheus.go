package evaluator

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/config"
	"github.com/prometheus/common/model"
)

// Defaults of PrometheusConfig.
const (
	DefaultPrometheusTimeout        = 30 * time.Second
	DefaultPrometheusRetries        = 2
	DefaultPrometheusMaxConcurrency = 8
)

const (
	// firstBackoff is the wait before the first retry; it doubles for each
	// further one, up to maxBackoff.
	firstBackoff = 500 * time.Millisecond
	maxBackoff   = 10 * time.Second
)

// PrometheusConfig says how to reach a Prometheus-compatible HTTP API
// (Prometheus, Thanos, Mimir, VictoriaMetrics).
type PrometheusConfig struct {
	// URL is the base of the API: the /api/v1/... paths are appended to it.
	URL string
	// Headers are sent with every request (for example X-Scope-OrgID).
	Headers map[string]string
	// BearerTokenFile holds a token sent as "Authorization: Bearer ...". It
	// is read for every request, so a rotated token is picked up.
	BearerTokenFile string
	// CAFile, CertFile and KeyFile are PEM files: the authority that signed
	// the server's certificate, and a client certificate and its key.
	CAFile, CertFile, KeyFile string
	// InsecureSkipVerify disables the verification of the server's
	// certificate.
	InsecureSkipVerify bool
	// Timeout bounds each attempt of a query (default 30s); it is also sent
	// to the server as the query's timeout.
	Timeout time.Duration
	// Retries is how many times a query is retried after a 5xx answer, a
	// timeout or a connection error (default 2; negative: never).
	Retries int
	// MaxConcurrency is the most requests in flight at once (default 8).
	MaxConcurrency int
}

// Prometheus is a Source that queries a Prometheus-compatible HTTP API. It
// is safe for concurrent use.
type Prometheus struct {
	api      v1.API
	source   string // the URL without its password, for messages and logs
	timeout  time.Duration
	retries  int
	backoff  time.Duration
	slots    chan struct{}
	logger   *slog.Logger
	requests atomic.Int64
}

var _ Source = (*Prometheus)(nil)

// NewPrometheus checks cfg and returns a source that queries the API at
// cfg.URL. Nothing is sent until the first query. A nil logger discards.
func NewPrometheus(cfg PrometheusConfig, logger *slog.Logger) (*Prometheus, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("prometheus URL %q: %w", cfg.URL, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("prometheus URL %q: want http://host:port or https://host:port", cfg.URL)
	}
	if cfg.Timeout < 0 {
		return nil, fmt.Errorf("prometheus timeout %s: must be positive", cfg.Timeout)
	}
	if (cfg.CertFile == "") != (cfg.KeyFile == "") {
		return nil, errors.New("prometheus client certificate: give both the certificate and its key file")
	}
	headers, err := httpHeaders(cfg)
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}

	p := &Prometheus{
		source:  u.Redacted(),
		timeout: cfg.Timeout,
		retries: cfg.Retries,
		backoff: firstBackoff,
		logger:  logger,
	}
	if p.timeout == 0 {
		p.timeout = DefaultPrometheusTimeout
	}
	switch {
	case p.retries == 0:
		p.retries = DefaultPrometheusRetries
	case p.retries < 0:
		p.retries = 0
	}
	slots := cfg.MaxConcurrency
	if slots <= 0 {
		slots = DefaultPrometheusMaxConcurrency
	}
	p.slots = make(chan struct{}, slots)

	// Built directly rather than through HTTPClientConfig.Validate, which
	// refuses an Authorization header: with no token file, a header is the
	// only way to send basic or other credentials.
	hc := config.DefaultHTTPClientConfig
	hc.TLSConfig = config.TLSConfig{
		CAFile:             cfg.CAFile,
		CertFile:           cfg.CertFile,
		KeyFile:            cfg.KeyFile,
		InsecureSkipVerify: cfg.InsecureSkipVerify,
	}
	if cfg.BearerTokenFile != "" {
		hc.Authorization = &config.Authorization{Type: "Bearer", CredentialsFile: cfg.BearerTokenFile}
	}
	if len(headers) > 0 {
		hc.HTTPHeaders = &config.Headers{Headers: headers}
	}
	rt, err := config.NewRoundTripperFromConfig(hc, "entente_prometheus")
	if err != nil {
		return nil, fmt.Errorf("prometheus at %s: %w", p.source, err)
	}
	client, err := api.NewClient(api.Config{
		Address:      cfg.URL,
		RoundTripper: &countingTransport{next: rt, requests: &p.requests},
	})
	if err != nil {
		return nil, fmt.Errorf("prometheus at %s: %w", p.source, err)
	}
	p.api = v1.NewAPI(client)
	return p, nil
}

func httpHeaders(cfg PrometheusConfig) (map[string]config.Header, error) {
	headers := make(map[string]config.Header, len(cfg.Headers))
	for name, value := range cfg.Headers {
		canonical := http.CanonicalHeaderKey(strings.TrimSpace(name))
		switch _, reserved := config.ReservedHeaders[canonical]; {
		case canonical == "":
			return nil, errors.New("prometheus header: the name is empty")
		case canonical == "Authorization" && cfg.BearerTokenFile != "":
			return nil, errors.New("prometheus header Authorization: the bearer token file sets it already; give one or the other")
		case reserved && canonical != "Authorization":
			return nil, fmt.Errorf("prometheus header %s: entente sets it itself", canonical)
		}
		h := headers[canonical]
		h.Values = append(h.Values, value)
		headers[canonical] = h
	}
	return headers, nil
}

// Requests is the number of HTTP requests sent so far, retries included.
func (p *Prometheus) Requests() int64 { return p.requests.Load() }

// Query evaluates an instant query at t (the server's now when t is zero).
func (p *Prometheus) Query(ctx context.Context, query string, t time.Time) (model.Value, error) {
	v, err := p.do(ctx, query, func(ctx context.Context) (model.Value, v1.Warnings, v1.Infos, error) {
		return p.api.Query(ctx, query, t, v1.WithTimeout(p.timeout))
	})
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, p.fail(query, nil, "malformed answer: no result")
	}
	return v, nil
}

// QueryRange evaluates a range query from start to end every step.
func (p *Prometheus) QueryRange(ctx context.Context, query string, start, end time.Time, step time.Duration) (model.Value, error) {
	if step <= 0 {
		return nil, &SourceError{Query: query, Err: fmt.Errorf("range query step %s: must be positive", step)}
	}
	r := v1.Range{Start: start, End: end, Step: step}
	v, err := p.do(ctx, query, func(ctx context.Context) (model.Value, v1.Warnings, v1.Infos, error) {
		return p.api.QueryRange(ctx, query, r, v1.WithTimeout(p.timeout))
	})
	if err != nil {
		return nil, err
	}
	if _, ok := v.(model.Matrix); !ok {
		return nil, p.fail(query, nil, fmt.Sprintf("malformed answer: a range query gave %s, not a matrix", describeValue(v)))
	}
	return v, nil
}

func describeValue(v model.Value) string {
	if v == nil {
		return "no result"
	}
	return "a " + v.Type().String()
}

// do runs one query, retrying what may go better the next time.
func (p *Prometheus) do(ctx context.Context, query string, call func(context.Context) (model.Value, v1.Warnings, v1.Infos, error)) (model.Value, error) {
	var (
		last  promFailure
		same  = true
		tries int
	)
	for tries = 1; ; tries++ {
		v, f := p.attempt(ctx, query, call)
		if f == nil {
			return v, nil
		}
		if tries > 1 && f.what != last.what {
			same = false
		}
		last = *f
		if !f.retry || tries > p.retries {
			break
		}
		wait := p.wait(tries)
		p.logger.Info("retrying a prometheus query", "source", p.source, "query", query,
			"attempt", tries, "error", f.what+f.detail, "wait", wait)
		if err := sleepCtx(ctx, wait); err != nil {
			return nil, p.fail(query, err, err.Error()+" while waiting to retry after: "+f.what+f.detail)
		}
	}
	msg := last.what
	switch {
	case tries > 1 && same:
		msg += " " + timesWord(tries)
	case tries > 1:
		msg += fmt.Sprintf(" (the last of %d attempts)", tries)
	}
	return nil, p.fail(query, last.err, msg+last.detail)
}

// attempt sends one request, once a slot is free, within the timeout.
func (p *Prometheus) attempt(ctx context.Context, query string, call func(context.Context) (model.Value, v1.Warnings, v1.Infos, error)) (model.Value, *promFailure) {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, &promFailure{what: ctx.Err().Error(), err: ctx.Err()}
	}
	defer func() { <-p.slots }()

	ex := &promExchange{}
	actx, cancel := context.WithTimeout(context.WithValue(ctx, promExchangeKey{}, ex), p.timeout)
	defer cancel()
	v, warnings, infos, err := call(actx)
	for _, w := range warnings {
		p.logger.Warn("prometheus warned about a query", "source", p.source, "query", query, "warning", w)
	}
	for _, i := range infos {
		p.logger.Debug("prometheus noted something about a query", "source", p.source, "query", query, "info", i)
	}
	if err == nil {
		return v, nil
	}
	switch {
	case ctx.Err() != nil:
		return nil, &promFailure{what: ctx.Err().Error(), err: ctx.Err()}
	case actx.Err() != nil:
		return nil, &promFailure{what: "timed out after " + p.timeout.String(), detail: " (raise the timeout or lighten the query)",
			err: context.DeadlineExceeded, retry: true}
	}
	return nil, classifyFailure(err, ex.status)
}

// promFailure is what went wrong with one attempt: what (the same words for
// the same cause, so that repeats can be counted) and detail (what the
// server said).
type promFailure struct {
	what, detail string
	err          error
	retry        bool
}

func classifyFailure(err error, status int) *promFailure {
	var apiErr *v1.Error
	if errors.As(err, &apiErr) {
		return classifyAnswer(apiErr, status)
	}
	var (
		dnsErr   *net.DNSError
		certErr  *tls.CertificateVerificationError
		x509Err  x509.UnknownAuthorityError
		hostErr  x509.HostnameError
		recErr   tls.RecordHeaderError
		pathErr  *fs.PathError
		transErr *url.Error
	)
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return &promFailure{what: "connection refused", err: err, retry: true}
	case errors.Is(err, syscall.ECONNRESET):
		return &promFailure{what: "connection reset", err: err, retry: true}
	case errors.As(err, &dnsErr):
		return &promFailure{what: "cannot resolve " + dnsErr.Name, detail: ": " + dnsErr.Err, err: err, retry: !dnsErr.IsNotFound}
	case errors.As(err, &certErr), errors.As(err, &x509Err), errors.As(err, &hostErr):
		return &promFailure{what: "TLS handshake failed", detail: ": " + unwrapURL(err).Error() + " (give the CA file that signed its certificate)", err: err}
	case errors.As(err, &recErr):
		return &promFailure{what: "TLS handshake failed", detail: ": " + unwrapURL(err).Error() + " (is it https?)", err: err}
	case errors.As(err, &pathErr):
		return &promFailure{what: "cannot read " + pathErr.Path, detail: ": " + pathErr.Err.Error(), err: err}
	case errors.As(err, &transErr):
		return &promFailure{what: transErr.Err.Error(), err: err, retry: true}
	}
	return &promFailure{what: err.Error(), err: err, retry: true}
}

func unwrapURL(err error) error {
	var transErr *url.Error
	if errors.As(err, &transErr) {
		return transErr.Err
	}
	return err
}

// classifyAnswer makes sense of an answer that was not a success.
func classifyAnswer(err *v1.Error, status int) *promFailure {
	answered := "answered " + statusLine(status)
	switch {
	case status >= 500:
		return &promFailure{what: answered, detail: saidInBody(err.Detail), err: err, retry: true}
	case status == http.StatusBadRequest || status == http.StatusUnprocessableEntity:
		return &promFailure{what: "rejected the query (" + statusLine(status) + ")", detail: ": " + err.Msg, err: err}
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return &promFailure{what: answered, detail: saidInBody(err.Detail) + " (check the bearer token file and headers)", err: err}
	case status == http.StatusNotFound:
		return &promFailure{what: answered, detail: " (is the URL the base of the Prometheus API, without /api/v1?)", err: err}
	case status >= 400:
		return &promFailure{what: answered, detail: saidInBody(err.Detail), err: err}
	case status/100 == 2 && err.Type == v1.ErrBadResponse:
		return &promFailure{what: "malformed answer", detail: ": " + err.Msg, err: err}
	case status/100 == 2:
		return &promFailure{what: "answered an error", detail: ": " + err.Error(), err: err}
	}
	return &promFailure{what: answered, detail: saidInBody(err.Detail), err: err}
}

func statusLine(code int) string {
	if code == 0 {
		return "an unknown status"
	}
	if text := http.StatusText(code); text != "" {
		return fmt.Sprintf("%d %s", code, text)
	}
	return fmt.Sprint(code)
}

// saidInBody is what the body of an error answer says: the error of an API
// answer, or the start of the text of a proxy's page.
func saidInBody(body string) string {
	var answer struct {
		Error string `json:"error"`
	}
	if json.Unmarshal([]byte(body), &answer) == nil && answer.Error != "" {
		return ": " + answer.Error
	}
	body = strings.TrimSpace(body)
	if body == "" || strings.HasPrefix(body, "<") {
		return ""
	}
	if line, _, _ := strings.Cut(body, "\n"); len(line) > 200 {
		body = line[:200] + "..."
	} else {
		body = line
	}
	return ": " + body
}

func timesWord(n int) string {
	words := []string{"once", "twice", "three times", "four times", "five times"}
	if n >= 1 && n <= len(words) {
		return words[n-1]
	}
	return fmt.Sprintf("%d times", n)
}

func (p *Prometheus) fail(query string, cause error, msg string) *SourceError {
	err := &promError{msg: "prometheus at " + p.source + ": " + msg, err: cause}
	return &SourceError{Query: query, Err: err}
}

// promError is a message a user can act on, wrapping its cause.
type promError struct {
	msg string
	err error
}

func (e *promError) Error() string { return e.msg }

func (e *promError) Unwrap() error { return e.err }

// wait is the pause after the nth attempt: doubled each time, give or take
// a tenth so that many clients retrying do not move in step.
func (p *Prometheus) wait(n int) time.Duration {
	d := p.backoff << (n - 1)
	if d > maxBackoff || d <= 0 {
		d = maxBackoff
	}
	return d - d/10 + rand.N(d/5+1)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// promExchange records the status of the last answer to one attempt: the API
// client keeps it from its errors.
type promExchange struct{ status int }

type promExchangeKey struct{}

type countingTransport struct {
	next     http.RoundTripper
	requests *atomic.Int64
}

func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.requests.Add(1)
	resp, err := t.next.RoundTrip(req)
	if ex, ok := req.Context().Value(promExchangeKey{}).(*promExchange); ok && resp != nil {
		ex.status = resp.StatusCode
	}
	return resp, err
}
