package evaluator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/internal/verdictschema"
	"github.com/entente-dev/entente/policies"
)

// fakeSource answers from a table keyed by "query@unix"; range queries by
// "query@start..end/step". It counts the calls, and fails or returns two
// series for queries it is told to. A range query not in the table is
// answered at every step when the fake holds data for the whole window
// (whole, the default: coverage is then 100%), with nothing otherwise.
type fakeSource struct {
	mu      sync.Mutex
	answers map[string]model.Value
	calls   map[string]int
	fail    map[string]error
	whole   bool
}

func newFake() *fakeSource {
	return &fakeSource{answers: map[string]model.Value{}, calls: map[string]int{}, fail: map[string]error{}, whole: true}
}

func (f *fakeSource) set(query string, at string, v float64) {
	f.answers[query+"@"+fmt.Sprint(utc(at).Unix())] = model.Vector{{Value: model.SampleValue(v)}}
}

func (f *fakeSource) Query(_ context.Context, q string, t time.Time) (Answer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := q + "@" + fmt.Sprint(t.Unix())
	f.calls[key]++
	for prefix, err := range f.fail {
		if strings.HasPrefix(q, prefix) {
			return Answer{}, &SourceError{Query: q, Err: err}
		}
	}
	if v, ok := f.answers[key]; ok {
		return Answer{Value: v}, nil
	}
	return Answer{Value: model.Vector{}}, nil
}

// QueryRange answers from the table; a query not in it, when the fake
// covers everything, answers 1 at every step (the coverage of a window
// whose data is all there).
func (f *fakeSource) QueryRange(_ context.Context, q string, start, end time.Time, step time.Duration) (Answer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := fmt.Sprintf("%s@%d..%d/%d", q, start.Unix(), end.Unix(), int64(step/time.Second))
	f.calls[key]++
	if v, ok := f.answers[key]; ok {
		return Answer{Value: v}, nil
	}
	if !f.whole {
		return Answer{Value: model.Matrix{}}, nil
	}
	s := &model.SampleStream{}
	for t := start; !t.After(end); t = t.Add(step) {
		s.Values = append(s.Values, model.SamplePair{Timestamp: model.TimeFromUnix(t.Unix()), Value: 1})
	}
	return Answer{Value: model.Matrix{s}}, nil
}

func (f *fakeSource) total() int {
	n := 0
	for _, c := range f.calls {
		n += c
	}
	return n
}

func compileSet(t *testing.T, src string) *Set {
	t.Helper()
	set, diags := agreements.Parse(agreements.Source{Name: "a.hcl", Bytes: []byte(src)})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return prepared(t, set)
}

// prepared compiles agreements and prepares them for evaluation.
func prepared(t testing.TB, set *agreements.Set) *Set {
	t.Helper()
	tree, err := policies.Compile(set)
	if err != nil {
		t.Fatal(err)
	}
	s, err := FromTree(context.Background(), tree)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const semantics = `agreement "shop" {
  title     = "Shop"
  version   = "1.0.0"
  effective = "2026-01-01"
  expires   = "2027-01-01"
  party "customer" {
    name = "Globex"
  }
  indicator "errors" {
    ratio {
      bad   = "sum(increase(errors_total[${window}]))"
      total = "sum(increase(requests_total[${window}]))"
    }
  }
  indicator "latency" {
    value = "max(max_over_time(latency_seconds[${window}]))"
    unit  = "s"
  }
  indicator "up" {
    value = "avg(avg_over_time(up[${window}]))"
  }
  slo "availability" {
    indicator  = indicator.errors
    objective  = 99
    window     = "1d"
    min_events = 10
  }
  slo "latency" {
    indicator = indicator.latency
    max       = 0.5
    window    = "1d"
  }
  slo "uptime" {
    indicator    = indicator.up
    objective    = 50
    window       = "4h"
    min_coverage = 50 # one slice in four may have no data
    timeslices {
      slice   = "1h"
      min     = 0.9
      missing = "bad"
    }
  }
  exclusion "nightly" {
    cron     = "0 0 * * *"
    duration = "2h"
    slos     = [slo.availability]
  }
  responsibility "access" {
    party = party.customer
    fact  = "access_granted"
    due   = "2026-03-01"
  }
}
`

// sloOf returns an SLO's result, its numbers as float64 as JSON reads them.
func sloOf(t *testing.T, v *Verdict, name string) map[string]any {
	t.Helper()
	for _, s := range written(t, v)[0]["slos"].([]any) {
		if m := s.(map[string]any); m["name"] == name {
			out := map[string]any{}
			for k, x := range m {
				if n, ok := x.(json.Number); ok {
					x, _ = n.Float64()
				}
				out[k] = x
			}
			return out
		}
	}
	t.Fatalf("no SLO %s in %v", name, written(t, v)[0]["slos"])
	return nil
}

func TestARatioIsSummedOverTheIntervalsAroundTheExclusions(t *testing.T) {
	s := compileSet(t, semantics)
	src := newFake()
	// The window [Nov 1 01:00, Nov 2 01:00] minus the nightly 00:00-02:00
	// runs is [Nov 1 02:00, Nov 2 00:00]: 22 hours, measured at its end.
	src.set("sum(increase(requests_total[79200s]))", "2026-11-02T00:00:00Z", 1000)
	src.set("sum(increase(errors_total[79200s]))", "2026-11-02T00:00:00Z", 5)
	v, err := evaluateValid(t, s, src, Options{At: utc("2026-11-02T01:00:00Z")})
	if err != nil {
		t.Fatal(err)
	}
	a := sloOf(t, v, "availability")
	if a["good"] != 995.0 || a["total"] != 1000.0 || a["status"] != "pass" {
		t.Errorf("good %v total %v status %v, want 995, 1000, pass", a["good"], a["total"], a["status"])
	}
	if a["excluded_seconds"] != 7200.0 {
		t.Errorf("excluded_seconds %v, want 7200", a["excluded_seconds"])
	}
	queries := queriesOf(t, a)
	if len(queries) != 3 || queries[0].Query != "sum(increase(requests_total[79200s]))" || queries[0].Time != "2026-11-02T00:00:00Z" ||
		queries[2].Purpose != "coverage" || queries[2].Query != "sum(increase(requests_total[300s]))" || queries[2].End != "2026-11-02T01:00:00Z" {
		t.Errorf("queries %+v, want the two of the included window, and the total's coverage every 5 minutes", queries)
	}
}

func TestFewerEventsThanMinEventsIsNoData(t *testing.T) {
	s := compileSet(t, semantics)
	src := newFake()
	src.set("sum(increase(requests_total[79200s]))", "2026-11-02T00:00:00Z", 9)
	v, _ := evaluateValid(t, s, src, Options{At: utc("2026-11-02T01:00:00Z")})
	if a := sloOf(t, v, "availability"); a["status"] != "no_data" || a["measured"] != nil {
		t.Errorf("status %v measured %v, want no_data, null", a["status"], a["measured"])
	}
}

func TestAValueSLOIsMeasuredOnceOverTheWholeWindow(t *testing.T) {
	s := compileSet(t, semantics)
	src := newFake()
	src.set("max(max_over_time(latency_seconds[86400s]))", "2026-11-02T01:00:00Z", 0.7)
	v, _ := evaluateValid(t, s, src, Options{At: utc("2026-11-02T01:00:00Z")})
	l := sloOf(t, v, "latency")
	if l["measured"] != 0.7 || l["status"] != "fail" || l["excluded_seconds"] != 0.0 {
		t.Errorf("latency %v", l)
	}
}

func TestTimeslicesCountMissingSlicesAsTheAgreementSays(t *testing.T) {
	s := compileSet(t, semantics)
	src := newFake()
	// Four slices of an hour end at 22:00, 23:00, 00:00 and 01:00 (the
	// nightly exclusion names availability only). Two are good, one is
	// bad, one has no data, and missing = "bad": 2 good of 4.
	setSlices(src)
	v, _ := evaluateValid(t, s, src, Options{At: utc("2026-11-02T01:00:00Z")})
	u := sloOf(t, v, "uptime")
	if u["good"] != 2.0 || u["total"] != 4.0 || u["status"] != "pass" {
		t.Errorf("uptime good %v total %v status %v, want 2 of 4, pass at 50%%", u["good"], u["total"], u["status"])
	}
}

func TestAFailingSourceGivesErrorNeverAPass(t *testing.T) {
	s := compileSet(t, semantics)
	src := newFake()
	src.fail["sum(increase(requests_total"] = errors.New("connection refused")
	v, err := evaluateValid(t, s, src, Options{At: utc("2026-11-02T01:00:00Z")})
	if err != nil {
		t.Fatal(err)
	}
	a := sloOf(t, v, "availability")
	if a["status"] != "error" || a["measured"] != nil || !strings.Contains(a["message"].(string), "connection refused") {
		t.Errorf("availability %v", a)
	}
}

func TestTwoSeriesAreAnErrorThatSaysToAggregate(t *testing.T) {
	s := compileSet(t, semantics)
	src := newFake()
	src.answers["max(max_over_time(latency_seconds[86400s]))@"+fmt.Sprint(utc("2026-11-02T01:00:00Z").Unix())] = model.Vector{{Value: 0.1}, {Value: 0.2}}
	v, _ := evaluateValid(t, s, src, Options{At: utc("2026-11-02T01:00:00Z")})
	l := sloOf(t, v, "latency")
	if l["status"] != "error" || !strings.Contains(l["message"].(string), "aggregate it, e.g. sum(") {
		t.Errorf("latency %v", l)
	}
}

func TestNothingIsMeasuredOutsideTheAgreementsTerm(t *testing.T) {
	s := compileSet(t, semantics)
	for _, at := range []string{"2025-12-31T23:00:00Z", "2027-01-01T00:00:00Z"} {
		src := newFake()
		v, err := evaluateValid(t, s, src, Options{At: utc(at)})
		if err != nil {
			t.Fatal(err)
		}
		if v.Status != "inactive" || src.total() != 0 {
			t.Errorf("at %s: status %v after %d queries, want inactive after none", at, v.Status, src.total())
		}
	}
}

func TestFactsBeforeAndAfterTheirDueDate(t *testing.T) {
	s := compileSet(t, semantics)
	for _, c := range []struct {
		at    string
		facts map[string]any
		want  string
	}{
		{"2026-02-01T00:00:00Z", map[string]any{"access_granted": false}, "pending"},
		{"2026-04-01T00:00:00Z", map[string]any{"access_granted": false}, "breached"},
		{"2026-04-01T00:00:00Z", map[string]any{}, "unknown"},
		{"2026-04-01T00:00:00Z", map[string]any{"access_granted": true}, "met"},
	} {
		v, err := evaluateValid(t, s, newFake(), Options{At: utc(c.at), Facts: map[string]map[string]any{"shop": c.facts}})
		if err != nil {
			t.Fatal(err)
		}
		r := written(t, v)[0]["responsibilities"].([]any)[0].(map[string]any)
		if r["status"] != c.want {
			t.Errorf("at %s with %v: %v, want %s", c.at, c.facts, r["status"], c.want)
		}
	}
}

func TestEachDistinctQueryIsSentOnce(t *testing.T) {
	s := compileSet(t, strings.Replace(semantics, `  exclusion "nightly" {`, `  slo "availability-again" {
    indicator  = indicator.errors
    objective  = 98
    window     = "1d"
  }
  exclusion "nightly" {`, 1))
	src := newFake()
	if _, err := evaluateValid(t, s, src, Options{At: utc("2026-11-02T01:00:00Z")}); err != nil {
		t.Fatal(err)
	}
	for q, n := range src.calls {
		if n != 1 {
			t.Errorf("%s sent %d times", q, n)
		}
	}
}

func TestMissingSlicesAreSkippedOrCountedGood(t *testing.T) {
	for _, c := range []struct {
		missing     string
		good, total float64
	}{
		{"skip", 2, 3},
		{"good", 3, 4},
	} {
		t.Run(c.missing, func(t *testing.T) {
			s := compileSet(t, strings.Replace(semantics, `missing = "bad"`, `missing = "`+c.missing+`"`, 1))
			src := newFake()
			setSlices(src)
			v, _ := evaluateValid(t, s, src, Options{At: utc("2026-11-02T01:00:00Z")})
			u := sloOf(t, v, "uptime")
			if u["good"] != c.good || u["total"] != c.total {
				t.Errorf("missing = %q: %v good of %v, want %v of %v", c.missing, u["good"], u["total"], c.good, c.total)
			}
		})
	}
}

func TestNaNIsNoDataNotANumber(t *testing.T) {
	s := compileSet(t, semantics)
	src := newFake()
	src.answers["max(max_over_time(latency_seconds[86400s]))@"+fmt.Sprint(utc("2026-11-02T01:00:00Z").Unix())] = model.Vector{{Value: model.SampleValue(math.NaN())}}
	v, _ := evaluateValid(t, s, src, Options{At: utc("2026-11-02T01:00:00Z")})
	if l := sloOf(t, v, "latency"); l["status"] != "no_data" || l["measured"] != nil {
		t.Errorf("latency %v %v, want no_data and null", l["status"], l["measured"])
	}
}

func TestEveryVerdictMatchesTheSchema(t *testing.T) {
	s := compileSet(t, semantics)
	for _, at := range []string{"2025-12-01T00:00:00Z", "2026-02-01T00:00:00Z", "2026-11-02T01:00:00Z", "2027-02-01T00:00:00Z"} {
		src := newFake()
		src.set("sum(increase(requests_total[79200s]))", "2026-11-02T00:00:00Z", 1000)
		src.fail["max("] = errors.New("timeout")
		v, err := evaluateValid(t, s, src, Options{At: utc(at), Facts: map[string]map[string]any{"shop": {"access_granted": false}}})
		if err != nil {
			t.Fatal(err)
		}
		doc, _ := json.Marshal(v)
		if err := verdictschema.Validate(doc); err != nil {
			t.Errorf("at %s: %v", at, err)
		}
	}
}

func TestLongTimeslicesAreMeasuredInRangeQueriesPrometheusAccepts(t *testing.T) {
	s := compileSet(t, strings.Replace(semantics, `    window       = "4h"
    min_coverage = 50 # one slice in four may have no data
    timeslices {
      slice   = "1h"`, `    window       = "90d"
    timeslices {
      slice   = "5m"`, 1))
	src := newFake()
	if _, err := evaluateValid(t, s, src, Options{At: utc("2026-11-02T01:00:00Z")}); err != nil {
		t.Fatal(err)
	}
	ranges := 0
	for key := range src.calls {
		if !strings.Contains(key, "..") || !strings.HasPrefix(key, "avg(avg_over_time(up") {
			continue
		}
		ranges++
		var q string
		var start, end, step int64
		if _, err := fmt.Sscanf(strings.Replace(strings.Replace(key, "@", " ", 1), "..", " ", 1), "%s %d %d/%d", &q, &start, &end, &step); err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if points := (end-start)/step + 1; points > 11000 {
			t.Errorf("a range query of %d points: Prometheus refuses more than 11,000", points)
		}
	}
	// 90 days of 5-minute slices are 25,920 points: three queries.
	if ranges != 3 {
		t.Errorf("%d range queries, want 3", ranges)
	}
}

// setSlices answers the uptime slices ending 22:00 to 01:00: good, bad,
// none, good.
func setSlices(src *fakeSource) {
	src.answers["avg(avg_over_time(up[3600s]))@"+fmt.Sprint(utc("2026-11-01T22:00:00Z").Unix())+".."+fmt.Sprint(utc("2026-11-02T01:00:00Z").Unix())+"/3600"] = model.Matrix{{
		Values: []model.SamplePair{
			{Timestamp: model.TimeFromUnix(utc("2026-11-01T22:00:00Z").Unix()), Value: 1},
			{Timestamp: model.TimeFromUnix(utc("2026-11-01T23:00:00Z").Unix()), Value: 0.5},
			{Timestamp: model.TimeFromUnix(utc("2026-11-02T01:00:00Z").Unix()), Value: 0.95},
		},
	}}
}

// evaluateValid evaluates and checks the verdict against the JSON Schema:
// every verdict the tests produce must match docs/verdict.schema.json.
func evaluateValid(t *testing.T, s *Set, src Source, opts Options) (*Verdict, error) {
	t.Helper()
	v, err := s.Evaluate(context.Background(), src, opts)
	if err != nil {
		return nil, err
	}
	doc, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := verdictschema.Validate(doc); err != nil {
		t.Errorf("the verdict does not match the schema: %v", err)
	}
	return v, nil
}
