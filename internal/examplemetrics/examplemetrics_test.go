package examplemetrics

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/textparse"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/evaluator"
	"github.com/entente-dev/entente/policies"
	"github.com/entente-dev/entente/verdict"
)

// committed is where the generated files are committed, from this package.
var committed = filepath.Join("..", "..", "examples", "metrics")

const regenerate = "run `go run examples/metrics/generate.go` from the root of the repository and commit the result"

// The committed files are what the generator writes: nobody edits them by
// hand, and a change to the generator comes with its files.
func TestCommittedFilesAreGenerated(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	all := slices.Concat(Files, CloudFiles)
	if len(entries) != len(all) {
		t.Errorf("Write wrote %d files, Files and CloudFiles name %d", len(entries), len(all))
	}
	for _, name := range all {
		want, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(committed, name))
		if err != nil {
			t.Errorf("examples/metrics/%s: %v: %s", name, err, regenerate)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("examples/metrics/%s differs from what the generator writes (line %d): %s", name, firstDifference(got, want), regenerate)
		}
	}
	// Twice the same.
	again := t.TempDir()
	if err := Write(again); err != nil {
		t.Fatal(err)
	}
	for _, name := range Files {
		a, _ := os.ReadFile(filepath.Join(dir, name))
		b, _ := os.ReadFile(filepath.Join(again, name))
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two runs of the generator differ", name)
		}
	}
}

func firstDifference(a, b []byte) int {
	line := 1
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return line
		}
		if a[i] == '\n' {
			line++
		}
	}
	return line
}

// Every file is OpenMetrics with a timestamp on every sample, each series
// in time order and counters ending at End, counters and histogram buckets
// never going down, and buckets never above the next one.
func TestFilesAreOpenMetrics(t *testing.T) {
	end := mustTime(End).Unix() * 1000
	var total int64
	for _, name := range slices.Concat(Files, CloudFiles) {
		if !strings.HasSuffix(name, ".om") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(committed, name)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			total += int64(len(data))
			if !bytes.HasSuffix(data, []byte("\n# EOF\n")) {
				t.Errorf("does not end with # EOF")
			}
			type last struct {
				t   int64
				v   float64
				typ model.MetricType
			}
			seen := map[string]*last{}
			// buckets holds, per histogram series without le and per time,
			// the buckets by upper bound.
			buckets := map[string]map[int64]map[float64]float64{}
			var typ model.MetricType
			p := textparse.NewOpenMetricsParser(data, labels.NewSymbolTable())
			samples := 0
			for {
				e, err := p.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatalf("not OpenMetrics: %v", err)
				}
				switch e {
				case textparse.EntryType:
					_, typ = p.Type()
				case textparse.EntryHistogram:
					t.Fatal("native histogram")
				case textparse.EntrySeries:
					samples++
					_, ts, v := p.Series()
					var lset labels.Labels
					p.Labels(&lset)
					key := lset.String()
					if ts == nil {
						t.Fatalf("%s: no timestamp", key)
					}
					if *ts%1000 != 0 {
						t.Errorf("%s: timestamp %d ms is not whole seconds", key, *ts)
					}
					if *ts > end {
						t.Errorf("%s: sample at %s, after End", key, time.UnixMilli(*ts).UTC().Format(time.RFC3339))
					}
					if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
						t.Errorf("%s: value %v", key, v)
					}
					l, ok := seen[key]
					switch {
					case !ok:
						seen[key] = &last{*ts, v, typ}
					case *ts <= l.t:
						t.Fatalf("%s: sample at %d after one at %d: not in time order", key, *ts, l.t)
					case (typ == model.MetricTypeCounter || typ == model.MetricTypeHistogram) && v < l.v:
						t.Errorf("%s: counter goes down from %v to %v at %s", key, l.v, v, time.UnixMilli(*ts).UTC())
					default:
						l.t, l.v = *ts, v
					}
					if typ == model.MetricTypeHistogram {
						le, err := strconv.ParseFloat(lset.Get("le"), 64)
						if err != nil {
							t.Fatalf("%s: le: %v", key, err)
						}
						h := labels.NewBuilder(lset).Del("le").Labels().String()
						if buckets[h] == nil {
							buckets[h] = map[int64]map[float64]float64{}
						}
						if buckets[h][*ts] == nil {
							buckets[h][*ts] = map[float64]float64{}
						}
						buckets[h][*ts][le] = v
					}
				}
			}
			if samples == 0 {
				t.Fatal("no samples")
			}
			for h, byTime := range buckets {
				for ts, bs := range byTime {
					if _, ok := bs[math.Inf(1)]; !ok {
						t.Fatalf("%s at %d: no +Inf bucket", h, ts)
					}
					prev, prevLE := -1.0, 0.0
					for _, le := range slices.Sorted(maps.Keys(bs)) {
						if bs[le] < prev {
							t.Fatalf("%s at %d: bucket le=%v (%v) below le=%v (%v)", h, ts, le, bs[le], prevLE, prev)
						}
						prev, prevLE = bs[le], le
					}
				}
			}
			for key, l := range seen {
				if l.typ == model.MetricTypeCounter && l.t != end {
					t.Errorf("%s: the counter ends at %s, not at End", key, time.UnixMilli(l.t).UTC().Format(time.RFC3339))
				}
			}
			t.Logf("%d series, %d samples, %d bytes", len(seen), samples, len(data))
		})
	}
	// The cloud histories have a sample a minute (two every 5 minutes for
	// object storage) for a month: 14.5 MB, 0.9 MB compressed in Git.
	if total > 22_000_000 {
		t.Errorf("the files take %d bytes: keep them under 22 MB", total)
	}
}

// Checked at At, the example agreements give the verdict the history was
// designed for (examples/metrics/README.md): every query finds data, and
// every SLO, responsibility and credit has its intended status and the
// figure the README gives.
func TestVerdictAtAt(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the policies and loads the history")
	}
	ev, src, facts := examples(t)
	v, err := ev.Evaluate(context.Background(), src, evaluator.Options{At: mustTime(At), Facts: facts})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"payments-hosting":                                   "at_risk",
		"payments-hosting slo availability":                  "warn 99.93",
		"payments-hosting slo latency":                       "pass 0.21",
		"payments-hosting slo uptime":                        "pass 99.85",
		"payments-hosting responsibility p1-acknowledgement": "met 12",
		"payments-hosting responsibility staging-access":     "met",
		"payments-hosting credit availability":               "none",
		"payments-hosting review":                            "current",

		"geo-api":                                       "breached",
		"geo-api slo availability":                      "fail 99.74",
		"geo-api slo geocode-latency":                   "warn 0.36",
		"geo-api slo latency-hours":                     "pass 99.29",
		"geo-api slo tile-availability":                 "pass 99.80",
		"geo-api slo external-uptime":                   "pass 99.93",
		"geo-api responsibility stay-within-rate-limit": "met 2.63",
		"geo-api responsibility ip-allowlist":           "breached",
		"geo-api credit availability":                   "owed 10",
		"geo-api credit geocode-latency":                "none",
		"geo-api review":                                "current",

		"managed-support":                                    "breached",
		"managed-support slo p1-acknowledgement":             "fail 22",
		"managed-support slo p2-acknowledgement":             "pass 41",
		"managed-support slo first-response":                 "pass 8013",
		"managed-support slo resolution":                     "warn 96.67",
		"managed-support slo portal-availability":            "pass 99.88",
		"managed-support slo oncall-coverage":                "pass 99.95",
		"managed-support responsibility restore-tests":       "met 3",
		"managed-support responsibility critical-patching":   "breached 19",
		"managed-support responsibility change-approval":     "met 30",
		"managed-support responsibility vpn-access":          "met",
		"managed-support responsibility runbook-handover":    "met",
		"managed-support responsibility escalation-contacts": "met",
		"managed-support credit resolution":                  "none",
		"managed-support credit p1-acknowledgement":          "owed 2",
		"managed-support review":                             "overdue",
	}
	for k, g := range compare(t, v, want) {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: %q, not in the design: add it to the README and to this test", k, g)
		}
	}
}

// Reported on for October, for its week 43 and for its 28th, each in
// every agreement's own time zone, the examples give the outcome
// examples/metrics/README.md documents: October is over by End in every
// zone, and every SLO finds data for the whole period.
func TestReportsOfOctober(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the policies and loads the history")
	}
	ev, src, facts := examples(t)
	for _, c := range []struct {
		period string
		want   map[string]string
	}{
		{"2026-10", map[string]string{
			"payments-hosting":                                   "breached",
			"payments-hosting slo availability":                  "fail 99.79",
			"payments-hosting slo latency":                       "warn 0.27",
			"payments-hosting slo uptime":                        "pass 99.77",
			"payments-hosting responsibility p1-acknowledgement": "met 12",
			"payments-hosting responsibility staging-access":     "met",
			"payments-hosting credit availability":               "owed 10",
			"payments-hosting review":                            "current",

			"geo-api":                                       "breached",
			"geo-api slo availability":                      "fail 99.82",
			"geo-api slo geocode-latency":                   "warn 0.36",
			"geo-api slo latency-hours":                     "fail 98.88",
			"geo-api slo tile-availability":                 "pass 99.82",
			"geo-api slo external-uptime":                   "pass 99.96",
			"geo-api responsibility stay-within-rate-limit": "met 2.59",
			"geo-api responsibility ip-allowlist":           "breached",
			"geo-api credit availability":                   "owed 10",
			"geo-api credit geocode-latency":                "none",
			"geo-api review":                                "current",

			"managed-support":                                    "breached",
			"managed-support slo p1-acknowledgement":             "fail 22",
			"managed-support slo p2-acknowledgement":             "pass 41",
			"managed-support slo first-response":                 "pass 8344",
			"managed-support slo resolution":                     "warn 95.12",
			"managed-support slo portal-availability":            "pass 99.94",
			"managed-support slo oncall-coverage":                "pass 99.93",
			"managed-support responsibility restore-tests":       "met 3",
			"managed-support responsibility critical-patching":   "breached 19",
			"managed-support responsibility change-approval":     "met 30",
			"managed-support responsibility vpn-access":          "met",
			"managed-support responsibility runbook-handover":    "met",
			"managed-support responsibility escalation-contacts": "met",
			"managed-support credit resolution":                  "none",
			"managed-support credit p1-acknowledgement":          "owed 2",
			"managed-support review":                             "overdue",
		}},
		{"2026-W43", map[string]string{
			"payments-hosting":                     "compliant",
			"payments-hosting slo availability":    "pass 99.98",
			"payments-hosting slo latency":         "pass 0.21",
			"payments-hosting slo uptime":          "pass 99.86",
			"payments-hosting credit availability": "none",

			"geo-api":                        "breached",
			"geo-api slo availability":       "pass 99.99",
			"geo-api slo geocode-latency":    "warn 0.36",
			"geo-api slo latency-hours":      "pass 99.29",
			"geo-api slo tile-availability":  "pass 99.85",
			"geo-api slo external-uptime":    "pass 99.95",
			"geo-api credit availability":    "none",
			"geo-api credit geocode-latency": "none",

			"managed-support":                                  "breached",
			"managed-support slo p1-acknowledgement":           "fail 22",
			"managed-support slo resolution":                   "pass 100",
			"managed-support slo oncall-coverage":              "pass 100",
			"managed-support responsibility critical-patching": "breached 19",
			"managed-support credit p1-acknowledgement":        "owed 2",
		}},
		// The history goes back as far as the windows of 22 October and of
		// October need, no further: the week before, the 30-day windows of
		// uptime and latency-hours, and the 7 days of latency, start
		// before it, and have no data rather than the figure of a part.
		{"2026-W42", map[string]string{
			"payments-hosting":                                   "breached",
			"payments-hosting slo availability":                  "fail 99.83",
			"payments-hosting slo latency":                       "no_data",
			"payments-hosting slo uptime":                        "no_data",
			"payments-hosting responsibility p1-acknowledgement": "unknown",

			"geo-api slo latency-hours":     "no_data",
			"geo-api slo tile-availability": "pass 99.90",

			"managed-support slo p1-acknowledgement": "pass 8",
		}},
		{"2026-10-28", map[string]string{
			"payments-hosting":                     "breached",
			"payments-hosting slo availability":    "fail 95.12",
			"payments-hosting slo latency":         "warn 0.27",
			"payments-hosting slo uptime":          "pass 99.77",
			"payments-hosting credit availability": "owed 25",

			"geo-api":                        "breached",
			"geo-api slo availability":       "pass 99.99",
			"geo-api slo geocode-latency":    "fail 0.41",
			"geo-api slo latency-hours":      "fail 98.87",
			"geo-api slo external-uptime":    "pass 100",
			"geo-api credit geocode-latency": "owed 5",

			"managed-support":                                  "inconclusive",
			"managed-support slo p1-acknowledgement":           "warn 13",
			"managed-support slo resolution":                   "no_data",
			"managed-support responsibility critical-patching": "met 1.5",
			"managed-support credit resolution":                "unknown",
		}},
	} {
		t.Run(c.period, func(t *testing.T) {
			period, err := evaluator.ParsePeriod(c.period)
			if err != nil {
				t.Fatal(err)
			}
			v, err := ev.Evaluate(context.Background(), src, evaluator.Options{Period: period, Now: mustTime(End), Facts: facts})
			if err != nil {
				t.Fatal(err)
			}
			got := compare(t, v, c.want)
			// A month's report covers everything; the others check what the
			// README says of them, and that every SLO is measured.
			if c.period == "2026-10" {
				for k, g := range got {
					if _, ok := c.want[k]; !ok {
						t.Errorf("%s: %q, not in the design: add it to the README and to this test", k, g)
					}
				}
			}
		})
	}
}

// examples loads the example agreements, their history and their facts.
func examples(t *testing.T) (*evaluator.Set, *evaluator.FileSource, map[string]map[string]any) {
	t.Helper()
	ev, src := loadExamples(t, "agreements", Files)
	var facts map[string]map[string]any
	data, err := os.ReadFile(filepath.Join(committed, "facts.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &facts); err != nil {
		t.Fatal(err)
	}
	return ev, src, facts
}

// loadExamples compiles the agreements of examples/DIR and loads the
// histories among files.
func loadExamples(t *testing.T, dir string, files []string) (*evaluator.Set, *evaluator.FileSource) {
	t.Helper()
	ctx := context.Background()
	set, diags := agreements.Load(filepath.Join("..", "..", "examples", dir))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	tree, err := policies.Compile(set)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := evaluator.FromTree(ctx, tree)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, name := range files {
		if strings.HasSuffix(name, ".om") {
			paths = append(paths, filepath.Join(committed, name))
		}
	}
	src, err := evaluator.LoadFiles(ctx, paths, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return ev, src
}

// compare checks the verdict against want, keyed "agreement", "agreement
// slo name", "agreement responsibility name", "agreement credit name" and
// "agreement review". A wanted status may be followed by a figure: the
// measured value (an owed credit's percent), rounded to as many decimals.
// It fails the test for an SLO that errs or, where want does not expect
// it, has no data, and returns what it found, each with its figure.
func compare(t *testing.T, v *evaluator.Verdict, want map[string]string) map[string]string {
	t.Helper()
	got := map[string]string{}
	figures := map[string]any{}
	type block struct {
		kind, name, status, message string
		figure                      *verdict.Number
		coverage                    *verdict.Coverage
	}
	for _, a := range v.Agreements {
		got[a.Name] = a.Status
		var blocks []block
		for _, s := range a.SLOs {
			blocks = append(blocks, block{"slo", s.Name, s.Status, s.Message, s.Measured, s.Coverage})
		}
		for _, r := range a.Responsibilities {
			blocks = append(blocks, block{"responsibility", r.Name, r.Status, r.Message, r.Measured, r.Coverage})
		}
		for _, c := range a.Credits {
			blocks = append(blocks, block{"credit", c.Name, c.Status, c.Message, c.Percent, nil})
		}
		for _, b := range blocks {
			k := fmt.Sprintf("%s %s %s", a.Name, b.kind, b.name)
			got[k] = b.status
			if b.figure != nil {
				figures[k] = string(*b.figure)
			}
			if b.kind == "slo" && (got[k] == "error" || got[k] == "no_data" && want[k] != "no_data") {
				t.Errorf("%s: %s: %v", k, got[k], b.message)
			}
			// The history holds the whole of every window it is made
			// for: what it gives is not the figure of a part.
			if c := b.coverage; c != nil && !strings.HasPrefix(want[k], "no_data") && !strings.HasPrefix(want[k], "unknown") {
				if p := c.Percent.Float64(); p < 99 {
					t.Errorf("%s: the history covers %v%% of the window: %v", k, c.Percent, c.Note)
				}
			}
		}
		if a.Review != nil {
			got[a.Name+" review"] = a.Review.Status
		}
	}
	for k, w := range want {
		_, figure, _ := strings.Cut(w, " ")
		g := got[k]
		if figure != "" {
			decimals := 0
			if _, frac, ok := strings.Cut(figure, "."); ok {
				decimals = len(frac)
			}
			f, err := strconv.ParseFloat(fmt.Sprint(figures[k]), 64)
			if err != nil {
				t.Errorf("%s: no figure (%v), want %s", k, figures[k], figure)
				continue
			}
			g += " " + strconv.FormatFloat(f, 'f', decimals, 64)
		}
		if g != w {
			t.Errorf("%s: %q, want %q", k, g, w)
		}
	}
	for k, f := range figures {
		if f != nil {
			got[k] += fmt.Sprintf(" %v", f)
		}
	}
	return got
}
