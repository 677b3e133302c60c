package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
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
