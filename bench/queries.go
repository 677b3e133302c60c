package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// queryConcurrency is the most queries entente sends at once
// (evaluator.DefaultPrometheusMaxConcurrency): the replay sends the same
// queries with as many.
const queryConcurrency = 8

// queries compares entente check of generated agreements against a real
// Prometheus with sending the same distinct queries directly, at the same
// concurrency, from a small Go program. A counting proxy in front of
// Prometheus sees both: how many requests arrive, how many are distinct,
// and the time from the first to the end of the last answer.
func (h *harness) queries(ctx context.Context) error {
	s := h.sizes
	dir := filepath.Join(h.work, "queries")
	agreements := filepath.Join(dir, "agreements")
	if err := writeShops(agreements, s.queryAgreements, s.queryReplicas); err != nil {
		return err
	}
	at := time.Date(2026, 10, 20, 18, 0, 0, 0, time.UTC)
	history := filepath.Join(dir, "shop.om")
	if err := writeShopHistory(history, at.Add(-30*time.Minute), s.queryReplicas); err != nil {
		return err
	}
	prom, err := h.startPrometheus(ctx, dir, history)
	if err != nil {
		return err
	}
	defer prom.stop()
	proxy, err := newCountingProxy(prom.url)
	if err != nil {
		return err
	}
	defer proxy.close()
	self, err := os.Executable()
	if err != nil {
		return err
	}

	h.section("3. queries", fmt.Sprintf("entente check --prometheus URL of %d generated agreements on %d replicas vs the same distinct queries sent directly "+
		"by a Go program, %d at a time (entente's limit), both through a counting proxy in front of a real Prometheus, whole processes taking turns to go first, median of %d runs. "+
		"The whole process of entente, with the cache of compiled agreements warm (the run before left it) and cold (emptied before the run), vs opa eval of the same agreements' bundle (read and compile the policies) plus the direct queries",
		s.queryAgreements, s.queryReplicas, queryConcurrency, s.queryRuns))
	// entente check keeps its compiled agreements in a cache of the run's
	// own, emptied before each cold run.
	cache := filepath.Join(dir, "cache")
	os.Setenv("ENTENTE_CACHE_DIR", cache)
	defer os.Unsetenv("ENTENTE_CACHE_DIR")
	bundle := filepath.Join(dir, "agreements.tar.gz")
	if p, err := runProcess(ctx, dir, h.entente, "bundle", "build", "-o", bundle, agreements); err != nil {
		return err
	} else if err := p.mustExit("entente bundle build", 0); err != nil {
		return err
	}
	checkArgs := []string{"check", "--prometheus", proxy.url, "--at", at.Format(time.RFC3339), "--format", "json", agreements}
	check := func() (process, proxyCount, error) {
		proxy.reset()
		p, err := runProcess(ctx, dir, h.entente, checkArgs...)
		if err != nil {
			return p, proxyCount{}, err
		}
		// The history has a bad hour: some shops are at risk or breached,
		// none inconclusive (that would be a query that failed).
		if err := p.mustExit("entente check --prometheus", 0, 1); err != nil {
			return p, proxyCount{}, err
		}
		var v struct {
			Status     string `json:"status"`
			Agreements []any  `json:"agreements"`
		}
		if err := json.Unmarshal(p.stdout, &v); err != nil {
			return p, proxyCount{}, fmt.Errorf("entente check --format json: %w", err)
		}
		if len(v.Agreements) != s.queryAgreements || v.Status == "inconclusive" {
			return p, proxyCount{}, fmt.Errorf("entente check gave %d verdicts, status %s: want %d, measured", len(v.Agreements), v.Status, s.queryAgreements)
		}
		return p, proxy.count(), nil
	}
	_, first, err := check()
	if err != nil {
		return err
	}
	replayFile := filepath.Join(dir, "queries.json")
	if err := writeJSON(replayFile, first.distinct); err != nil {
		return err
	}
	replay := func() (process, proxyCount, error) {
		proxy.reset()
		p, err := runProcess(ctx, dir, self, "-replay", replayFile, "-target", proxy.url, "-clients", fmt.Sprint(queryConcurrency))
		if err == nil {
			err = p.mustExit("the replay of the queries", 0)
		}
		return p, proxy.count(), err
	}
	if _, _, err := replay(); err != nil { // warms Prometheus's caches for both
		return err
	}

	var ew, ecold, es, rw, rs, ow []time.Duration
	var requests, distinct []float64
	var ententeInFlight, replayInFlight int
	timeCheck := func(cold bool) error {
		if cold {
			if err := os.RemoveAll(cache); err != nil {
				return err
			}
		}
		p, c, err := check()
		if err != nil {
			return err
		}
		if len(c.distinct) != len(first.distinct) {
			return fmt.Errorf("entente sent %d distinct queries, then %d", len(first.distinct), len(c.distinct))
		}
		if cold {
			ecold = append(ecold, p.wall)
			h.logf("entente check, cold cache: %s, queries %s, %d requests", formatDuration(p.wall), formatDuration(c.span), c.requests)
			return nil
		}
		ew, es = append(ew, p.wall), append(es, c.span)
		requests, distinct = append(requests, float64(c.requests)), append(distinct, float64(len(c.distinct)))
		ententeInFlight = max(ententeInFlight, c.maxInFlight)
		h.logf("entente check, warm cache: %s, queries %s, %d requests", formatDuration(p.wall), formatDuration(c.span), c.requests)
		return nil
	}
	// opa eval reads the bundle and compiles its policies: the part of a
	// check that is not queries, as OPA would do it.
	timeOPA := func() error {
		p, err := runProcess(ctx, dir, h.opa, "eval", "--bundle", bundle, "data.entente.lib.contract")
		if err == nil {
			err = p.mustExit("opa eval --bundle", 0)
		}
		ow = append(ow, p.wall)
		h.logf("opa eval of the bundle: %s", formatDuration(p.wall))
		return err
	}
	timeReplay := func() error {
		p, c, err := replay()
		if err != nil {
			return err
		}
		if c.requests != len(first.distinct) {
			return fmt.Errorf("the replay sent %d requests, want %d", c.requests, len(first.distinct))
		}
		rw, rs = append(rw, p.wall), append(rs, c.span)
		replayInFlight = max(replayInFlight, c.maxInFlight)
		h.logf("replay: %s, queries %s", formatDuration(p.wall), formatDuration(c.span))
		return nil
	}
	for run := range s.queryRuns {
		warm := func() error { return timeCheck(false) }
		cold := func() error { return timeCheck(true) }
		peer := func() error {
			if err := timeOPA(); err != nil {
				return err
			}
			return timeReplay()
		}
		if err := alternate(run, warm, peer); err != nil {
			return err
		}
		if err := cold(); err != nil {
			return err
		}
		// The cold run emptied the cache: the next warm run finds it full
		// again.
		if _, _, err := check(); err != nil {
			return err
		}
	}
	peer := median(ow) + median(rw)
	h.add(result{measure: "queries, first sent to last answered", unit: seconds, entente: median(es).Seconds(), peer: median(rs).Seconds(), goal: atMost(1.2),
		note: fmt.Sprintf("%d distinct queries; at most %d in flight from entente, %d from the replay (both allow %d)", len(first.distinct), ententeInFlight, replayInFlight, queryConcurrency)})
	h.add(result{measure: "whole process, warm cache (peer: opa eval of the bundle + the queries)", unit: seconds, entente: median(ew).Seconds(), peer: peer.Seconds(), goal: atMost(1.5),
		note: fmt.Sprintf("opa eval %s, the queries' process %s", formatDuration(median(ow)), formatDuration(median(rw)))})
	h.add(result{measure: "whole process, cold cache (peer: the same)", unit: seconds, entente: median(ecold).Seconds(), peer: peer.Seconds(), goal: atMost(3)})
	h.add(result{measure: "HTTP requests to Prometheus (peer: distinct queries)", unit: count, entente: median(requests), peer: median(distinct), goal: equal})
	return nil
}

// startPrometheus backfills history into a TSDB with promtool and starts
// Prometheus on it, scraping nothing.
func (h *harness) startPrometheus(ctx context.Context, dir, history string) (*child, error) {
	prometheus, promtool, err := prometheusBinaries()
	if err != nil {
		return nil, err
	}
	data := filepath.Join(dir, "data")
	// Blocks of up to 31 days: the default of 2h makes a block per two
	// hours of history, slow to open.
	p, err := runProcess(ctx, dir, promtool, "tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=744h", history, data)
	if err != nil {
		return nil, err
	}
	if err := p.mustExit("promtool tsdb create-blocks-from openmetrics", 0); err != nil {
		return nil, err
	}
	config := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(config, []byte("global:\n  scrape_interval: 1h\nscrape_configs: []\n"), 0o644); err != nil {
		return nil, err
	}
	return h.startChild(ctx, "prometheus", "/-/ready", func(addr string) []string {
		return []string{prometheus,
			"--storage.tsdb.path=" + data,
			"--config.file=" + config,
			"--web.listen-address=" + addr,
			// Retention counts back from the newest block, not from now,
			// and would delete most of a backfilled history (15d default).
			"--storage.tsdb.retention.time=100y",
		}
	})
}

// recorded is one request to Prometheus, as the proxy saw it.
type recorded struct {
	Method      string `json:"method"`
	URI         string `json:"uri"` // path and query
	ContentType string `json:"content_type,omitempty"`
	Body        string `json:"body,omitempty"`
}

// countingProxy forwards requests to Prometheus and counts them.
type countingProxy struct {
	url    string
	server *http.Server
	proxy  *httputil.ReverseProxy

	mu       sync.Mutex
	c        proxyCount
	seen     map[string]bool
	inFlight int
}

// proxyCount is what the proxy saw since its last reset.
type proxyCount struct {
	requests    int
	distinct    []recorded // in the order first seen
	span        time.Duration
	maxInFlight int
	first, last time.Time
}

func newCountingProxy(prometheusURL string) (*countingProxy, error) {
	u, err := url.Parse(prometheusURL)
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &countingProxy{url: "http://" + l.Addr().String(), proxy: httputil.NewSingleHostReverseProxy(u), seen: map[string]bool{}}
	p.proxy.Transport = &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}
	p.server = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	go p.server.Serve(l)
	return p, nil
}

func (p *countingProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec := recorded{Method: r.Method, URI: r.URL.RequestURI(), ContentType: r.Header.Get("Content-Type"), Body: string(body)}
	key := rec.Method + " " + rec.URI + "\n" + rec.Body
	p.mu.Lock()
	p.c.requests++
	if p.c.first.IsZero() {
		p.c.first = start
	}
	if !p.seen[key] {
		p.seen[key] = true
		p.c.distinct = append(p.c.distinct, rec)
	}
	p.inFlight++
	p.c.maxInFlight = max(p.c.maxInFlight, p.inFlight)
	p.mu.Unlock()

	p.proxy.ServeHTTP(w, r)

	p.mu.Lock()
	p.inFlight--
	p.c.last = time.Now()
	p.mu.Unlock()
}

func (p *countingProxy) reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.c = proxyCount{}
	p.seen = map[string]bool{}
}

func (p *countingProxy) count() proxyCount {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.c
	c.span = c.last.Sub(c.first)
	return c
}

func (p *countingProxy) close() {
	p.server.Close()
}

// replayMain is the peer of the queries comparison, run as a process of
// its own: it sends each request of file to target, clients at a time,
// and fails unless Prometheus answers every one with success.
func replayMain(ctx context.Context, file, target string, clients int) error {
	if target == "" {
		return errors.New("-replay needs -target URL")
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var requests []recorded
	if err := json.Unmarshal(raw, &requests); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	client := &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: clients, DisableCompression: true},
		Timeout:   time.Minute,
	}
	slots := make(chan struct{}, clients)
	errs := make(chan error, len(requests))
	var wg sync.WaitGroup
	for _, r := range requests {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			errs <- replayOne(ctx, client, target, r)
		})
	}
	wg.Wait()
	close(errs)
	return errors.Join(func() []error {
		var all []error
		for err := range errs {
			all = append(all, err)
		}
		return all
	}()...)
}

func replayOne(ctx context.Context, client *http.Client, target string, r recorded) error {
	var body io.Reader
	if r.Body != "" {
		body = strings.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, target+r.URI, body)
	if err != nil {
		return err
	}
	if r.ContentType != "" {
		req.Header.Set("Content-Type", r.ContentType)
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var answer struct {
		Status string `json:"status"`
		Error  string `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		return fmt.Errorf("%s %s: %w", r.Method, r.URI, err)
	}
	if resp.StatusCode != http.StatusOK || answer.Status != "success" {
		return fmt.Errorf("%s %s: %s %s", r.Method, r.URI, resp.Status, answer.Error)
	}
	return nil
}
