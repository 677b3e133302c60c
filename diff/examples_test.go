package diff

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/evaluator"
	"github.com/entente-dev/entente/internal/examplemetrics"
	"github.com/entente-dev/entente/policies"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// A realistic change to each example, as a pull request would make it, and
// what the diff says of it in text and Markdown, with its impact on the
// examples' October data: the golden files in testdata are what a
// reviewer reads.
func TestTheExamplesChangesMatchTheirGoldenFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the policies and loads the history")
	}
	for _, c := range []struct {
		name, file string
		edits      []string
	}{
		// The provider lowers the objective and excludes the migration of
		// 28 October, and forgets the version.
		{"payments-hosting", "payments-hosting.hcl", []string{
			`objective   = 99.9           # percent: the contractual commitment`, `objective   = 99.5           # percent: the contractual commitment`,
			`  exclusion "datacenter-move" {`, "  exclusion \"october-migration\" {\n    description = \"Migration to the new cluster\"\n    from        = \"2026-10-28T12:00:00Z\"\n    to          = \"2026-10-28T16:00:00Z\"\n  }\n  exclusion \"datacenter-move\" {",
		}},
		// The customer negotiates a stricter availability credit and a
		// looser rate limit, in a new minor version.
		{"geo-api", "geo-api.hcl", []string{
			`version   = "1.2.0"`, `version   = "1.3.0"`,
			`      below   = 99.5` + "\n      percent = 25", `      below   = 99.5` + "\n      percent = 30",
			`max         = 5`, `max         = 8`,
		}},
		// The support desk gets 30 minutes to acknowledge a P1, in a patch
		// version, and the review date goes back by mistake.
		{"managed-support", "managed-support.hcl", []string{
			`version   = "3.0.2"`, `version   = "3.0.3"`,
			`max         = 15`, `max         = 30`,
			`last_reviewed = "2026-01-05"`, `last_reviewed = "2025-01-05"`,
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			// From the root of the repository, as entente diff runs there.
			t.Chdir("..")
			dir := filepath.Join("examples", "agreements")
			old, diags := agreements.Load(dir)
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			var sources []agreements.Source
			for name := range old.Files {
				raw, err := os.ReadFile(name)
				if err != nil {
					t.Fatal(err)
				}
				if filepath.Base(name) == c.file {
					raw = []byte(edit(t, string(raw), c.edits...))
				}
				sources = append(sources, agreements.Source{Name: filepath.ToSlash(name), Bytes: raw})
			}
			new, diags := agreements.Parse(sources...)
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			r := Compare(old, new)
			impact := october(t, old, new)
			doc := NewDocument(r, "main:examples/agreements", "examples/agreements", "2026-10", impact)
			validDocument(t, doc)
			validDocument(t, NewDocument(r, "main:examples/agreements", "examples/agreements", "", nil))
			for _, format := range []struct {
				ext   string
				write func(*bytes.Buffer, *Document) error
			}{
				{"txt", func(b *bytes.Buffer, d *Document) error { return Text(b, d) }},
				{"md", func(b *bytes.Buffer, d *Document) error { return Markdown(b, d) }},
			} {
				var got bytes.Buffer
				if err := format.write(&got, doc); err != nil {
					t.Fatal(err)
				}
				golden := filepath.Join("diff", "testdata", c.name+"."+format.ext)
				if *update {
					if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v: run go test ./diff -update", err)
				}
				if !bytes.Equal(got.Bytes(), want) {
					t.Errorf("the diff differs from %s; run go test ./diff -update and review the diff:\n%s", golden, got.String())
				}
			}
			// What the change means, whatever the wording of the files.
			changed := map[string]bool{}
			for _, ch := range r.Changes {
				changed[ch.Agreement] = true
			}
			if len(changed) != 1 || !changed[c.name] {
				t.Errorf("changes in %v, want in %s alone", changed, c.name)
			}
		})
	}
}

// The October impact of the payments-hosting change: the objective lowered
// and the outage of 28 October excluded, October is no longer breached and
// the 10% credit (1,200 EUR) is gone; nothing else moves.
func TestTheImpactOnOctober(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the policies and loads the history")
	}
	raw, err := os.ReadFile("testdata/payments-hosting.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"impact on 2026-10: at_risk (was breached)",
		"SLO availability warn 99.9461% (was fail 99.7907%)",
		"credits 10%, 1,200 EUR → 0%, 0 EUR",
		"slo availability: objective", "99.9 → 99.5", "looser for the provider",
		"exclusion october-migration", "error: payments-hosting changes 2 terms, but its version is still 2.1.0",
	} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("testdata/payments-hosting.txt does not say %q", want)
		}
	}
}

// october measures both sets on the examples' October history.
func october(t *testing.T, old, new *agreements.Set) []Impact {
	t.Helper()
	ctx := context.Background()
	sets := make([]*evaluator.Set, 2)
	for i, s := range []*agreements.Set{old, new} {
		tree, err := policies.Compile(s)
		if err != nil {
			t.Fatal(err)
		}
		if sets[i], err = evaluator.FromTree(ctx, tree); err != nil {
			t.Fatal(err)
		}
	}
	var paths []string
	for _, name := range examplemetrics.Files {
		if strings.HasSuffix(name, ".om") {
			paths = append(paths, filepath.Join("examples", "metrics", name))
		}
	}
	src, err := evaluator.LoadFiles(ctx, paths, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	period, err := evaluator.ParsePeriod("2026-10")
	if err != nil {
		t.Fatal(err)
	}
	facts := map[string]map[string]any{}
	raw, err := os.ReadFile(filepath.Join("examples", "metrics", "facts.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &facts); err != nil {
		t.Fatal(err)
	}
	end, _ := time.Parse(time.RFC3339, examplemetrics.End)
	counting := &countingSource{Source: src}
	impact, _, _, err := Measure(ctx, sets[0], sets[1], counting, evaluator.Options{Period: period, Now: end, Facts: facts})
	if err != nil {
		t.Fatal(err)
	}
	// The old and the new terms share most of their queries: each is sent
	// once, so the two evaluations send far fewer than twice one's.
	one := &countingSource{Source: src}
	if _, err := sets[0].Evaluate(ctx, one, evaluator.Options{Period: period, Now: end, Facts: facts}); err != nil {
		t.Fatal(err)
	}
	if counting.n.Load() > one.n.Load()*3/2 {
		t.Errorf("both versions sent %d queries, one alone %d: the shared ones are sent twice", counting.n.Load(), one.n.Load())
	}
	return impact
}

// countingSource counts the queries sent to its source.
type countingSource struct {
	evaluator.Source
	n atomic.Int64
}

func (c *countingSource) Query(ctx context.Context, q string, t time.Time) (evaluator.Answer, error) {
	c.n.Add(1)
	return c.Source.Query(ctx, q, t)
}

func (c *countingSource) QueryRange(ctx context.Context, q string, start, end time.Time, step time.Duration) (evaluator.Answer, error) {
	c.n.Add(1)
	return c.Source.QueryRange(ctx, q, start, end, step)
}

// validDocument checks a diff document against docs/diff.schema.json, from
// the root of the repository.
func validDocument(t *testing.T, doc *Document) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("docs", "diff.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	schemaDoc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("diff.schema.json", schemaDoc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("diff.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(v); err != nil {
		t.Errorf("the JSON document does not match docs/diff.schema.json: %v", err)
	}
}
