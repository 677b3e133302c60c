package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/entente-dev/entente/evaluator"
	"github.com/entente-dev/entente/policies"
	"github.com/entente-dev/entente/server"
)

var serveCommand = &command{
	name:    "serve",
	bundles: true,
	reads:   true,
	caches:  true,
	summary: "serve verdicts over HTTP, evaluating every agreement periodically",
	usage:   "serve [SOURCE] [--addr 127.0.0.1:7878] [--interval 1m] [--facts FILE] [--token-file FILE] PATHS|BUNDLE|BUNDLE-URL",
	example: `entente serve --prometheus http://prometheus:9090 --interval 1m agreements/
curl -s 127.0.0.1:7878/v1/agreements
curl -s -X POST 127.0.0.1:7878/v1/data/entente/agreements/payments-hosting/verdict -d '{"input": {...}}'

Routes: GET / (the dashboard, a page), /health, /health/ready, /metrics,
/v1/agreements, /v1/agreements/NAME, /v1/agreements/NAME/verdict (the last
periodic verdict), /v1/agreements/NAME/report?period=2026-10&format=html
(or markdown, json: the report of a closed period); POST /v1/agreements/NAME/evaluate (now, or with "at",
"measurements" and "facts" in the body) and /v1/data/PATH (as OPA's data
API). Without a SOURCE, requests bring their measurements. Stops cleanly
on SIGINT or SIGTERM.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) int {
		var c checkConfig
		c.sourceFlags(fs)
		addr := fs.String("addr", "127.0.0.1:7878", "listen on `ADDRESS`")
		interval := fs.Duration("interval", time.Minute, "evaluate every agreement every `DURATION` (0: only at start)")
		tokenFile := fs.String("token-file", "", "require a bearer token from `FILE` (one per line) on /v1")
		certFile := fs.String("tls-cert-file", "", "serve HTTPS with the certificate in `FILE`")
		keyFile := fs.String("tls-private-key-file", "", "the private key `FILE` of the certificate")
		decisions := fs.String("decision-log", "", "write each decision as a JSON line, in the shape of OPA's decision log, to `FILE` (\"-\" for stderr)")
		watch := fs.Duration("watch", 2*time.Second, "look for changed agreements, bundle or tokens every `DURATION` and reload them (0: never)")
		requestTimeout := fs.Duration("request-timeout", time.Minute, "give up an evaluation from the source after `DURATION` (503)")
		maxEvaluations := fs.Int("max-evaluations", 8, "evaluations from the source that requests may run at `ONCE`; more get 503")
		metricsPublic := fs.Bool("metrics-public", false, "serve /metrics without the token (it names the agreements, their statuses and the credits owed)")
		maxDecisions := fs.Int("max-decisions", server.DefaultMaxDecisions, "requests with a body (measurements, the data API) read and decided at `ONCE`; more wait a second, then get 503")
		logFormat := fs.String("log-format", "text", "log `format`: text or json")
		logLevel := fs.String("log-level", "info", "log `level`: debug (every request), info, warn or error")
		fs.StringVar(&c.facts, "facts", "", "facts in `FILE` (JSON or HCL), keyed by agreement then fact")
		fs.StringVar(&c.verificationKey, "verification-key", "", "check a bundle's signature with this public `key` (or the file holding it)")
		fs.StringVar(&c.at, "at", "", "evaluate periodically as if at `T` (RFC 3339 or unix seconds), to replay a recorded history; default now")
		return func(ctx context.Context, e *env, paths []string) int {
			logger, err := newLogger(e, *logFormat, *logLevel)
			if err != nil {
				e.errorf("%s", err)
				return exitInvalid
			}
			e.logger = logger
			if c.measurements != "" {
				e.errorf("--measurements is for check: a server takes measurements in each evaluate request")
				return exitInvalid
			}
			if c.prometheus.URL != "" && len(c.metrics) > 0 {
				e.errorf("give one source: --prometheus URL or --metrics FILE")
				return exitInvalid
			}
			facts, err := readFacts(e.limits, c.facts)
			if err != nil {
				e.errorf("%s", err)
				return exitInvalid
			}
			at, err := parseAt(c.at)
			if err != nil {
				e.errorf("%s", err)
				return exitInvalid
			}
			var tokens []string
			tokensSince := server.Fingerprint(*tokenFile)
			if *tokenFile != "" {
				if tokens, err = server.ReadTokens(*tokenFile); err != nil {
					e.errorf("%s", err)
					return exitInvalid
				}
			}
			// A bundle URL is polled as OPA polls a bundle service.
			var remote *server.RemoteBundle
			var set *evaluator.Set
			since := server.Fingerprint(paths...)
			if len(paths) == 1 && (strings.HasPrefix(paths[0], "http://") || strings.HasPrefix(paths[0], "https://")) {
				remote = &server.RemoteBundle{URL: paths[0], MaxBytes: e.maxBundle}
				if c.verificationKey != "" {
					remote.Verify = &policies.VerifyOptions{Key: c.verificationKey}
				}
				if set, err = remote.Fetch(ctx); err != nil {
					e.errorf("%s", err)
					return exitInvalid
				}
			} else {
				var code int
				if set, code = loadEvaluationSet(ctx, e, paths, c.verificationKey); code != exitOK {
					return code
				}
			}
			if err := set.CheckKeys("facts "+c.facts, facts); err != nil {
				e.errorf("%s", err)
				return exitInvalid
			}
			var src evaluator.Source
			if c.prometheus.URL != "" || len(c.metrics) > 0 {
				s, closeSource, code := openSource(ctx, e, &c)
				if code != exitOK {
					return code
				}
				defer closeSource()
				src = s
			}
			if (*certFile == "") != (*keyFile == "") {
				e.errorf("give both --tls-cert-file and --tls-private-key-file, or neither")
				return exitInvalid
			}
			var decisionLog io.Writer
			var reopen func() error
			switch *decisions {
			case "":
			case "-":
				decisionLog = e.stderr
			default:
				dl, err := server.OpenDecisionLog(*decisions)
				if err != nil {
					e.errorf("%s", err)
					return exitInvalid
				}
				defer dl.Close()
				decisionLog, reopen = dl, dl.Reopen
			}
			var certs *certificates
			if *certFile != "" {
				if certs, err = loadCertificates(*certFile, *keyFile, e.logger); err != nil {
					e.errorf("%s", err)
					return exitInvalid
				}
			}
			accept, err := c.accepted()
			if err != nil {
				e.errorf("%s", err)
				return exitInvalid
			}
			cfg := server.Config{
				Set: set, Source: src, Facts: facts, Interval: *interval, Tokens: tokens, DecisionLog: decisionLog,
				RequestTimeout: *requestTimeout, MaxEvaluations: *maxEvaluations, MaxDecisions: *maxDecisions, MetricsPublic: *metricsPublic, Logger: e.logger, AcceptWarnings: accept,
				EvaluationTimeout: c.evaluationTimeout,
			}
			if !at.IsZero() {
				cfg.Now = func() time.Time { return at }
			}
			srv := server.New(cfg)
			fitGC(e.getenv)
			load := func(ctx context.Context) (*evaluator.Set, error) {
				if remote != nil {
					return remote.Fetch(ctx)
				}
				set, code := loadEvaluationSet(ctx, e, paths, c.verificationKey)
				if code != exitOK {
					return nil, errors.New("see the diagnostics above")
				}
				return set, nil
			}
			switch {
			case *watch > 0 && remote != nil:
				go srv.Poll(ctx, remote, *watch)
			case *watch > 0:
				go srv.Watch(ctx, paths, since, *watch, load)
			}
			if *watch > 0 && *tokenFile != "" {
				go srv.WatchTokens(ctx, *tokenFile, tokensSince, *watch)
			}
			// SIGHUP reloads what serve read at start: the agreements (or
			// the bundle), the tokens, the TLS certificate, and reopens the
			// decision log after a rotation.
			reload := func(ctx context.Context) {
				e.logger.Info("SIGHUP: reloading")
				switch set, err := load(ctx); {
				case errors.Is(err, server.ErrNotModified):
				case err != nil:
					e.logger.Error("the agreements do not load; still serving the last good ones", "revision", srv.Revision(), "error", err)
				default:
					srv.Swap(set)
				}
				if *tokenFile != "" {
					srv.ReloadTokens(*tokenFile)
				}
				if certs != nil {
					certs.reload()
				}
				if reopen != nil {
					if err := reopen(); err != nil {
						e.logger.Error("the decision log cannot be reopened", "error", err)
					}
				}
			}
			return serve(ctx, e, srv, *addr, certs, reload)
		}
	},
}

// newLogger builds the server's logger.
func newLogger(e *env, format, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: use debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: l}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(e.stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(e.stderr, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: use text or json", format)
}

// serve listens until ctx ends, then shuts down, letting requests in
// flight finish. SIGHUP calls reload.
func serve(ctx context.Context, e *env, srv *server.Server, addr string, certs *certificates, reload func(context.Context)) int {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		e.errorf("%s", err)
		return exitInvalid
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go srv.Run(ctx)
	e.logger.Info("serving", "addr", l.Addr().String())
	scheme := "http"
	if certs != nil {
		scheme = "https"
		hs.TLSConfig = &tls.Config{GetCertificate: certs.get, MinVersion: tls.VersionTLS12}
	}
	fmt.Fprintf(e.stderr, "entente serve: listening on %s://%s (revision %s)\n", scheme, l.Addr(), srv.Revision())
	errc := make(chan error, 1)
	go func() {
		if certs != nil {
			errc <- hs.ServeTLS(l, "", "")
			return
		}
		errc <- hs.Serve(l)
	}()
	for stopping := false; !stopping; {
		select {
		case <-e.hup:
			reload(ctx)
		case err := <-errc:
			if !errors.Is(err, http.ErrServerClosed) {
				e.errorf("%s", err)
				return exitInvalid
			}
			return exitOK
		case <-ctx.Done():
			stopping = true
		}
	}
	srv.Drain()
	shutdown, stop := context.WithTimeout(context.Background(), 30*time.Second)
	defer stop()
	if err := hs.Shutdown(shutdown); err != nil {
		e.errorf("shutdown: %s", err)
		return exitInvalid
	}
	fmt.Fprintln(e.stderr, "entente serve: stopped")
	return exitOK
}

// certificates serve the TLS certificate and its key, read again when
// their files change (checked at most once a second, at a handshake) and
// on SIGHUP: a renewed certificate is served without a restart. A pair
// that does not load leaves the last good one.
type certificates struct {
	certFile, keyFile string
	logger            *slog.Logger
	mu                sync.Mutex
	current           *tls.Certificate
	fingerprint       string
	checked           time.Time
}

func loadCertificates(certFile, keyFile string, logger *slog.Logger) (*certificates, error) {
	c := &certificates{certFile: certFile, keyFile: keyFile, logger: logger}
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("TLS certificate: %w", err)
	}
	c.current, c.fingerprint, c.checked = &pair, server.Fingerprint(certFile, keyFile), time.Now()
	return c, nil
}

func (c *certificates) get(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.checked) >= time.Second {
		c.checked = time.Now()
		if fp := server.Fingerprint(c.certFile, c.keyFile); fp != c.fingerprint {
			c.load(fp)
		}
	}
	return c.current, nil
}

// reload reads the pair again, changed or not.
func (c *certificates) reload() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.load(server.Fingerprint(c.certFile, c.keyFile))
}

func (c *certificates) load(fp string) {
	pair, err := tls.LoadX509KeyPair(c.certFile, c.keyFile)
	if err != nil {
		// Files being replaced one after the other: the next look, or
		// SIGHUP, takes them once both are there.
		c.logger.Error("the TLS certificate does not load; still serving the last good one", "error", err)
		return
	}
	c.current, c.fingerprint = &pair, fp
	c.logger.Info("TLS certificate reloaded", "file", c.certFile)
}
