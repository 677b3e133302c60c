package verdict_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/policies"
	"github.com/entente-dev/entente/verdict"
)

// write encodes v as entente check -o json does.
func write(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// generic decodes JSON keeping numbers as they are written.
func generic(t *testing.T, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// Documents read into the model are written again with the same members
// and figures; those entente wrote (the golden report), byte for byte.
// The other fixtures were written by tests, with members in other orders.
func TestWrittenDocumentsAreWrittenAgainAsTheyWere(t *testing.T) {
	for path, exactly := range map[string]bool{
		"../internal/verdictschema/testdata/verdicts-2026-10-20.json":    false,
		"../internal/verdictschema/testdata/verdicts-2026-03-20.json":    false,
		"../internal/verdictschema/testdata/handwritten.json":            false,
		"../cmd/entente/testdata/reports/2026-W43-payments-hosting.json": true,
		"../report/testdata/october.json":                                false,
		"../report/testdata/verdict.json":                                false,
	} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var doc verdict.Document
			if err := json.Unmarshal(want, &doc); err != nil {
				t.Fatal(err)
			}
			got := write(t, &doc)
			if !reflect.DeepEqual(generic(t, got), generic(t, want)) {
				t.Fatalf("the model does not write what it read:\n%s", firstDifference(got, want))
			}
			if exactly && !bytes.Equal(got, want) {
				t.Errorf("the model writes the same document otherwise:\n%s", firstDifference(got, want))
			}
		})
	}
}

// The policies' answers on real inputs (the example agreements, measured
// as the evaluator measures them) decode into the model without losing a
// member: a member the policy gives and the model lacks fails here.
func TestPolicyAnswersLoseNothing(t *testing.T) {
	set, diags := agreements.Load(filepath.Join("..", "examples", "agreements"))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	tree, err := policies.Compile(set)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	decider, err := tree.Prepare(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"verdicts-2026-10-20.inputs.json", "verdicts-2026-03-20.inputs.json"} {
		b, err := os.ReadFile(filepath.Join("..", "internal", "verdictschema", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		var inputs map[string]any
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		if err := d.Decode(&inputs); err != nil {
			t.Fatal(err)
		}
		for agreement, input := range inputs {
			t.Run(name+"/"+agreement, func(t *testing.T) {
				answer, err := decider.VerdictOf(ctx, agreement, input)
				if err != nil {
					t.Fatal(err)
				}
				a, err := verdict.FromPolicy(answer)
				if err != nil {
					t.Fatal(err)
				}
				want := write(t, answer)
				got := write(t, a)
				if !bytes.Equal(got, want) {
					t.Errorf("the model does not write the policy's answer:\n%s", firstDifference(got, want))
				}
			})
		}
	}
}

// firstDifference shows the lines around the first line that differs.
func firstDifference(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		if i >= len(g) || i >= len(w) || g[i] != w[i] {
			from := max(i-3, 0)
			return "got:\n" + strings.Join(g[from:min(i+3, len(g))], "\n") + "\nwant:\n" + strings.Join(w[from:min(i+3, len(w))], "\n")
		}
	}
	return ""
}

// Text with <, > and & (a query's comparison, a description) is written
// as it was read by an encoder that does not escape HTML, as entente
// check -o json writes; one that does escapes it everywhere alike.
func TestTextIsEscapedOnlyAsTheEncoderSays(t *testing.T) {
	in := `{"agreement":"a","credit_total":null,"credits":[],"inactive":null,"report":{"effective":"2026-01-01T00:00:00Z","exclusions":[{"description":"a < b & c > d","intervals":[],"name":"e","seconds":0,"slos":null}],"expires":null,"fee":null,"parties":null,"period":{"end":"2026-02-01T00:00:00Z","start":"2026-01-01T00:00:00Z","time_zone":"UTC"},"reporting":null,"services":null},"responsibilities":[],"review":null,"slos":[{"name":"s","status":"error","message":"x < 1 & y > 2","queries":[{"query":"up < 1"}]}],"status":"inconclusive","title":"T & U","version":"1.0.0"}`
	var a verdict.Agreement
	if err := json.Unmarshal([]byte(in), &a); err != nil {
		t.Fatal(err)
	}
	if got, want := write(t, a), write(t, generic(t, []byte(in))); !bytes.Equal(got, want) {
		t.Errorf("written unescaped:\n%s\nwant\n%s", got, want)
	}
	escaped, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(generic(t, []byte(in)))
	if !bytes.Equal(escaped, want) {
		t.Errorf("written escaped:\n%s\nwant\n%s", escaped, want)
	}
}
