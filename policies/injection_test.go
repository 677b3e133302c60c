package policies

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"
)

// hostile are strings that would change the policy if they were pasted into
// Rego as text: quotes, escapes, new lines, braces, comments, keywords.
var hostile = []string{
	`"`, `\`, `\"`, "line\nbreak", "carriage\rreturn", "}", "{", "#", "# comment\nverdict := {}",
	`"} else := true if {`, "`raw`", "\u2028separator\u2029", "émoji 🚀", "\x00nul", "${window}",
	`"}, input) default verdict := {"status": "compliant"} x := lib.slo({"a": "`,
	"METADATA", "METADATA {\"entrypoint\":true,\"title\":\"injected\"}",
	"METADATA\nscope: document\ntitle: injected",
}

// setStrings writes s into every free-text field of the examples: the
// words of the agreement, which reach the Rego as terms or comments.
func withStrings(t testing.TB, s string) *Tree {
	t.Helper()
	set := loadExamples(t)
	for _, a := range set.Agreements {
		a.Title = s
		for _, p := range a.Parties {
			p.LegalName, p.Contact = s, s
		}
		for _, svc := range a.Services {
			svc.Description = s
			svc.Includes = []string{s}
		}
		for _, ind := range a.Indicators {
			ind.Description = s
			if ind.Kind == "value" {
				ind.Unit = s
			}
		}
		for _, slo := range a.SLOs {
			slo.Description = s
		}
		for _, r := range a.Responsibilities {
			r.Description = s
		}
		for _, e := range a.Exclusions {
			e.Description = s
		}
	}
	tree, err := Compile(set)
	if err != nil {
		t.Fatalf("compiling with %q: %v", s, err)
	}
	return tree
}

func verdictOf(t testing.TB, tree *Tree, input map[string]any) map[string]any {
	t.Helper()
	d, err := tree.Prepare(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	v, err := ast.InterfaceToValue(input)
	if err != nil {
		t.Fatal(err)
	}
	out, err := d.Verdict(context.Background(), "payments-hosting", v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestAnyStringComesOutUnchangedAndNeverChangesTheLogic(t *testing.T) {
	input := parityInputs()["breached"]
	want := normalize(verdictOf(t, compileExamples(t), input)).(map[string]any)
	for _, s := range hostile {
		t.Run(s, func(t *testing.T) {
			got := normalize(verdictOf(t, withStrings(t, s), input)).(map[string]any)
			wantTitle := strings.ToValidUTF8(s, "\uFFFD")
			if got["title"] != wantTitle {
				t.Errorf("title %q came out as %q", wantTitle, got["title"])
			}
			if got["status"] != want["status"] {
				t.Errorf("status %v, want %v", got["status"], want["status"])
			}
			for i, slo := range got["slos"].([]any) {
				if slo.(map[string]any)["status"] != want["slos"].([]any)[i].(map[string]any)["status"] {
					t.Errorf("SLO %d changed status", i)
				}
			}
			if msg := got["slos"].([]any)[1].(map[string]any)["message"].(string); !strings.HasSuffix(msg, " "+wantTitle) {
				t.Errorf("the latency message %q does not end with the unit %q", msg, wantTitle)
			}
		})
	}
}

// FuzzCompileStrings: whatever the words of an agreement, the compiled
// module compiles and the words come out as they went in.
func FuzzCompileStrings(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	input := parityInputs()["compliant"]
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			// HCL files are UTF-8; the loader never passes anything else.
			return
		}
		got := verdictOf(t, withStrings(t, s), input)
		if got["title"] != s {
			t.Errorf("title %q came out as %q", s, got["title"])
		}
		if got["status"] != "compliant" {
			t.Errorf("status %v, want compliant", got["status"])
		}
	})
}
