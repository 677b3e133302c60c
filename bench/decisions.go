package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// decisions compares entente serve with stock opa run --server on the same
// bundle and input, under the same load: /v1/data of the verdict on both,
// and entente's own /v1/agreements/NAME/evaluate with inline measurements
// against OPA's /v1/data.
func (h *harness) decisions(ctx context.Context) error {
	dir := filepath.Join(h.work, "decisions")
	bundle := filepath.Join(dir, "agreements.tar.gz")
	if err := h.customerBundle(ctx, dir, 1, bundle); err != nil {
		return err
	}
	name := customer(0)
	entente, opa, err := h.startPair(ctx, bundle)
	if err != nil {
		return err
	}
	defer entente.stop()
	defer opa.stop()

	s := h.sizes
	h.section("1. decisions", fmt.Sprintf("entente serve (POST /v1/data/entente/agreements/NAME/verdict, and POST /v1/agreements/NAME/evaluate with the measurements inline) "+
		"vs opa run --server (POST /v1/data/entente/agreements/NAME/verdict): the same bundle of one agreement, the same input, "+
		"%d concurrent keep-alive clients, median of %d rounds of %s after %s of warm-up, the targets taking turns to go first", s.clients, s.rounds, s.duration, s.warmup))
	input := decisionInput()
	if err := sameVerdicts(ctx, entente.url, opa.url, name, input); err != nil {
		return err
	}
	dataBody, err := json.Marshal(map[string]any{"input": input})
	if err != nil {
		return err
	}
	evaluateBody, err := json.Marshal(input) // at, measurements and facts: the evaluate body
	if err != nil {
		return err
	}
	dataPath := "/v1/data/entente/agreements/" + name + "/verdict"
	targets := []target{
		{name: "entente /v1/data", url: entente.url + dataPath, body: dataBody},
		{name: "entente /v1/agreements/NAME/evaluate", url: entente.url + "/v1/agreements/" + name + "/evaluate", body: evaluateBody},
		{name: "opa /v1/data", url: opa.url + dataPath, body: dataBody},
	}
	loads := make([][]load, len(targets))
	// Rounds alternate the servers, so that a neighbour's burst of work
	// falls on both rather than on one.
	for round := range s.rounds {
		for k := range targets {
			i := (k + round) % len(targets)
			t := targets[i]
			l, err := generateLoad(ctx, t, s.clients, s.warmup, s.duration)
			if err != nil {
				return err
			}
			h.logf("round %d: %s: %s req/s, p50 %s, p99 %s", round+1, t.name, thousands(l.rps), formatDuration(l.p50), formatDuration(l.p99))
			loads[i] = append(loads[i], l)
		}
	}
	for _, c := range []*child{entente, opa} {
		if err := c.alive(); err != nil {
			return err
		}
	}
	med := func(ls []load) (rps, p50, p99 float64) {
		var r, a, b []float64
		for _, l := range ls {
			r = append(r, l.rps)
			a = append(a, l.p50.Seconds())
			b = append(b, l.p99.Seconds())
		}
		return median(r), median(a), median(b)
	}
	opaRPS, opaP50, opaP99 := med(loads[2])
	for i, route := range []string{"/v1/data", "evaluate"} {
		rps, p50, p99 := med(loads[i])
		note := ""
		if rps/opaRPS < 1.5 {
			note = "the aim of 1.5× OPA's throughput is not reached"
		}
		h.add(result{measure: route + " throughput", unit: perSecond, entente: rps, peer: opaRPS, goal: atLeast(1), note: note})
		h.add(result{measure: route + " p50 latency", unit: seconds, entente: p50, peer: opaP50, goal: noGoal})
		h.add(result{measure: route + " p99 latency", unit: seconds, entente: p99, peer: opaP99, goal: atMost(1)})
	}
	em, err := entente.memory()
	if err != nil {
		return err
	}
	om, err := opa.memory()
	if err != nil {
		return err
	}
	h.add(result{measure: "server peak RSS (VmHWM) after the load", unit: byteSize, entente: float64(em.hwm), peer: float64(om.hwm), goal: noGoal})
	return nil
}

// customerBundle writes n customer agreements into dir/agreements and
// builds their bundle with entente bundle build.
func (h *harness) customerBundle(ctx context.Context, dir string, n int, bundle string) error {
	agreements := filepath.Join(dir, "agreements")
	if err := os.RemoveAll(agreements); err != nil {
		return err
	}
	if err := h.writeCustomers(agreements, n); err != nil {
		return err
	}
	p, err := runProcess(ctx, dir, h.entente, "bundle", "build", "-o", bundle, agreements)
	if err != nil {
		return err
	}
	return p.mustExit("entente bundle build", 0)
}

// startPair starts entente serve and stock opa run --server on bundle,
// both logging errors only: what is measured is the decision, not the
// access log (both log each request at their default level).
func (h *harness) startPair(ctx context.Context, bundle string) (entente, opa *child, err error) {
	entente, err = h.startChild(ctx, "entente serve", "/health", func(addr string) []string {
		return []string{h.entente, "serve", "--addr", addr, "--log-level", "error", bundle}
	})
	if err != nil {
		return nil, nil, err
	}
	opa, err = h.startChild(ctx, "opa run", "/health?bundles", func(addr string) []string {
		return []string{h.opa, "run", "--server", "--addr", addr, "--log-level", "error", "--bundle", bundle}
	})
	if err != nil {
		entente.stop()
		return nil, nil, err
	}
	return entente, opa, nil
}

// sameVerdicts asks both servers for the verdict of name on input, once,
// and fails unless they agree: entente's /v1/data answers exactly as
// OPA's, and its evaluate route gives the same verdict with entente's own
// additions (the queries and the source line of each block).
func sameVerdicts(ctx context.Context, ententeURL, opaURL, name string, input map[string]any) error {
	path := "/v1/data/entente/agreements/" + name + "/verdict"
	fromOPA, err := postJSON(ctx, opaURL+path, map[string]any{"input": input})
	if err != nil {
		return fmt.Errorf("opa: %w", err)
	}
	fromData, err := postJSON(ctx, ententeURL+path, map[string]any{"input": input})
	if err != nil {
		return fmt.Errorf("entente: %w", err)
	}
	want, ok := fromOPA.(map[string]any)["result"]
	if !ok {
		return fmt.Errorf("opa gives no verdict for %s: %v", name, fromOPA)
	}
	if want.(map[string]any)["status"] == nil {
		return fmt.Errorf("opa's verdict for %s has no status: %v", name, want)
	}
	got := fromData.(map[string]any)["result"]
	if err := contains("result", want, got); err != nil {
		return fmt.Errorf("entente's /v1/data and OPA's differ: %w", err)
	}
	if err := contains("result", got, want); err != nil {
		return fmt.Errorf("entente's /v1/data and OPA's differ: %w", err)
	}
	evaluated, err := postJSON(ctx, ententeURL+"/v1/agreements/"+name+"/evaluate", input)
	if err != nil {
		return fmt.Errorf("entente evaluate: %w", err)
	}
	list, _ := evaluated.(map[string]any)["agreements"].([]any)
	if len(list) != 1 {
		return fmt.Errorf("entente evaluate gives %d agreements, want 1", len(list))
	}
	if err := contains("agreements[0]", want, list[0]); err != nil {
		return fmt.Errorf("entente's evaluate and OPA's /v1/data differ: %w", err)
	}
	return nil
}

// postJSON posts v as JSON and decodes the answer, which must be 200.
func postJSON(ctx context.Context, url string, v any) (any, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("POST %s answered %s: %s", url, resp.Status, raw)
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("POST %s: %w", url, err)
	}
	return out, nil
}

// contains checks that got holds everything want holds: the same scalars,
// arrays of the same length, and objects with at least want's members.
func contains(path string, want, got any) error {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: want an object, got %v", path, got)
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				return fmt.Errorf("%s.%s: missing", path, k)
			}
			if err := contains(path+"."+k, wv, gv); err != nil {
				return err
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Errorf("%s: want %v, got %v", path, want, got)
		}
		for i := range w {
			if err := contains(fmt.Sprintf("%s[%d]", path, i), w[i], g[i]); err != nil {
				return err
			}
		}
	default:
		if want != got {
			return fmt.Errorf("%s: want %v, got %v", path, want, got)
		}
	}
	return nil
}
