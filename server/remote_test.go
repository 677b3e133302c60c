package server

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/policies"
)

// bundleServer serves a bundle with an ETag, answering 304 to a matching
// If-None-Match, as OPA's bundle services do.
type bundleServer struct {
	mu       sync.Mutex
	body     []byte
	notMod   atomic.Int64
	requests atomic.Int64
}

func (b *bundleServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.requests.Add(1)
	b.mu.Lock()
	body := b.body
	b.mu.Unlock()
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	if r.Header.Get("If-None-Match") == etag {
		b.notMod.Add(1)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("ETag", etag)
	w.Write(body)
}

func (b *bundleServer) set(body []byte) {
	b.mu.Lock()
	b.body = body
	b.mu.Unlock()
}

func bundleOf(t *testing.T, dir string) []byte {
	t.Helper()
	set, diags := agreements.Load(dir)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	tree, err := policies.Compile(set)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := tree.WriteBundle(&buf, policies.BuildOptions{}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestABundleURLIsPolledWithETags(t *testing.T) {
	dir := copyExamples(t)
	bs := &bundleServer{body: bundleOf(t, dir)}
	ts := httptest.NewServer(bs)
	defer ts.Close()

	remote := &RemoteBundle{URL: ts.URL + "/bundles/entente.tar.gz"}
	set, err := remote.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	srv := New(Config{Set: set})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go srv.Poll(ctx, remote, 20*time.Millisecond)
	first := srv.Revision()
	waitFor(t, "a 304", func() bool { return bs.notMod.Load() > 0 })
	if srv.Revision() != first {
		t.Error("an unchanged bundle changed the revision")
	}

	edit(t, filepath.Join(dir, "payments-hosting.hcl"), "objective   = 99.9 ", "objective   = 99.8 ")
	bs.set(bundleOf(t, dir))
	waitFor(t, "the new bundle", func() bool { return srv.Revision() != first })

	// A bundle that is not one is refused; the last good one serves.
	good := srv.Revision()
	bs.set([]byte("not a bundle"))
	waitFor(t, "the refusal", func() bool {
		return strings.Contains(scrape(t, srv), `entente_reloads_total{outcome="refused"}`)
	})
	if srv.Revision() != good {
		t.Error("a broken bundle replaced the good one")
	}
	if r := call(t, srv.Handler(), "POST", "/v1/agreements/payments-hosting/evaluate", breach); r.status != 200 {
		t.Errorf("after a refused bundle, evaluate answers %d", r.status)
	}
}

func TestTheTokenFileIsReloadedWhenItChanges(t *testing.T) {
	file := filepath.Join(t.TempDir(), "tokens")
	os.WriteFile(file, []byte("# CI\nfirst\n"), 0o600)
	since := Fingerprint(file)
	tokens, err := ReadTokens(file)
	if err != nil {
		t.Fatal(err)
	}
	srv := New(Config{Set: examples(t), Tokens: tokens})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go srv.WatchTokens(ctx, file, since, 20*time.Millisecond)
	if r := call(t, srv.Handler(), "GET", "/v1/agreements", "", "Authorization", "Bearer first"); r.status != 200 {
		t.Fatalf("the first token: %d", r.status)
	}
	os.WriteFile(file, []byte("second\n"), 0o600)
	later := time.Now().Add(time.Second)
	os.Chtimes(file, later, later)
	waitFor(t, "the rotation", func() bool {
		return call(t, srv.Handler(), "GET", "/v1/agreements", "", "Authorization", "Bearer second").status == 200
	})
	if r := call(t, srv.Handler(), "GET", "/v1/agreements", "", "Authorization", "Bearer first"); r.status != 401 {
		t.Errorf("the rotated-out token still works: %d", r.status)
	}
	// Emptying the file revokes every token; it never opens the API.
	os.WriteFile(file, nil, 0o600)
	later = time.Now().Add(2 * time.Second)
	os.Chtimes(file, later, later)
	waitFor(t, "the revocation", func() bool {
		return call(t, srv.Handler(), "GET", "/v1/agreements", "", "Authorization", "Bearer second").status == 401
	})
	if r := call(t, srv.Handler(), "GET", "/v1/agreements", ""); r.status != 401 {
		t.Errorf("with no token left, a request without one gets %d", r.status)
	}
}

func TestTheDataAPIGivesProvenanceWhenAsked(t *testing.T) {
	srv := New(Config{Set: examples(t)})
	r := call(t, srv.Handler(), "POST", "/v1/data/entente/agreements/payments-hosting/verdict?provenance", `{"input": `+breach+`}`)
	p, _ := r.body["provenance"].(map[string]any)
	bundles, _ := p["bundles"].(map[string]any)
	if e, _ := bundles["entente"].(map[string]any); e["revision"] != srv.Revision() {
		t.Errorf("provenance %v, want the revision %s", r.body["provenance"], srv.Revision())
	}
}

// TestABundleCutHalfwayIsDownloadedAgain: the ETag of a bundle whose
// download was cut was kept, so every later poll got a 304 and the new
// bundle was never loaded.
func TestABundleCutHalfwayIsDownloadedAgain(t *testing.T) {
	dir := copyExamples(t)
	bs := &bundleServer{body: bundleOf(t, dir)}
	var cut atomic.Bool
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if cut.Load() && r.Header.Get("If-None-Match") == "" {
			// Promise the whole bundle, send a third of it, hang up.
			bs.mu.Lock()
			body := bs.body
			bs.mu.Unlock()
			sum := sha256.Sum256(body)
			w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
			w.Header().Set("Content-Length", fmt.Sprint(len(body)))
			w.Write(body[:len(body)/3])
			panic(http.ErrAbortHandler)
		}
		bs.ServeHTTP(w, r)
	}))
	ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	defer ts.Close()
	cut.Store(true)
	remote := &RemoteBundle{URL: ts.URL}
	if _, err := remote.Fetch(context.Background()); err == nil {
		t.Fatal("a bundle cut halfway loaded")
	}
	cut.Store(false)
	set, err := remote.Fetch(context.Background())
	if err != nil || set == nil {
		t.Fatalf("the whole bundle, downloaded again: %v", err)
	}
}

// TestAGzipBombIsRefusedBeforeItIsUnpacked: a megabyte of gzip that
// unpacks to a gigabyte took bundle verify and the poller to gigabytes.
func TestAGzipBombIsRefusedBeforeItIsUnpacked(t *testing.T) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	tw := tar.NewWriter(zw)
	const size = 300 << 20
	tw.WriteHeader(&tar.Header{Name: "/data.json", Mode: 0o644, Size: size})
	zeros := make([]byte, 1<<20)
	for range size / len(zeros) {
		tw.Write(zeros)
	}
	tw.Close()
	zw.Close()
	bomb := buf.Bytes()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(bomb) }))
	defer ts.Close()

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := (&RemoteBundle{URL: ts.URL}).Fetch(context.Background())
	runtime.ReadMemStats(&after)
	if !errors.Is(err, policies.ErrBundleTooLarge) || !strings.Contains(err.Error(), "it unpacks to more than 256 MiB (--max-bundle-size)") {
		t.Errorf("got %v, want the bundle refused as too large", err)
	}
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 64<<20 {
		t.Errorf("refusing a %d KiB bomb allocated %d MiB", len(bomb)>>10, grown>>20)
	}
}
