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
// and checks that it gives exactly the diagnostics its first lines name, at
// the lines marked "# <-", and nothing else: one mistake, one message.
func TestEachRuleGivesOneDiagnosticAtTheRightLine(t *testing.T) {
	cases := loadRuleCases(t)
	if len(cases) < 80 {
		t.Fatalf("testdata/rules.txtar holds %d cases; expected the full set", len(cases))
	}
	var golden bytes.Buffer
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// The comment lines that open the first file name the
			// diagnostics, in order; "# <-" marks their lines, in order.
			type want struct {
				summary  string
				severity hcl.DiagnosticSeverity
				file     string
				line     int
			}
			var wants []want
			for _, line := range strings.Split(string(c.sources[0].Bytes), "\n") {
				s, ok := strings.CutPrefix(line, "# ")
				if !ok {
					break
				}
				w := want{summary: s, severity: hcl.DiagError}
				if s, ok := strings.CutPrefix(s, "warning: "); ok {
					w.summary, w.severity = s, hcl.DiagWarning
				}
				wants = append(wants, w)
			}
			marked := 0
			for _, src := range c.sources {
				for i, line := range strings.Split(string(src.Bytes), "\n") {
					if strings.HasSuffix(line, "# <-") && marked < len(wants) {
						wants[marked].file, wants[marked].line = src.Name, i+1
						marked++
					}
				}
			}

			set, diags := Parse(c.sources...)
			fmt.Fprintf(&golden, "== %s\n", c.name)
			wr := hcl.NewDiagnosticTextWriter(&golden, set.Files, 100, false)
			if err := wr.WriteDiagnostics(diags); err != nil {
				t.Fatal(err)
			}

			if len(diags) != len(wants) {
				t.Fatalf("got %d diagnostics, want %d:\n%s", len(diags), len(wants), diags)
			}
			for i, w := range wants {
				d := diags[i]
				if d.Summary != w.summary || d.Severity != w.severity {
					t.Errorf("got %s %q, want %s %q", severity(d.Severity), d.Summary, severity(w.severity), w.summary)
				}
				if d.Detail == "" {
					t.Errorf("diagnostic %q has no detail to say how to fix it", d.Summary)
				}
				switch {
				case w.line == 0 && d.Subject != nil:
					t.Errorf("%q points at %s, want no place", d.Summary, d.Subject)
				case w.line != 0 && d.Subject == nil:
					t.Errorf("%q has no place, want %s:%d", d.Summary, w.file, w.line)
				case w.line != 0 && (d.Subject.Filename != w.file || d.Subject.Start.Line != w.line):
					t.Errorf("%q points at %s:%d, want %s:%d", d.Summary, d.Subject.Filename, d.Subject.Start.Line, w.file, w.line)
				}
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
