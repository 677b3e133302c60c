package evaluator

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/internal/promtest"
	"github.com/entente-dev/entente/policies"
)

func TestPeriodsAreReadAsWrittenInEachTimeZone(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	for _, c := range []struct {
		label      string
		kind       agreements.Calendar
		loc        *time.Location
		start, end string
	}{
		{"2026-10-14", agreements.Day, time.UTC, "2026-10-14T00:00:00Z", "2026-10-15T00:00:00Z"},
		{"2026-10-25", agreements.Day, paris, "2026-10-25T00:00:00+02:00", "2026-10-26T00:00:00+01:00"}, // 25 hours
		{"2026-W43", agreements.Week, time.UTC, "2026-10-19T00:00:00Z", "2026-10-26T00:00:00Z"},
		{"2026-W01", agreements.Week, time.UTC, "2025-12-29T00:00:00Z", "2026-01-05T00:00:00Z"}, // ISO week 1 holds 4 January
		{"2026-W53", agreements.Week, time.UTC, "2026-12-28T00:00:00Z", "2027-01-04T00:00:00Z"}, // 2026 has 53 weeks
		{"2026-10", agreements.Month, paris, "2026-10-01T00:00:00+02:00", "2026-11-01T00:00:00+01:00"},
		{"2026-Q3", agreements.Quarter, time.UTC, "2026-07-01T00:00:00Z", "2026-10-01T00:00:00Z"},
		{"2026", agreements.Year, paris, "2026-01-01T00:00:00+01:00", "2027-01-01T00:00:00+01:00"},
	} {
		p, err := ParsePeriod(c.label)
		if err != nil {
			t.Errorf("%s: %v", c.label, err)
			continue
		}
		in := p.In(c.loc)
		if p.Kind != c.kind || !in.Start.Equal(utc(c.start)) || !in.End.Equal(utc(c.end)) {
			t.Errorf("%s is a %s from %s to %s, want a %s from %s to %s", c.label, p.Kind, in.Start, in.End, c.kind, c.start, c.end)
		}
	}
}

func TestAPeriodThatDoesNotExistSaysWhy(t *testing.T) {
	for label, want := range map[string]string{
		"2026-13":    "the month must be 01 to 12",
		"2026-02-30": "there is no such day",
		"2027-W53":   "2027 has no ISO week 53",
		"2026-W00":   "no ISO week 0",
		"2026-Q5":    "the quarter must be Q1 to Q4",
		"October":    "write a day (2026-10-14), an ISO week (2026-W43)",
		"2026-10-1":  "write a day",
	} {
		_, err := ParsePeriod(label)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one that says %q", label, err, want)
		}
	}
}

func TestTheLastClosedPeriod(t *testing.T) {
	at := utc("2026-11-27T10:00:00Z")
	for kind, want := range map[agreements.Calendar]string{
		agreements.Day: "2026-11-26", agreements.Week: "2026-W47", agreements.Month: "2026-10",
		agreements.Quarter: "2026-Q3", agreements.Year: "2025",
	} {
		p := LastClosed(kind, at, time.UTC)
		if p.Label != want {
			t.Errorf("the last closed %s on %s is %s, want %s", kind, at, p.Label, want)
		}
		if again, err := ParsePeriod(p.Label); err != nil || !again.In(time.UTC).End.Equal(p.In(time.UTC).End) {
			t.Errorf("%s does not read back: %v", p.Label, err)
		}
	}
}

func TestAReportIsOnlyForAPeriodThatIsOver(t *testing.T) {
	s := exampleSet(t)
	p, _ := ParsePeriod("2026-11")
	_, err := s.Evaluate(context.Background(), exampleFiles(t), Options{Period: p, Now: utc("2026-11-27T10:00:00Z")})
	if !errors.Is(err, ErrPeriodNotOver) || !strings.Contains(err.Error(), "2026-11 ends at 2026-12-01T00:00:00") {
		t.Fatalf("error %v, want one that says the period is not over", err)
	}
}

// A report measures what check measures at the end of the period: a
// calendar SLO of the period's kind, or a rolling one, gets the same
// figures; a calendar SLO of another kind is measured over the period.
func TestAReportMeasuresWhatCheckMeasuresAtThePeriodsEnd(t *testing.T) {
	s := exampleSet(t)
	src := exampleFiles(t)
	now := utc("2027-01-10T00:00:00Z") // so that 2026 is over
	for _, label := range []string{"2026-10-21", "2026-W42", "2026-09", "2026-Q3", "2026"} {
		t.Run(label, func(t *testing.T) {
			period, err := ParsePeriod(label)
			if err != nil {
				t.Fatal(err)
			}
			report, err := evaluateValid(t, s, src, Options{Period: period, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			if report.Period == nil || report.Period.Label != label {
				t.Errorf("the report's period is %v, want %s", report.Period, label)
			}
			compared := 0
			for _, agreement := range written(t, report) {
				name := agreement["agreement"].(string)
				plan := planOf(t, s, name)
				loc, _ := time.LoadLocation(plan.TimeZone)
				in := period.In(loc)
				doc := agreement["report"].(map[string]any)
				if got := doc["period"].(map[string]any)["start"]; got != in.Start.Format(time.RFC3339) {
					t.Errorf("%s: the period starts at %v, want %s", name, got, in.Start.Format(time.RFC3339))
				}
				check, err := s.Evaluate(context.Background(), src, Options{At: in.End, Agreements: []string{name}})
				if err != nil {
					t.Fatal(err)
				}
				checked := byName(written(t, check)[0]["slos"])
				for _, slo := range plan.SLOs {
					got := byName(agreement["slos"])[slo.Name]
					window := got["window"].(map[string]any)
					if slo.Calendar != nil && *slo.Calendar != string(period.Kind) {
						start := in.Start
						if effective, _ := time.Parse(time.RFC3339, plan.Effective); effective.After(start) {
							start = effective.In(loc)
						}
						if window["start"] != start.Format(time.RFC3339) || window["end"] != in.End.Format(time.RFC3339) {
							t.Errorf("%s/%s: the %s SLO is measured over %v, want the %s", name, slo.Name, *slo.Calendar, window, label)
						}
						continue
					}
					want := checked[slo.Name]
					for _, key := range []string{"status", "measured", "good", "total", "excluded_seconds", "budget_consumed"} {
						if !same(got[key], want[key]) {
							t.Errorf("%s/%s: %s is %v in the report and %v in a check at %s", name, slo.Name, key, got[key], want[key], in.End.Format(time.RFC3339))
						}
					}
					compared++
					chart := got["report"].(map[string]any)
					if budget, _ := chart["budget"].([]any); len(budget) > 0 {
						last := budget[len(budget)-1].(map[string]any)
						if got["budget_consumed"] != nil && last["consumed"] != nil && !same(last["consumed"], got["budget_consumed"]) {
							t.Errorf("%s/%s: the budget line ends at %v, the verdict says %v", name, slo.Name, last["consumed"], got["budget_consumed"])
						}
					}
				}
				for _, credit := range agreement["credits"].([]any) {
					c := credit.(map[string]any)
					slo := c["slo"].(string)
					for _, ps := range plan.SLOs {
						if ps.Name != slo || ps.Calendar == nil {
							continue
						}
						if want := *ps.Calendar == string(period.Kind); c["final"] != want {
							t.Errorf("%s: credit %s of a %s SLO is final: %v in a %s report, want %v", name, c["name"], *ps.Calendar, c["final"], period.Kind, want)
						}
					}
				}
			}
			if compared == 0 {
				t.Errorf("no SLO was compared with a check")
			}
		})
	}
}

func TestAReportChartsEachSLO(t *testing.T) {
	s := exampleSet(t)
	period, _ := ParsePeriod("2026-W43")
	report, err := evaluateValid(t, s, exampleFiles(t), Options{Period: period})
	if err != nil {
		t.Fatal(err)
	}
	for _, agreement := range written(t, report) {
		for name, slo := range byName(agreement["slos"]) {
			chart := slo["report"].(map[string]any)
			if chart["error"] != nil {
				t.Errorf("%s: %v", name, chart["error"])
			}
			buckets := chart["buckets"].([]any)
			window := slo["window"].(map[string]any)
			if len(buckets) == 0 || buckets[0].(map[string]any)["start"] != window["start"] || buckets[len(buckets)-1].(map[string]any)["end"] != window["end"] {
				t.Errorf("%s: the buckets do not cover the window %v", name, window)
			}
			switch chart["kind"] {
			case "timeslice":
				// Slices are counted exactly: the days add up to the window.
				var good, total float64
				for _, b := range buckets {
					good += num(b.(map[string]any)["good"])
					total += num(b.(map[string]any)["total"])
				}
				if !same(good, slo["good"]) || !same(total, slo["total"]) {
					t.Errorf("%s: the days count %v of %v slices, the window %v of %v", name, good, total, slo["good"], slo["total"])
				}
				fallthrough
			case "ratio":
				// Each day is measured on its own: increase() extrapolates
				// at the edges of each (by up to a sample interval: the
				// portal's 6 hours make a day count up to a quarter more),
				// so the days add up to the window only nearly.
				if chart["kind"] == "ratio" && slo["total"] != nil {
					var total float64
					for _, b := range buckets {
						total += num(b.(map[string]any)["total"])
					}
					if want, _ := number(slo["total"]); math.Abs(total-want) > 0.2*want {
						t.Errorf("%s: the days count %v events, the window %v", name, total, want)
					}
				}
				if len(chart["budget"].([]any)) == 0 || len(chart["values"].([]any)) != 0 {
					t.Errorf("%s: a %s SLO charts its budget, not values", name, chart["kind"])
				}
			case "value":
				if len(chart["values"].([]any)) == 0 || len(chart["budget"].([]any)) != 0 {
					t.Errorf("%s: a value SLO charts its values, not a budget", name)
				}
			}
		}
	}
	// The week of 12 October in Paris: the 18th's maintenance, 02:00 to
	// 04:00 on Sunday, is the one occurrence of weekly-maintenance.
	for _, agreement := range written(t, report) {
		if agreement["agreement"] != "payments-hosting" {
			continue
		}
		var excl []map[string]any
		b, _ := json.Marshal(agreement["report"].(map[string]any)["exclusions"])
		_ = json.Unmarshal(b, &excl)
		if len(excl) != 2 || excl[0]["seconds"] != float64(7200) || excl[1]["seconds"] != float64(0) {
			t.Errorf("exclusions %v, want the Sunday maintenance's 2 hours and no data-centre move", excl)
		}
	}
}

func exampleSet(t *testing.T) *Set {
	t.Helper()
	set, diags := agreements.Load("../examples/agreements")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return prepared(t, set)
}

func exampleFiles(t *testing.T) *FileSource {
	t.Helper()
	src, err := LoadFiles(context.Background(), []string{"../examples/metrics/payments-hosting.om", "../examples/metrics/geo-api.om", "../examples/metrics/managed-support.om"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

func planOf(t *testing.T, s *Set, name string) policies.Plan {
	for _, p := range s.Plans {
		if p.Agreement == name {
			return p
		}
	}
	t.Fatalf("no plan for %s", name)
	return policies.Plan{}
}

func byName(list any) map[string]map[string]any {
	out := map[string]map[string]any{}
	items, _ := list.([]any)
	for _, item := range items {
		obj := item.(map[string]any)
		out[obj["name"].(string)] = obj
	}
	return out
}

// same compares two figures of verdicts, numbers up to rounding.
func same(a, b any) bool {
	x, okA := number(a)
	y, okB := number(b)
	if okA && okB {
		return x == y || math.Abs(x-y) <= 1e-9*math.Max(math.Abs(x), math.Abs(y))
	}
	return a == b
}

// TestReportsAgainstARealPrometheus makes a report of each kind of period
// from a real Prometheus loaded with the examples' histories: nothing fails
// to be measured or charted, each report says what the same report from
// the metric files says, and what a check from the same server says at the
// period's end, for the same windows.
func TestReportsAgainstARealPrometheus(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not starting Prometheus")
	}
	prom, err := NewPrometheus(PrometheusConfig{URL: promtest.Start(t, examplesFile(t))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	files := exampleFiles(t)
	s := exampleSet(t)
	for _, label := range []string{"2026-10-28", "2026-W43", "2026-10", "2026-Q3", "2025"} {
		t.Run(label, func(t *testing.T) {
			period, _ := ParsePeriod(label)
			report, err := evaluateValid(t, s, prom, Options{Period: period})
			if err != nil {
				t.Fatal(err)
			}
			// Debian's Prometheus 2 selects [t-r, t], where the examples'
			// samples sit: sent ranges 1 ms shorter, it says what the
			// embedded engine of Prometheus 3 says.
			fromFiles, err := evaluateValid(t, s, files, Options{Period: period})
			if err != nil {
				t.Fatal(err)
			}
			agree(t, "Prometheus 2.42 against the files", report, fromFiles)
			for _, agreement := range written(t, report) {
				name := agreement["agreement"].(string)
				plan := planOf(t, s, name)
				loc, _ := time.LoadLocation(plan.TimeZone)
				check, err := s.Evaluate(context.Background(), prom, Options{At: period.In(loc).End, Agreements: []string{name}})
				if err != nil {
					t.Fatal(err)
				}
				checked := byName(written(t, check)[0]["slos"])
				for _, slo := range plan.SLOs {
					got := byName(agreement["slos"])[slo.Name]
					if got == nil { // inactive: nothing is measured
						continue
					}
					if got["status"] == "error" || got["report"].(map[string]any)["error"] != nil {
						t.Errorf("%s/%s could not be measured or charted: %v %v", name, slo.Name, got["message"], got["report"].(map[string]any)["error"])
					}
					if slo.Calendar != nil && *slo.Calendar != string(period.Kind) {
						continue
					}
					for _, key := range []string{"status", "measured", "good", "total"} {
						if !same(got[key], checked[slo.Name][key]) {
							t.Errorf("%s/%s: %s is %v in the report and %v in a check", name, slo.Name, key, got[key], checked[slo.Name][key])
						}
					}
				}
			}
		})
	}
}

// examplesFile writes the examples' three histories into one file, as
// promtool and the VictoriaMetrics import take them.
func examplesFile(t *testing.T) string {
	t.Helper()
	var all strings.Builder
	for _, name := range []string{"payments-hosting", "geo-api", "managed-support"} {
		raw, err := os.ReadFile("../examples/metrics/" + name + ".om")
		if err != nil {
			t.Fatal(err)
		}
		all.WriteString(strings.TrimSuffix(strings.TrimSpace(string(raw)), "# EOF"))
	}
	all.WriteString("# EOF\n")
	file := filepath.Join(t.TempDir(), "examples.om")
	if err := os.WriteFile(file, []byte(all.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// The last month of an agreement, which expires during it, is reported on
// up to its expiry: its credits are final, not lost to "expired".
func TestAnAgreementIsReportedOnUpToItsExpiry(t *testing.T) {
	raw, err := os.ReadFile("../examples/agreements/payments-hosting.hcl")
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(string(raw), `expires   = "2027-12-31"`, `expires   = "2026-10-29"`, 1)
	if src == string(raw) {
		t.Fatal("the example's expiry date moved: update the test")
	}
	s := compileSet(t, src)
	period, _ := ParsePeriod("2026-10")
	report, err := evaluateValid(t, s, exampleFiles(t), Options{Period: period})
	if err != nil {
		t.Fatal(err)
	}
	a := written(t, report)[0]
	if a["status"] == "inactive" {
		t.Fatalf("the agreement's last month is reported as inactive")
	}
	slos := byName(a["slos"])
	for name, end := range map[string]string{"availability": "2026-10-29T00:00:00+01:00", "uptime": "2026-10-29T00:00:00+01:00"} {
		if got := slos[name]["window"].(map[string]any)["end"]; got != end {
			t.Errorf("%s's window ends at %v, want the expiry %s", name, got, end)
		}
	}
	credit := a["credits"].([]any)[0].(map[string]any)
	if credit["final"] != true {
		t.Errorf("the last month's credit is not final: %v", credit)
	}
	if end := a["report"].(map[string]any)["period"].(map[string]any)["end"]; end != "2026-10-29T00:00:00+01:00" {
		t.Errorf("the period covered ends at %v, want the expiry", end)
	}
}
