package sloth

import (
	"bytes"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/interop"
	"github.com/entente-dev/entente/interop/internal/history"
	"github.com/entente-dev/entente/interop/openslo"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

var opts = Options{Effective: "2026-09-01", Now: time.Date(2026, 10, 22, 12, 0, 0, 0, time.UTC)}

// examples are Sloth's example specs (testdata/sloth/LICENSE) and what
// each gives: the agreements written, or the errors, as "summary at line".
var examples = []struct {
	file   string
	want   []string
	errors []string
}{
	{file: "getting-started.yml", want: []string{"myservice"}},
	{file: "k8s-getting-started.yml", want: []string{"myservice"}},
	{file: "home-wifi.yml", want: []string{"home-wifi"}},
	{file: "k8s-home-wifi.yml", want: []string{"home-wifi"}},
	{file: "kubernetes-apiserver.yml", want: []string{"k8s-apiserver"}},
	{file: "multifile.yml", want: []string{"myservice", "myservice2"}},
	{file: "k8s-multifile.yml", want: []string{"myservice", "myservice2"}},
	{file: "no-alerts.yml", want: []string{"myapp"}},
	{file: "raw-home-wifi.yml", errors: []string{"Raw SLI at 28"}},
	{file: "plugin-getting-started.yml", errors: []string{"Plugin SLI at 14"}},
}

func importFile(t *testing.T, name string) ([]interop.Agreement, hcl.Diagnostics) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "sloth", name))
	if err != nil {
		t.Fatal(err)
	}
	return Import([]interop.Source{{Name: name, Bytes: b}}, opts)
}

// Every example spec with events imports to agreements that validate
// without a warning, in the layout of entente fmt; a raw or plugin SLI is
// refused at its line.
func TestExamplesImportOrAreRefusedAtTheirLine(t *testing.T) {
	for _, ex := range examples {
		t.Run(ex.file, func(t *testing.T) {
			got, diags := importFile(t, ex.file)
			var names, errs []string
			for _, a := range got {
				if !a.Invalid {
					names = append(names, a.Name)
				}
				_, vdiags := agreements.Parse(agreements.Source{Name: a.FileName, Bytes: a.HCL})
				if len(vdiags) > 0 {
					t.Errorf("%s does not validate cleanly: %s", a.FileName, vdiags.Error())
				}
				if formatted, _ := agreements.Format(a.HCL, a.FileName); !bytes.Equal(formatted, a.HCL) {
					t.Errorf("%s is not in the layout of entente fmt", a.FileName)
				}
			}
			for _, d := range diags {
				if d.Severity == hcl.DiagError {
					errs = append(errs, fmt.Sprintf("%s at %d", d.Summary, d.Subject.Start.Line))
				}
			}
			if !slices.Equal(names, ex.want) || !slices.Equal(errs, ex.errors) {
				t.Errorf("agreements %q, errors %q; want %q, %q", names, errs, ex.want, ex.errors)
			}
		})
	}
}

// The imported agreements are those of testdata/golden (go test -update
// rewrites them).
func TestImportedAgreementsAreTheGoldenFiles(t *testing.T) {
	for _, ex := range examples {
		got, _ := importFile(t, ex.file)
		for _, a := range got {
			golden := filepath.Join("testdata", "golden", ex.file[:len(ex.file)-len(filepath.Ext(ex.file))], a.FileName)
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, a.HCL, 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v: run go test -update", err)
			}
			if !bytes.Equal(a.HCL, want) {
				t.Errorf("%s differs from %s:\n%s", ex.file, golden, a.HCL)
			}
		}
	}
}

// A spec and its PrometheusServiceLevel give the same agreement, and
// --window 28d measures over 28 days.
func TestSpecAndKubernetesObjectGiveOneAgreement(t *testing.T) {
	a, _ := importFile(t, "getting-started.yml")
	b, _ := importFile(t, "k8s-getting-started.yml")
	if len(a) != 1 || len(b) != 1 || !bytes.Equal(a[0].HCL, b[0].HCL) {
		t.Errorf("getting-started.yml and k8s-getting-started.yml give different agreements")
	}
	src, _ := os.ReadFile(filepath.Join("testdata", "sloth", "getting-started.yml"))
	o := opts
	o.Window = "28d"
	got, _ := Import([]interop.Source{{Name: "g.yml", Bytes: src}}, o)
	if len(got) != 1 || !bytes.Contains(got[0].HCL, []byte(`window      = "28d"`)) {
		t.Errorf("--window 28d: %s", got[0].HCL)
	}
}

// Checked against a history made for them, the imported SLOs give the
// ratio of Sloth's queries over 30 days.
func TestImportedAgreementsMeasureWhatSlothMeant(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the policies and loads a history")
	}
	at := time.Date(2026, 10, 22, 12, 0, 0, 0, time.UTC)
	from := time.Date(2026, 9, 15, 0, 0, 0, 0, time.UTC)
	counters := []history.Counter{
		{Name: "http_request_duration_seconds_count", Labels: `{code="200",job="myservice"}`, Step: 9990},
		{Name: "http_request_duration_seconds_count", Labels: `{code="429",job="myservice"}`, Step: 8},
		{Name: "http_request_duration_seconds_count", Labels: `{code="503",job="myservice"}`, Step: 2},
		{Name: "apiserver_request_total", Labels: `{code="200"}`, Step: 9995},
		{Name: "apiserver_request_total", Labels: `{code="503"}`, Step: 5},
		{Name: "apiserver_request_duration_seconds_bucket", Labels: `{le="0.4",verb="GET"}`, Step: 9950},
		{Name: "apiserver_request_duration_seconds_count", Labels: `{verb="GET"}`, Step: 10000},
	}
	for i := range counters {
		counters[i].From, counters[i].Every, counters[i].To = from, 5*time.Minute, at
	}
	path := history.Write(t, t.TempDir(), counters)
	var files []agreements.Source
	for _, name := range []string{"getting-started.yml", "kubernetes-apiserver.yml"} {
		got, _ := importFile(t, name)
		for _, a := range got {
			files = append(files, agreements.Source{Name: a.FileName, Bytes: a.HCL})
		}
	}
	got := history.Check(t, files, path, at)
	want := map[string]string{
		// 10 errors (5xx and 429) in 10000 requests: 99.9, the objective.
		"myservice slo requests-availability":     "pass 99.90",
		"k8s-apiserver slo requests-availability": "pass 99.95",
		// 50 requests in 10000 slower than 0.4s.
		"k8s-apiserver slo requests-latency": "pass 99.50",
	}
	if !maps.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// An imported Sloth agreement goes out to OpenSLO and comes back the same.
func TestExportToOpenSLOAndBackGivesTheAgreement(t *testing.T) {
	for _, ex := range examples {
		got, _ := importFile(t, ex.file)
		for _, a := range got {
			set, diags := agreements.Parse(agreements.Source{Name: a.FileName, Bytes: a.HCL})
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			exported, err := openslo.Export(set)
			if err != nil {
				t.Fatal(err)
			}
			back, bdiags := openslo.Import([]interop.Source{{Name: "x.yaml", Bytes: exported[0].YAML}}, openslo.Options{})
			if bdiags.HasErrors() || len(back) != 1 || !bytes.Equal(back[0].HCL, a.HCL) {
				t.Errorf("%s: export then import: %v, %d agreements", ex.file, bdiags, len(back))
			}
		}
	}
}
