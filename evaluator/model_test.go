package evaluator

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/entente-dev/entente/verdict"
)

// sameJSON says whether two encodings hold the same members and figures.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	read := func(raw []byte) any {
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		var v any
		if err := d.Decode(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	return reflect.DeepEqual(read(a), read(b))
}

// The policies' answers on the example history decode into the verdict
// model and are written back with the same members and figures: a member
// a policy gives and the model lacks would be dropped, and fails here.
func TestTheModelKeepsEveryMemberOfThePoliciesAnswers(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the policies and loads the history")
	}
	set, src, facts := exampleSet(t), exampleFiles(t), exampleFacts(t)
	ctx := context.Background()
	at := time.Date(2026, 10, 22, 12, 0, 0, 0, time.UTC) // the history's At
	m := newMemo(src, nil)
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	inputs := map[string]map[string]any{}
	for _, p := range set.Plans {
		in, _, err := set.measure(ctx, m, sem, &wg, p, at, nil, facts[p.Agreement], slog.New(slog.DiscardHandler))
		if err != nil {
			wg.Wait()
			t.Fatal(err)
		}
		inputs[p.Agreement] = in
	}
	wg.Wait()
	for _, p := range set.Plans {
		value, err := ast.InterfaceToValue(inputs[p.Agreement])
		if err != nil {
			t.Fatal(err)
		}
		answer, err := set.Decider.Verdict(ctx, p.Agreement, value)
		if err != nil {
			t.Fatal(err)
		}
		a, err := verdict.FromPolicy(answer)
		if err != nil {
			t.Fatalf("%s: %v", p.Agreement, err)
		}
		want, _ := json.Marshal(answer)
		got, _ := json.Marshal(a)
		if !sameJSON(t, got, want) {
			t.Errorf("%s: the model writes\n%s\nthe policy answered\n%s", p.Agreement, got, want)
		}
	}
}

// A check and a report of the example history, with everything entente
// adds to the policies' answers, read into the model are written back
// byte for byte.
func TestRealVerdictsAreWrittenBackAsTheyWere(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the policies and loads the history")
	}
	set, src, facts := exampleSet(t), exampleFiles(t), exampleFacts(t)
	month, err := ParsePeriod("2026-10")
	if err != nil {
		t.Fatal(err)
	}
	for name, opts := range map[string]Options{
		"check":  {At: time.Date(2026, 10, 22, 12, 0, 0, 0, time.UTC), Facts: facts},
		"report": {Period: month, Now: time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC), Facts: facts},
	} {
		t.Run(name, func(t *testing.T) {
			v, err := set.Evaluate(context.Background(), src, opts)
			if err != nil {
				t.Fatal(err)
			}
			want, err := json.MarshalIndent(v, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			var doc verdict.Document
			if err := json.Unmarshal(want, &doc); err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(&doc, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("read and written back, the verdict differs:\n%s\nwas\n%s", got, want)
			}
		})
	}
}
