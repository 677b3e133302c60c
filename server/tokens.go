package server

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"
)

// ReadTokens reads a token file: one bearer token a line.
func ReadTokens(file string) ([]string, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("token file: %w", err)
	}
	var tokens []string
	for _, line := range strings.Split(string(raw), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			tokens = append(tokens, line)
		}
	}
	if len(tokens) == 0 {
		return nil, fmt.Errorf("token file %s holds no token", file)
	}
	return tokens, nil
}

// ReloadTokens reads the token file again (on SIGHUP): an emptied or
// removed file revokes every token.
func (s *Server) ReloadTokens(file string) {
	tokens, err := ReadTokens(file)
	if err != nil {
		s.cfg.Logger.Error("the token file holds no token; every request to /v1 is refused", "error", err)
		tokens = []string{}
	}
	s.tokens.Store(&tokens)
	s.cfg.Logger.Info("tokens reloaded", "tokens", len(tokens))
}

// WatchTokens reloads the token file when it differs from the fingerprint
// since (taken before the tokens were read): tokens can be rotated without
// a restart, and revoked by emptying the file.
func (s *Server) WatchTokens(ctx context.Context, file, since string, every time.Duration) {
	last := since
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		// An emptied or removed file revokes every token: it never opens
		// the API, and never keeps a revoked token alive.
		if now := Fingerprint(file); now != last {
			last = now
			s.ReloadTokens(file)
		}
	}
}
