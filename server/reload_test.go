package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/evaluator"
	"github.com/entente-dev/entente/policies"
)

func loader(paths ...string) Loader {
	return func(ctx context.Context) (*evaluator.Set, error) {
		set, diags := agreements.Load(paths...)
		if diags.HasErrors() {
			return nil, diags
		}
		tree, err := policies.Compile(set)
		if err != nil {
			return nil, err
		}
		return evaluator.FromTree(ctx, tree)
	}
}

func copyExamples(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files, _ := filepath.Glob("../examples/agreements/*.hcl")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644)
	}
	return dir
}

func edit(t *testing.T, file, old, new string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s lacks %q", file, old)
	}
	// A later modification time, whatever the file system's resolution.
	os.WriteFile(file, []byte(strings.Replace(string(b), old, new, 1)), 0o644)
	later := time.Now().Add(time.Second)
	os.Chtimes(file, later, later)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestChangedAgreementsAreReloadedAndInvalidOnesRefused(t *testing.T) {
	dir := copyExamples(t)
	since := Fingerprint(dir)
	set, err := loader(dir)(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	srv := New(Config{Set: set})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go srv.Watch(ctx, []string{dir}, since, 20*time.Millisecond, loader(dir))
	first := srv.Revision()

	edit(t, filepath.Join(dir, "payments-hosting.hcl"), "objective   = 99.9 ", "objective   = 99.8 ")
	waitFor(t, "the reload", func() bool { return srv.Revision() != first })
	second := srv.Revision()
	r := call(t, srv.Handler(), "GET", "/health", "")
	if r.body["revision"] != second {
		t.Errorf("/health says revision %v, want %s", r.body["revision"], second)
	}

	// A broken agreement is refused; the last good set keeps serving.
	edit(t, filepath.Join(dir, "payments-hosting.hcl"), "objective   = 99.8 ", "objective   = 100 ")
	waitFor(t, "the refusal", func() bool {
		return strings.Contains(scrape(t, srv), `entente_reloads_total{outcome="refused"} 1`)
	})
	if srv.Revision() != second {
		t.Errorf("a broken set replaced the good one")
	}
	if r := call(t, srv.Handler(), "POST", "/v1/agreements/payments-hosting/evaluate", breach); r.status != 200 {
		t.Errorf("after a refused reload, evaluate answers %d", r.status)
	}
}

func scrape(t *testing.T, srv *Server) string {
	t.Helper()
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	return rec.Body.String()
}

// TestUnderLoadAReloadFailsNoRequest sends 20,000 evaluate requests with
// inline measurements from 32 clients over loopback, swaps the agreements
// in the middle, and checks that no request fails, that each answer comes
// from one of the two revisions, and that no goroutine is left behind. The
// throughput and latency are logged, not asserted.
func TestUnderLoadAReloadFailsNoRequest(t *testing.T) {
	if testing.Short() || raceDetector {
		t.Skip("a load test runs without -short and without the race detector (.ci/run runs it alone)")
	}
	dir := copyExamples(t)
	set, err := loader(dir)(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	edit(t, filepath.Join(dir, "payments-hosting.hcl"), "objective   = 99.9 ", "objective   = 99.8 ")
	next, err := loader(dir)(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	srv := New(Config{Set: set})
	ts := httptest.NewServer(srv.Handler())
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	before := runtime.NumGoroutine()

	const requests, clients = 20000, 32
	var sent atomic.Int64
	var failures atomic.Int64
	revisions := sync.Map{}
	latencies := make([][]time.Duration, clients)
	start := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			for {
				n := sent.Add(1)
				if n > requests {
					break
				}
				if n == requests/2 {
					srv.Swap(next)
				}
				t0 := time.Now()
				resp, err := client.Post(ts.URL+"/v1/agreements/payments-hosting/evaluate", "application/json", strings.NewReader(breach))
				if err != nil {
					failures.Add(1)
					continue
				}
				var v struct {
					Revision string `json:"revision"`
					Status   string `json:"status"`
				}
				err = json.NewDecoder(resp.Body).Decode(&v)
				resp.Body.Close()
				latencies[c] = append(latencies[c], time.Since(t0))
				if err != nil || resp.StatusCode != 200 || v.Status != "breached" {
					failures.Add(1)
					continue
				}
				revisions.Store(v.Revision, true)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if n := failures.Load(); n > 0 {
		t.Errorf("%d of %d requests failed", n, requests)
	}
	var seen []string
	revisions.Range(func(k, _ any) bool { seen = append(seen, k.(string)); return true })
	if len(seen) != 2 {
		t.Errorf("answers came from revisions %v; want both, the swap happened half-way", seen)
	}
	for _, r := range seen {
		if r != set.Revision && r != next.Revision {
			t.Errorf("an answer from revision %s, neither %s nor %s", r, set.Revision, next.Revision)
		}
	}
	var all []time.Duration
	for _, l := range latencies {
		all = append(all, l...)
	}
	slices.Sort(all)
	t.Logf("%d requests from %d clients in %s: %.0f requests/s, p50 %s, p99 %s; revisions seen: %v",
		len(all), clients, elapsed.Round(time.Millisecond), float64(len(all))/elapsed.Seconds(),
		all[len(all)/2], all[len(all)*99/100], seen)

	ts.Close()
	client.CloseIdleConnections()
	waitFor(t, "the goroutines to end", func() bool { return runtime.NumGoroutine() <= before+2 })
}
