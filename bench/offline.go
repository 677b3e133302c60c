package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// offline compares loading a metric history with --metrics (entente check
// loads it into an embedded TSDB, then measures an agreement over all of
// it) with promtool's backfill of the same file into TSDB blocks.
func (h *harness) offline(ctx context.Context) error {
	s := h.sizes
	dir := filepath.Join(h.work, "offline")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	history := filepath.Join(dir, "history.om")
	t := time.Now()
	samples, err := writeOfflineHistory(history, s.offlineSeries, s.offlineSamples)
	if err != nil {
		return err
	}
	info, err := os.Stat(history)
	if err != nil {
		return err
	}
	h.logf("wrote %s samples (%s) in %s", thousands(float64(samples)), byteSize.format(float64(info.Size())), time.Since(t).Round(time.Millisecond))
	h.section("5. offline data", fmt.Sprintf("entente check --metrics FILE (loads the history into an embedded TSDB, then measures an agreement over all of it) "+
		"vs promtool tsdb create-blocks-from openmetrics FILE DIR, with one block as entente writes (--max-block-duration=744h) and with its default 2h blocks, "+
		"on %d series × %s samples a minute apart (%s samples, %s), whole processes taking turns to go first, median of %d runs (promtool's default: one run)",
		s.offlineSeries, thousands(float64(s.offlineSamples)), thousands(float64(samples)), byteSize.format(float64(info.Size())), s.offlineRuns))
	agreement := filepath.Join(dir, "offline.hcl")
	if err := os.WriteFile(agreement, []byte(offlineAgreement(s.offlineSamples)), 0o644); err != nil {
		return err
	}
	_, promtool, err := prometheusBinaries()
	if err != nil {
		return err
	}
	end := offlineStart.Add(time.Duration(s.offlineSamples) * time.Minute)
	check := func() (process, error) {
		p, err := runProcess(ctx, dir, h.entente, "check", "--metrics", history, "--at", end.Format(time.RFC3339), "--format", "json", agreement)
		if err == nil {
			err = p.mustExit("entente check --metrics", 0)
		}
		if err != nil {
			return p, err
		}
		var v struct {
			Agreements []struct {
				SLOs []struct {
					Status   string   `json:"status"`
					Measured *float64 `json:"measured"`
				} `json:"slos"`
			} `json:"agreements"`
		}
		if err := json.Unmarshal(p.stdout, &v); err != nil {
			return p, fmt.Errorf("entente check --format json: %w", err)
		}
		// Every series is measured: a thousandth of the requests fail.
		if len(v.Agreements) != 1 || len(v.Agreements[0].SLOs) != 1 || v.Agreements[0].SLOs[0].Measured == nil ||
			*v.Agreements[0].SLOs[0].Measured < 99.8 || *v.Agreements[0].SLOs[0].Measured > 99.99 {
			return p, fmt.Errorf("entente check did not measure the history as written: %s", tail(p.stdout))
		}
		return p, nil
	}
	backfill := func(name string, flags ...string) (process, error) {
		out := filepath.Join(dir, name)
		if err := os.RemoveAll(out); err != nil {
			return process{}, err
		}
		args := append([]string{"tsdb", "create-blocks-from", "openmetrics"}, flags...)
		p, err := runProcess(ctx, dir, promtool, append(args, history, out)...)
		if err == nil {
			err = p.mustExit("promtool tsdb create-blocks-from openmetrics", 0)
		}
		os.RemoveAll(out)
		return p, err
	}
	var e, p2h, p31d runs
	timeCheck := func() error {
		p, err := check()
		e.add(p)
		h.logf("entente check --metrics: %s", formatDuration(p.wall))
		return err
	}
	timeBackfill := func(to *runs, name string, flags ...string) func() error {
		return func() error {
			p, err := backfill(name, flags...)
			to.add(p)
			h.logf("promtool %s: %s", strings.Join(flags, " "), formatDuration(p.wall))
			return err
		}
	}
	for run := range s.offlineRuns {
		if err := alternate(run, timeCheck, timeBackfill(&p31d, "blocks-31d", "--max-block-duration=744h")); err != nil {
			return err
		}
	}
	// promtool's default 2h blocks read the whole file again for each
	// block: once is long enough.
	if err := timeBackfill(&p2h, "blocks")(); err != nil {
		return err
	}
	for _, r := range e.rows(p31d, "", ", vs promtool, 744h blocks", noGoal) {
		h.add(r)
	}
	for _, r := range e.rows(p2h, "", ", vs promtool, default 2h blocks", noGoal) {
		h.add(r)
	}
	return nil
}
