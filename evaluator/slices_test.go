package evaluator

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/common/model"
)

// seqSource answers the range queries of good_total and all_total with a
// value per step from its tables (a step without an entry has no sample),
// any other range query with 1 at every step, and instant queries with
// nothing. It records the steps asked.
type seqSource struct {
	mu          sync.Mutex
	good, total map[int64]float64
	steps       []int64
}

func (s *seqSource) Query(context.Context, string, time.Time) (Answer, error) {
	return Answer{Value: model.Vector{}}, nil
}

func (s *seqSource) QueryRange(_ context.Context, q string, start, end time.Time, step time.Duration) (Answer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	table := map[int64]float64(nil)
	switch {
	case strings.Contains(q, "good_total"):
		table = s.good
	case strings.Contains(q, "all_total"):
		table = s.total
	}
	st := &model.SampleStream{}
	for t := start; !t.After(end); t = t.Add(step) {
		if table == nil {
			st.Values = append(st.Values, model.SamplePair{Timestamp: model.TimeFromUnix(t.Unix()), Value: 1})
			continue
		}
		if strings.Contains(q, "all_total") {
			s.steps = append(s.steps, t.Unix())
		}
		if v, ok := table[t.Unix()]; ok {
			st.Values = append(st.Values, model.SamplePair{Timestamp: model.TimeFromUnix(t.Unix()), Value: model.SampleValue(v)})
		}
	}
	return Answer{Value: model.Matrix{st}}, nil
}

// sliceTerms are the timeslices attributes of one case.
type sliceTerms struct {
	measure, empty, missing string
	minEvents, minRun       int
	objective               float64 // of a slice, percent
}

func (c sliceTerms) hcl() string {
	var b strings.Builder
	fmt.Fprintf(&b, "      slice     = \"1h\"\n      objective = %g\n      missing   = %q\n", c.objective, c.missing)
	if c.measure != "" {
		fmt.Fprintf(&b, "      measure   = %q\n", c.measure)
	}
	if c.empty != "" {
		fmt.Fprintf(&b, "      empty     = %q\n", c.empty)
	}
	if c.minEvents > 0 {
		fmt.Fprintf(&b, "      min_events = %d\n", c.minEvents)
	}
	if c.minRun > 0 {
		fmt.Fprintf(&b, "      min_run   = %d\n", c.minRun)
	}
	return b.String()
}

const slicesAgreement = `agreement "s" {
  title     = "Slices"
  version   = "1.0.0"
  effective = "2026-01-01"
  party "provider" {
    name = "P"
  }
  party "customer" {
    name = "C"
  }
  service "s" {
    includes = ["s"]
  }
  indicator "requests" {
    ratio {
      good  = "sum(increase(good_total[${window}]))"
      total = "sum(increase(all_total[${window}]))"
    }
  }
  slo "slices" {
    indicator    = indicator.requests
    objective    = 50
    window       = "24h"
    min_coverage = 0
    timeslices {
%s    }
  }
  exclusion "maintenance" {
    from = "2026-11-02T03:30:00Z"
    to   = "2026-11-02T05:00:00Z"
  }
}
`

// A slice as the oracle sees it: its counts (nil: no sample) and whether
// an exclusion overlaps it.
type oracleSlice struct {
	good, total *float64
	excluded    bool
}

// oracle computes the measured value of a timeslice SLO from its slices,
// as docs/language.md defines it, independently of the evaluator: each
// slice is judged (or skipped), short runs of bad slices are forgiven,
// and the value is the share of good slices or the mean of their shares.
func oracle(c sliceTerms, slices []oracleSlice) (good, total float64) {
	const skip, bad, ok = 0, 1, 2
	by := func(policy string) (int, float64) {
		switch policy {
		case "good":
			return ok, 1
		case "bad":
			return bad, 0
		}
		return skip, 0
	}
	state := make([]int, len(slices))
	share := make([]float64, len(slices))
	for i, s := range slices {
		switch {
		case s.excluded:
			state[i] = -1
		case s.total == nil || (*s.total > 0 && s.good == nil):
			state[i], share[i] = by(c.missing)
		case *s.total == 0:
			if c.empty != "" {
				state[i], share[i] = by(c.empty)
			} else {
				state[i], share[i] = by(c.missing)
			}
		case c.minEvents > 0 && *s.total < float64(c.minEvents):
			if c.empty != "" {
				state[i], share[i] = by(c.empty)
			} else {
				state[i], share[i] = ok, 1
			}
		default:
			share[i] = *s.good / *s.total
			if 100*share[i] >= c.objective {
				state[i] = ok
			} else {
				state[i] = bad
			}
		}
	}
	if c.minRun > 1 {
		for i := 0; i < len(state); {
			if state[i] != bad {
				i++
				continue
			}
			j := i
			for j < len(state) && state[j] == bad {
				j++
			}
			if j-i < c.minRun {
				for k := i; k < j; k++ {
					state[k], share[k] = ok, 1
				}
			}
			i = j
		}
	}
	for i := range state {
		if state[i] == ok || state[i] == bad {
			total++
			if c.measure == "mean" {
				good += share[i]
			} else if state[i] == ok {
				good++
			}
		}
	}
	return good, total
}

// The new rules of timeslices (measure, empty, min_events, min_run) give
// on random slice sequences what the oracle gives: zeros, too few events,
// missing slices, runs of bad slices at the window's start and cut by an
// exclusion.
func TestTimeslicesAgreeWithTheOracle(t *testing.T) {
	at := utc("2026-11-02T12:00:00Z")
	cases := []sliceTerms{
		{missing: "skip", objective: 90},
		{measure: "mean", empty: "good", missing: "skip", objective: 90},
		{measure: "mean", empty: "skip", missing: "bad", objective: 99},
		{measure: "mean", empty: "bad", minEvents: 20, missing: "good", objective: 90},
		{minEvents: 20, missing: "skip", objective: 90},
		{minEvents: 20, empty: "skip", missing: "bad", objective: 90},
		{minRun: 3, missing: "skip", objective: 90},
		{minRun: 2, empty: "bad", missing: "bad", objective: 95},
		{minRun: 5, minEvents: 10, empty: "good", missing: "skip", objective: 80},
	}
	for ci, c := range cases {
		s := compileSet(t, fmt.Sprintf(slicesAgreement, c.hcl()))
		for seed := range 6 {
			rng := rand.New(rand.NewPCG(uint64(ci), uint64(seed)))
			src := &seqSource{good: map[int64]float64{}, total: map[int64]float64{}}
			// Slices end on the hour from 13:00 the day before to 12:00.
			var ends []int64
			for h := 23; h >= 0; h-- {
				ends = append(ends, at.Add(-time.Duration(h)*time.Hour).Unix())
			}
			for i, end := range ends {
				var total, good float64
				switch r := rng.IntN(10); {
				case r == 0:
					continue // no sample
				case r == 1:
					total = 0
				case r == 2:
					total = float64(rng.IntN(20))
					good = float64(rng.IntN(int(total) + 1))
				case seed%2 == 0 && i < 4:
					total, good = 100, float64(rng.IntN(60)) // a run of bad slices at the start
				default:
					total = float64(20 + rng.IntN(1000))
					good = total - float64(rng.IntN(int(total)/8+1))
				}
				src.total[end] = total
				if !(total > 0 && rng.IntN(20) == 0) { // now and then a good count missing
					src.good[end] = good
				}
			}
			v, err := evaluateValid(t, s, src, Options{At: at})
			if err != nil {
				t.Fatal(err)
			}
			slo := sloOf(t, v, "slices")
			asked := append([]int64(nil), src.steps...)
			sort.Slice(asked, func(i, j int) bool { return asked[i] < asked[j] })
			var seq []oracleSlice
			from, to := utc("2026-11-02T03:30:00Z").Unix(), utc("2026-11-02T05:00:00Z").Unix()
			for _, end := range asked {
				o := oracleSlice{excluded: end-3600 < to && from < end}
				if x, ok := src.total[end]; ok {
					o.total = &x
				}
				if x, ok := src.good[end]; ok {
					o.good = &x
				}
				seq = append(seq, o)
			}
			good, total := oracle(c, seq)
			gotGood, _ := slo["good"].(float64)
			gotTotal, _ := slo["total"].(float64)
			if math.Abs(gotGood-good) > 1e-9 || gotTotal != total {
				t.Errorf("case %d %+v, seed %d: %v good of %v, the oracle says %v of %v (status %v: %v)", ci, c, seed, slo["good"], slo["total"], good, total, slo["status"], slo["message"])
			}
		}
	}
}

// An S3-style SLA: the monthly uptime is 100% minus the average of the
// 5-minute error rates, an interval without requests having an error rate
// of 0. Twelve intervals, computed by hand.
func TestTheMeanOfSliceErrorRatesIsTheS3Uptime(t *testing.T) {
	src := strings.Replace(fmt.Sprintf(slicesAgreement, sliceTerms{measure: "mean", empty: "good", missing: "skip", objective: 50}.hcl()), `"1h"`, `"5m"`, 1)
	src = strings.Replace(src, `window       = "24h"`, `window       = "1h"`, 1)
	s := compileSet(t, src)
	at := utc("2026-11-02T12:00:00Z")
	// requests and server errors in each interval, 11:05 to 12:00
	requests := []float64{1000, 1000, 0, 500, 2000, 1000, 1000, 10, 1000, 1000, 0, 1000}
	errors := []float64{0, 10, 0, 50, 0, 1000, 0, 1, 0, 0, 0, 5}
	// error rates: 0, 1%, 0 (no requests), 10%, 0, 100%, 0, 10%, 0, 0, 0, 0.5%
	// average 121.5% / 12 = 10.125%: uptime 89.875%
	const uptime = 89.875
	seq := &seqSource{good: map[int64]float64{}, total: map[int64]float64{}}
	for i := range requests {
		end := at.Add(-time.Duration(11-i) * 5 * time.Minute).Unix()
		seq.total[end] = requests[i]
		seq.good[end] = requests[i] - errors[i]
	}
	v, err := evaluateValid(t, s, seq, Options{At: at})
	if err != nil {
		t.Fatal(err)
	}
	slo := sloOf(t, v, "slices")
	if m, _ := slo["measured"].(float64); math.Abs(m-uptime) > 1e-9 {
		t.Errorf("uptime %v%% (%v of %v), want %v%%", slo["measured"], slo["good"], slo["total"], uptime)
	}
}

// The edges of a calendar: on the days Paris changes its clocks a day has
// 23 or 25 hourly slices, and the rules count each of them, a run at the
// day's start included; at the very start of the day the window holds no
// slice, and nothing is measured: no data, not 100%.
func TestTimeslicesOnTheDaysOfAClockChange(t *testing.T) {
	src := fmt.Sprintf(slicesAgreement, sliceTerms{minRun: 2, minEvents: 10, missing: "skip", objective: 90}.hcl())
	src = strings.Replace(src, `version   = "1.0.0"`, `version   = "1.0.0"
  time_zone = "Europe/Paris"`, 1)
	src = strings.Replace(src, `window       = "24h"`, `calendar     = "day"`, 1)
	s := compileSet(t, src)
	for _, c := range []struct {
		day        string
		start, end time.Time // the day in Paris, in UTC
		slices     int
	}{
		{"2026-03-29", utc("2026-03-28T23:00:00Z"), utc("2026-03-29T22:00:00Z"), 23},
		{"2026-10-25", utc("2026-10-24T22:00:00Z"), utc("2026-10-25T23:00:00Z"), 25},
	} {
		t.Run(c.day, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, uint64(c.slices)))
			seq := &seqSource{good: map[int64]float64{}, total: map[int64]float64{}}
			var want []oracleSlice
			for i, end := 0, c.start.Add(time.Hour); !end.After(c.end); i, end = i+1, end.Add(time.Hour) {
				total := float64(5 + rng.IntN(200))
				good := total - float64(rng.IntN(int(total)/6+1))
				if i < 2 || i == c.slices-1 || rng.IntN(4) == 0 {
					good = math.Floor(total / 2) // bad: the first two, the last, and some
				}
				seq.total[end.Unix()], seq.good[end.Unix()] = total, good
				want = append(want, oracleSlice{good: &good, total: &total})
			}
			if len(want) != c.slices {
				t.Fatalf("%d slices made, want %d", len(want), c.slices)
			}
			period, err := ParsePeriod(c.day)
			if err != nil {
				t.Fatal(err)
			}
			v, err := evaluateValid(t, s, seq, Options{Period: period, Now: c.end.Add(time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			slo := sloOf(t, v, "slices")
			good, total := oracle(sliceTerms{minRun: 2, minEvents: 10, missing: "skip", objective: 90}, want)
			if g, _ := slo["good"].(float64); g != good || slo["total"] != total {
				t.Errorf("%v good of %v slices, the oracle says %v of %v (%v: %v)", slo["good"], slo["total"], good, total, slo["status"], slo["message"])
			}

			// Checked at the day's first instant, the window is empty.
			v, err = evaluateValid(t, s, seq, Options{At: c.start})
			if err != nil {
				t.Fatal(err)
			}
			if slo := sloOf(t, v, "slices"); slo["status"] != "no_data" || slo["measured"] != nil {
				t.Errorf("at the start of the day: %v, measured %v (%v); want no data", slo["status"], slo["measured"], slo["message"])
			}
		})
	}
}
