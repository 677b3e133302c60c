package policies

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/entente-dev/entente/agreements"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

const goldenDir = "testdata/compiled"

func loadExamples(t testing.TB) *agreements.Set {
	t.Helper()
	set, diags := agreements.Load("../examples/agreements")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return set
}

func compileExamples(t testing.TB) *Tree {
	t.Helper()
	tree, err := Compile(loadExamples(t))
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func TestTheExamplesCompileToTheGoldenTree(t *testing.T) {
	tree := compileExamples(t)
	if *update {
		os.RemoveAll(goldenDir)
		for _, f := range tree.Files {
			p := filepath.Join(goldenDir, filepath.FromSlash(f.Path))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	var golden []string
	filepath.WalkDir(goldenDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(goldenDir, p)
			golden = append(golden, filepath.ToSlash(rel))
		}
		return nil
	})
	if len(golden) != len(tree.Files) {
		t.Errorf("the golden tree has %d files, the compiler wrote %d; run go test -update", len(golden), len(tree.Files))
	}
	for _, f := range tree.Files {
		want, err := os.ReadFile(filepath.Join(goldenDir, filepath.FromSlash(f.Path)))
		if err != nil {
			t.Errorf("%s: %v; run go test -update", f.Path, err)
			continue
		}
		if !bytes.Equal(want, f.Data) {
			t.Errorf("%s differs from the golden file; run go test -update and review the diff", f.Path)
		}
	}
}

func TestCompilingTwiceGivesIdenticalFiles(t *testing.T) {
	a, b := compileExamples(t), compileExamples(t)
	if len(a.Files) != len(b.Files) {
		t.Fatalf("%d files, then %d", len(a.Files), len(b.Files))
	}
	for i := range a.Files {
		if a.Files[i].Path != b.Files[i].Path || !bytes.Equal(a.Files[i].Data, b.Files[i].Data) {
			t.Errorf("%s differs between two compilations", a.Files[i].Path)
		}
	}
}

func TestTheGeneratedAndLibraryTestsPass(t *testing.T) {
	tree := compileExamples(t)
	modules, err := tree.Modules(true)
	if err != nil {
		t.Fatal(err)
	}
	data, err := tree.Data()
	if err != nil {
		t.Fatal(err)
	}
	results, err := RunTests(context.Background(), modules, data)
	if err != nil {
		t.Fatal(err)
	}
	perPackage := map[string]int{}
	for _, r := range results {
		if !r.Pass() {
			t.Errorf("%s.%s: %v", r.Package, r.Name, r.Error)
		}
		perPackage[r.Package]++
	}
	for _, name := range tree.Agreements {
		pkg := "data.entente.agreements[" + ast.StringTerm(name).String() + "]"
		// Each SLO has at least a pass, a fail and a no-data case.
		if n := perPackage[pkg]; n < 3 {
			t.Errorf("%s has %d generated tests", pkg, n)
		}
	}
	if perPackage["data.entente.lib_test"] < 20 {
		t.Errorf("the library has %d tests", perPackage["data.entente.lib_test"])
	}
}

func TestThePolicyHasOneRulePerObjectiveNamedAfterIt(t *testing.T) {
	tree := compileExamples(t)
	src := string(tree.File("entente/agreements/payments-hosting/policy.rego").Data)
	for _, want := range []string{
		"package entente.agreements[\"payments-hosting\"]",
		"# SLO availability: Monthly availability.",
		"slos[\"availability\"] := lib.slo(",
		"\"objective\": 99.9,",
		"credits[\"availability\"] := lib.credit(",
	} {
		if !strings.Contains(src, want) {
			t.Errorf("policy.rego does not contain %q", want)
		}
	}
}

// An agreement named without a hyphen has a package formatted as
// entente.agreements.onboarding: it must still be found.
func TestAnAgreementWithoutSLOsCreditsOrReviewCompilesAndDecides(t *testing.T) {
	tree := compileSource(t, `agreement "onboarding" {
  title     = "Onboarding duties"
  version   = "0.1.0"
  effective = "2026-01-01"
  party "customer" {
    name = "Globex Ltd"
  }
  responsibility "sso" {
    party = party.customer
    fact  = "sso_configured"
    due   = "2026-02-01"
  }
}
`)
	allTestsPass(t, tree)
	d, err := tree.Prepare(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for at, want := range map[string]string{
		"2026-01-15T00:00:00Z": "compliant",    // pending before the due date
		"2026-03-01T00:00:00Z": "inconclusive", // unknown after it
	} {
		v, _ := ast.InterfaceToValue(map[string]any{"at": at})
		got, err := d.Verdict(context.Background(), "onboarding", v)
		if err != nil {
			t.Fatal(err)
		}
		if got["status"] != want || got["credit_total"] != nil || got["review"] != nil {
			t.Errorf("at %s: status %v, credit_total %v, review %v; want %s, null, null", at, got["status"], got["credit_total"], got["review"], want)
		}
	}
}

func TestBoundsAtTheEdgeOfFloat64StillCompile(t *testing.T) {
	tree := compileSource(t, `agreement "edge" {
  title     = "Edge"
  version   = "1.0.0"
  effective = "2026-01-01"
  expires   = "9999-12-31"
  indicator "huge" {
    value = "max(max_over_time(x[${window}]))"
  }
  indicator "fine" {
    ratio {
      good  = "sum(increase(ok_total[${window}]))"
      total = "sum(increase(all_total[${window}]))"
    }
  }
  slo "huge" {
    indicator = indicator.huge
    max       = 1e308
    window    = "1d"
  }
  slo "fine" {
    indicator = indicator.fine
    objective = 99.9999999
    warning   = 99.99999995
    window    = "1d"
  }
}
`)
	allTestsPass(t, tree)
	// An agreement that expires in 9999 is active today.
	d, err := tree.Prepare(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	v, _ := ast.InterfaceToValue(map[string]any{"at": "2030-01-01T00:00:00Z"})
	got, err := d.Verdict(context.Background(), "edge", v)
	if err != nil {
		t.Fatal(err)
	}
	if got["inactive"] != nil {
		t.Errorf("an agreement expiring in 9999 is %v in 2030", got["inactive"])
	}
}

// allTestsPass runs the Rego tests of a tree and fails on any failure.
func allTestsPass(t *testing.T, tree *Tree) {
	t.Helper()
	modules, err := tree.Modules(true)
	if err != nil {
		t.Fatal(err)
	}
	data, err := tree.Data()
	if err != nil {
		t.Fatal(err)
	}
	results, err := RunTests(context.Background(), modules, data)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if !r.Pass() {
			t.Errorf("%s.%s fails: %v", r.Package, r.Name, r.Error)
		}
	}
}

// compileSource compiles one agreement given as HCL text.
func compileSource(t *testing.T, src string) *Tree {
	t.Helper()
	set, diags := agreements.Parse(agreements.Source{Name: "a.hcl", Bytes: []byte(src)})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	tree, err := Compile(set)
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// TestALibraryOlderThanTheEvaluatorIsRefused: a bundle built by an entente
// whose library did not check coverage would pass the figure of part of a
// window; it is refused, saying to rebuild it.
func TestALibraryOlderThanTheEvaluatorIsRefused(t *testing.T) {
	tree := compileExamples(t)
	modules, err := tree.Modules(false)
	if err != nil {
		t.Fatal(err)
	}
	data, err := tree.Data()
	if err != nil {
		t.Fatal(err)
	}
	old := strings.Replace(string(libraryModule), "contract := 2", "", 1)
	if old == string(libraryModule) {
		t.Fatal("the library has no contract to remove")
	}
	m, err := ast.ParseModuleWithOpts(libraryPath, old, ast.ParserOptions{RegoVersion: ast.RegoV1})
	if err != nil {
		t.Fatal(err)
	}
	modules[libraryPath] = m
	_, err = NewDecider(context.Background(), modules, data, tree.Agreements)
	if !errors.Is(err, ErrOldLibrary) || !strings.Contains(err.Error(), "rebuild the bundle") {
		t.Errorf("got %v, want the library refused as older, saying to rebuild", err)
	}
}
