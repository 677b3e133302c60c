package evaluator

import (
	"encoding/json"
	"strings"
	"testing"
)

// written is the agreements of a verdict as its JSON reads: the tests
// check what users are given.
func written(tb testing.TB, v *Verdict) []map[string]any {
	tb.Helper()
	b, err := json.Marshal(v.Agreements)
	if err != nil {
		tb.Fatal(err)
	}
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	var out []map[string]any
	if err := d.Decode(&out); err != nil {
		tb.Fatal(err)
	}
	return out
}

// number reads a figure of written JSON; false for null.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	return 0, false
}

// queriesOf is the queries a block of written JSON lists.
func queriesOf(tb testing.TB, block map[string]any) []QueryRecord {
	tb.Helper()
	b, err := json.Marshal(block["queries"])
	if err != nil {
		tb.Fatal(err)
	}
	var out []QueryRecord
	if err := json.Unmarshal(b, &out); err != nil {
		tb.Fatal(err)
	}
	return out
}
