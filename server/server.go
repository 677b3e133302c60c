package server

import (
	"context"
	cryptorand "crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/entente-dev/entente/evaluator"
	"github.com/entente-dev/entente/policies"
	"github.com/entente-dev/entente/verdict"
)

// DefaultBodyLimit bounds request bodies.
const DefaultBodyLimit = 1 << 20

// DefaultMaxDecisions bounds the requests with a body handled at once. A
// decision on a body of DefaultBodyLimit holds some ten times its size
// while it is decoded, converted for OPA and answered: a flood of such
// bodies peaks near 200 MiB at 16 (and near 450 MiB at 32). Sixteen keep
// two cores busy.
const DefaultMaxDecisions = 16

// decisionWait is how long a request waits for a turn before a 503.
const decisionWait = time.Second

// Config is what a Server serves and how.
type Config struct {
	// Set is the agreements, compiled.
	Set *evaluator.Set
	// Source measures them; nil when requests bring their measurements.
	Source evaluator.Source
	// Facts are the facts of the agreements, keyed by agreement.
	Facts map[string]map[string]any
	// Interval between periodic evaluations (0: none).
	Interval time.Duration
	// Tokens, when any, are required as "Authorization: Bearer ..." on /v1.
	Tokens []string
	// BodyLimit bounds request bodies (default DefaultBodyLimit).
	BodyLimit int64
	// Now is the clock of periodic evaluations (default time.Now).
	Now func() time.Time
	// DecisionLog, when set, receives a JSON line per decision in the shape
	// of OPA's decision log, off the request path (a *DecisionLog, or any
	// writer, which is then wrapped in one).
	DecisionLog io.Writer
	// Labels are the decision log's labels, as OPA's: the server's "id"
	// and "version" (default a random id, and "entente").
	Labels map[string]string
	// RequestTimeout bounds an evaluation from the source (default 60s).
	RequestTimeout time.Duration
	// MaxEvaluations bounds the evaluations from the source running at once
	// for requests (default 8); more are refused with 503.
	MaxEvaluations int
	// MetricsPublic serves /metrics without the token (to a Prometheus
	// that scrapes without one).
	MetricsPublic bool
	// MaxDecisions bounds the requests with a body (decisions on their own
	// measurements, the data API) read and decided at once (default 32): a
	// request waits up to a second for its turn, then is refused with 503.
	MaxDecisions int
	// AcceptWarnings are the warnings of the source's answers that are
	// harmless (evaluator.Options.AcceptWarnings).
	AcceptWarnings []*regexp.Regexp
	// EvaluationTimeout bounds a periodic evaluation's measurements
	// (default evaluator.DefaultEvaluationTimeout): a source that does not
	// answer leaves the SLOs in error, not the server unready.
	EvaluationTimeout time.Duration
	Logger            *slog.Logger
}

// Server serves one set of agreements.
type Server struct {
	cfg     Config
	echo    *echo.Echo
	set     atomic.Pointer[evaluator.Set]
	ready   atomic.Bool
	mu      sync.RWMutex
	last    map[string]verdict.Agreement // agreement -> last periodic verdict
	lastAll atomic.Pointer[evaluator.Verdict]
	reports reportCache
	metrics *metrics
	tokens  atomic.Pointer[[]string]
	// requireAuth is set when tokens were configured: an emptied token
	// file then refuses everyone rather than opening the API.
	requireAuth bool
	// slots bounds the evaluations from the source that requests run.
	slots chan struct{}
	// decisions bounds the requests with a body handled at once.
	decisions chan struct{}
	// dlog writes the decision log; nil without one.
	dlog *DecisionLog
	// kick asks Run to evaluate at once: the agreements were swapped.
	kick chan struct{}
	// evaluated is when the last periodic evaluation succeeded; stale why
	// the ones since have failed, "" when they have not.
	evaluated atomic.Int64
	stale     atomic.Pointer[string]
	// draining is set on shutdown: readiness turns off.
	draining atomic.Bool
}

// Drain turns readiness off, so that load balancers stop sending requests
// while the server finishes those it has.
func (s *Server) Drain() { s.draining.Store(true) }

// Swap replaces the agreements served, at once: a request is answered
// wholly from the old set or wholly from the new one.
func (s *Server) Swap(set *evaluator.Set) {
	s.set.Store(set)
	s.cfg.Logger.Info("agreements loaded", "revision", set.Revision, "agreements", len(set.Plans))
	// The verdicts served are the old set's: evaluate the new one now,
	// not at the next tick.
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Revision is the revision of the agreements served.
func (s *Server) Revision() string { return s.set.Load().Revision }

// New returns a Server for cfg.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = DefaultBodyLimit
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Labels == nil {
		cfg.Labels = map[string]string{"id": randomID(), "version": "entente"}
	}
	if cfg.MaxDecisions <= 0 {
		cfg.MaxDecisions = DefaultMaxDecisions
	}
	if cfg.EvaluationTimeout <= 0 {
		cfg.EvaluationTimeout = evaluator.DefaultEvaluationTimeout
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = time.Minute
	}
	if cfg.MaxEvaluations <= 0 {
		cfg.MaxEvaluations = 8
	}
	s := &Server{cfg: cfg, last: map[string]verdict.Agreement{}, metrics: newMetrics(), slots: make(chan struct{}, cfg.MaxEvaluations), decisions: make(chan struct{}, cfg.MaxDecisions), kick: make(chan struct{}, 1)}
	s.set.Store(cfg.Set)
	switch dl := cfg.DecisionLog.(type) {
	case nil:
	case *DecisionLog:
		s.dlog = dl
	default:
		s.dlog = NewDecisionLog(dl)
	}
	if s.dlog != nil {
		dl := s.dlog
		s.metrics.registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "entente_decision_logs_dropped_total", Help: "Decision log lines dropped because the log could not keep up.",
		}, func() float64 { return float64(dl.Dropped()) }))
	}
	s.metrics.registry.MustRegister(newExclusions(s.set.Load, s.cfg.Now))
	s.metrics.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "entente_verdicts_age_seconds", Help: "Seconds since the last periodic evaluation that succeeded: the age of the verdicts served.",
	}, func() float64 {
		if t := s.evaluated.Load(); t > 0 {
			return time.Since(time.Unix(t, 0)).Seconds()
		}
		return 0
	}))
	tokens := cfg.Tokens
	s.tokens.Store(&tokens)
	s.requireAuth = len(tokens) > 0
	if cfg.Source != nil {
		s.cfg.Source = &instrumented{src: cfg.Source, m: s.metrics}
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.errorHandler
	e.Use(middleware.Recover())
	e.Use(decisionID)
	e.Use(s.accessLog)
	e.Use(s.bodyLimit)
	e.GET("/health", s.health)
	e.GET("/health/ready", s.healthReady)
	// The metrics name the agreements, their statuses and the credits
	// owed: behind the token, unless the operator says they are public.
	metricsAuth := []echo.MiddlewareFunc{s.auth}
	if cfg.MetricsPublic {
		metricsAuth = nil
	}
	e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{})), metricsAuth...)
	v1 := e.Group("/v1", s.auth)
	v1.GET("/agreements", s.listAgreements)
	v1.GET("/agreements/:name", s.getAgreement)
	v1.POST("/agreements/:name/evaluate", s.evaluate, s.decisionSlot)
	v1.GET("/agreements/:name/verdict", s.lastVerdict)
	v1.GET("/agreements/:name/report", s.agreementReport)
	v1.POST("/data/*", s.data, s.decisionSlot)
	e.GET("/", s.dashboard, s.auth)
	s.echo = e
	return s
}

// Handler is the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.echo }

// apiError is the JSON error of every route: {"code": "...", "message": "..."}.
type apiError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *apiError) Error() string { return e.Message }

func fail(status int, code, message string) error {
	return &apiError{Status: status, Code: code, Message: message}
}

// errorHandler writes every error in the same shape, and never a Go error's
// text for a failure inside the server.
func (s *Server) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var ae *apiError
	var he *echo.HTTPError
	switch {
	case errors.As(err, &ae):
	case errors.As(err, &he):
		ae = &apiError{Status: he.Code, Code: strings.ToLower(strings.ReplaceAll(http.StatusText(he.Code), " ", "_")), Message: http.StatusText(he.Code)}
		if he.Code == http.StatusRequestEntityTooLarge {
			ae.Code, ae.Message = "body_too_large", "the request body is larger than the limit"
		}
	default:
		s.cfg.Logger.Error("request failed", "path", c.Path(), "error", err)
		ae = &apiError{Status: http.StatusInternalServerError, Code: "internal", Message: "the server could not answer; see its log"}
	}
	_ = c.JSON(ae.Status, ae)
}

// decisionID gives every request an ID of the server's own, answered in
// X-Request-Id and used as the decision ID: a client cannot choose or
// collide with it. The client's own ID, if any, is kept for the logs.
func decisionID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		var b [16]byte
		_, _ = cryptorand.Read(b[:])
		id := hex.EncodeToString(b[:])
		c.Set("client_request_id", c.Request().Header.Get(echo.HeaderXRequestID))
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		return next(c)
	}
}

// accessLog logs each request with its ID, status and duration, and counts
// it for /metrics.
func (s *Server) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		status := c.Response().Status
		route := c.Path()
		s.metrics.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
		s.metrics.latency.WithLabelValues(route).Observe(time.Since(start).Seconds())
		s.cfg.Logger.Info("request", "method", c.Request().Method, "path", c.Request().URL.Path, "route", route, "status", status,
			"bytes", c.Response().Size, "duration", time.Since(start), "remote", c.RealIP(),
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID), "client_request_id", c.Get("client_request_id"))
		return nil
	}
}

// logDecision writes one line of the decision log, in the shape of OPA's.
func (s *Server) logDecision(c echo.Context, path string, input, result any, revision string, start time.Time) {
	if s.cfg.DecisionLog == nil {
		return
	}
	entry := map[string]any{
		"decision_id": c.Response().Header().Get(echo.HeaderXRequestID),
		"req_id":      c.Get("client_request_id"),
		"path":        path,
		"input":       input,
		"bundles":     map[string]any{"entente": map[string]any{"revision": revision}},
		"timestamp":   time.Now().UTC().Format(time.RFC3339Nano),
		"labels":      s.cfg.Labels,
		"metrics":     map[string]any{"timer_server_handler_ns": time.Since(start).Nanoseconds()},
	}
	// As in OPA's log, an undefined decision has no result.
	if result != nil {
		entry["result"] = result
	}
	line, err := json.Marshal(entry)
	if err != nil {
		s.cfg.Logger.Error("decision log", "error", err)
		return
	}
	s.dlog.Write(append(line, '\n'))
}

// randomID is a server's id in its decision log.
func randomID() string {
	var b [16]byte
	_, _ = cryptorand.Read(b[:])
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func (s *Server) bodyLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.ContentLength > s.cfg.BodyLimit {
			return fail(http.StatusRequestEntityTooLarge, "body_too_large", "the request body is larger than the limit")
		}
		r.Body = http.MaxBytesReader(c.Response(), r.Body, s.cfg.BodyLimit)
		return next(c)
	}
}

func (s *Server) auth(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		tokens := *s.tokens.Load()
		if !s.requireAuth {
			return next(c)
		}
		got, ok := strings.CutPrefix(c.Request().Header.Get("Authorization"), "Bearer ")
		if !ok {
			// A browser sends a token as a basic password: the pages
			// (the dashboard, reports) can then be opened.
			_, got, ok = c.Request().BasicAuth()
		}
		if ok {
			for _, t := range tokens {
				if subtle.ConstantTimeCompare([]byte(got), []byte(t)) == 1 {
					return next(c)
				}
			}
		}
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="entente"`)
		c.Response().Header().Add("WWW-Authenticate", `Basic realm="entente", charset="UTF-8"`)
		return fail(http.StatusUnauthorized, "unauthorized", "a valid bearer token is required: Authorization: Bearer TOKEN (in a browser, the token as the password)")
	}
}

// decisionSlot holds a request with a body until it has a turn: bodies
// are read, and decided, a bounded number at once.
func (s *Server) decisionSlot(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		t := time.NewTimer(decisionWait)
		defer t.Stop()
		select {
		case s.decisions <- struct{}{}:
		case <-t.C:
			c.Response().Header().Set("Retry-After", "1")
			return fail(http.StatusServiceUnavailable, "busy", fmt.Sprintf("%d decisions are being made; retry shortly", cap(s.decisions)))
		case <-c.Request().Context().Done():
			return c.Request().Context().Err()
		}
		defer func() { <-s.decisions }()
		return next(c)
	}
}

func (s *Server) health(c echo.Context) error {
	set := s.set.Load()
	return c.JSON(http.StatusOK, map[string]any{"status": "ok", "revision": set.Revision, "agreements": len(set.Plans)})
}

func (s *Server) healthReady(c echo.Context) error {
	if s.draining.Load() {
		return fail(http.StatusServiceUnavailable, "shutting_down", "the server is shutting down")
	}
	if !s.ready.Load() {
		return fail(http.StatusServiceUnavailable, "not_ready", "the first evaluation has not finished")
	}
	return c.JSON(http.StatusOK, map[string]any{"status": "ready"})
}

func plan(set *evaluator.Set, name string) (policies.Plan, error) {
	for _, p := range set.Plans {
		if p.Agreement == name {
			return p, nil
		}
	}
	return policies.Plan{}, fail(http.StatusNotFound, "unknown_agreement", "there is no agreement \""+name+"\"")
}

func (s *Server) listAgreements(c echo.Context) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []map[string]any{}
	for _, p := range s.set.Load().Plans {
		var status any
		if v, ok := s.last[p.Agreement]; ok {
			status = v.Status
		}
		out = append(out, map[string]any{"name": p.Agreement, "title": p.Title, "version": p.Version, "status": status})
	}
	return c.JSON(http.StatusOK, map[string]any{"agreements": out})
}

func (s *Server) getAgreement(c echo.Context) error {
	p, err := plan(s.set.Load(), c.Param("name"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

// evaluateRequest is the optional body of POST .../evaluate.
type evaluateRequest struct {
	At           any                       `json:"at"`
	Measurements map[string]map[string]any `json:"measurements"`
	Facts        map[string]any            `json:"facts"`
}

func (s *Server) evaluate(c echo.Context) error {
	start := time.Now()
	name := c.Param("name")
	// One set answers the whole request, whatever a reload does meanwhile.
	set := s.set.Load()
	if _, err := plan(set, name); err != nil {
		return err
	}
	var req evaluateRequest
	if err := decode(c, &req, true); err != nil {
		return err
	}
	if err := sensibleNumbers(toAny(req.Measurements), "measurements"); err != nil {
		return err
	}
	if err := sensibleNumbers(req.Facts, "facts"); err != nil {
		return err
	}
	opts := evaluator.Options{Agreements: []string{name}, Logger: s.cfg.Logger, Facts: s.cfg.Facts, AcceptWarnings: s.cfg.AcceptWarnings}
	if req.At != nil {
		at, err := evaluator.ParseTime(req.At)
		if err != nil {
			return fail(http.StatusBadRequest, "bad_request", "at: "+err.Error())
		}
		opts.At = at
	}
	if req.Facts != nil {
		opts.Facts = map[string]map[string]any{name: req.Facts}
	}
	var v *evaluator.Verdict
	var err error
	switch {
	case req.Measurements != nil:
		v, err = set.Decide(c.Request().Context(), map[string]map[string]any{name: {"measurements": toAny(req.Measurements)}}, opts)
	case s.cfg.Source != nil:
		select {
		case s.slots <- struct{}{}:
			defer func() { <-s.slots }()
		default:
			c.Response().Header().Set("Retry-After", "5")
			return fail(http.StatusServiceUnavailable, "busy", "too many evaluations from the source are running; retry shortly, or send measurements")
		}
		ctx, cancel := context.WithTimeout(c.Request().Context(), s.cfg.RequestTimeout)
		defer cancel()
		v, err = set.Evaluate(ctx, s.cfg.Source, opts)
		if ctx.Err() != nil && c.Request().Context().Err() == nil {
			return fail(http.StatusServiceUnavailable, "source_unavailable", fmt.Sprintf("the evaluation took longer than %s: the metrics source is too slow", s.cfg.RequestTimeout))
		}
		if err == nil && sourceDown(v) {
			return fail(http.StatusServiceUnavailable, "source_unavailable", "no measurement could be taken from the metrics source: "+firstError(v))
		}
	default:
		return fail(http.StatusUnprocessableEntity, "invalid_measurements", "this server has no metrics source: give measurements in the body")
	}
	switch {
	case errors.Is(err, policies.ErrNoVerdict):
		return fail(http.StatusUnprocessableEntity, "invalid_measurements", "the measurements give no verdict: "+policies.ErrNoVerdict.Error())
	case err != nil:
		return err // logged; the client gets a 500 without internals
	}
	s.logDecision(c, "entente/agreements/"+name+"/evaluate", req, v, v.Revision, start)
	return c.JSON(http.StatusOK, v)
}

// sourceDown tells whether every SLO of a verdict failed to be measured:
// the source, not the agreement, is the news.
func sourceDown(v *evaluator.Verdict) bool {
	n := 0
	for _, a := range v.Agreements {
		for _, s := range a.SLOs {
			if s.Status != "error" {
				return false
			}
			n++
		}
	}
	return n > 0
}

func firstError(v *evaluator.Verdict) string {
	for _, a := range v.Agreements {
		if len(a.SLOs) > 0 {
			return a.SLOs[0].Message
		}
	}
	return ""
}

func toAny(m map[string]map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (s *Server) lastVerdict(c echo.Context) error {
	name := c.Param("name")
	if _, err := plan(s.set.Load(), name); err != nil {
		return err
	}
	s.mu.RLock()
	v, ok := s.last[name]
	s.mu.RUnlock()
	if !ok {
		return fail(http.StatusServiceUnavailable, "not_evaluated", "the agreement has not been evaluated yet")
	}
	return c.JSON(http.StatusOK, v)
}

// data answers like OPA's data API for an agreement's verdict:
// POST /v1/data/entente/agreements/NAME/verdict {"input": ...} gives
// {"result": ...}; a path that holds nothing gives {}.
func (s *Server) data(c echo.Context) error {
	start := time.Now()
	path := strings.Trim(c.Param("*"), "/")
	var req struct {
		Input *json.RawMessage `json:"input"`
	}
	if err := decode(c, &req, false); err != nil {
		return err
	}
	set := s.set.Load()
	var parts []string
	name := ""
	if rest, ok := strings.CutPrefix(path, "entente/agreements/"); ok {
		parts = strings.Split(rest, "/")
		name = parts[0]
		if _, err := plan(set, name); err != nil {
			return c.JSON(http.StatusOK, map[string]any{})
		}
	} else if path != "entente" && !strings.HasPrefix(path, "entente/") {
		return c.JSON(http.StatusOK, map[string]any{}) // another root: undefined
	}
	var input any = map[string]any{}
	if req.Input != nil {
		dec := json.NewDecoder(strings.NewReader(string(*req.Input)))
		dec.UseNumber()
		if err := dec.Decode(&input); err != nil {
			return fail(http.StatusBadRequest, "bad_request", "input is not JSON")
		}
		if err := sensibleNumbers(input, "input"); err != nil {
			return err
		}
	}
	var result any
	var err error
	switch {
	case name == "":
		// The whole tree, the agreements, the library: as OPA answers
		// data/entente, every agreement's documents together.
		var defined bool
		result, defined, err = set.Decider.Tree(c.Request().Context(), strings.Split(path, "/")[1:], input)
		if err == nil && !defined {
			s.logDecision(c, path, input, nil, set.Revision, start)
			return c.JSON(http.StatusOK, map[string]any{})
		}
	case len(parts) == 2 && parts[1] == "verdict":
		result, err = set.Decider.VerdictOf(c.Request().Context(), name, input)
		if errors.Is(err, policies.ErrNoVerdict) {
			s.logDecision(c, path, input, nil, set.Revision, start)
			return c.JSON(http.StatusOK, map[string]any{})
		}
	default:
		// Any other document of the agreement's package: a rule, the plan,
		// or the whole package, as OPA answers them.
		var defined bool
		result, defined, err = set.Decider.Document(c.Request().Context(), name, parts[1:], input)
		if err == nil && !defined {
			s.logDecision(c, path, input, nil, set.Revision, start)
			return c.JSON(http.StatusOK, map[string]any{})
		}
	}
	if err != nil {
		return err
	}
	s.logDecision(c, path, input, result, set.Revision, start)
	out := map[string]any{"result": result, "decision_id": c.Response().Header().Get(echo.HeaderXRequestID)}
	if _, ok := c.QueryParams()["provenance"]; ok {
		out["provenance"] = map[string]any{
			"version": "entente",
			"bundles": map[string]any{"entente": map[string]any{"revision": set.Revision}},
		}
	}
	return c.JSON(http.StatusOK, out)
}

// decode reads a JSON body: an empty one is allowed. With strict, a field
// the route does not know is an error: a misspelt "measurements" must not
// quietly become a query of the source.
func decode(c echo.Context, v any, strict bool) error {
	dec := json.NewDecoder(c.Request().Body)
	dec.UseNumber()
	if strict {
		dec.DisallowUnknownFields()
	}
	err := dec.Decode(v)
	var tooLarge *http.MaxBytesError
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		if dec.More() {
			return fail(http.StatusBadRequest, "bad_request", "the body holds more than one JSON value")
		}
		return nil
	case errors.Is(err, io.EOF):
		return nil
	case errors.As(err, &tooLarge):
		return fail(http.StatusRequestEntityTooLarge, "body_too_large", "the request body is larger than the limit")
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return fail(http.StatusBadRequest, "bad_request", "the body is not valid JSON")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "the body"
		}
		return fail(http.StatusBadRequest, "bad_request", fmt.Sprintf("%s must be a JSON %s", field, kindOf(typ.Type.Kind().String())))
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return fail(http.StatusBadRequest, "bad_request", "unknown field "+strings.TrimPrefix(err.Error(), "json: unknown field ")+": the body takes at, measurements and facts")
	}
	return fail(http.StatusBadRequest, "bad_request", "the body is not valid JSON for this route")
}

// maxNumberText bounds the text of a number: a float64 needs 24 characters,
// and a number of a hundred thousand digits costs seconds to convert.
const maxNumberText = 64

// sensibleNumbers refuses a number that is not a finite float64, or whose
// text is longer than maxNumberText: 1e100000 gave a 500, and a number of
// hundreds of thousands of digits seconds of CPU.
func sensibleNumbers(v any, where string) error {
	switch x := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if len(x) > maxNumberText || err != nil || math.IsInf(f, 0) {
			shown := string(x)
			if len(shown) > 24 {
				shown = shown[:20] + "..."
			}
			return fail(http.StatusBadRequest, "bad_request", fmt.Sprintf("%s: the number %s is not one a measurement can be (at most %d characters, and finite as a float64)", where, shown, maxNumberText))
		}
	case map[string]any:
		for k, e := range x {
			if err := sensibleNumbers(e, where+"."+k); err != nil {
				return err
			}
		}
	case []any:
		for i, e := range x {
			if err := sensibleNumbers(e, fmt.Sprintf("%s[%d]", where, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

func kindOf(k string) string {
	switch k {
	case "map", "struct":
		return "object"
	case "slice":
		return "array"
	case "ptr":
		return "value of the right type"
	}
	return k
}

// Run evaluates every agreement now and then every Interval (with a jitter
// of up to a tenth of it), until ctx ends.
func (s *Server) Run(ctx context.Context) {
	for {
		s.evaluateAll(ctx)
		if s.cfg.Interval <= 0 {
			return
		}
		jitter := time.Duration(rand.Int64N(int64(s.cfg.Interval)/10 + 1))
		select {
		case <-ctx.Done():
			return
		case <-time.After(s.cfg.Interval + jitter):
		case <-s.kick:
		}
	}
}

func (s *Server) evaluateAll(ctx context.Context) {
	set := s.set.Load()
	if s.cfg.Source == nil {
		s.ready.Store(true)
		return
	}
	v, err := set.Evaluate(ctx, s.cfg.Source, evaluator.Options{At: s.cfg.Now(), Facts: s.cfg.Facts, Logger: s.cfg.Logger, AcceptWarnings: s.cfg.AcceptWarnings, Timeout: s.cfg.EvaluationTimeout})
	if err != nil {
		s.metrics.evaluations.WithLabelValues("failed").Inc()
		s.cfg.Logger.Error("periodic evaluation failed; the verdicts served are stale", "error", err)
		why := "the periodic evaluation failed (" + err.Error() + ")"
		if t := s.evaluated.Load(); t > 0 {
			why += "; these verdicts are those of " + time.Unix(t, 0).UTC().Format(time.RFC3339)
		}
		s.stale.Store(&why)
		return
	}
	s.evaluated.Store(time.Now().Unix())
	s.stale.Store(nil)
	s.mu.Lock()
	for _, a := range v.Agreements {
		s.last[a.Name] = a
	}
	s.mu.Unlock()
	s.lastAll.Store(v)
	zones := make(map[string]string, len(set.Plans))
	for _, p := range set.Plans {
		zones[p.Agreement] = p.TimeZone
	}
	s.metrics.update(v, zones)
	s.ready.Store(true)
}
