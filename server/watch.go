package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/entente-dev/entente/evaluator"
)

// Loader loads the agreements anew: from HCL files or a bundle.
type Loader func(ctx context.Context) (*evaluator.Set, error)

// Watch looks at the files under paths every period and, when they differ
// from the fingerprint since (taken before the set served was loaded) and
// have settled, loads the agreements again and swaps them in. A set that does not load
// is refused with a log line, and the last good one keeps serving. It
// returns when ctx ends.
func (s *Server) Watch(ctx context.Context, paths []string, since string, every time.Duration, load Loader) {
	last, pending := since, ""
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		// A change is loaded once the files have stayed the same for a
		// whole period: an editor or a checkout that is still writing
		// would otherwise have a half-written set loaded (a truncated
		// file is a valid set without its agreements).
		now := Fingerprint(paths...)
		if now == last {
			pending = ""
			continue
		}
		if now != pending {
			pending = now
			continue
		}
		last, pending = now, ""
		set, err := load(ctx)
		if err != nil {
			s.metrics.reloads.WithLabelValues("refused").Inc()
			s.cfg.Logger.Error("the changed agreements do not load; still serving the last good ones", "revision", s.Revision(), "error", err)
			continue
		}
		s.metrics.reloads.WithLabelValues("loaded").Inc()
		s.Swap(set)
	}
}

// Fingerprint sums the names, sizes and times of the files under paths.
func Fingerprint(paths ...string) string {
	h := sha256.New()
	for _, root := range paths {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				fmt.Fprintf(h, "%s\x00error\x00", p)
				return nil
			}
			if d.IsDir() {
				return nil
			}
			if info, err := d.Info(); err == nil {
				fmt.Fprintf(h, "%s\x00%d\x00%d\x00", p, info.Size(), info.ModTime().UnixNano())
			}
			return nil
		})
	}
	return hex.EncodeToString(h.Sum(nil))
}
