package evaluator

import (
	"context"
	"time"

	"github.com/entente-dev/entente/verdict"
)

// Decide returns the verdicts of the selected agreements on measurements
// given as input documents (the policy's input, keyed by agreement): no
// queries at all. An agreement without an input is decided on an empty
// one, so that its SLOs are errors, never passes. at, when set, replaces
// the inputs' "at"; facts, when set, their facts.
func (s *Set) Decide(ctx context.Context, inputs map[string]map[string]any, opts Options) (*Verdict, error) {
	plans, err := s.selected(opts.Agreements)
	if err != nil {
		return nil, err
	}
	at := opts.At.Truncate(time.Second)
	if at.IsZero() {
		at = time.Now().Truncate(time.Second)
	}
	v := s.newVerdict(at)
	v.DataSource = &verdict.DataSource{Kind: "measurements"}
	for _, p := range plans {
		in := map[string]any{}
		for k, x := range inputs[p.Agreement] {
			in[k] = x
		}
		if _, ok := in["at"]; !ok || !opts.At.IsZero() {
			in["at"] = at.UTC().Format(time.RFC3339)
		}
		if f, ok := opts.Facts[p.Agreement]; ok {
			in["facts"] = f
		}
		result, err := s.decide(ctx, p, in)
		if err != nil {
			return nil, err
		}
		(&audit{}).annotate(p, &result)
		v.Add(result)
	}
	return v, nil
}
