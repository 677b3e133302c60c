package agreements

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/rogpeppe/go-internal/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// ruleCase is one broken agreement from testdata/rules.txtar.
type ruleCase struct {
	name    string
	sources []Source
}

func loadRuleCases(t *testing.T) []ruleCase {
	t.Helper()
	ar, err := txtar.ParseFile("testdata/rules.txtar")
	if err != nil {
		t.Fatal(err)
	}
	var cases []ruleCase
	index := map[string]int{}
	for _, f := range ar.Files {
		name := strings.TrimSuffix(f.Name, ".hcl")
		if dir := path.Dir(f.Name); dir != "." {
			name = dir
		}
		i, ok := index[name]
		if !ok {
			i = len(cases)
			index[name] = i
			cases = append(cases, ruleCase{name: name})
		}
		cases[i].sources = append(cases[i].sources, Source{Name: f.Name, Bytes: f.Data})
	}
	return cases
}

// TestEachRuleGivesOneDiagnosticAtTheRightLine loads each broken agreement
// and checks that it gives exactly the diagnostic its first line names, at the
// line marked "# <-", and nothing else: one mistake, one message.
func TestEachRuleGivesOneDiagnosticAtTheRightLine(t *testing.T) {
	cases := loadRuleCases(t)
	if len(cases) < 80 {
		t.Fatalf("testdata/rules.txtar holds %d cases; expected the full set", len(cases))
	}
	var golden bytes.Buffer
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			first := string(c.sources[0].Bytes)
			want := strings.TrimPrefix(strings.SplitN(first, "\n", 2)[0], "# ")
			wantSeverity := hcl.DiagError
			if s, ok := strings.CutPrefix(want, "warning: "); ok {
				want, wantSeverity = s, hcl.DiagWarning
			}
			wantFile, wantLine := "", 0
			for _, src := range c.sources {
				for i, line := range strings.Split(string(src.Bytes), "\n") {
					if strings.HasSuffix(line, "# <-") {
						wantFile, wantLine = src.Name, i+1
					}
				}
			}

			set, diags := Parse(c.sources...)
			fmt.Fprintf(&golden, "== %s\n", c.name)
			wr := hcl.NewDiagnosticTextWriter(&golden, set.Files, 100, false)
			if err := wr.WriteDiagnostics(diags); err != nil {
				t.Fatal(err)
			}

			if len(diags) != 1 {
				t.Fatalf("got %d diagnostics, want exactly one %q:\n%s", len(diags), want, diags)
			}
			d := diags[0]
			if d.Summary != want || d.Severity != wantSeverity {
				t.Errorf("got %s %q, want %q", severity(d.Severity), d.Summary, want)
			}
			if d.Detail == "" {
				t.Errorf("diagnostic %q has no detail to say how to fix it", d.Summary)
			}
			switch {
			case wantLine == 0 && d.Subject != nil:
				t.Errorf("diagnostic points at %s, want no place", d.Subject)
			case wantLine != 0 && d.Subject == nil:
				t.Errorf("diagnostic has no place, want %s:%d", wantFile, wantLine)
			case wantLine != 0 && (d.Subject.Filename != wantFile || d.Subject.Start.Line != wantLine):
				t.Errorf("diagnostic points at %s:%d, want %s:%d", d.Subject.Filename, d.Subject.Start.Line, wantFile, wantLine)
			}
		})
	}
	checkGolden(t, "testdata/rules.golden", golden.Bytes())
}

func severity(s hcl.DiagnosticSeverity) string {
	if s == hcl.DiagWarning {
		return "warning"
	}
	return "error"
}

// checkGolden compares got with a golden file, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(name, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(name)
	if err != nil {
		t.Fatalf("%s; run go test -update to create it", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what the code produces; run go test -update and review the diff:\n%s", name, lineDiff(want, got))
	}
}

// lineDiff shows the first lines where two texts part.
func lineDiff(want, got []byte) string {
	w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n  golden: %q\n  now:    %q", i+1, wl, gl)
		}
	}
	return ""
}
