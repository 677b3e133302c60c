package evaluator

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
)

// matrix is a range answer with a value at each of the times.
func matrix(v float64, times ...time.Time) model.Matrix {
	s := &model.SampleStream{}
	for _, t := range times {
		s.Values = append(s.Values, model.SamplePair{Timestamp: model.TimeFromUnix(t.Unix()), Value: model.SampleValue(v)})
	}
	return model.Matrix{s}
}

// steps are the times from first to last, every step.
func steps(first, last time.Time, step time.Duration) []time.Time {
	var out []time.Time
	for t := first; !t.After(last); t = t.Add(step) {
		out = append(out, t)
	}
	return out
}

// num reads a figure of a verdict as a number; NaN when it is none.
func num(v any) float64 {
	if f, ok := number(v); ok {
		return f
	}
	return math.NaN()
}

func rangeKey(q string, start, end time.Time, step time.Duration) string {
	return fmt.Sprintf("%s@%d..%d/%d", q, start.Unix(), end.Unix(), int64(step/time.Second))
}

// At 01:00 on 2 November the shop's day of availability is the 22 hours
// around its nightly exclusion; its coverage is measured every 5 minutes
// over the whole day back from 01:00.
var (
	semanticsAt = utc("2026-11-02T01:00:00Z")
	dayStart    = utc("2026-11-01T01:00:00Z")
)

func TestCoverageBelowTheMinimumIsNoDataWhateverWasMeasured(t *testing.T) {
	s := compileSet(t, semantics)
	src := newFake()
	src.set("sum(increase(requests_total[79200s]))", "2026-11-02T00:00:00Z", 1000)
	src.set("sum(increase(errors_total[79200s]))", "2026-11-02T00:00:00Z", 0)
	// The source holds the last eight hours of the day only.
	src.whole = false
	held := steps(utc("2026-11-01T17:05:00Z"), semanticsAt, 5*time.Minute)
	for _, step := range []time.Duration{5 * time.Minute, time.Hour, 6 * time.Hour} {
		n := int64((24*time.Hour + step - 1) / step)
		first := semanticsAt.Add(-time.Duration(n-1) * step)
		var at []time.Time
		for _, t := range steps(first, semanticsAt, step) {
			if !t.Before(held[0]) {
				at = append(at, t)
			}
		}
		src.answers[rangeKey(fmt.Sprintf("sum(increase(requests_total[%ds]))", int64(step/time.Second)), first, semanticsAt, step)] = matrix(1, at...)
	}
	v, err := evaluateValid(t, s, src, Options{At: semanticsAt})
	if err != nil {
		t.Fatal(err)
	}
	a := sloOf(t, v, "availability")
	c := a["coverage"].(map[string]any)
	if a["status"] != "no_data" || a["measured"] != nil {
		t.Errorf("availability %v measured %v, want no_data without a figure: 100%% of a third of the day is not the day", a["status"], a["measured"])
	}
	// 7 hours of the 22 included (the nightly 00:00 to 02:00 is cut out).
	if math.Abs(num(c["percent"])-100*7.0/22) > 1e-6 || num(c["step_seconds"]) != 300 || c["from"] != "2026-11-01T17:00:00Z" || c["to"] != "2026-11-02T01:00:00Z" {
		t.Errorf("coverage %v, want 31.82%% from 17:00 to 01:00 every 5 minutes", c)
	}
	for _, want := range []string{"availability has no data: data covers 31.8182% of the window (from 2026-11-01T17:00:00Z to 2026-11-02T01:00:00Z), less than the 95% required: nothing before 2026-11-01T17:00:00Z: the source may not retain the whole window"} {
		if !strings.Contains(a["message"].(string), want) {
			t.Errorf("the message %q does not say %q", a["message"], want)
		}
	}
	if v.Status != "inconclusive" {
		t.Errorf("the agreement is %s, want inconclusive", v.Status)
	}
}

func TestASparseMetricIsCoveredAtACoarserStep(t *testing.T) {
	s := compileSet(t, semantics)
	src := newFake()
	src.whole = false
	src.set("max(max_over_time(latency_seconds[86400s]))", "2026-11-02T01:00:00Z", 0.2)
	// Scraped every 30 minutes: a 5-minute step answers one time in six,
	// an hourly one every time.
	first5 := dayStart.Add(5 * time.Minute)
	var sparse []time.Time
	for _, t := range steps(first5, semanticsAt, 5*time.Minute) {
		if t.Minute()%30 == 0 {
			sparse = append(sparse, t)
		}
	}
	src.answers[rangeKey("max(max_over_time(latency_seconds[300s]))", first5, semanticsAt, 5*time.Minute)] = matrix(0.2, sparse...)
	src.answers[rangeKey("max(max_over_time(latency_seconds[3600s]))", dayStart.Add(time.Hour), semanticsAt, time.Hour)] = matrix(0.2, steps(dayStart.Add(time.Hour), semanticsAt, time.Hour)...)
	v, err := evaluateValid(t, s, src, Options{At: semanticsAt})
	if err != nil {
		t.Fatal(err)
	}
	l := sloOf(t, v, "latency")
	c := l["coverage"].(map[string]any)
	if l["status"] != "pass" || num(c["percent"]) != 100 || num(c["step_seconds"]) != 3600 {
		t.Errorf("latency %v, coverage %v; want pass, 100%% at an hourly step", l["status"], c)
	}
}

func TestMissingSlicesCountAgainstCoverageBeforeMissingApplies(t *testing.T) {
	// Every slice but one is missing: missing = "good" would count them
	// good, but the source holds a quarter of the window.
	s := compileSet(t, strings.Replace(strings.Replace(semantics, `missing = "bad"`, `missing = "good"`, 1), "min_coverage = 50 # one slice in four may have no data", "", 1))
	src := newFake()
	src.answers[rangeKey("avg(avg_over_time(up[3600s]))", utc("2026-11-01T22:00:00Z"), semanticsAt, time.Hour)] = matrix(1, utc("2026-11-01T22:00:00Z"))
	v, err := evaluateValid(t, s, src, Options{At: semanticsAt})
	if err != nil {
		t.Fatal(err)
	}
	u := sloOf(t, v, "uptime")
	c := u["coverage"].(map[string]any)
	if u["status"] != "no_data" || num(c["percent"]) != 25 || num(c["step_seconds"]) != 3600 || c["from"] != "2026-11-01T21:00:00Z" || c["to"] != "2026-11-01T22:00:00Z" {
		t.Errorf("uptime %v (%v), coverage %v; want no_data with 25%% of the slices held", u["status"], u["message"], c)
	}
}

func TestAnIndicatorSaysWhereItsCoverageComesFromOrThatThereIsNone(t *testing.T) {
	s := compileSet(t, strings.Replace(strings.Replace(semantics, `    value = "max(max_over_time(latency_seconds[${window}]))"`,
		`    value    = "max(max_over_time(latency_seconds[${window}]))"
    coverage = "max(max_over_time(up{job='exporter'}[${window}])) == 1"`, 1),
		`    value = "avg(avg_over_time(up[${window}]))"`, `    value    = "avg(avg_over_time(up[${window}]))"
    coverage = false`, 1))
	src := newFake()
	src.set("max(max_over_time(latency_seconds[86400s]))", "2026-11-02T01:00:00Z", 0.2)
	v, err := evaluateValid(t, s, src, Options{At: semanticsAt})
	if err != nil {
		t.Fatal(err)
	}
	l := sloOf(t, v, "latency")
	queries := queriesOf(t, l)
	if len(queries) != 2 || queries[1].Query != "max(max_over_time(up{job='exporter'}[300s])) == 1" || queries[1].Purpose != "coverage" {
		t.Errorf("latency was measured with %+v, want its own coverage query", queries)
	}
	if c, _ := l["coverage"].(map[string]any); c == nil || num(c["percent"]) != 100 {
		t.Errorf("latency coverage %v, want 100%%", l["coverage"])
	}
	u := sloOf(t, v, "uptime")
	if u["coverage"] != nil {
		t.Errorf("uptime coverage %v, want null: coverage = false", u["coverage"])
	}
	for _, q := range queriesOf(t, u) {
		if q.Purpose == "coverage" {
			t.Errorf("a coverage query was sent for uptime: %+v", q)
		}
	}
}

// TestAnswersThatMakeNoSenseNeverPass: what the source answers is checked
// before it counts: a count that is missing or NaN where the other is
// there is no data, with the reason; impossible counts are an error.
func TestAnswersThatMakeNoSenseNeverPass(t *testing.T) {
	const total, bad = "sum(increase(requests_total[79200s]))", "sum(increase(errors_total[79200s]))"
	end := fmt.Sprint(utc("2026-11-02T00:00:00Z").Unix())
	for _, c := range []struct {
		name        string
		total, bad  model.Value
		status, say string
	}{
		{"no series of bad events where there are events", model.Vector{{Value: 1000}}, model.Vector{}, "no_data",
			`the bad query returns no number (no series, or NaN) at 2026-11-02T00:00:00Z, where the total query counts 1000 events: if there were no bad events, end the query with "or vector(0)"`},
		{"NaN bad events", model.Vector{{Value: 1000}}, model.Vector{{Value: model.SampleValue(math.NaN())}}, "no_data", "the bad query returns no number"},
		{"no total where there are bad events", model.Vector{}, model.Vector{{Value: 5}}, "no_data", "the total query returns no number (no series, or NaN) at 2026-11-02T00:00:00Z, where the bad query returns 5"},
		{"more bad events than events", model.Vector{{Value: 1000}}, model.Vector{{Value: 1200}}, "error", "impossible counts at 2026-11-02T00:00:00Z: 1200 bad events out of 1000 in all"},
		{"a negative count", model.Vector{{Value: 1000}}, model.Vector{{Value: -3}}, "error", "a count of events is never negative"},
		{"no bad series and no events at all is no events", model.Vector{{Value: 0}}, model.Vector{}, "no_data", "availability has no data: 0 events, fewer than the 10 required"},
		{"no total, and the bad query's \"or vector(0)\", is nothing held", model.Vector{}, model.Vector{{Value: 0}}, "no_data", "availability has no data: 0 events, fewer than the 10 required"},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := newFake()
			src.answers[total+"@"+end] = c.total
			src.answers[bad+"@"+end] = c.bad
			v, err := evaluateValid(t, compileSet(t, semantics), src, Options{At: semanticsAt})
			if err != nil {
				t.Fatal(err)
			}
			a := sloOf(t, v, "availability")
			if a["status"] != c.status || a["measured"] != nil || !strings.Contains(a["message"].(string), c.say) {
				t.Errorf("availability %v %q, measured %v; want %s saying %q", a["status"], a["message"], a["measured"], c.status, c.say)
			}
		})
	}
}

func TestRatioSlicesThatMakeNoSenseNeverPass(t *testing.T) {
	agreement := strings.Replace(semantics, `  slo "uptime" {`, `  slo "slices" {
    indicator    = indicator.errors
    objective    = 50
    window       = "4h"
    min_coverage = 0
    timeslices {
      slice     = "1h"
      objective = 99
      missing   = "good"
    }
  }
  slo "uptime" {`, 1)
	first := utc("2026-11-01T22:00:00Z")
	for _, c := range []struct {
		name        string
		bad         model.Value
		status, say string
	}{
		{"bad events above the total in a slice", matrix(2000, first), "error", "impossible counts in the slice ending 2026-11-01T22:00:00Z: 2000 bad events out of 1000 in all"},
		{"bad events missing from every slice with events: the slices are missing, not good", model.Matrix{}, "no_data", "slices has no data: no slice was counted"},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := newFake()
			src.whole = false
			src.answers[rangeKey("sum(increase(requests_total[3600s]))", first, semanticsAt, time.Hour)] = matrix(1000, steps(first, semanticsAt, time.Hour)...)
			src.answers[rangeKey("sum(increase(errors_total[3600s]))", first, semanticsAt, time.Hour)] = c.bad
			v, err := evaluateValid(t, compileSet(t, agreement), src, Options{At: semanticsAt})
			if err != nil {
				t.Fatal(err)
			}
			s := sloOf(t, v, "slices")
			if s["status"] != c.status || !strings.Contains(s["message"].(string), c.say) {
				t.Errorf("slices %v %q; want %s saying %q", s["status"], s["message"], c.status, c.say)
			}
			if c.status == "no_data" {
				if cov := s["coverage"].(map[string]any); num(cov["percent"]) != 0 {
					t.Errorf("coverage %v, want 0%%: no slice had its bad events", cov)
				}
			}
		})
	}
}

// gappy answers every query, instant or range, at every time but those in
// its gap.
type gappy struct{ gap Interval }

func (g gappy) Query(_ context.Context, q string, t time.Time) (Answer, error) {
	return Answer{Value: model.Vector{{Value: 1000, Timestamp: model.TimeFromUnix(t.Unix())}}}, nil
}

func (g gappy) QueryRange(_ context.Context, q string, start, end time.Time, step time.Duration) (Answer, error) {
	var at []time.Time
	for _, t := range steps(start, end, step) {
		if !(t.After(g.gap.Start) && !t.After(g.gap.End)) {
			at = append(at, t)
		}
	}
	return Answer{Value: matrix(1000, at...)}, nil
}

// TestAGapIsNotHiddenByACoarserStep: five days of October missing look
// the same every hour, every 6 hours and every day: the coverage is that
// of the hours, not of a single answer over the month.
func TestAGapIsNotHiddenByACoarserStep(t *testing.T) {
	s := compileSet(t, hosting)
	src := gappy{gap: Interval{utc("2026-10-10T00:00:00Z"), utc("2026-10-15T00:00:00Z")}}
	v, err := evaluateValid(t, s, src, Options{At: utc("2026-11-01T00:00:00Z")})
	if err != nil {
		t.Fatal(err)
	}
	a := sloOf(t, v, "availability")
	c := a["coverage"].(map[string]any)
	if want := 100 * 26.0 / 31; math.Abs(num(c["percent"])-want) > 1e-6 || num(c["step_seconds"]) != 3600 || a["status"] != "no_data" || c["note"] != "the data has gaps" {
		t.Errorf("availability %v, coverage %v; want no_data, %.2f%% of the month at an hourly step, with gaps", a["status"], c, want)
	}
}

// TestCoverageFromRealAnswers measures coverage through the embedded
// engine, from histories that are sampled too rarely for the finest step,
// or that have gaps, or both: a gap is never smoothed over by a coarser
// step, and sparse sampling is never taken for a gap.
func TestCoverageFromRealAnswers(t *testing.T) {
	const agreement = `agreement "c" {
  title     = "C"
  version   = "1.0.0"
  effective = "2026-01-01"
  indicator "events" {
    ratio {
      good  = "sum(increase(events_total[${window}]))"
      total = "sum(increase(events_total[${window}]))"
    }
  }
  indicator "gauge" {
    value = "max(max_over_time(gauge[${window}]))"
  }
  slo "month" {
    indicator = indicator.events
    objective = 99
    calendar  = "month"
  }
  slo "day" {
    indicator = indicator.gauge
    max       = 10
    window    = "1d"
  }
  slo "week" {
    indicator = indicator.gauge
    max       = 10
    window    = "7d"
  }
}
`
	at := utc("2026-11-01T00:00:00Z")
	type series struct {
		name     string
		step     time.Duration
		from     time.Time
		gap      Interval
		doubleAt time.Time // a second sample a second after this one
	}
	for _, c := range []struct {
		name      string
		series    []series
		slo       string
		status    string
		low, high float64 // the coverage
		say       string
	}{
		{"a gauge every minute with four hours missing from the day", []series{{name: "gauge", step: time.Minute, from: utc("2026-10-25T00:00:00Z"), gap: Interval{utc("2026-10-31T08:00:00Z"), utc("2026-10-31T12:00:00Z")}}},
			"day", "no_data", 83, 84, "the data has gaps"},
		{"a gauge every minute with thirty hours missing from the week", []series{{name: "gauge", step: time.Minute, from: utc("2026-10-20T00:00:00Z"), gap: Interval{utc("2026-10-27T00:00:00Z"), utc("2026-10-28T06:00:00Z")}}},
			"week", "no_data", 82, 83, "the data has gaps"},
		{"a gauge every ten minutes is held whole", []series{{name: "gauge", step: 10 * time.Minute, from: utc("2026-10-25T00:00:00Z")}},
			"day", "pass", 99.5, 100, ""},
		{"a counter every 30 minutes, once scraped twice, is held whole", []series{{name: "events_total", step: 30 * time.Minute, from: utc("2026-09-30T00:00:00Z"), doubleAt: utc("2026-10-12T10:00:00Z")}},
			"month", "pass", 99.9, 100, ""},
		{"a counter once a day is held whole", []series{{name: "events_total", step: 24 * time.Hour, from: utc("2026-09-29T00:00:00Z")}},
			"month", "pass", 99, 100, ""},
		{"a counter once a day for the last three days is not the month", []series{{name: "events_total", step: 24 * time.Hour, from: utc("2026-10-29T00:00:00Z")}},
			"month", "no_data", 10, 15, "nothing before"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var b strings.Builder
			for _, s := range c.series {
				typ := "gauge"
				if strings.HasSuffix(s.name, "_total") {
					typ = "counter"
				}
				fmt.Fprintf(&b, "# TYPE %s %s\n", strings.TrimSuffix(s.name, "_total"), typ)
				v := 0
				for ts := s.from; !ts.After(at); ts = ts.Add(s.step) {
					v++
					if ts.After(s.gap.Start) && ts.Before(s.gap.End) {
						continue
					}
					value := 1
					if typ == "counter" {
						value = v * 100
					}
					fmt.Fprintf(&b, "%s %d %d\n", s.name, value, ts.Unix())
					if ts.Equal(s.doubleAt) {
						fmt.Fprintf(&b, "%s %d %d\n", s.name, value+1, ts.Unix()+1)
					}
				}
			}
			b.WriteString("# EOF\n")
			file := filepath.Join(t.TempDir(), "h.om")
			if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			v, err := evaluateValid(t, compileSet(t, agreement), loaded(t, file), Options{At: at})
			if err != nil {
				t.Fatal(err)
			}
			s := sloOf(t, v, c.slo)
			cov, _ := s["coverage"].(map[string]any)
			p := num(cov["percent"])
			if s["status"] != c.status || p < c.low || p > c.high || !strings.Contains(fmt.Sprint(cov["note"]), c.say) {
				t.Errorf("%s: %v (%v), coverage %v; want %s, %v%% to %v%%, saying %q", c.slo, s["status"], s["message"], cov, c.status, c.low, c.high, c.say)
			}
		})
	}
}

// TestACoverageThatCannotBeMeasuredIsNoData: a counter sampled every
// twenty days answers increase() over no step up to half the month: its
// figure may be that of any part of the month, so it is no data, with what
// to do.
func TestACoverageThatCannotBeMeasuredIsNoData(t *testing.T) {
	var b strings.Builder
	b.WriteString("# TYPE http_requests counter\n")
	for _, code := range []string{"200", "503"} {
		for i, ts := 0, utc("2026-09-20T00:00:00Z"); !ts.After(utc("2026-11-01T00:00:00Z")); i, ts = i+1, ts.Add(480*time.Hour) {
			fmt.Fprintf(&b, "http_requests_total{code=%q} %d %d\n", code, i*100, ts.Unix())
		}
	}
	b.WriteString("# EOF\n")
	file := filepath.Join(t.TempDir(), "h.om")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	v, err := evaluateValid(t, compileSet(t, hosting), loaded(t, file), Options{At: utc("2026-11-01T00:00:00Z")})
	if err != nil {
		t.Fatal(err)
	}
	a := sloOf(t, v, "availability")
	if a["status"] != "no_data" || a["coverage"] != nil || !strings.Contains(a["message"].(string), "its coverage cannot be measured") || !strings.Contains(a["message"].(string), "coverage = false") {
		t.Errorf("availability %v (%v), coverage %v; want no_data saying that coverage cannot be measured", a["status"], a["message"], a["coverage"])
	}
}

// TestSlicesOfFourWeeksAreMeasured: ten thousand slices of 28 days would
// overflow a duration; a year of them is one range query of 13 points.
func TestSlicesOfFourWeeksAreMeasured(t *testing.T) {
	s := compileSet(t, strings.Replace(semantics, `    window       = "4h"
    min_coverage = 50 # one slice in four may have no data
    timeslices {
      slice   = "1h"`, `    calendar     = "year"
    timeslices {
      slice   = "28d"`, 1))
	src := newFake()
	v, err := evaluateValid(t, s, src, Options{At: utc("2027-01-01T00:00:00Z").Add(-time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	if u := sloOf(t, v, "uptime"); u["status"] != "pass" || num(u["total"]) != 13 {
		t.Errorf("uptime %v (%v) over %v slices, want pass over 13", u["status"], u["message"], u["total"])
	}
}
