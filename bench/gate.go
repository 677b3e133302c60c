package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// gate compares the CI gate, entente check --measurements on a bundle,
// with opa eval of the same decision on the same bundle and input, as
// whole processes, as CI runs them.
func (h *harness) gate(ctx context.Context) error {
	dir := filepath.Join(h.work, "gate")
	bundle := filepath.Join(dir, "agreements.tar.gz")
	if err := h.customerBundle(ctx, dir, 1, bundle); err != nil {
		return err
	}
	name := customer(0)
	input := decisionInput()
	inputFile := filepath.Join(dir, "input.json")
	measurementsFile := filepath.Join(dir, "measurements.json")
	if err := writeJSON(inputFile, input); err != nil {
		return err
	}
	if err := writeJSON(measurementsFile, map[string]any{name: input}); err != nil {
		return err
	}
	ententeArgs := []string{"check", "--measurements", measurementsFile, "--format", "json", bundle}
	query := fmt.Sprintf("data.entente.agreements[%q].verdict", name)
	opaArgs := []string{"eval", "--bundle", bundle, "--input", inputFile, query}

	h.section("2. CI gate", fmt.Sprintf("entente check --measurements FILE --format json BUNDLE vs opa eval --bundle BUNDLE --input FILE '%s': "+
		"the same bundle of one agreement and the same input, whole processes taking turns to go first, median of %d runs", query, h.sizes.gateRuns))
	// The input is below the warning threshold of availability: at risk
	// or breached, as the objective of the customer is (exit 0 or 1).
	var e, o runs
	var ententeOut, opaOut []byte
	check := func() error {
		p, err := runProcess(ctx, dir, h.entente, ententeArgs...)
		if err == nil {
			err = p.mustExit("entente check", 0, 1)
		}
		e.add(p)
		ententeOut = p.stdout
		return err
	}
	eval := func() error {
		p, err := runProcess(ctx, dir, h.opa, opaArgs...)
		if err == nil {
			err = p.mustExit("opa eval", 0)
		}
		o.add(p)
		opaOut = p.stdout
		return err
	}
	if err := alternate(0, check, eval); err != nil {
		return err
	}
	if err := sameGateVerdicts(ententeOut, opaOut); err != nil {
		return err
	}
	e, o = runs{}, runs{} // the first runs only warm the page cache
	for run := range h.sizes.gateRuns {
		if err := alternate(run, check, eval); err != nil {
			return err
		}
	}
	for _, r := range e.rows(o, "", "", atMost(1)) {
		h.add(r)
	}
	return nil
}

// sameGateVerdicts checks that entente check's verdict of the agreement
// holds OPA's.
func sameGateVerdicts(ententeOut, opaOut []byte) error {
	var e struct {
		Agreements []any `json:"agreements"`
	}
	if err := json.Unmarshal(ententeOut, &e); err != nil {
		return fmt.Errorf("entente check --format json: %w", err)
	}
	var o struct {
		Result []struct {
			Expressions []struct {
				Value any `json:"value"`
			} `json:"expressions"`
		} `json:"result"`
	}
	if err := json.Unmarshal(opaOut, &o); err != nil {
		return fmt.Errorf("opa eval: %w", err)
	}
	if len(e.Agreements) != 1 || len(o.Result) != 1 || len(o.Result[0].Expressions) != 1 {
		return fmt.Errorf("want one verdict from each: entente gives %d agreements, opa %d results", len(e.Agreements), len(o.Result))
	}
	if err := contains("verdict", o.Result[0].Expressions[0].Value, e.Agreements[0]); err != nil {
		return fmt.Errorf("entente check and opa eval differ: %w", err)
	}
	return nil
}

func writeJSON(path string, v any) error {
	raw, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, raw, 0o644)
}
