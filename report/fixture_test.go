package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	// Reports are rendered in the agreements' time zones: the tests carry
	// the zone database so that the golden files are the same everywhere.
	_ "time/tzdata"
)

// The fixture, testdata/october.json, is the report document of October
// 2026 for five agreements, written by the generator below so that every
// figure agrees with every other: the series add up to the buckets, the
// buckets to the measured values, the values to the statuses, credits and
// messages. Three agreements are the examples of examples/agreements (with
// the fee cap of managed-support lowered to 5% to show a capped total);
// two more show an agreement without fee, credits or review, and one not
// yet in force.
//
// Every figure comes from integer arithmetic on a fixed seed, and is
// rounded before it is written, so the file is the same on every machine.
// Regenerate it with go test -run TestFixture -update.

const fixturePath = "testdata/october.json"

func TestFixtureIsWhatItsGeneratorWrites(t *testing.T) {
	checkGolden(t, fixturePath, fixtureJSON(t))
}

func fixtureJSON(t *testing.T) []byte {
	t.Helper()
	b, err := json.MarshalIndent(octoberReport(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(collapseLeaves(b), '\n')
}

// collapseLeaves puts each object that holds no object or array on one
// line: a month of hourly points reads as a month of lines.
func collapseLeaves(b []byte) []byte {
	lines := strings.Split(string(b), "\n")
	var out []string
	for i := 0; i < len(lines); i++ {
		if !strings.HasSuffix(lines[i], "{") {
			out = append(out, lines[i])
			continue
		}
		indent := lines[i][:len(lines[i])-len(strings.TrimLeft(lines[i], " "))]
		j := i + 1
		for j < len(lines) && !strings.HasPrefix(lines[j], indent+"}") {
			if l := strings.TrimSpace(lines[j]); strings.HasSuffix(l, "{") || strings.HasSuffix(l, "[") {
				break
			}
			j++
		}
		if j == len(lines) || !strings.HasPrefix(lines[j], indent+"}") {
			out = append(out, lines[i])
			continue
		}
		fields := make([]string, 0, j-i-1)
		for _, l := range lines[i+1 : j] {
			fields = append(fields, strings.TrimSpace(l))
		}
		out = append(out, lines[i]+strings.Join(fields, " ")+strings.TrimSpace(lines[j]))
		i = j
	}
	return []byte(strings.Join(out, "\n"))
}

type obj = map[string]any

var (
	paris   = mustZone("Europe/Paris")
	newYork = mustZone("America/New_York")
	kolkata = mustZone("Asia/Kolkata")
	berlin  = mustZone("Europe/Berlin")
)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func rfc(t time.Time) string { return t.Format(time.RFC3339) }

// fig rounds a figure as the policies do (nine decimals) and as a JSON
// number.
func fig(x float64) any { return roundTo(x, 9) }

func roundTo(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}

// people rounds a figure for a message, as the policies do.
func people(x float64) string { return fmt.Sprint(roundTo(x, 4)) }

// noise is a number in [0, n) that depends only on the seed and the time
// (splitmix64): a series reads the same however often it is asked for.
type noise uint64

func (seed noise) at(t time.Time, n int64) int64 {
	x := uint64(seed) + uint64(t.Unix())*0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	x ^= x >> 31
	return int64(x % uint64(n))
}

// period is October 2026 in a time zone.
type period struct {
	loc        *time.Location
	start, end time.Time
}

func october(loc *time.Location) period {
	return period{loc: loc, start: time.Date(2026, 10, 1, 0, 0, 0, 0, loc), end: time.Date(2026, 11, 1, 0, 0, 0, 0, loc)}
}

// days are the local days of the period.
func (p period) days() []Interval {
	var out []Interval
	for d := p.start; d.Before(p.end); d = d.AddDate(0, 0, 1) {
		out = append(out, Interval{Start: d, End: d.AddDate(0, 0, 1)})
	}
	return out
}

func (p period) at(day, hour, minute int) time.Time {
	return time.Date(2026, 10, day, hour, minute, 0, 0, p.loc)
}

func (p period) span() obj {
	return obj{"start": rfc(p.start), "end": rfc(p.end), "time_zone": p.loc.String()}
}

// exclusion is an exclusion and its occurrences.
type exclusion struct {
	name, description string
	slos              []string
	intervals         []Interval
}

func (e exclusion) json() obj {
	var seconds int64
	ivs := []any{}
	for _, iv := range e.intervals {
		seconds += int64(iv.End.Sub(iv.Start).Seconds())
		ivs = append(ivs, obj{"start": rfc(iv.Start), "end": rfc(iv.End)})
	}
	var desc any
	if e.description != "" {
		desc = e.description
	}
	return obj{"name": e.name, "description": desc, "slos": e.slos, "intervals": ivs, "seconds": seconds}
}

func (e exclusion) covers(slo string, a, b time.Time) bool {
	if !slices.Contains(e.slos, slo) {
		return false
	}
	for _, iv := range e.intervals {
		if a.Before(iv.End) && iv.Start.Before(b) {
			return true
		}
	}
	return false
}

func excluded(exs []exclusion, slo string, a, b time.Time) bool {
	for _, e := range exs {
		if e.covers(slo, a, b) {
			return true
		}
	}
	return false
}

// weekly returns an occurrence of length d every week from the first.
func weekly(first time.Time, d time.Duration, until time.Time) []Interval {
	var out []Interval
	for s := first; s.Before(until); s = s.AddDate(0, 0, 7) {
		out = append(out, Interval{Start: s, End: s.Add(d)})
	}
	return out
}

// countSim measures a ratio or timeslice SLO: slot returns the good and
// total events (or slices) of one slot, and false when the source had no
// answer for it.
type countSim struct {
	name, indicator string
	kind            string
	objective       float64
	warning         *float64
	window          Interval
	calendar        string
	slot            time.Duration
	slotFn          func(t time.Time) (good, total int64, ok bool)
	description     string
	queries         []any
	source          int
	file            string
}

type slotResult struct {
	start       time.Time
	good, total int64
	ok, skipped bool
}

func (c countSim) slots(exs []exclusion) ([]slotResult, int64) {
	var out []slotResult
	var excludedSeconds int64
	for t := c.window.Start; t.Before(c.window.End); t = t.Add(c.slot) {
		if excluded(exs, c.name, t, t.Add(c.slot)) {
			excludedSeconds += int64(c.slot.Seconds())
			out = append(out, slotResult{start: t, skipped: true})
			continue
		}
		g, n, ok := c.slotFn(t)
		out = append(out, slotResult{start: t, good: g, total: n, ok: ok})
	}
	return out, excludedSeconds
}

func (c countSim) json(p period, exs []exclusion) obj {
	slots, excludedSeconds := c.slots(exs)
	var good, total int64
	for _, s := range slots {
		good += s.good
		total += s.total
	}
	measured := 100 * float64(good) / float64(total)
	burn := (100 - measured) / (100 - c.objective)
	status := "pass"
	switch {
	case measured < c.objective:
		status = "fail"
	case c.warning != nil && measured < *c.warning:
		status = "warn"
	}
	return obj{
		"name": c.name, "indicator": c.indicator, "status": status,
		"measured": fig(measured), "objective": c.objective, "warning": ptrOrNil(c.warning), "min": nil, "max": nil,
		"good": good, "total": total,
		"burn_rate": fig(burn), "budget_consumed": fig(burn), "budget_remaining": fig(1 - burn),
		"message":          ratioMessage(c.name, measured, c.objective, c.warning, status),
		"window":           windowJSON(c.window, c.calendar),
		"excluded_seconds": excludedSeconds,
		"coverage":         c.coverage(slots),
		"source":           obj{"file": c.file, "line": c.source},
		"queries":          c.queries,
		"report":           c.report(p, slots),
	}
}

// coverage is the share of the slots not excluded that have an answer.
func (c countSim) coverage(slots []slotResult) obj {
	var counted, held int
	var from, to time.Time
	for _, s := range slots {
		if s.skipped {
			continue
		}
		counted++
		if s.ok {
			held++
			if from.IsZero() {
				from = s.start
			}
			to = s.start.Add(c.slot)
		}
	}
	return coverageJSON(100*float64(held)/float64(counted), from, to, c.slot)
}

func coverageJSON(percent float64, from, to time.Time, step time.Duration) obj {
	var note any
	if percent < 100 {
		note = "the data has gaps"
	}
	return obj{"percent": roundTo(percent, 9), "from": rfc(from), "to": rfc(to), "step_seconds": int64(step.Seconds()), "note": note, "required": 95}
}

// report is the series of a ratio SLO: the budget spent every hour since
// the window's start (burn rate so far times the share of the window
// passed), and the attainment of each day.
func (c countSim) report(p period, slots []slotResult) obj {
	budget := []any{}
	var good, total int64
	failed := false
	i := 0
	for end := c.window.Start.Add(time.Hour); !end.After(c.window.End); end = end.Add(time.Hour) {
		for ; i < len(slots) && slots[i].start.Before(end); i++ {
			good += slots[i].good
			total += slots[i].total
			failed = failed || (!slots[i].ok && !slots[i].skipped)
		}
		var consumed any
		if total > 0 && !failed {
			elapsed := float64(end.Sub(c.window.Start)) / float64(c.window.End.Sub(c.window.Start))
			consumed = roundTo((float64(total-good)/float64(total))/(1-c.objective/100)*elapsed, 4)
		}
		failed = false
		budget = append(budget, obj{"end": rfc(end), "consumed": consumed})
	}
	buckets := []any{}
	for _, d := range p.days() {
		var g, n int64
		for _, s := range slots {
			if !s.start.Before(d.Start) && s.start.Before(d.End) {
				g += s.good
				n += s.total
			}
		}
		b := obj{"start": rfc(d.Start), "end": rfc(d.End), "good": nil, "total": nil, "attainment": nil, "value": nil, "met": nil}
		if n > 0 {
			att := 100 * float64(g) / float64(n)
			b["good"], b["total"], b["attainment"], b["met"] = g, n, roundTo(att, 4), att >= c.objective
		}
		buckets = append(buckets, b)
	}
	return obj{
		"description": nilIfEmpty(c.description), "unit": nil, "kind": c.kind,
		"step_seconds": 3600, "budget": budget, "values": []any{},
		"bucket": "day", "buckets": buckets, "error": nil,
	}
}

func ratioMessage(name string, measured, objective float64, warning *float64, status string) string {
	switch status {
	case "fail":
		return fmt.Sprintf("%s %s%% is below the objective %v%%", name, people(measured), objective)
	case "warn":
		return fmt.Sprintf("%s %s%% is below the warning threshold %v%% (the bound is %v%%)", name, people(measured), *warning, objective)
	}
	return fmt.Sprintf("%s %s%% meets the objective %v%%", name, people(measured), objective)
}

// valueSim measures a value SLO: value returns the indicator's value over
// the hour from t, or false when there is none. agg sums up values over a
// day or the window (a percentile, a maximum, a mean).
type valueSim struct {
	name, indicator, description, unit string
	max, min, warning                  *float64
	window                             Interval
	calendar                           string
	value                              func(t time.Time) (float64, bool)
	agg                                func([]float64) float64
	queries                            []any
	source                             int
	file                               string
	// held says that the source holds data for the whole window even
	// where the indicator has no value (its coverage query answers).
	held bool
}

func (g valueSim) over(a, b time.Time) []float64 {
	var vs []float64
	for t := a; t.Before(b); t = t.Add(time.Hour) {
		if v, ok := g.value(t); ok {
			vs = append(vs, v)
		}
	}
	return vs
}

// coverage is the share of the window's hours that have a value.
func (g valueSim) coverage() obj {
	var hours, held int
	var from, to time.Time
	for t := g.window.Start; t.Before(g.window.End); t = t.Add(time.Hour) {
		hours++
		if _, ok := g.value(t); ok || g.held {
			held++
			if from.IsZero() {
				from = t
			}
			to = t.Add(time.Hour)
		}
	}
	return coverageJSON(100*float64(held)/float64(hours), from, to, time.Hour)
}

func (g valueSim) meets(v float64) bool {
	return (g.max == nil || v <= *g.max) && (g.min == nil || v >= *g.min)
}

func (g valueSim) json(p period) obj {
	measured := roundTo(g.agg(g.over(g.window.Start, g.window.End)), 9)
	status := "pass"
	switch {
	case !g.meets(measured):
		status = "fail"
	case g.warning != nil && g.max != nil && measured > *g.warning, g.warning != nil && g.min != nil && measured < *g.warning:
		status = "warn"
	}
	values := []any{}
	for t := p.start; t.Before(p.end); t = t.Add(time.Hour) {
		var v any
		if x, ok := g.value(t); ok {
			v = roundTo(x, 4)
		}
		values = append(values, obj{"end": rfc(t.Add(time.Hour)), "value": v})
	}
	buckets := []any{}
	for _, d := range p.days() {
		b := obj{"start": rfc(d.Start), "end": rfc(d.End), "good": nil, "total": nil, "attainment": nil, "value": nil, "met": nil}
		if vs := g.over(d.Start, d.End); len(vs) > 0 {
			v := roundTo(g.agg(vs), 4)
			b["value"], b["met"] = v, g.meets(v)
		}
		buckets = append(buckets, b)
	}
	return obj{
		"name": g.name, "indicator": g.indicator, "status": status,
		"measured": measured, "objective": nil, "warning": ptrOrNil(g.warning), "min": ptrOrNil(g.min), "max": ptrOrNil(g.max),
		"good": nil, "total": nil, "burn_rate": nil, "budget_consumed": nil, "budget_remaining": nil,
		"message":          g.message(measured, status),
		"window":           windowJSON(g.window, g.calendar),
		"excluded_seconds": 0,
		"coverage":         g.coverage(),
		"source":           obj{"file": g.file, "line": g.source},
		"queries":          g.queries,
		"report": obj{
			"description": nilIfEmpty(g.description), "unit": nilIfEmpty(g.unit), "kind": "value",
			"step_seconds": 3600, "budget": []any{}, "values": values,
			"bucket": "day", "buckets": buckets, "error": nil,
		},
	}
}

func (g valueSim) message(measured float64, status string) string {
	show := func(x float64) string { return strings.TrimSpace(people(x) + " " + g.unit) }
	limit, name := g.max, "maximum"
	if g.min != nil {
		limit, name = g.min, "minimum"
	}
	switch status {
	case "fail":
		verb := "above"
		if g.min != nil {
			verb = "below"
		}
		return fmt.Sprintf("%s %s is %s the %s %s", g.name, show(measured), verb, name, show(*limit))
	case "warn":
		verb := "above"
		if g.min != nil {
			verb = "below"
		}
		return fmt.Sprintf("%s %s is %s the warning threshold %s (the bound is %s)", g.name, show(measured), verb, show(*g.warning), show(*limit))
	}
	return fmt.Sprintf("%s %s is within the %s %s", g.name, show(measured), name, show(*limit))
}

func windowJSON(w Interval, calendar string) obj {
	var cal any
	if calendar != "" {
		cal = calendar
	}
	return obj{"start": rfc(w.Start), "end": rfc(w.End), "calendar": cal}
}

func ptrOrNil(x *float64) any {
	if x == nil {
		return nil
	}
	return *x
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func num(x float64) *float64 { return &x }

// percentile is the nearest-rank percentile of values.
func percentile(q float64) func([]float64) float64 {
	return func(vs []float64) float64 {
		s := slices.Clone(vs)
		slices.Sort(s)
		return s[int(math.Ceil(q*float64(len(s))))-1]
	}
}

func maximum(vs []float64) float64 { return slices.Max(vs) }

func mean(vs []float64) float64 {
	sum := 0.0
	for _, v := range vs {
		sum += v
	}
	return sum / float64(len(vs))
}

// instant is an instant query at t with ${window} replaced.
func instant(expr string, t time.Time, window time.Duration) obj {
	return obj{"query": strings.ReplaceAll(expr, "${window}", fmt.Sprintf("%ds", int64(window.Seconds()))), "time": rfc(t.UTC())}
}

// rangeQuery is the range query of a timeslice SLO.
func rangeQuery(expr string, w Interval, slice time.Duration) obj {
	return obj{
		"query": strings.ReplaceAll(expr, "${window}", fmt.Sprintf("%ds", int64(slice.Seconds()))),
		"start": rfc(w.Start.Add(slice).UTC()), "end": rfc(w.End.UTC()), "step_seconds": int64(slice.Seconds()),
	}
}

// ratioQueries are the queries of a ratio SLO: for each stretch of the
// window between exclusions, the total and good (or bad) events at its
// end over its length.
func ratioQueries(w Interval, exs []exclusion, slo string, exprs ...string) []any {
	var cuts []Interval
	for _, e := range exs {
		if slices.Contains(e.slos, slo) {
			cuts = append(cuts, e.intervals...)
		}
	}
	slices.SortFunc(cuts, func(a, b Interval) int { return a.Start.Compare(b.Start) })
	var out []any
	from := w.Start
	emit := func(to time.Time) {
		if to.After(from) {
			for _, e := range exprs {
				out = append(out, instant(e, to, to.Sub(from)))
			}
		}
	}
	for _, c := range cuts {
		if c.End.Before(w.Start) || c.Start.After(w.End) {
			continue
		}
		emit(c.Start)
		from = maxTime(from, c.End)
	}
	emit(w.End)
	return out
}

// diurnal is the traffic of an hour of the day, in percent of the mean.
var diurnal = [24]int64{45, 35, 30, 28, 30, 40, 60, 85, 110, 125, 130, 135, 135, 130, 130, 128, 125, 120, 115, 110, 100, 85, 70, 55}

func party(name, legal, contact string) obj {
	o := obj{"name": name, "legal_name": legal}
	if contact != "" {
		o["contact"] = contact
	}
	return o
}

func service(name, desc string, includes, excludes []string) obj {
	return obj{"name": name, "description": desc, "includes": includes, "excludes": excludes}
}

func duty(name, party, status string, measured any, due any, message, file string, line int, queries []any) obj {
	if queries == nil {
		queries = []any{}
	}
	return obj{"name": name, "party": party, "status": status, "measured": measured, "due": due, "message": message, "source": obj{"file": file, "line": line}, "queries": queries}
}

func credit(name, slo, status string, percent float64, fee float64, currency string) obj {
	return obj{"name": name, "slo": slo, "status": status, "percent": percent, "amount": fig(percent * fee / 100), "currency": currency, "final": true}
}

func creditTotal(percents []float64, cap *float64, fee float64, currency string) obj {
	total := 0.0
	for _, p := range percents {
		total += p
	}
	capped := total
	if cap != nil && *cap < total {
		capped = *cap
	}
	return obj{"percent": capped, "amount": fig(capped * fee / 100), "currency": currency, "capped": capped < total}
}

func exclusionsJSON(exs []exclusion) []any {
	out := []any{}
	for _, e := range exs {
		out = append(out, e.json())
	}
	return out
}

// evaluatedAt is the latest end of the period among the agreements' time
// zones: midnight in New York.
var evaluatedAt = time.Date(2026, 11, 1, 4, 0, 0, 0, time.UTC)

// generatedAt is when the report was written: the Monday after.
var generatedAt = time.Date(2026, 11, 2, 8, 15, 0, 0, time.UTC)

func octoberReport() obj {
	return obj{
		"schema":       Schema,
		"evaluated_at": rfc(evaluatedAt),
		"generated_at": rfc(generatedAt),
		"revision":     "4f9c2a71d03be815",
		"status":       "breached",
		"period":       obj{"label": "2026-10", "kind": "month"},
		"agreements":   []any{edgeCache(), geoAPI(), managedSupport(), paymentsHosting(), warehouseOLA()},
	}
}

func edgeCache() obj {
	p := october(berlin)
	return obj{
		"agreement": "edge-cache", "title": "Edge cache pilot", "version": "0.9.0",
		"status": "inactive", "inactive": "not_yet_effective",
		"slos": []any{}, "responsibilities": []any{}, "credits": []any{}, "credit_total": nil,
		"review": obj{"status": "current", "due": "2027-06-01", "owner": "customer"},
		"source": obj{"file": "agreements/edge-cache.hcl", "line": 1},
		"report": obj{
			"period":    p.span(),
			"effective": rfc(time.Date(2027, 1, 1, 0, 0, 0, 0, berlin)),
			"expires":   rfc(time.Date(2028, 12, 31, 0, 0, 0, 0, berlin)),
			"parties": []any{
				party("provider", "Acme Cloud SAS", "sla@acme.example"),
				party("customer", "Globex Ltd", ""),
			},
			"services":   []any{service("edge-cache", "Caching of static assets at the edge, pilot", []string{"static.globex.example"}, []string{})},
			"exclusions": []any{},
			"reporting":  nil,
			"fee":        obj{"monthly": 5000, "currency": "EUR", "credit_cap_percent": nil},
		},
	}
}

func geoAPI() obj {
	const file = "examples/agreements/geo-api.hcl"
	p := october(newYork)
	exs := []exclusion{
		{name: "sunday-maintenance", description: "Weekly maintenance window, announced on the status page", slos: []string{"availability", "latency-hours"}, intervals: weekly(p.at(4, 5, 30), time.Hour, p.end)},
		{name: "quarterly-upgrade", description: "Quarterly database upgrade", slos: []string{"availability", "latency-hours"}, intervals: []Interval{{Start: p.at(1, 2, 0), End: p.at(1, 6, 0)}}},
		{name: "tile-cdn-migration", description: "Migration of the tile CDN to a new vendor", slos: []string{"tile-availability"}, intervals: []Interval{}},
	}
	// The source did not answer from 09:00 to 13:00 on 20 October.
	gap := func(t time.Time) bool { return !t.Before(p.at(20, 9, 0)) && t.Before(p.at(20, 13, 0)) }
	r := noise(1)
	const errorsExpr = "sum(increase(http_requests_total{job='geo-api',code=~'5..'}[${window}]))"
	const totalExpr = "sum(increase(http_requests_total{job='geo-api',code!='429'}[${window}]))"
	const latencyExpr = "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job='geo-api',handler='/v2/geocode'}[${window}])))"
	availability := countSim{
		name: "availability", indicator: "api_errors", kind: KindRatio, objective: 99.95, warning: num(99.98),
		window: Interval{Start: p.start, End: p.end}, calendar: "month", slot: 5 * time.Minute,
		description: "Monthly availability of the geocoding API",
		slotFn: func(t time.Time) (int64, int64, bool) {
			if gap(t) {
				return 0, 0, false
			}
			total := 9400*diurnal[t.In(newYork).Hour()]/100 + r.at(t, 400)
			bad := r.at(t, 3)
			if !t.Before(p.at(14, 13, 0)) && t.Before(p.at(14, 15, 30)) {
				bad = total * 40 / 100
			}
			return total - bad, total, true
		},
		queries: ratioQueries(Interval{Start: p.start, End: p.end}, exs, "availability", totalExpr, errorsExpr),
		source:  74, file: file,
	}
	// p95 latency of each hour: calm, a little slower in the afternoon,
	// far off during the incident of 14 October.
	latency := func(t time.Time) (float64, bool) {
		if gap(t) {
			return 0, false
		}
		l := t.In(newYork)
		switch {
		case l.Day() == 14 && l.Hour() == 13:
			return 2.41, true
		case l.Day() == 14 && l.Hour() == 14:
			return 1.87, true
		case l.Day() == 14 && l.Hour() == 15:
			return 1.12, true
		}
		ms := 190 + diurnal[l.Hour()]*3/4 + int64(l.Unix()/3600%7)*4
		return float64(ms) / 1000, true
	}
	geocode := valueSim{
		name: "geocode-latency", indicator: "geocode_latency_p95", unit: "s",
		description: "p95 geocoding latency over the calendar month",
		max:         num(0.4), warning: num(0.3), window: Interval{Start: p.start, End: p.end}, calendar: "month",
		value: latency, agg: percentile(0.95),
		queries: []any{instant(latencyExpr, p.end, p.end.Sub(p.start))},
		source:  84, file: file,
	}
	hoursWindow := Interval{Start: p.end.AddDate(0, 0, -30), End: p.end}
	latencyHours := countSim{
		name: "latency-hours", indicator: "geocode_latency_p95", kind: KindTimeslice, objective: 99,
		window: hoursWindow, slot: time.Hour,
		description: "Hours with an acceptable p95 geocoding latency",
		slotFn: func(t time.Time) (int64, int64, bool) {
			v, ok := latency(t)
			switch {
			case !ok:
				return 0, 0, true // a missing slice is skipped
			case v > 1.0:
				return 0, 1, true
			}
			return 1, 1, true
		},
		queries: []any{rangeQuery(latencyExpr, hoursWindow, time.Hour)},
		source:  94, file: file,
	}
	fee, currency := 8500.0, "USD"
	avail := availability.json(p, exs)
	return obj{
		"agreement": "geo-api", "title": "Geocoding and Map Tiles API - Enterprise plan", "version": "1.2.0",
		"status": "breached", "inactive": nil,
		"slos": []any{avail, geocode.json(p), latencyHours.json(p, exs)},
		"responsibilities": []any{
			duty("stay-within-rate-limit", "customer", "met", 2.6343500711615926, nil, "stay-within-rate-limit 2.6344: met", file, 151,
				[]any{instant("100 * sum(increase(http_requests_total{job='geo-api',code='429'}[${window}])) / sum(increase(http_requests_total{job='geo-api'}[${window}]))", p.end, p.end.Sub(p.start))}),
			duty("ip-allowlist", "customer", "breached", nil, "2026-03-25", "fact ip_allowlist_provided is false: breached", file, 158, nil),
		},
		"credits": []any{
			credit("availability", "availability", "owed", 10, fee, currency),
			credit("geocode-latency", "geocode-latency", "none", 0, fee, currency),
		},
		"credit_total": creditTotal([]float64{10}, num(30), fee, currency),
		"review":       obj{"status": "current", "due": "2027-03-10", "owner": "provider"},
		"source":       obj{"file": file, "line": 7},
		"report": obj{
			"period":    p.span(),
			"effective": rfc(time.Date(2026, 4, 1, 0, 0, 0, 0, newYork)),
			"expires":   rfc(time.Date(2028, 4, 1, 0, 0, 0, 0, newYork)),
			"parties": []any{
				party("provider", "Meridian Maps Inc.", "sla@meridianmaps.example"),
				party("customer", "Northwind Logistics LLC", "platform-ops@northwind.example"),
			},
			"services": []any{
				service("geocoding-api", "Forward, reverse and batch geocoding over HTTPS",
					[]string{"/v2/geocode", "/v2/reverse", "/v2/batch", "api.meridianmaps.example (us-east and us-west)"},
					[]string{"requests refused for exceeding the contracted rate limit (HTTP 429)", "/v3 beta endpoints"}),
				service("map-tiles", "Vector and raster map tiles served from the CDN",
					[]string{"tiles.meridianmaps.example", "zoom levels 0 to 18"},
					[]string{"custom map styles under development"}),
			},
			"exclusions": exclusionsJSON(exs),
			"reporting": obj{"frequency": "weekly", "formats": []string{"markdown", "json"},
				"recipients": []string{"platform-ops@northwind.example", "Meridian Customer Success <csm@meridianmaps.example>"}},
			"fee": obj{"monthly": fee, "currency": currency, "credit_cap_percent": 30},
		},
	}
}

func managedSupport() obj {
	const file = "examples/agreements/managed-support.hcl"
	p := october(time.UTC)
	month := Interval{Start: p.start, End: p.end}
	exs := []exclusion{
		{name: "portal-maintenance", description: "Weekly ticket portal maintenance", slos: []string{"portal-availability"}, intervals: weekly(p.at(6, 22, 0), 2*time.Hour, p.end)},
	}
	r := noise(2)
	// P1 incidents: the day, the hour, and the minutes to acknowledge.
	p1 := map[[2]int]float64{{3, 14}: 8, {12, 2}: 22, {27, 9}: 6}
	p1Ack := valueSim{
		name: "p1-acknowledgement", indicator: "p1_ack_minutes", unit: "min",
		description: "Acknowledge every P1 incident within 15 minutes",
		max:         num(15), warning: num(10), window: month, calendar: "month",
		value: func(t time.Time) (float64, bool) {
			v, ok := p1[[2]int{t.Day(), t.Hour()}]
			return v, ok
		},
		agg:     maximum,
		queries: []any{instant("max(max_over_time(incident_ack_minutes{priority='P1'}[${window}]))", p.end, p.end.Sub(p.start))},
		source:  86, file: file, held: true,
	}
	firstResponse := valueSim{
		name: "first-response", indicator: "first_response_p90", unit: "s",
		description: "First response on 90% of P3/P4 tickets within 4 hours",
		max:         num(14400), warning: num(10800), window: month, calendar: "month",
		value: func(t time.Time) (float64, bool) {
			if t.Hour() < 7 || t.Hour() > 18 || t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
				return 0, false
			}
			v := 4200 + r.at(t, 3600)
			if t.Day() == 19 && t.Hour() >= 9 && t.Hour() < 13 {
				v = 15800 + r.at(t, 1500) // the Monday after an outage
			}
			return float64(v), true
		},
		agg:     percentile(0.9),
		queries: []any{instant("histogram_quantile(0.9, sum by (le) (increase(ticket_first_response_seconds_bucket{queue='service-desk',priority=~'P3|P4'}[${window}])))", p.end, p.end.Sub(p.start))},
		source:  102, file: file, held: true,
	}
	// Incidents resolved: 30 in the month, two of them late.
	resolvedAt := map[[2]int]bool{}
	for i := 0; i < 30; i++ {
		day := p.at(1+i, 0, 0)
		resolvedAt[[2]int{1 + i, int(8 + r.at(day, 10))}] = i == 11 || i == 23
	}
	resolution := countSim{
		name: "resolution", indicator: "resolved_in_target", kind: KindRatio, objective: 95, warning: num(97.5),
		window: month, calendar: "month", slot: time.Hour,
		description: "95% of P1 and P2 incidents resolved within target each month",
		slotFn: func(t time.Time) (int64, int64, bool) {
			late, ok := resolvedAt[[2]int{t.Day(), t.Hour()}]
			switch {
			case !ok:
				return 0, 0, true
			case late:
				return 0, 1, true
			}
			return 1, 1, true
		},
		queries: []any{
			instant("sum(increase(incidents_resolved_total{priority=~'P1|P2'}[${window}]))", p.end, p.end.Sub(p.start)),
			instant("sum(increase(incidents_resolved_within_target_total{priority=~'P1|P2'}[${window}]))", p.end, p.end.Sub(p.start)),
		},
		source: 109, file: file,
	}
	oncall := countSim{
		name: "oncall-coverage", indicator: "oncall_engineers", kind: KindTimeslice, objective: 99.9,
		window: month, calendar: "month", slot: 15 * time.Minute,
		description: "At least two on-call engineers at all times",
		slotFn: func(t time.Time) (int64, int64, bool) {
			if t.Day() == 17 && t.Hour() == 3 && t.Minute() < 30 {
				return 0, 1, true
			}
			return 1, 1, true
		},
		queries: []any{rangeQuery("min(min_over_time(oncall_engineers_available{team='harbor-sre'}[${window}]))", month, 15*time.Minute)},
		source:  124, file: file,
	}
	const portalTotal = "sum(increase(http_requests_total{job='ticket-portal'}[${window}]))"
	portal := obj{
		"name": "portal-availability", "indicator": "portal_requests", "status": "error",
		"measured": nil, "objective": 99.5, "warning": nil, "min": nil, "max": nil,
		"good": nil, "total": nil, "burn_rate": nil, "budget_consumed": nil, "budget_remaining": nil,
		"message":          "portal-availability could not be measured: query timed out after 30s",
		"window":           windowJSON(month, "month"),
		"excluded_seconds": 4 * 7200,
		"source":           obj{"file": file, "line": 117},
		"queries":          []any{instant(portalTotal, p.at(6, 22, 0), p.at(6, 22, 0).Sub(p.start))},
		"report": obj{
			"description": "Yearly availability of the ticket portal", "unit": nil, "kind": "ratio",
			"step_seconds": 3600, "budget": []any{}, "values": []any{}, "bucket": "day", "buckets": []any{},
			"error": "query timed out after 30s",
		},
	}
	fee, currency := 24000.0, "GBP"
	return obj{
		"agreement": "managed-support", "title": "Managed Kubernetes operations and support desk", "version": "3.0.2",
		"status": "breached", "inactive": nil,
		"slos": []any{p1Ack.json(p), firstResponse.json(p), resolution.json(p, exs), portal, oncall.json(p, exs)},
		"responsibilities": []any{
			duty("restore-tests", "provider", "met", 3, nil, "restore-tests 3: met", file, 145,
				[]any{instant("sum(increase(backup_restore_tests_succeeded_total{cluster=~'prod-.*'}[${window}]))", p.end, 90*24*time.Hour)}),
			duty("critical-patching", "provider", "breached", 19, nil, "critical-patching 19: breached", file, 152,
				[]any{instant("max(max_over_time(node_unpatched_critical_cve_age_days{cluster=~'prod-.*'}[${window}]))", p.end, p.end.Sub(p.start))}),
			duty("change-approval", "customer", "met", 30, nil, "change-approval 30: met", file, 159,
				[]any{instant("max(max_over_time(change_request_approval_hours{approver='customer'}[${window}]))", p.end, 30*24*time.Hour)}),
			duty("vpn-access", "customer", "met", nil, "2026-01-15", "fact vpn_access_granted is true: met", file, 167, nil),
			duty("runbook-handover", "customer", "met", nil, "2026-02-01T12:00:00Z", "fact runbooks_handed_over is true: met", file, 173, nil),
			duty("escalation-contacts", "customer", "unknown", nil, nil, "fact escalation_contacts_current is not given", file, 179, nil),
		},
		"credits": []any{
			credit("resolution", "resolution", "owed", 5, fee, currency),
			credit("p1-acknowledgement", "p1-acknowledgement", "owed", 2, fee, currency),
		},
		"credit_total": creditTotal([]float64{5, 2}, num(5), fee, currency),
		"review":       obj{"status": "overdue", "due": "2026-07-06", "owner": "provider"},
		"source":       obj{"file": file, "line": 4},
		"report": obj{
			"period":    p.span(),
			"effective": rfc(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)),
			"expires":   nil,
			"parties": []any{
				party("provider", "Harbor Ops GmbH", "servicedesk@harborops.example"),
				party("customer", "Fabrikam Retail plc", "https://itsm.fabrikam.example/escalation"),
			},
			"services": []any{
				service("service-desk", "24x7 intake and handling of incidents and service requests",
					[]string{"phone and e-mail intake", "ticket portal", "P1 and P2 incidents around the clock", "P3 and P4 tickets on UK business days"},
					[]string{"defects in the customer's application code", "outages of third-party SaaS providers"}),
				service("cluster-operations", "Operation of the production and staging Kubernetes clusters",
					[]string{"prod-eu-1", "prod-eu-2", "staging-eu-1", "version upgrades", "node OS patching", "etcd backups and restore tests"},
					[]string{"application deployments", "cloud provider capacity shortages"}),
			},
			"exclusions": exclusionsJSON(exs),
			"reporting": obj{"frequency": "monthly", "formats": []string{"html", "json"},
				"recipients": []string{"it-operations@fabrikam.example", "service-manager@harborops.example"}},
			"fee": obj{"monthly": fee, "currency": currency, "credit_cap_percent": 5},
		},
	}
}

func paymentsHosting() obj {
	const file = "examples/agreements/payments-hosting.hcl"
	p := october(paris)
	exs := []exclusion{
		{name: "weekly-maintenance", description: "Sunday maintenance", slos: []string{"availability", "uptime"}, intervals: weekly(p.at(4, 2, 0), 2*time.Hour, p.end)},
		{name: "datacenter-move", slos: []string{"availability"}, intervals: []Interval{}},
	}
	r := noise(3)
	month := Interval{Start: p.start, End: p.end}
	between := func(t, a, b time.Time) bool { return !t.Before(a) && t.Before(b) }
	availability := countSim{
		name: "availability", indicator: "availability", kind: KindRatio, objective: 99.9, warning: num(99.95),
		window: month, calendar: "month", slot: 5 * time.Minute, description: "Monthly availability",
		slotFn: func(t time.Time) (int64, int64, bool) {
			total := 7900*diurnal[t.In(paris).Hour()]/100 + r.at(t, 300)
			bad := r.at(t, 4)
			switch {
			case between(t, p.at(9, 14, 0), p.at(9, 15, 0)):
				bad = total * 20 / 100
			case between(t, p.at(21, 9, 0), p.at(21, 11, 0)):
				bad = total * 8 / 100
			}
			return total - bad, total, true
		},
		queries: ratioQueries(month, exs, "availability",
			"sum(increase(http_requests_total{job='payments'}[${window}]))",
			"sum(increase(http_requests_total{job='payments',code!~'5..'}[${window}]))"),
		source: 49, file: file,
	}
	latencyExpr := "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job='payments'}[${window}])))"
	week := Interval{Start: p.end.Add(-7 * 24 * time.Hour), End: p.end}
	latency := valueSim{
		name: "latency", indicator: "latency_p99", unit: "s",
		max: num(0.3), warning: num(0.25), window: week,
		value: func(t time.Time) (float64, bool) {
			l := t.In(paris)
			switch {
			case l.Day() == 9 && l.Hour() == 14:
				return 0.42, true
			case l.Day() == 9 && l.Hour() == 15:
				return 0.38, true
			case l.Day() == 21 && l.Hour() == 9:
				return 0.31, true
			}
			return float64(150+diurnal[l.Hour()]/2+r.at(t, 25)) / 1000, true
		},
		agg:     percentile(0.95),
		queries: []any{instant(latencyExpr, p.end, week.End.Sub(week.Start))},
		source:  59, file: file,
	}
	uptimeWindow := Interval{Start: p.end.Add(-30 * 24 * time.Hour), End: p.end}
	uptime := countSim{
		name: "uptime", indicator: "probe_up", kind: KindTimeslice, objective: 99.5,
		window: uptimeWindow, slot: 5 * time.Minute,
		slotFn: func(t time.Time) (int64, int64, bool) {
			if between(t, p.at(9, 14, 0), p.at(9, 15, 0)) || between(t, p.at(21, 9, 0), p.at(21, 9, 30)) || r.at(t, 1000) == 0 {
				return 0, 1, true
			}
			return 1, 1, true
		},
		queries: []any{rangeQuery("avg_over_time(probe_success{job='payments'}[${window}])", uptimeWindow, 5*time.Minute)},
		source:  66, file: file,
	}
	fee, currency := 12000.0, "EUR"
	return obj{
		"agreement": "payments-hosting", "title": "Payments API hosting", "version": "2.1.0",
		"status": "at_risk", "inactive": nil,
		"slos": []any{availability.json(p, exs), latency.json(p), uptime.json(p, exs)},
		"responsibilities": []any{
			duty("p1-acknowledgement", "provider", "met", 12, nil, "p1-acknowledgement 12: met", file, 89,
				[]any{instant("max_over_time(incident_ack_minutes{priority='1'}[${window}])", p.end, 30*24*time.Hour)}),
			duty("staging-access", "customer", "met", nil, "2026-03-01", "fact staging_access_granted is true: met", file, 96, nil),
		},
		"credits":      []any{credit("availability", "availability", "none", 0, fee, currency)},
		"credit_total": creditTotal(nil, num(50), fee, currency),
		"review":       obj{"status": "current", "due": "2027-01-15", "owner": "customer"},
		"source":       obj{"file": file, "line": 1},
		"report": obj{
			"period":    p.span(),
			"effective": rfc(time.Date(2026, 1, 1, 0, 0, 0, 0, paris)),
			"expires":   rfc(time.Date(2027, 12, 31, 0, 0, 0, 0, paris)),
			"parties": []any{
				party("provider", "Acme Cloud SAS", "sla@acme.example"),
				party("customer", "Globex Ltd", ""),
			},
			"services": []any{service("payments-api", "Public REST API for card payments",
				[]string{"api.globex.example", "webhook delivery"}, []string{"sandbox environment"})},
			"exclusions": exclusionsJSON(exs),
			"reporting":  obj{"frequency": "monthly", "formats": []string{"html", "json"}, "recipients": []string{"sla-reports@globex.example"}},
			"fee":        obj{"monthly": fee, "currency": currency, "credit_cap_percent": 50},
		},
	}
}

func warehouseOLA() obj {
	const file = "agreements/warehouse-ola.hcl"
	p := october(kolkata)
	month := Interval{Start: p.start, End: p.end}
	loads := countSim{
		name: "nightly-loads", indicator: "loads", kind: KindRatio, objective: 95,
		window: month, calendar: "month", slot: time.Hour,
		description: "Nightly loads that finish before 06:00",
		slotFn: func(t time.Time) (int64, int64, bool) {
			if t.In(kolkata).Hour() == 4 {
				return 1, 1, true
			}
			return 0, 0, true
		},
		queries: []any{
			instant("sum(increase(warehouse_loads_total[${window}]))", p.end, p.end.Sub(p.start)),
			instant("sum(increase(warehouse_loads_total{finished_by='06:00'}[${window}]))", p.end, p.end.Sub(p.start)),
		},
		source: 31, file: file,
	}
	r := noise(4)
	probe := valueSim{
		name: "probe-success", indicator: "probe_success_pct", unit: "%",
		description: "Share of successful probes of the SQL endpoint",
		min:         num(99.5), warning: num(99.8), window: month, calendar: "month",
		value: func(t time.Time) (float64, bool) {
			if l := t.In(kolkata); l.Day() == 18 && l.Hour() == 3 {
				return 96.0, true
			}
			return float64(9990+r.at(t, 11)) / 100, true
		},
		agg:     mean,
		queries: []any{instant("100 * avg(avg_over_time(probe_success{job='warehouse-sql'}[${window}]))", p.end, p.end.Sub(p.start))},
		source:  40, file: file,
	}
	// The query latency comes from a Prometheus that keeps ten days: the
	// month's figure would be that of its last third, and is no data.
	kept := time.Date(2026, 10, 22, 0, 0, 0, 0, kolkata)
	latency := valueSim{
		name: "query-latency", indicator: "query_p95", unit: "s",
		description: "95th percentile of SQL query time",
		max:         num(2), window: month, calendar: "month",
		value: func(t time.Time) (float64, bool) {
			if t.Before(kept) {
				return 0, false
			}
			return float64(110+r.at(t, 30)) / 100, true
		},
		agg: maximum,
		queries: []any{
			instant("histogram_quantile(0.95, sum by (le) (rate(sql_query_duration_seconds_bucket[${window}])))", p.end, p.end.Sub(p.start)),
			rangeQuery("histogram_quantile(0.95, sum by (le) (rate(sql_query_duration_seconds_bucket[${window}])))", month, time.Hour),
		},
		source: 46, file: file,
	}
	short := latency.json(p)
	short["queries"].([]any)[1].(obj)["purpose"] = "coverage"
	short["status"], short["measured"] = "no_data", nil
	note := "nothing before " + rfc(kept.UTC()) + ": the source may not retain the whole window (it keeps 10d, its storage retention)"
	short["coverage"] = obj{"percent": 32.258064516, "from": rfc(kept.UTC()), "to": rfc(p.end.UTC()), "step_seconds": 3600, "note": note, "required": 95}
	short["message"] = "query-latency has no data: data covers 32.2581% of the window (from " + rfc(kept.UTC()) + " to " + rfc(p.end.UTC()) + "), less than the 95% required: " + note
	return obj{
		"agreement": "warehouse-ola", "title": "Data warehouse operating level agreement", "version": "1.0.0",
		"status": "inconclusive", "inactive": nil,
		"slos": []any{loads.json(p, nil), probe.json(p), short},
		"responsibilities": []any{
			duty("load-monitoring", "platform", "met", 1, nil, "load-monitoring 1: met", file, 52,
				[]any{instant("min(min_over_time(warehouse_load_alerts_enabled[${window}]))", p.end, p.end.Sub(p.start))}),
			duty("announce-schema-changes", "analytics", "pending", nil, "2026-11-15", "fact schema_changes_announced is false: pending", file, 59, nil),
		},
		"credits": []any{}, "credit_total": nil, "review": nil,
		"source": obj{"file": file, "line": 1},
		"report": obj{
			"period":    p.span(),
			"effective": rfc(time.Date(2026, 7, 1, 0, 0, 0, 0, kolkata)),
			"expires":   nil,
			"parties": []any{
				party("platform", "Data Platform team, Contoso Group", ""),
				party("analytics", "Analytics team, Contoso Group", "analytics-oncall@contoso.example"),
			},
			"services": []any{service("warehouse", "Nightly loads and the SQL endpoint of the data warehouse",
				[]string{"nightly loads from the order and CRM systems", "sql.warehouse.contoso.example"}, []string{})},
			"exclusions": []any{},
			"reporting":  nil,
			"fee":        nil,
		},
	}
}

// The fixture must read back: the generator and the decoder agree.
func TestTheFixtureDecodes(t *testing.T) {
	b, err := os.ReadFile(fixturePath)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Agreements) != 5 {
		t.Fatalf("the fixture has %d agreements, want 5", len(doc.Agreements))
	}
}
