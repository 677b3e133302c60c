package main

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// scale measures entente with many agreements: compiling and bundling
// them (beside opa build of the same Rego and data), the server's start
// and memory with them loaded (beside opa run), and the latency of one
// decision with one agreement loaded and with all of them.
func (h *harness) scale(ctx context.Context) error {
	for _, n := range h.sizes.scaleAgreements {
		if err := h.scaleOf(ctx, n); err != nil {
			return err
		}
	}
	return nil
}

// scaleOf measures entente with n agreements.
func (h *harness) scaleOf(ctx context.Context, n int) error {
	s := h.sizes
	dir := filepath.Join(h.work, fmt.Sprintf("scale-%d", n))
	agreements := filepath.Join(dir, "agreements")
	if err := h.writeCustomers(agreements, n); err != nil {
		return err
	}
	h.section(fmt.Sprintf("4. scale, %s agreements", thousands(float64(n))), fmt.Sprintf("%s generated agreements. Compile + bundle: entente bundle build (from HCL) vs opa build -b of the Rego and data of its bundle, taking turns to go first, median of %d runs. "+
		"Server: entente serve vs opa run --server with them all loaded. Latency: entente with them all loaded vs entente with one, from one client, median of %d rounds of %s",
		thousands(float64(n)), s.scaleRuns, s.rounds, s.latencyDuration))
	big := filepath.Join(dir, "agreements.tar.gz")
	extracted := filepath.Join(dir, "extracted")
	var e, o runs
	build := func() error {
		p, err := runProcess(ctx, dir, h.entente, "bundle", "build", "-o", big, agreements)
		if err == nil {
			err = p.mustExit("entente bundle build", 0)
		}
		e.add(p)
		h.logf("entente bundle build: %s", formatDuration(p.wall))
		return err
	}
	// opa build of the same Rego modules and data, the same .manifest.
	opaBuild := func() error {
		p, err := runProcess(ctx, extracted, h.opa, "build", "-b", ".", "-o", filepath.Join(dir, "opa-build.tar.gz"))
		if err == nil {
			err = p.mustExit("opa build", 0)
		}
		o.add(p)
		h.logf("opa build: %s", formatDuration(p.wall))
		return err
	}
	if err := build(); err != nil {
		return err
	}
	if err := extract(big, extracted); err != nil {
		return err
	}
	e = runs{} // the first run made what opa build needs
	for run := range s.scaleRuns {
		if err := alternate(run, build, opaBuild); err != nil {
			return err
		}
	}
	for _, r := range e.rows(o, "compile + bundle: ", "", atMost(1.2)) {
		h.add(r)
	}

	// Latency with all agreements loaded, then with one.
	small := filepath.Join(dir, "one", "agreements.tar.gz")
	if err := h.customerBundle(ctx, filepath.Join(dir, "one"), 1, small); err != nil {
		return err
	}
	// Both sizes are served at once, so that their latencies are taken in
	// turns, in the same conditions.
	type figures struct {
		startup             [2]time.Duration // entente, opa
		rss                 [2]int64
		evaluate, data, opa [2]time.Duration // p50, p99
		targets             []target
	}
	name := customer(0)
	input := decisionInput()
	dataBody, err := json.Marshal(map[string]any{"input": input})
	if err != nil {
		return err
	}
	evaluateBody, err := json.Marshal(input)
	if err != nil {
		return err
	}
	dataPath := "/v1/data/entente/agreements/" + name + "/verdict"
	start := func(bundle, size string) (*figures, []*child, error) {
		entente, opa, err := h.startPair(ctx, bundle)
		if err != nil {
			return nil, nil, err
		}
		children := []*child{entente, opa}
		f := &figures{startup: [2]time.Duration{entente.startup, opa.startup}}
		if err := sameVerdicts(ctx, entente.url, opa.url, name, input); err != nil {
			return nil, children, err
		}
		for i, c := range children {
			m, err := c.memory()
			if err != nil {
				return nil, children, err
			}
			f.rss[i] = m.rss
		}
		f.targets = []target{
			{name: "entente evaluate, " + size, url: entente.url + "/v1/agreements/" + name + "/evaluate", body: evaluateBody},
			{name: "entente /v1/data, " + size, url: entente.url + dataPath, body: dataBody},
			{name: "opa /v1/data, " + size, url: opa.url + dataPath, body: dataBody},
		}
		return f, children, nil
	}
	var servers []*child
	defer func() {
		for _, c := range servers {
			c.stop()
		}
	}()
	many, children, err := start(big, "all loaded")
	servers = append(servers, children...)
	if err != nil {
		return err
	}
	one, children, err := start(small, "one loaded")
	servers = append(servers, children...)
	if err != nil {
		return err
	}
	var targets []target
	var into []*[2]time.Duration
	for _, f := range []*figures{many, one} {
		targets = append(targets, f.targets...)
		into = append(into, &f.evaluate, &f.data, &f.opa)
	}
	p50s, p99s := make([][]time.Duration, len(targets)), make([][]time.Duration, len(targets))
	for round := range s.rounds {
		for k := range targets {
			i := (k + round) % len(targets)
			l, err := generateLoad(ctx, targets[i], 1, s.warmup, s.latencyDuration)
			if err != nil {
				return err
			}
			h.logf("round %d: %s: p50 %s, p99 %s", round+1, targets[i].name, formatDuration(l.p50), formatDuration(l.p99))
			p50s[i], p99s[i] = append(p50s[i], l.p50), append(p99s[i], l.p99)
		}
	}
	for i := range targets {
		*into[i] = [2]time.Duration{median(p50s[i]), median(p99s[i])}
	}
	for _, c := range servers {
		if err := c.alive(); err != nil {
			return err
		}
	}
	h.add(result{measure: "server start to healthy, all loaded", unit: seconds,
		entente: many.startup[0].Seconds(), peer: many.startup[1].Seconds(), goal: atMost(1)})
	h.add(result{measure: "server RSS, all loaded", unit: byteSize,
		entente: float64(many.rss[0]), peer: float64(many.rss[1]), goal: atMost(1),
		note: fmt.Sprintf("with one agreement loaded: %s for entente serve, %s for opa run", byteSize.format(float64(one.rss[0])), byteSize.format(float64(one.rss[1])))})
	for i, p := range []string{"p50", "p99"} {
		h.add(result{measure: "evaluate " + p + ", all loaded vs one", unit: seconds,
			entente: many.evaluate[i].Seconds(), peer: one.evaluate[i].Seconds(), goal: flat})
		h.add(result{measure: "/v1/data " + p + ", all loaded vs one", unit: seconds,
			entente: many.data[i].Seconds(), peer: one.data[i].Seconds(), goal: flat,
			note: fmt.Sprintf("OPA's own /v1/data %s: %s with all loaded, %s with one (%.2f×)", p,
				formatDuration(many.opa[i]), formatDuration(one.opa[i]), many.opa[i].Seconds()/one.opa[i].Seconds())})
	}
	return nil
}

// flat is the goal of latency as agreements are added: within a fifth.
var flat = goal{text: "flat (≤ 1.2×)", met: func(r float64) bool { return r <= 1.2 }}

// extract unpacks a bundle into dir.
func extract(bundle, dir string) error {
	f, err := os.Open(bundle)
	if err != nil {
		return err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	tr := tar.NewReader(gz)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		name := filepath.Clean(strings.TrimPrefix(hdr.Name, "/"))
		if hdr.Typeflag != tar.TypeReg || strings.HasPrefix(name, "..") {
			continue
		}
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		out, err := os.Create(path)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, tr); err != nil {
			out.Close()
			return err
		}
		if err := out.Close(); err != nil {
			return err
		}
	}
}
