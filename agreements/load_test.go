package agreements

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
)

const examplesDir = "../examples/agreements"

func TestTheExamplesLoadWithoutAnyDiagnosticAndMatchTheGoldenModel(t *testing.T) {
	set, diags := Load(examplesDir)
	if len(diags) > 0 {
		t.Fatalf("the examples give diagnostics:\n%s", diags)
	}
	if len(set.Agreements) < 3 {
		t.Fatalf("loaded %d agreements, want at least 3", len(set.Agreements))
	}
	got, err := json.MarshalIndent(set, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "testdata/examples.golden.json", append(got, '\n'))
}

func TestTheSpecExampleValidatesUnchangedAndIsTheFormattedExample(t *testing.T) {
	spec, err := os.ReadFile("testdata/spec-example.hcl")
	if err != nil {
		t.Fatal(err)
	}
	set, diags := Parse(Source{Name: "spec-example.hcl", Bytes: spec})
	if len(diags) > 0 {
		t.Fatalf("the example of SPEC §1 gives diagnostics:\n%s", diags)
	}
	if a := set.Agreement("payments-hosting"); a == nil || len(a.SLOs) != 3 {
		t.Fatalf("payments-hosting not loaded with its 3 SLOs: %+v", set.Agreements)
	}
	formatted, diags := Format(spec, "spec-example.hcl")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	example, err := os.ReadFile(filepath.Join(examplesDir, "payments-hosting.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	if string(formatted) != string(example) {
		t.Error("examples/agreements/payments-hosting.hcl is not the SPEC example in canonical layout")
	}
}

func TestTheModelKeepsTheLineOfEveryBlock(t *testing.T) {
	src := `agreement "a" {
  title     = "A"
  version   = "1.0.0"
  effective = "2026-01-01"
  indicator "up" {
    value = "avg_over_time(up[${window}])"
  }

  slo "up" {
    indicator = indicator.up
    min       = 0.99
    window    = "1d"
  }
  responsibility "r" {
    party = party.p
    fact  = "done"
  }
  party "p" {
    name = "P"
  }
}
`
	set, diags := Parse(Source{Name: "a.hcl", Bytes: []byte(src)})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	a := set.Agreements[0]
	for _, c := range []struct {
		what string
		rng  hcl.Range
		line int
	}{
		{"agreement", a.DeclRange, 1},
		{"indicator", a.Indicators[0].DeclRange, 5},
		{"slo", a.SLOs[0].DeclRange, 9},
		{"responsibility", a.Responsibilities[0].DeclRange, 14},
		{"party", a.Parties[0].DeclRange, 18},
	} {
		if c.rng.Filename != "a.hcl" || c.rng.Start.Line != c.line {
			t.Errorf("%s is at %s, want a.hcl:%d", c.what, c.rng, c.line)
		}
	}
}

func TestAllErrorsInAllFilesAreReportedInOneRun(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "one.hcl", `agreement "one" {
  title     = "One"
  version   = "1"
  effective = "2026-01-01"
  time_zone = "Mars/Olympus"
  indicator "up" {
    value = "avg_over_time(up[${window}]"
  }
}
`)
	write(t, dir, "sub/two.hcl", `agreement "two" {
  title     = "Two"
  version   = "1.0.0"
  effective = "2026-01-01"
  indicator "up" {
    value = "avg_over_time(up[${window}])"
  }
  slo "up" {
    indicator = indicator.upp
    min       = 0.9
    window    = "7 days"
  }
  exclusion "night" {
    cron     = "0 25 * * *"
    duration = "1h"
  }
}
`)
	_, diags := Load(dir)
	want := []string{
		"one.hcl:3 Invalid version",
		"one.hcl:5 Unknown time zone",
		"one.hcl:7 Invalid PromQL query",
		"sub/two.hcl:9 Reference to undeclared indicator",
		"sub/two.hcl:11 Invalid duration",
		"sub/two.hcl:14 Invalid cron expression",
	}
	var got []string
	for _, d := range diags {
		rel, _ := filepath.Rel(dir, d.Subject.Filename)
		got = append(got, rel+":"+itoa(d.Subject.Start.Line)+" "+d.Summary)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got diagnostics\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestLoadingReportsPathsThatHoldNoAgreements(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, ".git/config.hcl", `not an agreement`)
	write(t, dir, "README.md", "# notes")
	for _, c := range []struct {
		name    string
		path    string
		summary string
	}{
		{"a path that does not exist", filepath.Join(dir, "missing"), "Cannot read path"},
		{"a directory with no .hcl file outside hidden directories", dir, "No agreement files"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, diags := Load(c.path)
			if len(diags) != 1 || diags[0].Summary != c.summary {
				t.Fatalf("got %s, want one %q", diags, c.summary)
			}
			if !strings.Contains(diags[0].Detail, c.path) {
				t.Errorf("the detail %q does not name the path", diags[0].Detail)
			}
		})
	}
}

func TestPromQLErrorsPointAtTheColumnOfTheMistake(t *testing.T) {
	for _, c := range []struct {
		name, value, at string
	}{
		{"a bad label matcher", `sum(rate(http_requests_total{code=~5..}[${window}]))`, `5..`},
		{"an unknown function", `sum(rates(http_requests_total[${window}]))`, `rates(`},
		{"a range vector", `http_requests_total[${window}]`, `http_requests_total[`},
	} {
		t.Run(c.name, func(t *testing.T) {
			line := `    value = "` + c.value + `"`
			src := "agreement \"a\" {\n  title     = \"A\"\n  version   = \"1.0.0\"\n  effective = \"2026-01-01\"\n  indicator \"x\" {\n" + line + "\n  }\n}\n"
			_, diags := Parse(Source{Name: "a.hcl", Bytes: []byte(src)})
			if len(diags) != 1 {
				t.Fatalf("got %d diagnostics, want 1: %s", len(diags), diags)
			}
			wantCol := strings.Index(line, c.at) + 1
			if s := diags[0].Subject; s.Start.Line != 6 || s.Start.Column != wantCol {
				t.Errorf("%q points at line %d column %d, want line 6 column %d (%q)", diags[0].Summary, s.Start.Line, s.Start.Column, wantCol, c.at)
			}
		})
	}
}

func TestQueryExpandsTheWindowInWholeSeconds(t *testing.T) {
	q := Query("sum(increase(x[${window}])) / sum(increase(y[${window}]))")
	got := q.Expand(30 * 24 * time.Hour)
	want := "sum(increase(x[2592000s])) / sum(increase(y[2592000s]))"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestReviewIsDueOnTheSameDateOfTheNextYear(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		last  time.Time
		every string
		want  time.Time
	}{
		{"across a clock change", time.Date(2026, 3, 10, 0, 0, 0, 0, ny), "1y", time.Date(2027, 3, 10, 0, 0, 0, 0, ny)},
		{"across a leap day", time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC), "1y", time.Date(2028, 6, 1, 0, 0, 0, 0, time.UTC)},
		{"in days", time.Date(2026, 10, 1, 0, 0, 0, 0, ny), "90d", time.Date(2026, 12, 30, 0, 0, 0, 0, ny)},
		{"in hours", time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), "36h", time.Date(2026, 10, 2, 12, 0, 0, 0, time.UTC)},
	} {
		t.Run(c.name, func(t *testing.T) {
			var every Review
			if err := every.Every.Set(c.every); err != nil {
				t.Fatal(err)
			}
			every.LastReviewed = c.last
			if got := every.Due(); !got.Equal(c.want) {
				t.Errorf("due %s, want %s", got, c.want)
			}
		})
	}
}

func TestFormatRestoresAScrambledExample(t *testing.T) {
	names, _ := filepath.Glob(filepath.Join(examplesDir, "*.hcl"))
	for _, name := range names {
		t.Run(filepath.Base(name), func(t *testing.T) {
			orig, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			same, diags := Format(orig, name)
			if diags.HasErrors() || string(same) != string(orig) {
				t.Fatalf("the example is not in canonical layout: %s", diags)
			}
			scrambled := scramble(string(orig))
			if scrambled == string(orig) {
				t.Fatal("scrambling changed nothing")
			}
			restored, diags := Format([]byte(scrambled), name)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			if string(restored) != string(orig) {
				t.Errorf("fmt did not restore the example:\n%s", lineDiff(orig, restored))
			}
		})
	}
}

// scramble strips indentation and alignment, the way hand edits go wrong.
func scramble(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		l = strings.TrimLeft(l, " ")
		if k, v, ok := strings.Cut(l, "="); ok && !strings.HasPrefix(l, "#") {
			l = strings.TrimRight(k, " ") + "=" + strings.TrimLeft(v, " ")
		}
		lines[i] = "\t" + l
	}
	return strings.Join(lines, "\n")
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
