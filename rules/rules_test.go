package rules_test

import (
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/internal/promtest"
	"github.com/entente-dev/entente/rules"
)

func load(t *testing.T, paths ...string) *agreements.Set {
	t.Helper()
	set, diags := agreements.Load(paths...)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return set
}

func generate(t *testing.T, a *agreements.Agreement, opts rules.Options) *rules.File {
	t.Helper()
	f, err := rules.Generate(a, opts)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Sloth's alerts for a 99.9%, 30-day SLO (its README and
// internal/alert/window.go): page 14.4 over 1h and 5m, 6 over 6h and 30m;
// ticket 3 over 1d and 2h, 1 over 3d and 6h.
func TestWindowsAndFactorsAreSloths(t *testing.T) {
	src := `agreement "a" {
  title     = "A"
  version   = "1.0.0"
  effective = "2026-01-01"
  party "provider" {
    name = "P"
  }
  party "customer" {
    name = "C"
  }
  service "s" {
    includes = ["x"]
  }
  indicator "availability" {
    ratio {
      bad   = "sum(rate(errors_total[${window}]))"
      total = "sum(rate(requests_total[${window}]))"
    }
  }
  slo "availability" {
    indicator = indicator.availability
    objective = 99.9
    window    = "30d"
  }
}
`
	set, diags := agreements.Parse(agreements.Source{Name: "a.hcl", Bytes: []byte(src)})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	f := generate(t, set.Agreements[0], rules.Options{})
	type alert struct{ severity, long, short, factor string }
	var got []alert
	threshold := regexp.MustCompile(`^entente:slo_error_ratio:rate(\w+)\{[^}]*\} > \(([\d.]+) \* 0\.001\)$`)
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			if !strings.HasPrefix(r.Alert, "EntenteBudgetBurn") {
				continue
			}
			lines := strings.Split(r.Expr, "\n")
			long := threshold.FindStringSubmatch(lines[0])
			short := threshold.FindStringSubmatch(lines[2])
			if long == nil || short == nil || long[2] != short[2] {
				t.Fatalf("%s: an expression not of the expected form:\n%s", r.Alert, r.Expr)
			}
			got = append(got, alert{r.Labels["severity"], long[1], short[1], long[2]})
		}
	}
	want := []alert{{"page", "1h", "5m", "14.4"}, {"page", "6h", "30m", "6"}, {"ticket", "1d", "2h", "3"}, {"ticket", "3d", "6h", "1"}}
	if len(got) != len(want) {
		t.Fatalf("alerts %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("alert %d: %v, want %v", i, got[i], want[i])
		}
	}
}

// A calendar month has the factors of its own length, a 28-day window its
// own, and a window shorter than an alert's long window no such alert.
func TestFactorsFollowThePeriod(t *testing.T) {
	for _, c := range []struct {
		period string
		want   map[string]float64 // long window → factor
	}{
		{"28d", map[string]float64{"1h": 13.44, "6h": 5.6, "1d": 2.8, "3d": 0.933333333333}},
		{"1d", map[string]float64{"1h": 0.48, "6h": 0.2, "1d": 0.1}},
	} {
		d, _ := model.ParseDuration(c.period)
		p := time.Duration(d)
		for _, b := range rules.BurnAlerts {
			want, ok := c.want[model.Duration(b.Long).String()]
			if !ok {
				continue
			}
			if got := b.Factor(p); got != want {
				t.Errorf("%s, %s: factor %v, want %v", c.period, model.Duration(b.Long).String(), got, want)
			}
		}
	}
	set := load(t, "testdata/shapes.hcl")
	f := generate(t, set.Agreements[0], rules.Options{})
	var monthExpr string
	longs := map[string][]string{}
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			if strings.HasPrefix(r.Alert, "EntenteBudgetBurn") {
				longs[r.Labels["slo"]] = append(longs[r.Labels["slo"]], r.Labels["long_window"])
			}
		}
	}
	if got := strings.Join(longs["errors-week"], " "); got != "1h 6h 1d 3d" {
		t.Errorf("a calendar week has alerts over %s, want 1h 6h 1d 3d", got)
	}
	for _, g := range generate(t, load(t, "../examples/agreements").Agreement("payments-hosting"), rules.Options{}).Groups {
		for _, r := range g.Rules {
			if r.Alert == "EntenteBudgetBurnFast" && r.Labels["long_window"] == "1h" {
				monthExpr = r.Expr
			}
		}
	}
	if !strings.Contains(monthExpr, "0.02 * 24 * scalar(days_in_month()) / 1 * 0.001") {
		t.Errorf("the page alert of a calendar month does not follow the month's length:\n%s", monthExpr)
	}
}

// The rules of the examples and of every shape are valid for Prometheus
// (its own parser, and promtool check rules without a warning), and their
// unit tests pass in promtool test rules.
func TestPromtoolAcceptsTheRulesAndTheirTests(t *testing.T) {
	set := load(t, "../examples/agreements", "testdata/shapes.hcl")
	dir := t.TempDir()
	var ruleFiles, testFiles []string
	for _, opts := range []rules.Options{{}, {BaseURL: "https://entente.example", ExclusionsAsRules: true}} {
		for _, a := range set.Agreements {
			f := generate(t, a, opts)
			name := a.Name
			if opts.BaseURL != "" {
				name += "-linked"
			}
			b, err := f.YAML(rules.FormatPrometheus)
			if err != nil {
				t.Fatal(err)
			}
			if _, errs := rulefmt.Parse(b, false, model.LegacyValidation, parser.NewParser(parser.Options{}), slog.New(slog.DiscardHandler)); len(errs) > 0 {
				t.Errorf("%s: Prometheus's parser refuses the rules: %v", name, errs)
			}
			tests, err := f.TestsYAML(name + ".yml")
			if err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(dir, name+".yml"), b)
			ruleFiles = append(ruleFiles, name+".yml")
			// The tests of the linked rules alone: they are the others',
			// with links in their annotations.
			if opts.BaseURL != "" {
				write(t, filepath.Join(dir, name+"_test.yml"), tests)
				testFiles = append(testFiles, name+"_test.yml")
			}
		}
	}
	promtool := promtest.Promtool(t)
	run := func(args ...string) string {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	out := run(append([]string{"check", "rules"}, ruleFiles...)...)
	if strings.Contains(strings.ToLower(out), "warn") {
		t.Errorf("promtool check rules warns:\n%s", out)
	}
	out = run(append([]string{"test", "rules"}, testFiles...)...)
	if strings.Count(out, "SUCCESS") != len(testFiles) {
		t.Errorf("promtool test rules:\n%s", out)
	}
}

// The generated tests are not empty: each alert has a case that fires, one
// that stays silent, and, for SLOs with exclusions, one an exclusion
// silences.
func TestEachAlertIsTested(t *testing.T) {
	set := load(t, "../examples/agreements/payments-hosting.hcl")
	f := generate(t, set.Agreements[0], rules.Options{})
	tests, err := f.TestsYAML("payments-hosting.yml")
	if err != nil {
		t.Fatal(err)
	}
	s := string(tests)
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			if r.Alert == "" {
				continue
			}
			if !strings.Contains(s, "alertname: "+r.Alert) {
				t.Errorf("no test of %s", r.Alert)
			}
		}
	}
	for _, want := range []string{
		"EntenteBudgetBurnFast: availability 1h/5m fires",
		"EntenteBudgetBurnFast: availability 1h/5m is silent when the short window has recovered",
		"EntenteBudgetBurnFast: availability 1h/5m is silenced while an exclusion is on",
		"EntenteSlicesBad: uptime is silenced while an exclusion is on",
		"EntenteValuePastBound: latency fires past its bound",
		"EntenteResponsibilityPastBound: p1-acknowledgement fires",
		"EntenteSLOMetricAbsent: fires for each SLO whose series are absent",
		"EntenteReviewOverdue fires",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("no test %q", want)
		}
	}
	if strings.Contains(s, "EntenteValuePastBound: latency is silenced") {
		t.Error("a value SLO is silenced by exclusions, which apply to ratio and timeslice SLOs only")
	}
}

func TestPrometheusOperatorFormat(t *testing.T) {
	set := load(t, "../examples/agreements/payments-hosting.hcl")
	b, err := generate(t, set.Agreements[0], rules.Options{}).YAML(rules.FormatOperator)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"apiVersion: monitoring.coreos.com/v1\n", "kind: PrometheusRule\n", "  name: entente-payments-hosting\n", "spec:\n  groups:\n"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("no %q in:\n%.600s", want, b)
		}
	}
}

func write(t *testing.T, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
