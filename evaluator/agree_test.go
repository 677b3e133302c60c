package evaluator

import (
	"math"
	"testing"
)

// agree checks that two verdicts on the same history from two engines say
// the same: every status, the same credits, and each figure within 0.01 of
// a percentage point (a value within 1%: VictoriaMetrics's increase() does
// not extrapolate to the range's edges as Prometheus's does), coverage
// within a point.
func agree(t *testing.T, what string, got, want *Verdict) {
	t.Helper()
	if got.Status != want.Status {
		t.Errorf("%s: the verdict is %s, want %s", what, got.Status, want.Status)
	}
	wanted := map[string]map[string]any{}
	for _, a := range written(t, want) {
		wanted[a["agreement"].(string)] = a
	}
	for _, a := range written(t, got) {
		name := a["agreement"].(string)
		w := wanted[name]
		if w == nil {
			t.Errorf("%s: agreement %s is not in both", what, name)
			continue
		}
		if a["status"] != w["status"] {
			t.Errorf("%s: %s is %v, want %v", what, name, a["status"], w["status"])
		}
		for _, kind := range []string{"slos", "responsibilities", "credits"} {
			others := byName(w[kind])
			for block, r := range byName(a[kind]) {
				o := others[block]
				where := what + ": " + name + " " + kind + "/" + block
				if o == nil {
					t.Errorf("%s is not in both", where)
					continue
				}
				if r["status"] != o["status"] {
					t.Errorf("%s is %v (%v), want %v (%v)", where, r["status"], r["message"], o["status"], o["message"])
				}
				tolerance := 0.01
				if kind == "responsibilities" || (kind == "slos" && r["objective"] == nil) { // a value, not a percentage
					tolerance = -0.01 // relative
				}
				for _, key := range []string{"measured", "percent"} {
					if !near(r[key], o[key], tolerance) {
						t.Errorf("%s: %s is %v, want %v", where, key, r[key], o[key])
					}
				}
				rc, _ := r["coverage"].(map[string]any)
				oc, _ := o["coverage"].(map[string]any)
				if (rc == nil) != (oc == nil) || (rc != nil && !near(rc["percent"], oc["percent"], 1)) {
					t.Errorf("%s: coverage is %v, want %v", where, rc, oc)
				}
			}
		}
	}
}

// near compares two figures: within tolerance, or within -tolerance of
// the larger when it is negative; nulls must both be null.
func near(a, b any, tolerance float64) bool {
	x, okA := number(a)
	y, okB := number(b)
	if !okA || !okB {
		return okA == okB && a == b
	}
	if tolerance < 0 {
		tolerance = -tolerance * math.Max(math.Max(math.Abs(x), math.Abs(y)), 1)
	}
	return math.Abs(x-y) <= tolerance
}
