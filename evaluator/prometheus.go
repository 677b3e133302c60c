package evaluator

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/common/config"
	"github.com/prometheus/common/model"
)

// Defaults of PrometheusConfig.
const (
	DefaultPrometheusTimeout        = 30 * time.Second
	DefaultPrometheusRetries        = 2
	DefaultPrometheusMaxConcurrency = 8
	// DefaultMaxAnswerBytes bounds the body of one answer: a range query
	// that does not aggregate can return gigabytes. The answers entente
	// needs are one series each: a month at five-minute steps is about
	// 250 KiB. Answers in flight at once (DefaultPrometheusMaxConcurrency)
	// and their decoding stay well under half a gigabyte.
	DefaultMaxAnswerBytes = 16 << 20
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
	// MaxAnswerBytes bounds the body of one answer (default
	// DefaultMaxAnswerBytes); a larger one is an error, not retried.
	MaxAnswerBytes int64
}

// Prometheus is a Source that queries a Prometheus-compatible HTTP API. It
// is safe for concurrent use.
type Prometheus struct {
	base     *url.URL
	client   *http.Client
	source   string // the URL without its password, for messages and logs
	timeout  time.Duration
	retries  int
	backoff  time.Duration
	slots    chan struct{}
	logger   *slog.Logger
	requests atomic.Int64
	maxBody  int64
	// getOnly is set once the server refused a POST: the queries after it
	// are sent as GET at once.
	getOnly atomic.Bool

	engineMu sync.Mutex
	engine   *Engine // once a probe has answered
	probed   time.Time
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
		source:  redacted(u),
		timeout: cfg.Timeout,
		retries: cfg.Retries,
		backoff: firstBackoff,
		logger:  logger,
	}
	if p.timeout == 0 {
		p.timeout = DefaultPrometheusTimeout
	}
	p.maxBody = cfg.MaxAnswerBytes
	if p.maxBody <= 0 {
		p.maxBody = DefaultMaxAnswerBytes
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
	p.base = u
	p.client = &http.Client{Transport: &countingTransport{next: rt, requests: &p.requests}, CheckRedirect: checkRedirect}
	return p, nil
}

// errRedirects is a chain of redirects too long to follow: asking again
// would give the same.
var errRedirects = errors.New("redirected more than 10 times (a redirect loop? give the URL it ends at)")

func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errRedirects
	}
	return nil
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
func (p *Prometheus) Query(ctx context.Context, query string, t time.Time) (Answer, error) {
	form := url.Values{"query": {query}}
	if !t.IsZero() {
		form.Set("time", formatTime(t))
	}
	a, err := p.do(ctx, query, "query", form)
	if err != nil {
		return Answer{}, err
	}
	if a.Value == nil {
		return Answer{}, p.fail(query, nil, "malformed answer: no result")
	}
	return a, nil
}

// QueryRange evaluates a range query from start to end every step.
func (p *Prometheus) QueryRange(ctx context.Context, query string, start, end time.Time, step time.Duration) (Answer, error) {
	if step <= 0 {
		return Answer{}, &SourceError{Query: query, Err: fmt.Errorf("range query step %s: must be positive", step)}
	}
	form := url.Values{
		"query": {query},
		"start": {formatTime(start)},
		"end":   {formatTime(end)},
		"step":  {strconv.FormatFloat(step.Seconds(), 'f', -1, 64)},
	}
	a, err := p.do(ctx, query, "query_range", form)
	if err != nil {
		return Answer{}, err
	}
	if _, ok := a.Value.(model.Matrix); !ok {
		return Answer{}, p.fail(query, nil, fmt.Sprintf("malformed answer: a range query gave %s, not a matrix", describeValue(a.Value)))
	}
	return a, nil
}

func formatTime(t time.Time) string {
	return strconv.FormatFloat(float64(t.Unix())+float64(t.Nanosecond())/1e9, 'f', -1, 64)
}

func describeValue(v model.Value) string {
	if v == nil {
		return "no result"
	}
	return "a " + v.Type().String()
}

// Parameters sent with every query. Engines that can answer from part of
// their data are asked not to: Thanos (partial_response=false) and
// VictoriaMetrics cluster (deny_partial_response=1). VictoriaMetrics is
// asked not to answer from its cache (nocache=1), which rounds the start
// and end of range queries of 50 points or more to multiples of the step.
// Prometheus and Mimir ignore parameters they do not know.
var exactness = url.Values{
	"partial_response":      {"false"},
	"deny_partial_response": {"1"},
	"nocache":               {"1"},
}

// do runs one query, retrying what may go better the next time.
func (p *Prometheus) do(ctx context.Context, query, endpoint string, form url.Values) (Answer, error) {
	form.Set("timeout", durationParam(p.timeout))
	for k, v := range exactness {
		form[k] = v
	}
	var (
		last  promFailure
		same  = true
		tries int
	)
	for tries = 1; ; tries++ {
		a, f := p.attempt(ctx, query, endpoint, form)
		if f == nil {
			return a, nil
		}
		if tries > 1 && f.what != last.what {
			same = false
		}
		last = *f
		if !f.retry || tries > p.retries {
			break
		}
		wait := p.wait(tries)
		if f.after > 0 {
			if f.after > p.timeout {
				last.detail += fmt.Sprintf(" (not retried: it asked to wait %s, more than the query timeout of %s)", f.after, p.timeout)
				break
			}
			wait = f.after
		}
		p.logger.Info("retrying a prometheus query", "source", p.source, "query", query,
			"attempt", tries, "error", f.what+f.detail, "wait", wait)
		if err := sleepCtx(ctx, wait); err != nil {
			return Answer{}, p.fail(query, err, err.Error()+" while waiting to retry after: "+f.what+f.detail)
		}
	}
	msg := last.what
	switch {
	case tries > 1 && same:
		msg += " " + timesWord(tries)
	case tries > 1:
		msg += fmt.Sprintf(" (the last of %d attempts)", tries)
	}
	return Answer{}, p.fail(query, last.err, msg+last.detail)
}

// attempt sends one request, once a slot is free, within the timeout.
func (p *Prometheus) attempt(ctx context.Context, query, endpoint string, form url.Values) (Answer, *promFailure) {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return Answer{}, &promFailure{what: ctx.Err().Error(), err: ctx.Err()}
	}
	defer func() { <-p.slots }()

	actx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	status, header, body, err := p.post(actx, "api/v1/"+endpoint, form)
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return Answer{}, &promFailure{what: ctx.Err().Error(), err: ctx.Err()}
	case actx.Err() != nil:
		return Answer{}, &promFailure{what: "timed out after " + p.timeout.String(), detail: " (raise the timeout or lighten the query)",
			err: context.DeadlineExceeded, retry: true}
	default:
		return Answer{}, classifyFailure(err)
	}
	a, f := decodeAnswer(status, header, body)
	if f != nil {
		return Answer{}, f
	}
	for _, w := range a.Warnings {
		p.logger.Warn("prometheus warned about a query", "source", p.source, "query", query, "warning", w)
	}
	return a, nil
}

// post sends a form, as POST, or as GET to a server that refuses POST (a
// proxy that allows only reads): once refused, every later query is sent
// as GET at once.
func (p *Prometheus) post(ctx context.Context, path string, form url.Values) (int, http.Header, []byte, error) {
	u := p.base.JoinPath(path)
	encoded := form.Encode()
	if !p.getOnly.Load() {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(encoded))
		if err != nil {
			return 0, nil, nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		// A POST of a query changes nothing: the transport may send it
		// again on a connection that closed under it.
		req.Header["Idempotency-Key"] = nil
		status, header, body, err := p.send(req)
		if err != nil || (status != http.StatusMethodNotAllowed && status != http.StatusNotImplemented) {
			return status, header, body, err
		}
		p.getOnly.Store(true)
	}
	if u.RawQuery != "" {
		encoded = u.RawQuery + "&" + encoded
	}
	u.RawQuery = encoded
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return 0, nil, nil, err
	}
	return p.send(req)
}

func (p *Prometheus) get(ctx context.Context, path string) (int, http.Header, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.base.JoinPath(path).String(), nil)
	if err != nil {
		return 0, nil, nil, err
	}
	return p.send(req)
}

// send sends a request and reads its answer, up to maxBody bytes.
func (p *Prometheus) send(req *http.Request) (int, http.Header, []byte, error) {
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	if resp.ContentLength > p.maxBody {
		return 0, nil, nil, &tooLarge{limit: p.maxBody}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, p.maxBody+1))
	if err != nil {
		return 0, nil, nil, err
	}
	if int64(len(body)) > p.maxBody {
		return 0, nil, nil, &tooLarge{limit: p.maxBody}
	}
	return resp.StatusCode, resp.Header, body, nil
}

// tooLarge is an answer larger than the limit: it is not read further, nor
// asked again.
type tooLarge struct{ limit int64 }

func (e *tooLarge) Error() string {
	return fmt.Sprintf("the answer is larger than %s (--max-answer-size): aggregate the query, or raise the limit", byteSize(e.limit))
}

// byteSize writes a size in bytes in the largest binary unit it is a whole
// number of.
func byteSize(n int64) string {
	for _, u := range []struct {
		size int64
		name string
	}{{1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}} {
		if n >= u.size && n%u.size == 0 {
			return fmt.Sprintf("%d %s", n/u.size, u.name)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}

// durationParam writes a timeout as Prometheus and VictoriaMetrics parse
// it: whole seconds, or milliseconds ("2500ms"; "2.5s" is refused).
func durationParam(d time.Duration) string {
	if d%time.Second == 0 {
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	return strconv.FormatInt(max(int64(d/time.Millisecond), 1), 10) + "ms"
}

// redacted is a URL for messages and logs: without its password, and
// with the values of its query string hidden (an API key may be there).
func redacted(u *url.URL) string {
	c := *u
	if q := c.Query(); len(q) > 0 {
		for k := range q {
			q[k] = []string{"xxxxx"}
		}
		c.RawQuery = q.Encode()
	}
	return c.Redacted()
}

// apiAnswer is the body of an answer of the Prometheus HTTP API, with the
// fields the engines that speak it add.
type apiAnswer struct {
	Status    string          `json:"status"`
	Data      json.RawMessage `json:"data"`
	ErrorType string          `json:"errorType"`
	Error     string          `json:"error"`
	Warnings  []string        `json:"warnings"`
	Infos     []string        `json:"infos"`
	// IsPartial is VictoriaMetrics's: a cluster answered without some of
	// its storage nodes.
	IsPartial bool `json:"isPartial"`
}

// decodeAnswer makes sense of an answer: its value and warnings, or what
// went wrong.
func decodeAnswer(status int, header http.Header, body []byte) (Answer, *promFailure) {
	var a apiAnswer
	jsonErr := json.Unmarshal(body, &a)
	if status/100 != 2 {
		return Answer{}, classifyStatus(status, header, body, jsonErr == nil && a.Status == "error", a)
	}
	if jsonErr != nil {
		return Answer{}, &promFailure{what: "malformed answer", detail: ": " + jsonErr.Error(), err: jsonErr}
	}
	switch {
	case a.Status == "error":
		return Answer{}, &promFailure{what: "answered an error", detail: ": " + a.ErrorType + ": " + a.Error, err: errors.New(a.Error)}
	case a.Status != "success":
		return Answer{}, &promFailure{what: "malformed answer", detail: fmt.Sprintf(": status %q", a.Status), err: errors.New("bad status")}
	case a.IsPartial:
		// No regular expression accepts it: a partial answer is not a
		// figure of the whole.
		return Answer{}, &promFailure{what: "answered from part of its data only (isPartial: true)", detail: " (a storage node did not answer; the answer is not used)", err: ErrPartialAnswer}
	}
	v, err := decodeValue(a.Data)
	if err != nil {
		return Answer{}, &promFailure{what: "malformed answer", detail: ": " + err.Error(), err: err}
	}
	// Prometheus 2.47 to 2.53 sent its infos ("PromQL info: metric might
	// not be a counter") as warnings; they say nothing of the answer's
	// completeness.
	var warnings []string
	for _, w := range a.Warnings {
		if !strings.HasPrefix(w, "PromQL info:") {
			warnings = append(warnings, w)
		}
	}
	return Answer{Value: v, Warnings: warnings}, nil
}

// ErrPartialAnswer is the error of an answer an engine marked as partial.
var ErrPartialAnswer = errors.New("partial answer")

// decodeValue reads the "data" of an answer into what the Prometheus API
// client would give: a model.Vector, model.Matrix, *model.Scalar or
// *model.String; nil when there is no result.
func decodeValue(data json.RawMessage) (model.Value, error) {
	if len(data) == 0 || string(data) == "null" {
		return nil, nil
	}
	var d struct {
		ResultType string          `json:"resultType"`
		Result     json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, err
	}
	var v model.Value
	switch d.ResultType {
	case "vector":
		vec := model.Vector{}
		if err := json.Unmarshal(d.Result, &vec); err != nil {
			return nil, err
		}
		return vec, nil
	case "matrix":
		m := model.Matrix{}
		if err := json.Unmarshal(d.Result, &m); err != nil {
			return nil, err
		}
		return m, nil
	case "scalar":
		s := &model.Scalar{}
		v = s
	case "string":
		s := &model.String{}
		v = s
	case "":
		return nil, nil
	default:
		return nil, fmt.Errorf("unknown result type %q", d.ResultType)
	}
	if err := json.Unmarshal(d.Result, v); err != nil {
		return nil, err
	}
	return v, nil
}

// promFailure is what went wrong with one attempt: what (the same words for
// the same cause, so that repeats can be counted) and detail (what the
// server said).
type promFailure struct {
	what, detail string
	err          error
	retry        bool
	after        time.Duration // the server's Retry-After
}

func classifyFailure(err error) *promFailure {
	if tl, ok := errors.AsType[*tooLarge](err); ok {
		return &promFailure{what: tl.Error(), err: err}
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
	case errors.Is(err, errRedirects):
		return &promFailure{what: errRedirects.Error(), err: err}
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

// classifyStatus makes sense of an answer that was not a success. 429 Too
// Many Requests and 503 Service Unavailable are retried, after the wait
// the server asks for with Retry-After, as are other 5xx; other 4xx are
// not: a bad query does not get better.
func classifyStatus(status int, header http.Header, body []byte, isAPI bool, a apiAnswer) *promFailure {
	answered := "answered " + statusLine(status)
	said := saidInBody(string(body))
	err := &apiError{status: status, msg: a.Error}
	after, hasAfter := retryAfter(header.Get("Retry-After"))
	waitNote := ""
	if hasAfter {
		waitNote = fmt.Sprintf(" (it asked to retry after %s)", after)
	}
	switch {
	case status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable:
		return &promFailure{what: answered, detail: said + waitNote, err: err, retry: true, after: after}
	case status >= 500:
		return &promFailure{what: answered, detail: said, err: err, retry: true}
	case (status == http.StatusBadRequest || status == http.StatusUnprocessableEntity) && isAPI:
		return &promFailure{what: "rejected the query (" + statusLine(status) + ")", detail: ": " + a.Error + " (not retried)", err: err}
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return &promFailure{what: answered, detail: said + " (check the bearer token file and headers)", err: err}
	case status == http.StatusNotFound:
		return &promFailure{what: answered, detail: " (is the URL the base of the Prometheus API, without /api/v1?)", err: err}
	}
	return &promFailure{what: answered, detail: said + " (not retried)", err: err}
}

// apiError is an answer that was not a success.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string {
	if e.msg == "" {
		return statusLine(e.status)
	}
	return statusLine(e.status) + ": " + e.msg
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date.
func retryAfter(h string) (time.Duration, bool) {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(h, 10, 64); err == nil && secs >= 0 {
		if secs > 86400 {
			secs = 86400
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(h); err == nil {
		d := time.Until(t).Round(time.Second)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
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

type countingTransport struct {
	next     http.RoundTripper
	requests *atomic.Int64
}

func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.requests.Add(1)
	return t.next.RoundTrip(req)
}

// rangesProbe tells a left-open engine from a left-closed one: at a time
// on the minute, the subquery's steps are the minute before and the minute
// itself, and a left-closed range holds both.
const rangesProbe = "count_over_time(vector(1)[1m:1m])"

// probeAgain is how long a probe's answer is trusted: a server that runs
// for weeks sees its source upgraded (Prometheus 2 to 3) behind the same
// address.
const probeAgain = 10 * time.Minute

// Describe says which engine answers: how it selects the samples of a
// range (probed with rangesProbe, again every probeAgain) and how long it
// keeps samples (its runtime information, where it has any). A probe that
// fails sets Err, and is tried again at the next call.
func (p *Prometheus) Describe(ctx context.Context) Engine {
	p.engineMu.Lock()
	if p.engine != nil && time.Since(p.probed) < probeAgain {
		e := *p.engine
		p.engineMu.Unlock()
		return e
	}
	p.engineMu.Unlock()

	e := Engine{Kind: "prometheus", URL: p.source, Ranges: RangesUnknown}
	// An hour back, on the hour: no engine answers it from a cache, and
	// none shifts it for samples still arriving.
	at := time.Now().Truncate(time.Hour).Add(-time.Hour)
	a, err := p.Query(ctx, rangesProbe, at)
	var n float64
	read := absent
	if err == nil {
		n, read, err = sample(rangesProbe, a.Value)
	}
	ok := read == present
	switch {
	case err != nil:
		var se *SourceError
		if errors.As(err, &se) {
			err = se.Err
		}
		e.Err = fmt.Errorf("could not find out how it selects the samples of a range (%w): nothing is measured from it", err)
		e.Notes = append(e.Notes, e.Err.Error())
		return e
	case ok && n == 1:
		e.Ranges = LeftOpen
	case ok && n == 2:
		e.Ranges = LeftClosed
		e.Notes = append(e.Notes, "its ranges hold their start, [t-r, t], as Prometheus 2's do: entente sends every range 1 ms shorter, so that it counts the samples Prometheus 3 counts")
	default:
		e.Notes = append(e.Notes, fmt.Sprintf("it answered %s = %s, neither 1 (left-open ranges) nor 2 (left-closed): ranges are sent as they are", rangesProbe, describeProbe(a.Value)))
	}
	e.Retention = p.retention(ctx)
	p.engineMu.Lock()
	p.engine, p.probed = &e, time.Now()
	p.engineMu.Unlock()
	return e
}

func describeProbe(v model.Value) string {
	if v == nil {
		return "nothing"
	}
	return v.String()
}

// retention is the storage retention a Prometheus says it keeps ("15d",
// "15d or 10GiB"), or "" when it does not say.
func (p *Prometheus) retention(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	status, _, body, err := p.get(ctx, "api/v1/status/runtimeinfo")
	if err != nil || status != http.StatusOK {
		return ""
	}
	var info struct {
		Data struct {
			StorageRetention string `json:"storageRetention"`
		} `json:"data"`
	}
	if json.Unmarshal(body, &info) != nil {
		return ""
	}
	return info.Data.StorageRetention
}
