package main

import (
	"context"
	"strings"

	"github.com/entente-dev/entente/evaluator"
)

// openSource opens the metrics source that check's flags name, and returns
// how to close it.
func openSource(ctx context.Context, e *env, c *checkConfig) (evaluator.Source, func(), int) {
	if len(c.metrics) > 0 {
		files, err := evaluator.LoadFiles(ctx, c.metrics, e.logger)
		if err != nil {
			e.errorf("%s", err)
			return nil, nil, exitInvalid
		}
		return files, func() { files.Close() }, exitOK
	}
	cfg := c.prometheus
	cfg.Headers = map[string]string{}
	for _, h := range c.headers {
		name, value, ok := strings.Cut(h, ":")
		if !ok || strings.TrimSpace(name) == "" {
			e.errorf("--prometheus-header %q: write it as 'Name: value'", h)
			return nil, nil, exitInvalid
		}
		cfg.Headers[strings.TrimSpace(name)] = strings.TrimSpace(value)
	}
	p, err := evaluator.NewPrometheus(cfg, e.logger)
	if err != nil {
		e.errorf("%s", err)
		return nil, nil, exitInvalid
	}
	return p, func() {}, exitOK
}
