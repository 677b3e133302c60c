package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/entente-dev/entente/evaluator"
	"github.com/entente-dev/entente/policies"
)

// RemoteBundle fetches a bundle from a URL as OPA's bundle service protocol
// does: with If-None-Match, so that an unchanged bundle costs a 304.
type RemoteBundle struct {
	URL    string
	Verify *policies.VerifyOptions
	Client *http.Client
	// MaxBytes bounds the bundle, compressed and unpacked (default
	// policies.DefaultMaxBundleBytes).
	MaxBytes int64
	etag     string
	revision string
}

// ErrNotModified is returned by Fetch when the bundle has not changed.
var ErrNotModified = fmt.Errorf("the bundle has not changed")

// Fetch downloads and prepares the bundle, or returns ErrNotModified.
func (r *RemoteBundle) Fetch(ctx context.Context) (*evaluator.Set, error) {
	client := r.Client
	if client == nil {
		client = &http.Client{Timeout: time.Minute}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("bundle URL %s: %w", r.URL, err)
	}
	if r.etag != "" {
		req.Header.Set("If-None-Match", r.etag)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download the bundle: %w", err)
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusNotModified:
		return nil, ErrNotModified
	case http.StatusOK:
	default:
		return nil, fmt.Errorf("download the bundle: %s answered %s", r.URL, resp.Status)
	}
	limit := r.MaxBytes
	if limit <= 0 {
		limit = policies.DefaultMaxBundleBytes
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		// Cut halfway: its ETag is not kept, so that the next poll
		// downloads it again.
		return nil, fmt.Errorf("download the bundle: %w", err)
	}
	// Downloaded whole, the bundle's ETag is kept even when the bundle is
	// refused, so that a bad bundle is not downloaded and compiled again
	// until it changes.
	r.etag = resp.Header.Get("ETag")
	b, err := policies.ReadBundleLimited(bytes.NewReader(raw), r.Verify, limit)
	if err != nil {
		return nil, err
	}
	if b.Manifest.Revision != "" && b.Manifest.Revision == r.revision {
		return nil, ErrNotModified // a server without ETags: same revision
	}
	set, err := evaluator.FromBundle(ctx, b)
	if err != nil {
		return nil, err
	}
	r.revision = b.Manifest.Revision
	return set, nil
}

// Poll fetches the bundle every period and swaps in each new one; a bundle
// that does not load (or verify) is refused and the last good one serves.
func (s *Server) Poll(ctx context.Context, r *RemoteBundle, every time.Duration) {
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		set, err := r.Fetch(ctx)
		switch {
		case err == ErrNotModified:
		case err != nil:
			s.metrics.reloads.WithLabelValues("refused").Inc()
			s.cfg.Logger.Error("the bundle does not load; still serving the last good one", "url", r.URL, "revision", s.Revision(), "error", err)
		default:
			s.metrics.reloads.WithLabelValues("loaded").Inc()
			s.Swap(set)
		}
	}
}
