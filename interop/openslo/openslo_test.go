package openslo

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"go.yaml.in/yaml/v3"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/interop"
	"github.com/entente-dev/entente/interop/internal/history"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// opts gives every import of the tests the same effective date.
var opts = Options{Effective: "2026-09-01", Now: time.Date(2026, 10, 22, 12, 0, 0, 0, time.UTC)}

// examples are the example documents of the OpenSLO specification, of
// oslo and of Sloth (testdata/*/LICENSE, README.md), and what each gives:
// the agreements written, or the errors, as "summary at line".
var examples = []struct {
	file   string
	want   []string
	errors []string
}{
	{file: "openslo-spec/readme/prometheus-ratio.yaml", want: []string{"foo"}},
	{file: "openslo-spec/readme/datadog-inline.yaml", errors: []string{"One time window needed at 9"}},
	{file: "openslo-spec/budgeting-method/occurences-slo.yaml", errors: []string{"Not a Prometheus source at 17"}},
	{file: "openslo-spec/budgeting-method/ratio-timeslices.yaml", errors: []string{"Not a Prometheus source at 18", "Not a Prometheus source at 23"}},
	// "1m" is a minute in OpenSLO, whatever the comment says.
	{file: "openslo-spec/budgeting-method/timeslices-slo.yaml", errors: []string{"Unsupported calendar window at 27"}},
	{file: "openslo-spec/treat-low-traffic-as-equally-important/timeslices-slo.yaml", errors: []string{"Not a Prometheus source at 16", "Not a Prometheus source at 21"}},
	{file: "oslo/validate/v1.yaml", want: []string{"web"}},
	{file: "oslo/v1/multi.yaml", errors: []string{"Not a Prometheus source at 30"}},
	{file: "oslo/v1/slo-composite-indicatorRef-rolling-no-alerts.yaml", errors: []string{"Composite SLO at 14"}},
	{file: "oslo/v1/slo-indicatorref-calendar-alerts.yaml", errors: []string{"Unknown SLI at 9"}},
	{file: "oslo/v1/slo-no-indicatorref-rolling-no-alerts.yaml", errors: []string{"Rolling window of months at 29"}},
	{file: "oslo/v1alpha/valid-slos-ratio.yaml", errors: []string{"Timeslices without a timeSliceWindow at 10"}},
	{file: "sloth/openslo-getting-started.yml", want: []string{"my-service"}},
	{file: "sloth/openslo-kubernetes-apiserver.yml", want: []string{"k8s-apiserver"}},
}

func importFile(t *testing.T, name string) ([]interop.Agreement, hcl.Diagnostics) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return Import([]interop.Source{{Name: name, Bytes: b}}, opts)
}

// Every example document that reads Prometheus imports to agreements that
// validate without a warning; every other is refused with an error at the
// line of what has no place in an agreement, and nothing is written for it.
func TestExamplesImportOrAreRefusedAtTheirLine(t *testing.T) {
	for _, ex := range examples {
		t.Run(ex.file, func(t *testing.T) {
			got, diags := importFile(t, ex.file)
			var names, errs []string
			for _, a := range got {
				if !a.Invalid {
					names = append(names, a.Name)
				}
			}
			for _, d := range diags {
				if d.Severity == hcl.DiagError {
					errs = append(errs, fmt.Sprintf("%s at %d", d.Summary, d.Subject.Start.Line))
				}
			}
			if !slices.Equal(names, ex.want) {
				t.Errorf("agreements %q, want %q", names, ex.want)
			}
			if !slices.Equal(errs, ex.errors) {
				t.Errorf("errors %q, want %q", errs, ex.errors)
			}
			for _, a := range got {
				_, vdiags := agreements.Parse(agreements.Source{Name: a.FileName, Bytes: a.HCL})
				if len(vdiags) > 0 {
					t.Errorf("%s does not validate cleanly: %s", a.FileName, vdiags.Error())
				}
				formatted, _ := agreements.Format(a.HCL, a.FileName)
				if !bytes.Equal(formatted, a.HCL) {
					t.Errorf("%s is not in the layout of entente fmt", a.FileName)
				}
			}
		})
	}
}

// The imported agreements are those of testdata/golden (go test -update
// rewrites them): what a user reviews in the files import writes.
func TestImportedAgreementsAreTheGoldenFiles(t *testing.T) {
	for _, ex := range examples {
		got, _ := importFile(t, ex.file)
		for _, a := range got {
			golden := filepath.Join("testdata", "golden", a.FileName)
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

// at is when the imported agreements are checked: Thursday 22 October
// 2026, noon UTC.
var at = time.Date(2026, 10, 22, 12, 0, 0, 0, time.UTC)

// The imported agreements, checked against a history made for them, give
// the figures the history was made for: the queries count what OpenSLO's
// queries counted, over the window OpenSLO gave.
func TestImportedAgreementsMeasureWhatOpenSLOMeant(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the policies and loads a history")
	}
	from, every := time.Date(2026, 9, 15, 0, 0, 0, 0, time.UTC), 5*time.Minute
	// The web SLO has slices of a minute: its requests are counted every
	// 30 seconds from the week before, with half of them failing for
	// the 30 minutes from 10:00 UTC on Tuesday 20 October.
	webFrom, outage := time.Date(2026, 10, 18, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 20, 10, 0, 0, 0, time.UTC)
	failing := func(t time.Time) int64 {
		if !t.Before(outage) && t.Before(outage.Add(30*time.Minute)) {
			return 25
		}
		return 1
	}
	counters := []history.Counter{
		{Name: "localhost_server_requests", Labels: `{code="2xx",host="*",instance="127.0.0.1:9090"}`, Step: 990},
		{Name: "localhost_server_requests", Labels: `{code="3xx",host="*",instance="127.0.0.1:9090"}`, Step: 5},
		{Name: "localhost_server_requests", Labels: `{code="total",host="*",instance="127.0.0.1:9090"}`, Step: 1000},
		{Name: "http_requests", Labels: `{code="2xx",component="web",k8s_cluster="prod"}`, From: webFrom, Every: 30 * time.Second, Rate: func(t time.Time) int64 { return 50 - failing(t) }},
		{Name: "http_requests", Labels: `{code="5xx",component="web",k8s_cluster="prod"}`, From: webFrom, Every: 30 * time.Second, Rate: failing},
		{Name: "http_request_duration_seconds_count", Labels: `{code="200",job="myservice"}`, Step: 9995},
		{Name: "http_request_duration_seconds_count", Labels: `{code="500",job="myservice"}`, Step: 5},
		{Name: "apiserver_request_total", Labels: `{code="200"}`, Step: 9995},
		{Name: "apiserver_request_total", Labels: `{code="503"}`, Step: 5},
		{Name: "apiserver_request_duration_seconds_bucket", Labels: `{le="0.4",verb="GET"}`, Step: 9800},
		{Name: "apiserver_request_duration_seconds_bucket", Labels: `{le="5",verb="GET"}`, Step: 9995},
		{Name: "apiserver_request_duration_seconds_count", Labels: `{verb="GET"}`, Step: 10000},
	}
	for i := range counters {
		if counters[i].From.IsZero() {
			counters[i].From, counters[i].Every = from, every
		}
		counters[i].To = at
	}
	path := history.Write(t, t.TempDir(), counters)

	var files []agreements.Source
	for _, ex := range examples {
		got, _ := importFile(t, ex.file)
		for _, a := range got {
			files = append(files, agreements.Source{Name: a.FileName, Bytes: a.HCL})
		}
	}
	got := history.Check(t, files, path, at)
	want := map[string]string{
		// 995 good requests of 1000 in October (New York time).
		"foo slo foo-slo-foo-total-errors": "pass 99.50",
		"foo slo foo-slo-bar-total-errors": "fail 99.50",
		// The week from Monday 19 October 00:00 in New York (04:00 UTC)
		// has 4800 minutes by noon UTC on Thursday; the 30 of the
		// outage, at 50% of errors, are below the 95% of a good slice.
		"web slo web-availability": "fail 99.38",
		// 30 days of 5 errors in 10000.
		"my-service slo sloth-slo-my-service":             "pass 99.95",
		"k8s-apiserver slo requests-availability-openslo": "pass 99.95",
		"k8s-apiserver slo requests-latency-openslo-1":    "fail 98.00",
		"k8s-apiserver slo requests-latency-openslo-2":    "pass 99.95",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %q, want %q", k, got[k], w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: %q, not expected", k, g)
		}
	}
}

// Export then import gives back every imported agreement byte for byte.
func TestExportThenImportGivesTheImportedAgreementBack(t *testing.T) {
	for _, ex := range examples {
		got, _ := importFile(t, ex.file)
		for _, a := range got {
			t.Run(a.FileName, func(t *testing.T) {
				again := roundTrip(t, agreements.Source{Name: a.FileName, Bytes: a.HCL})
				if len(again) != 1 || !bytes.Equal(again[0].HCL, a.HCL) {
					var text []byte
					if len(again) == 1 {
						text = again[0].HCL
					}
					t.Errorf("export then import gives\n%s\nwant\n%s", text, a.HCL)
				}
			})
		}
	}
}

// An agreement that holds everything the language has (the examples:
// parties, services, value, ratio and timeslice SLOs, exclusions,
// responsibilities, fees, credits, reports, reviews) comes back from
// export then import with the same terms.
func TestExportThenImportKeepsEveryTermOfTheExamples(t *testing.T) {
	for _, dir := range []string{"agreements", "cloud"} {
		set, diags := agreements.Load(filepath.Join("..", "..", "examples", dir))
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		exported, err := Export(set)
		if err != nil {
			t.Fatal(err)
		}
		var sources []interop.Source
		for _, x := range exported {
			sources = append(sources, interop.Source{Name: x.Name + ".yaml", Bytes: withoutSource(t, x.YAML)})
		}
		imported, idiags := Import(sources, opts)
		if idiags.HasErrors() {
			t.Fatal(idiags.Error())
		}
		var files []agreements.Source
		for _, a := range imported {
			files = append(files, agreements.Source{Name: a.FileName, Bytes: a.HCL})
		}
		back, bdiags := agreements.Parse(files...)
		if bdiags.HasErrors() {
			t.Fatal(bdiags.Error())
		}
		for _, a := range set.Agreements {
			b := back.Agreement(a.Name)
			if b == nil {
				t.Errorf("%s: not imported back", a.Name)
				continue
			}
			if want, got := terms(t, a), terms(t, b); got != want {
				t.Errorf("%s: export then import changes the terms:\n%s\nwant\n%s", a.Name, got, want)
			}
		}
	}
}

// terms is an agreement as JSON, its blocks in name order: what it says,
// whatever the order of its blocks in the file.
func terms(t *testing.T, a *agreements.Agreement) string {
	t.Helper()
	c := *a
	c.Indicators = slices.Clone(a.Indicators)
	sort.Slice(c.Indicators, func(i, j int) bool { return c.Indicators[i].Name < c.Indicators[j].Name })
	c.SLOs = slices.Clone(a.SLOs)
	sort.Slice(c.SLOs, func(i, j int) bool { return c.SLOs[i].Name < c.SLOs[j].Name })
	b, err := json.MarshalIndent(c, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// roundTrip exports agreement files and imports the result.
func roundTrip(t *testing.T, files ...agreements.Source) []interop.Agreement {
	t.Helper()
	set, diags := agreements.Parse(files...)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	exported, err := Export(set)
	if err != nil {
		t.Fatal(err)
	}
	var sources []interop.Source
	for _, x := range exported {
		sources = append(sources, interop.Source{Name: x.Name + ".yaml", Bytes: withoutSource(t, x.YAML)})
	}
	imported, idiags := Import(sources, opts)
	if idiags.HasErrors() {
		t.Fatalf("%s\n%s", idiags.Error(), sources[0].Bytes)
	}
	return imported
}

// withoutSource drops the agreement's text an export carries, so that
// import writes the agreement from the documents: what the round trips
// test is the mapping of each term, not the carried text.
func withoutSource(t *testing.T, stream []byte) []byte {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(stream))
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			break
		}
		if meta := interop.Field(doc.Content[0], "metadata"); meta != nil {
			if ann := interop.Field(meta, "annotations"); ann != nil {
				for i := 0; i+1 < len(ann.Content); i += 2 {
					if ann.Content[i].Value == Prefix+"source" {
						ann.Content = append(ann.Content[:i], ann.Content[i+2:]...)
						break
					}
				}
			}
		}
		if err := enc.Encode(&doc); err != nil {
			t.Fatal(err)
		}
	}
	enc.Close()
	return out.Bytes()
}

// An agreement filled in after its import, with parties, a fee, credits,
// an exclusion and a review, and the attributes of SLOs OpenSLO lacks,
// comes back from export then import byte for byte.
func TestExportThenImportKeepsWhatOpenSLOCannotSay(t *testing.T) {
	src := `# Imported from OpenSLO, then completed.
agreement "shop" {
  title     = "Web shop"
  version   = "1.2.0"
  effective = "2026-04-01"
  expires   = "2028-04-01"
  time_zone = "Europe/Paris"

  party "provider" {
    name    = "Shop Hosting SAS"
    contact = "sla@hosting.example"
  }
  party "customer" {
    name = "Web Shop GmbH"
  }

  service "shop" {
    description = "The web shop"
    includes    = ["www.shop.example"]
  }

  # Requests answered without a server error.
  indicator "requests" {
    description = "Shop requests"
    coverage    = false

    ratio {
      bad   = "sum(increase(http_requests_total{job='shop',code=~'5..'}[${window}])) or vector(0)"
      total = "sum(increase(http_requests_total{job='shop'}[${window}]))"
    }
  }

  indicator "latency_p99" {
    value = "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job='shop'}[${window}])))"
    unit  = "s"
  }

  slo "availability" {
    description = "Monthly availability"
    indicator   = indicator.requests
    objective   = 99.9
    warning     = 99.95
    calendar    = "month"
    min_events  = 1000
    no_data     = "fail"
  }

  slo "latency" {
    indicator = indicator.latency_p99
    max       = 0.5
    warning   = 0.4
    window    = "7d"
  }

  slo "uptime" {
    indicator = indicator.requests
    objective = 99.5
    window    = "30d"

    timeslices {
      slice     = "5m"
      objective = 99
      missing   = "good"
      min_run   = 2
    }
  }

  slo "mean-uptime" {
    indicator = indicator.requests
    objective = 99.9
    calendar  = "month"

    timeslices {
      slice   = "5m"
      measure = "mean"
      empty   = "good"
    }
  }

  exclusion "sunday" {
    cron     = "0 2 * * SUN"
    duration = "1h"
  }

  fee {
    monthly  = 1000
    currency = "EUR"
  }

  credit "availability" {
    slo = slo.availability
    tier {
      below   = 99.9
      percent = 10
    }
  }

  review {
    every         = "26w"
    last_reviewed = "2026-04-01"
    owner         = party.provider
  }
}
`
	again := roundTrip(t, agreements.Source{Name: "shop.hcl", Bytes: []byte(src)})
	if len(again) != 1 || string(again[0].HCL) != src {
		t.Errorf("export then import gives\n%s", again[0].HCL)
	}
}

// What cannot be imported is refused where it is written, and the rest of
// an import goes on.
func TestWhatHasNoPlaceIsRefusedAtItsLine(t *testing.T) {
	for _, c := range []struct {
		name, yaml, want string
	}{
		{"a threshold metric averaged over ratio timeslices", `apiVersion: openslo/v1
kind: SLO
metadata:
  name: latency
spec:
  service: shop
  indicator:
    metadata:
      name: p99
    spec:
      thresholdMetric:
        metricSource:
          type: Prometheus
          spec:
            query: histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: RatioTimeslices
  objectives:
    - op: lte
      value: 0.5
      target: 0.99
      timeSliceWindow: 5m
`, "RatioTimeslices of a threshold metric at 19"},
		{"two time zones in one service", `apiVersion: openslo/v1
kind: SLO
metadata:
  name: a
spec:
  service: shop
  indicatorRef: r
  timeWindow:
    - duration: 1M
      calendar:
        timeZone: Europe/Paris
  budgetingMethod: Occurrences
  objectives:
    - target: 0.99
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: b
spec:
  service: shop
  indicatorRef: r
  timeWindow:
    - duration: 1M
      calendar:
        timeZone: Europe/Berlin
  budgetingMethod: Occurrences
  objectives:
    - target: 0.99
---
apiVersion: openslo/v1
kind: SLI
metadata:
  name: r
spec:
  ratioMetric:
    counter: true
    good:
      metricSource:
        type: Prometheus
        spec:
          query: sum(ok_total)
    total:
      metricSource:
        type: Prometheus
        spec:
          query: sum(all_total)
`, "Two time zones in one service at 26"},
		{"an annotation that would add an agreement", `apiVersion: openslo/v1
kind: Service
metadata:
  name: shop
  annotations:
    entente.dev/parties: |
      party "provider" {
        name = "P"
      }
      }
      agreement "other" {
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: a
spec:
  service: shop
  indicator:
    spec:
      ratioMetric:
        good:
          metricSource:
            type: Prometheus
            spec:
              query: sum(ok_total)
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(all_total)
  timeWindow:
    - duration: 28d
  budgetingMethod: Occurrences
  objectives:
    - target: 0.99
`, "Invalid annotation at 6"},
		{"a query that is not PromQL", `apiVersion: openslo/v1
kind: SLO
metadata:
  name: a
spec:
  service: shop
  indicator:
    spec:
      ratioMetric:
        good:
          metricSource:
            type: Prometheus
            spec:
              query: sum(ok_total
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(all_total)
  timeWindow:
    - duration: 28d
  budgetingMethod: Occurrences
  objectives:
    - target: 0.99
`, "Invalid query at 14"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, diags := Import([]interop.Source{{Name: "x.yaml", Bytes: []byte(c.yaml)}}, opts)
			var errs []string
			for _, d := range diags.Errs() {
				var hd *hcl.Diagnostic
				if hd = diagnostic(d); hd != nil && hd.Subject != nil {
					errs = append(errs, fmt.Sprintf("%s at %d", hd.Summary, hd.Subject.Start.Line))
				}
			}
			if !slices.Contains(errs, c.want) {
				t.Errorf("errors %q, want %q", errs, c.want)
			}
			for _, a := range got {
				if !a.Invalid {
					t.Errorf("%s written:\n%s", a.FileName, a.HCL)
				}
			}
		})
	}
}

func diagnostic(err error) *hcl.Diagnostic {
	d, _ := err.(*hcl.Diagnostic)
	return d
}

// The names of the files and agreements say where they came from.
func TestImportNamesTheAgreementAfterTheService(t *testing.T) {
	got, _ := importFile(t, "oslo/validate/v1.yaml")
	if len(got) != 1 || !strings.HasPrefix(string(got[0].HCL), "# Imported from OpenSLO") || !strings.Contains(string(got[0].HCL), `agreement "web" {`) {
		t.Errorf("got %+v", got)
	}
}

// A misspelt field is not dropped silently: it is a warning at its line.
func TestUnknownFieldsAreWarnedAbout(t *testing.T) {
	doc := `apiVersion: openslo/v1
kind: SLO
metadata:
  name: a
spec:
  service: shop
  indicator:
    spec:
      ratioMetric:
        good:
          metricSource:
            type: Prometheus
            spec:
              query: sum(ok_total)
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(all_total)
  timeWindow:
    - duration: 28d
  budgetingMethod: Occurrences
  objectives:
    - target: 0.99
      timeSliceTarge: 0.9
`
	got, diags := Import([]interop.Source{{Name: "x.yaml", Bytes: []byte(doc)}}, opts)
	var warnings []string
	for _, d := range diags {
		if d.Severity == hcl.DiagWarning {
			warnings = append(warnings, fmt.Sprintf("%s at %d", d.Summary, d.Subject.Start.Line))
		}
	}
	if !slices.Equal(warnings, []string{"Unknown field ignored at 25"}) || len(got) != 1 || got[0].Invalid {
		t.Errorf("warnings %q, %d agreements", warnings, len(got))
	}
}

// Each example agreement, exported and imported as it is, comes back byte
// for byte, comments and layout included: the export carries its text,
// and every document came back unchanged.
func TestExportThenImportGivesTheExamplesBackByteForByte(t *testing.T) {
	for _, dir := range []string{"agreements", "cloud"} {
		set, diags := agreements.Load(filepath.Join("..", "..", "examples", dir))
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		exported, err := Export(set)
		if err != nil {
			t.Fatal(err)
		}
		var sources []interop.Source
		for _, x := range exported {
			sources = append(sources, interop.Source{Name: x.Name + ".yaml", Bytes: x.YAML})
		}
		imported, idiags := Import(sources, opts)
		if idiags.HasErrors() {
			t.Fatal(idiags.Error())
		}
		for _, a := range imported {
			want, err := os.ReadFile(filepath.Join("..", "..", "examples", dir, a.FileName))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a.HCL, want) {
				t.Errorf("examples/%s/%s differs after export then import:\n%s", dir, a.FileName, a.HCL)
			}
		}
		if len(imported) != len(set.Agreements) {
			t.Errorf("%d agreements imported back, want %d", len(imported), len(set.Agreements))
		}
	}
}

// A document edited in an OpenSLO tool (a target lowered) is imported as it
// now reads: the carried text is not written over the change.
func TestAnEditedDocumentIsImportedAsItNowReads(t *testing.T) {
	set, diags := agreements.Load(filepath.Join("..", "..", "examples", "agreements", "payments-hosting.hcl"))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	exported, err := Export(set)
	if err != nil {
		t.Fatal(err)
	}
	edited := bytes.Replace(exported[0].YAML, []byte("targetPercent: 99.9\n"), []byte("targetPercent: 99.5\n"), 1)
	if bytes.Equal(edited, exported[0].YAML) {
		t.Fatal("the export has no targetPercent: 99.9")
	}
	imported, idiags := Import([]interop.Source{{Name: "payments-hosting.yaml", Bytes: edited}}, opts)
	if idiags.HasErrors() {
		t.Fatal(idiags.Error())
	}
	back, bdiags := agreements.Parse(agreements.Source{Name: "payments-hosting.hcl", Bytes: imported[0].HCL})
	if bdiags.HasErrors() {
		t.Fatal(bdiags.Error())
	}
	if o := back.Agreements[0].SLO("availability").Objective; o == nil || *o != 99.5 {
		t.Errorf("the imported objective is %v, want the edited 99.5", o)
	}
}
