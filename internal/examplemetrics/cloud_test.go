package examplemetrics

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/entente-dev/entente/evaluator"
)

// The cloud agreements, checked at At and reported on for October, give
// the figures their published formulas give from the samples, computed
// here without PromQL or Rego: the object storage uptime is 100% less the
// average of the 5-minute error rates (0 without requests), the compute
// uptimes count the minutes above 1% of failed checks in runs of five or
// more, cut at the start of the month, and the functions uptime the
// minutes above 10% of errors with 100 executions or more. Statuses,
// credit tiers, claim deadlines and the minimum amount follow from them.
func TestCloudVerdictsEqualTheOracle(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the policies and loads the history")
	}
	ev, src := cloudExamples(t)
	octoberStart, octoberEnd := mustTime("2026-10-01T00:00:00Z"), mustTime("2026-11-01T00:00:00Z")
	samples := cloudSamples()

	for _, c := range []struct {
		name     string
		opts     evaluator.Options
		from, to time.Time
		final    bool
	}{
		{"at At", evaluator.Options{At: mustTime(At)}, octoberStart, mustTime(At), false},
		{"October", evaluator.Options{Period: mustPeriod(t, "2026-10"), Now: mustTime(End)}, octoberStart, octoberEnd, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			v, err := ev.Evaluate(context.Background(), src, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			uptime := map[string]float64{
				"object-storage slo monthly-uptime": storageUptime(samples, c.from, c.to),
				"compute slo multi-zone":            minutesUp(samples, `region_error_ratio{region="europe-west1"}`, c.from, c.to),
				"compute slo single-instance":       minutesUp(samples, `instance_error_ratio{instance="billing-1"}`, c.from, c.to),
				"functions slo monthly-uptime":      functionsUptime(samples, c.from, c.to),
			}
			terms := map[string]struct {
				agreement, credit string
				objective         float64
				tiers             [][2]float64 // below, percent
				fee, minAmount    float64
				claimWithin       time.Duration
			}{
				"object-storage slo monthly-uptime": {"object-storage", "object-storage credit monthly-uptime", 99.9, [][2]float64{{99.9, 10}, {99.0, 25}, {95.0, 100}}, 8.2, 1, 61 * 24 * time.Hour},
				"compute slo multi-zone":            {"compute", "compute credit multi-zone", 99.99, [][2]float64{{99.99, 10}, {99.0, 25}, {95.0, 100}}, 2150, 0, 30 * 24 * time.Hour},
				"compute slo single-instance":       {"compute", "compute credit single-instance", 99.5, [][2]float64{{99.5, 10}, {99.0, 25}, {95.0, 100}}, 2150, 0, 30 * 24 * time.Hour},
				"functions slo monthly-uptime":      {"functions", "functions credit monthly-uptime", 99.95, [][2]float64{{99.95, 10}, {99.0, 25}, {95.0, 50}}, 640, 0, 30 * 24 * time.Hour},
			}
			want := map[string]string{}
			wantClaims := map[string]string{}
			for slo, u := range uptime {
				tm := terms[slo]
				status := "pass"
				if u < tm.objective {
					status = "fail"
				}
				want[slo] = status + " " + strconv.FormatFloat(u, 'f', 4, 64)
				percent := 0.0
				for _, tier := range tm.tiers {
					if u < tier[0] {
						percent = max(percent, tier[1])
					}
				}
				switch {
				case percent == 0:
					want[tm.credit] = "none"
				default:
					want[tm.credit] = "owed " + strconv.FormatFloat(percent, 'f', -1, 64)
					claim := "claimable"
					if tm.fee*percent/100 <= tm.minAmount {
						claim = "below_minimum"
					}
					wantClaims[tm.credit] = claim + " by " + octoberEnd.Add(tm.claimWithin).Format(time.RFC3339)
				}
				if status == "fail" {
					want[tm.agreement] = "breached"
				} else if _, ok := want[tm.agreement]; !ok {
					want[tm.agreement] = "compliant"
				}
			}
			t.Logf("oracle: %v", want)
			compare(t, v, want)
			if got := claims(t, v); fmt.Sprint(got) != fmt.Sprint(wantClaims) {
				t.Errorf("claims: %v, want %v", got, wantClaims)
			}
		})
	}
}

// The history is designed for what examples/metrics/README.md tells: each
// rule of the cloud SLAs changes a verdict in it. Without the rule, the
// same samples would give another status.
func TestCloudHistoryExercisesEachRule(t *testing.T) {
	samples := cloudSamples()
	october := [2]time.Time{mustTime("2026-10-01T00:00:00Z"), mustTime("2026-11-01T00:00:00Z")}
	at := [2]time.Time{october[0], mustTime(At)}

	// mean: the 5-minute intervals with 2% of errors on 6 October would
	// fail the month at At if each counted as a bad interval.
	if u := storageUptime(samples, at[0], at[1]); u < 99.9 {
		t.Errorf("object storage at At: %.4f, designed to pass", u)
	}
	bad := 0
	for _, r := range storageRates(samples, at[0], at[1]) {
		if r > 0 {
			bad++
		}
	}
	if good := 100 * float64(6192-bad) / 6192; good >= 99.9 {
		t.Errorf("object storage at At, counting intervals with errors as bad: %.4f, designed to fail", good)
	}
	// empty: the intervals without requests, two hours every night.
	empty := 0
	for _, r := range storageRates(samples, october[0], october[1]) {
		if r < 0 {
			empty++
		}
	}
	if empty != 31*24 {
		t.Errorf("%d intervals without requests in October, designed for two hours every night", empty)
	}
	// min_run: the region's short runs before At would fail multi-zone.
	if down := downMinutes(samples, `region_error_ratio{region="europe-west1"}`, at[0], at[1], 1); 100*float64(30960-down)/30960 >= 99.99 {
		t.Errorf("multi-zone at At without min_run: %d minutes down, designed to fail", down)
	}
	if u := minutesUp(samples, `region_error_ratio{region="europe-west1"}`, at[0], at[1]); u != 100 {
		t.Errorf("multi-zone at At: %.4f, designed to forgive every run", u)
	}
	// min_run, cut at the window's start: the instance's run across the
	// start of October is six minutes long, three of them in October.
	if in, out := downMinutes(samples, `instance_error_ratio{instance="billing-1"}`, october[0], october[1], 5), downMinutes(samples, `instance_error_ratio{instance="billing-1"}`, october[0].Add(-10*time.Minute), october[1], 5); out-in != 6 {
		t.Errorf("the run across the start of October: %d minutes down from 23:50, %d from October", out, in)
	}
	// min_events: the night of 14 October has 30% of errors in minutes of
	// fewer than 100 executions.
	night := [2]time.Time{mustTime("2026-10-14T02:00:00Z"), mustTime("2026-10-14T03:00:00Z")}
	quiet := 0
	for _, m := range functionMinutes(samples, night[0], night[1]) {
		if m.n < 100 && float64(m.e) > 0.1*float64(m.n) {
			quiet++
		}
	}
	if quiet != 60 {
		t.Errorf("%d minutes of more than 10%% errors with fewer than 100 executions on 14 October, designed for 60", quiet)
	}
	if u := functionsUptime(samples, october[0], october[1]); u >= 99.95 || u < 99.9 {
		t.Errorf("functions in October: %.4f, designed for the 10%% tier", u)
	}
}

// cloudExamples loads the cloud agreements and their history.
func cloudExamples(t *testing.T) (*evaluator.Set, *evaluator.FileSource) {
	return loadExamples(t, "cloud", CloudFiles)
}

func mustPeriod(t *testing.T, s string) evaluator.Period {
	t.Helper()
	p, err := evaluator.ParsePeriod(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// claims are the owed credits' claims, keyed "agreement credit name":
// "claimable by 2026-12-01T00:00:00Z".
func claims(t *testing.T, v *evaluator.Verdict) map[string]string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Agreements []struct {
			Agreement string `json:"agreement"`
			Credits   []struct {
				Name    string  `json:"name"`
				Status  string  `json:"status"`
				Claim   *string `json:"claim"`
				ClaimBy *string `json:"claim_by"`
			} `json:"credits"`
		} `json:"agreements"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, a := range doc.Agreements {
		for _, c := range a.Credits {
			if c.Status != "owed" {
				continue
			}
			k := a.Agreement + " credit " + c.Name
			if c.Claim == nil || c.ClaimBy == nil {
				out[k] = "no claim terms"
				continue
			}
			by, err := time.Parse(time.RFC3339, *c.ClaimBy)
			if err != nil {
				t.Fatalf("%s: claim_by %q: %v", k, *c.ClaimBy, err)
			}
			out[k] = *c.Claim + " by " + by.UTC().Format(time.RFC3339)
		}
	}
	return out
}

// samples are the values of each series of the cloud histories, by series
// (name and labels as written) and unix second.
type samples map[string]map[int64]float64

func cloudSamples() samples {
	out := samples{}
	for _, families := range cloudFamilies() {
		for _, f := range families {
			for _, s := range f.series {
				key := s.name + s.labels
				out[key] = map[int64]float64{}
				for _, p := range s.points {
					v, err := strconv.ParseFloat(p.v, 64)
					if err != nil {
						panic(err)
					}
					out[key][p.t] = v
				}
			}
		}
	}
	return out
}

// at is the value of a series at t; it panics when there is no sample, as
// the oracle counts on one in every slice.
func (s samples) at(series string, t time.Time) float64 {
	v, ok := s[series][t.Unix()]
	if !ok {
		panic(fmt.Sprintf("%s: no sample at %s", series, t.Format(time.RFC3339)))
	}
	return v
}

// storageRates are the error rates of the 5-minute intervals from from to
// to: errors ÷ requests, or -1 for an interval without requests.
func storageRates(s samples, from, to time.Time) []float64 {
	const ok, failed = `storage_requests_total{bucket="globex-invoices",code="200"}`, `storage_requests_total{bucket="globex-invoices",code="503"}`
	var out []float64
	for t := from.Add(5 * time.Minute); !t.After(to); t = t.Add(5 * time.Minute) {
		prev := t.Add(-5 * time.Minute)
		e := s.at(failed, t) - s.at(failed, prev)
		n := s.at(ok, t) - s.at(ok, prev) + e
		if n == 0 {
			out = append(out, -1)
			continue
		}
		out = append(out, e/n)
	}
	return out
}

// storageUptime is the published formula: 100% less the average of the
// 5-minute error rates, an interval without requests at 0.
func storageUptime(s samples, from, to time.Time) float64 {
	rates := storageRates(s, from, to)
	sum := 0.0
	for _, r := range rates {
		sum += max(r, 0)
	}
	return 100 - 100*sum/float64(len(rates))
}

// downMinutes counts the minutes from from to to whose error ratio is
// above 1%, in runs of at least minRun; a run is cut at from and to.
func downMinutes(s samples, series string, from, to time.Time, minRun int) int {
	down, run := 0, 0
	for t := from.Add(time.Minute); ; t = t.Add(time.Minute) {
		if !t.After(to) && s.at(series, t) > 0.01 {
			run++
			continue
		}
		if run >= minRun {
			down += run
		}
		run = 0
		if t.After(to) {
			return down
		}
	}
}

// minutesUp is the compute uptime: the percentage of minutes not down,
// counting downtime periods of five minutes or more.
func minutesUp(s samples, series string, from, to time.Time) float64 {
	n := to.Sub(from) / time.Minute
	return 100 * float64(int(n)-downMinutes(s, series, from, to, 5)) / float64(n)
}

type minute struct{ n, e int64 }

// functionMinutes are the executions and errors of each minute.
func functionMinutes(s samples, from, to time.Time) []minute {
	var out []minute
	for t := from.Add(time.Minute); !t.After(to); t = t.Add(time.Minute) {
		e := int64(s.at(`function_executions{function="thumbnail",status="error"}`, t))
		out = append(out, minute{int64(s.at(`function_executions{function="thumbnail",status="ok"}`, t)) + e, e})
	}
	return out
}

// functionsUptime is the percentage of minutes not down: a minute is down
// above 10% of errors, with 100 executions or more.
func functionsUptime(s samples, from, to time.Time) float64 {
	list := functionMinutes(s, from, to)
	down := 0
	for _, m := range list {
		if m.n >= 100 && float64(m.e) > 0.1*float64(m.n) {
			down++
		}
	}
	return 100 * float64(len(list)-down) / float64(len(list))
}
