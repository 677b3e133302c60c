// Package rules turns agreements into Prometheus recording and alerting
// rules: multi-window, multi-burn-rate alerts on ratio SLOs (the Google SRE
// workbook's, as Sloth and Pyrra write them), alerts on value and timeslice
// SLOs and on measured responsibilities, a no-data alert per SLO, and alerts
// on the series `entente serve` exports. Every alert on an SLO that an
// exclusion applies to is silenced while the exclusion is on.
package rules

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/entente-dev/entente/agreements"
)

// Options change what is generated.
type Options struct {
	// BaseURL is where `entente serve` answers; alerts then link to the
	// agreement's report and the dashboard.
	BaseURL string
	// ExclusionsAsRules writes the fixed (from/to) exclusions into the
	// alerts as time conditions, for Prometheus servers without a running
	// `entente serve` to export entente_exclusion_active.
	ExclusionsAsRules bool
}

// The windows of the error ratios recorded for each ratio SLO.
var ratioWindows = []time.Duration{
	5 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 6 * time.Hour, 24 * time.Hour, 72 * time.Hour,
}

// BurnAlert is one of the multi-window, multi-burn-rate alerts: it fires when
// the error ratio over both Long and Short windows is above Factor times the
// error budget, Factor being the rate at which Share of the budget of the
// SLO's period is spent in Long.
type BurnAlert struct {
	Severity    string
	Long, Short time.Duration
	Share       float64
}

// BurnAlerts are the Google SRE workbook's (chapter 5, table 5-8), as Sloth
// and Pyrra use them.
var BurnAlerts = []BurnAlert{
	{"page", time.Hour, 5 * time.Minute, 0.02},
	{"page", 6 * time.Hour, 30 * time.Minute, 0.05},
	{"ticket", 24 * time.Hour, 2 * time.Hour, 0.10},
	{"ticket", 72 * time.Hour, 6 * time.Hour, 0.10},
}

// Factor is the burn rate at which the alert spends its share of the budget
// of a period in its long window.
func (b BurnAlert) Factor(period time.Duration) float64 {
	return round(b.Share * float64(period) / float64(b.Long))
}

// The nominal lengths of calendar periods. A month is as long as the
// current month is (days_in_month() in the rules); a quarter is taken as 91
// days and a year as 365, within 1.1% of each.
const day = 24 * time.Hour

var calendarLength = map[agreements.Calendar]time.Duration{
	agreements.Day:     day,
	agreements.Week:    7 * day,
	agreements.Month:   30 * day, // only to choose the alerts: the rules use days_in_month()
	agreements.Quarter: 91 * day,
	agreements.Year:    365 * day,
}

// period is the length of the window an SLO or responsibility is judged
// over.
func period(window model.Duration, calendar agreements.Calendar) time.Duration {
	if calendar != "" {
		return calendarLength[calendar]
	}
	return time.Duration(window)
}

// shortWindows are the windows of the values recorded for value SLOs and
// responsibilities.
var shortWindows = []time.Duration{5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour}

// shortWindow is the window of the value recorded for a value SLO or a
// responsibility: the longest of shortWindows within a 168th of its
// period (an hour of a week, 3h of 30 days), and at least 5m.
func shortWindow(p time.Duration) time.Duration {
	w := shortWindows[0]
	for _, s := range shortWindows {
		if s <= p/168 {
			w = s
		}
	}
	return w
}

// promql parses the indicators' queries, experimental functions included,
// as the agreements' loader does.
var promql = parser.NewParser(parser.Options{EnableExperimentalFunctions: true})

// valueTemplate writes an alert's value in annotations with four
// significant digits.
const valueTemplate = `{{ $value | printf "%.4g" }}`

// Names of the recorded series.
const (
	ErrorRatio         = "entente:slo_error_ratio:rate" // + window
	SLOValue           = "entente:slo_value:over"       // + window
	SliceValue         = "entente:slo_slice_value:over"
	SliceGoodPercent   = "entente:slo_slice_good_percent:over"
	ResponsibilityVal  = "entente:responsibility_value:over"
	ExclusionActive    = "entente_exclusion_active"
	noDataFor          = 10 * time.Minute
	serveAlertsFor     = 5 * time.Minute
	valueAlertsMinimum = 5 * time.Minute
)

// dur writes a duration as Prometheus does ("5m", "1d", "3d").
func dur(d time.Duration) string { return model.Duration(d).String() }

// round keeps 12 significant digits: 0.1 × 720h ÷ 1h is 14.4, not
// 14.400000000000002.
func round(x float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 12, 64), 64)
	return v
}

func num(x float64) string { return strconv.FormatFloat(round(x), 'g', -1, 64) }

// expand fills ${window} with a duration as Prometheus writes it.
func expand(q agreements.Query, w time.Duration) string {
	return strings.ReplaceAll(string(q), agreements.WindowVar, dur(w))
}

// File is the rules of one agreement.
type File struct {
	Agreement string
	Groups    []Group
	// Tests are the cases the promtool unit tests check.
	tests  []testCase
	review *agreements.Review
	merged bool
}

// Merge puts the groups of several files in one.
func Merge(files []*File) *File {
	out := &File{merged: true}
	var names []string
	for _, f := range files {
		names = append(names, f.Agreement)
		out.Groups = append(out.Groups, f.Groups...)
	}
	out.Agreement = strings.Join(names, ", ")
	return out
}

// Group is a rule group.
type Group struct {
	Name    string
	Comment string
	Rules   []Rule
}

// Rule is a recording rule (Record set) or an alerting rule (Alert set).
type Rule struct {
	Comment     string
	Record      string
	Alert       string
	Expr        string
	For         time.Duration
	Labels      map[string]string
	Annotations map[string]string
}

type generator struct {
	a    *agreements.Agreement
	opts Options
	file *File
}

// Generate writes the rules of an agreement.
func Generate(a *agreements.Agreement, opts Options) (*File, error) {
	g := &generator{a: a, opts: opts, file: &File{Agreement: a.Name, review: a.Review}}
	var rec, alerts []Rule
	for _, slo := range a.SLOs {
		ind := a.Indicator(slo.Indicator)
		if ind == nil {
			return nil, fmt.Errorf("agreement %s, SLO %s: no indicator %q", a.Name, slo.Name, slo.Indicator)
		}
		var r, al []Rule
		switch {
		case slo.Timeslices != nil:
			r, al = g.timeslices(slo, ind)
		case ind.Kind == agreements.RatioIndicator:
			r, al = g.ratio(slo, ind)
		default:
			r, al = g.value(slo, ind)
		}
		rec, alerts = append(rec, r...), append(alerts, al...)
		if nd := g.noData(slo, ind); nd != nil {
			alerts = append(alerts, *nd)
		}
	}
	for _, resp := range a.Responsibilities {
		if resp.Indicator == "" {
			continue
		}
		ind := a.Indicator(resp.Indicator)
		if ind == nil || ind.Kind != agreements.ValueIndicator {
			continue
		}
		r, al := g.responsibility(resp, ind)
		rec, alerts = append(rec, r...), append(alerts, al...)
	}
	if len(rec) > 0 {
		g.file.Groups = append(g.file.Groups, Group{
			Name:    "entente-" + a.Name + "-recordings",
			Comment: fmt.Sprintf("The indicators of agreement %q, recorded over the windows its alerts read.", a.Name),
			Rules:   rec,
		})
	}
	g.file.Groups = append(g.file.Groups, Group{
		Name:    "entente-" + a.Name + "-alerts",
		Comment: fmt.Sprintf("Alerts on the indicators of agreement %q: they fire while there is still time to act.", a.Name),
		Rules:   alerts,
	})
	g.file.Groups = append(g.file.Groups, Group{
		Name:    "entente-" + a.Name + "-verdicts",
		Comment: "Alerts on the series `entente serve` exports from its verdicts (its /metrics must be scraped).",
		Rules:   g.serve(),
	})
	return g.file, nil
}

// selector is the label selector of the series of an SLO.
func selector(kv ...string) string {
	var b strings.Builder
	b.WriteByte('{')
	for i := 0; i < len(kv); i += 2 {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s=%s", kv[i], strconv.Quote(kv[i+1]))
	}
	b.WriteByte('}')
	return b.String()
}

func (g *generator) sloSel(slo string) string { return selector("agreement", g.a.Name, "slo", slo) }

// labels are the labels of every rule of an SLO.
func (g *generator) labels(kv ...string) map[string]string {
	l := map[string]string{"agreement": g.a.Name}
	for i := 0; i < len(kv); i += 2 {
		l[kv[i]] = kv[i+1]
	}
	return l
}

// alertLabels add the severity, the version and the party responsible.
func (g *generator) alertLabels(severity, party string, kv ...string) map[string]string {
	l := g.labels(kv...)
	l["severity"] = severity
	l["agreement_version"] = g.a.Version
	if party != "" {
		l["party"] = party
	}
	return l
}

// provider is the party that delivers the service: the one named
// "provider", if any.
func (g *generator) provider() string {
	if p := g.a.Party("provider"); p != nil {
		return p.Name
	}
	return ""
}

// annotations are an alert's summary and description, with links to serve
// when it has a base URL.
func (g *generator) annotations(summary, description string) map[string]string {
	an := map[string]string{"summary": summary, "description": description}
	if base := strings.TrimRight(g.opts.BaseURL, "/"); base != "" {
		an["dashboard"] = base + "/"
		an["report"] = base + "/v1/agreements/" + g.a.Name + "/report?period=last-month&format=html"
		an["verdict"] = base + "/v1/agreements/" + g.a.Name + "/verdict"
	}
	return an
}

// excluded are the exclusions that apply to an SLO.
func (g *generator) excluded(slo *agreements.SLO) []*agreements.Exclusion {
	if slo.Kind == agreements.ValueSLO {
		return nil
	}
	var out []*agreements.Exclusion
	for _, e := range g.a.Exclusions {
		if len(e.SLOs) == 0 || slices.Contains(e.SLOs, slo.Name) {
			out = append(out, e)
		}
	}
	return out
}

// silenced adds to an alert's expression the conditions that silence it
// while an exclusion of its SLO is on.
func (g *generator) silenced(expr string, slo *agreements.SLO) string {
	excl := g.excluded(slo)
	if len(excl) == 0 {
		return expr
	}
	out := "(" + expr + ")\nunless on() (" + ExclusionActive + g.sloSel(slo.Name) + " == 1)"
	if g.opts.ExclusionsAsRules {
		for _, e := range excl {
			if e.From == nil || e.To == nil {
				continue
			}
			out += fmt.Sprintf("\nunless on() (vector(time()) >= %d and vector(time()) < %d)", e.From.Unix(), e.To.Unix())
		}
	}
	return out
}

func (g *generator) exclusionNote(slo *agreements.SLO) string {
	excl := g.excluded(slo)
	if len(excl) == 0 {
		return ""
	}
	names := make([]string, len(excl))
	for i, e := range excl {
		names[i] = e.Name
	}
	return fmt.Sprintf(" Silenced while an exclusion of the SLO is on (%s), as `entente serve` exports it in %s.", strings.Join(names, ", "), ExclusionActive)
}

// budget is an objective's error budget, as a ratio: 99.9 gives 0.001.
func budget(objective float64) float64 { return round((100 - objective) / 100) }

func (g *generator) ratio(slo *agreements.SLO, ind *agreements.Indicator) (rec, alerts []Rule) {
	for _, w := range ratioWindows {
		rec = append(rec, Rule{
			Record: ErrorRatio + dur(w),
			Expr:   errorRatio(ind.Ratio, w),
			Labels: g.labels("slo", slo.Name),
		})
	}
	rec[0].Comment = fmt.Sprintf("SLO %s: the share of %s events that are bad, over each window.", slo.Name, ind.Name)
	if slo.Objective == nil {
		return rec, nil
	}
	p := period(slo.Window, slo.Calendar)
	b := budget(*slo.Objective)
	for _, ba := range BurnAlerts {
		if ba.Long > p {
			continue // a window longer than the SLO's says nothing of it
		}
		factor := ba.Factor(p)
		threshold := num(factor) + " * " + num(b)
		rate := fmt.Sprintf("%s = %s × %s ÷ %s", num(factor), num(ba.Share), dur(p), dur(ba.Long))
		if slo.Calendar == agreements.Month {
			// share × the days of this month × 24 h ÷ the long window.
			threshold = fmt.Sprintf("%s * 24 * scalar(days_in_month()) / %s * %s", num(ba.Share), num(ba.Long.Hours()), num(b))
			rate = fmt.Sprintf("%s × 24h × the days of the month ÷ %s: %s in a month of 30 days, %s of 31, %s of 28", num(ba.Share), dur(ba.Long),
				num(round(ba.Share*24*30/ba.Long.Hours())), num(round(ba.Share*24*31/ba.Long.Hours())), num(round(ba.Share*24*28/ba.Long.Hours())))
		}
		long := ErrorRatio + dur(ba.Long) + g.sloSel(slo.Name)
		short := ErrorRatio + dur(ba.Short) + g.sloSel(slo.Name)
		expr := fmt.Sprintf("%s > (%s)\nand\n%s > (%s)", long, threshold, short, threshold)
		name := "EntenteBudgetBurn"
		if ba.Severity == "page" {
			name = "EntenteBudgetBurnFast"
		}
		alerts = append(alerts, Rule{
			Comment: fmt.Sprintf("SLO %s, %s: %s of the error budget of %s (%s%% of events) spent in %s, read over %s and %s. Burn rate %s.",
				slo.Name, ba.Severity, percent(ba.Share), periodText(slo), num(b*100), dur(ba.Long), dur(ba.Long), dur(ba.Short), rate),
			Alert:  name,
			Expr:   g.silenced(expr, slo),
			Labels: g.alertLabels(ba.Severity, g.provider(), "slo", slo.Name, "long_window", dur(ba.Long), "short_window", dur(ba.Short)),
			Annotations: g.annotations(
				fmt.Sprintf("%s: %s burns its error budget too fast (%s of it in %s)", g.a.Name, slo.Name, percent(ba.Share), dur(ba.Long)),
				fmt.Sprintf("Over the last %s (and %s), {{ $value | humanizePercentage }} of %s events were bad; the objective allows %s%%. At this rate, %s of the error budget of %s is gone in %s.%s",
					dur(ba.Long), dur(ba.Short), ind.Name, num(b*100), percent(ba.Share), periodText(slo), dur(ba.Long), g.exclusionNote(slo))),
		})
		g.file.tests = append(g.file.tests, testCase{kind: burnTest, slo: slo, alert: alerts[len(alerts)-1], burn: ba, budget: b})
	}
	return rec, alerts
}

func percent(share float64) string { return num(share*100) + "%" }

func periodText(slo *agreements.SLO) string {
	if slo.Calendar != "" {
		return "the calendar " + string(slo.Calendar)
	}
	return dur(time.Duration(slo.Window))
}

// errorRatio is the share of bad events over a window.
func errorRatio(r *agreements.Ratio, w time.Duration) string {
	total := expand(r.Total, w)
	if r.Bad != "" {
		return fmt.Sprintf("(%s)\n/\n(%s)", expand(r.Bad, w), total)
	}
	return fmt.Sprintf("1 - (\n  (%s)\n  /\n  (%s)\n)", expand(r.Good, w), total)
}

// bound is the condition under which a value is past the bounds, and its
// words.
func bound(lo, hi *float64) (cond, words string) {
	var conds, ws []string
	if lo != nil {
		conds = append(conds, "< "+num(*lo))
		ws = append(ws, "at least "+num(*lo))
	}
	if hi != nil {
		conds = append(conds, "> "+num(*hi))
		ws = append(ws, "at most "+num(*hi))
	}
	return strings.Join(conds, " or "), strings.Join(ws, " and ")
}

// pastBound is the expression of series past their bounds.
func pastBound(series string, lo, hi *float64) string {
	var parts []string
	if lo != nil {
		parts = append(parts, series+" < "+num(*lo))
	}
	if hi != nil {
		parts = append(parts, series+" > "+num(*hi))
	}
	return strings.Join(parts, "\nor\n")
}

func (g *generator) value(slo *agreements.SLO, ind *agreements.Indicator) (rec, alerts []Rule) {
	p := period(slo.Window, slo.Calendar)
	w := shortWindow(p)
	name := SLOValue + dur(w)
	rec = append(rec, Rule{
		Comment: fmt.Sprintf("SLO %s: %s over %s (for a window of %s).", slo.Name, ind.Name, dur(w), periodText(slo)),
		Record:  name,
		Expr:    expand(ind.Value, w),
		Labels:  g.labels("slo", slo.Name),
	})
	_, words := bound(slo.Min, slo.Max)
	alert := Rule{
		Comment: fmt.Sprintf("SLO %s: its indicator has been past the bound for %s; if it stays there, so will the value over %s.", slo.Name, dur(w), periodText(slo)),
		Alert:   "EntenteValuePastBound",
		Expr:    g.silenced(pastBound(name+g.sloSel(slo.Name), slo.Min, slo.Max), slo),
		For:     w,
		Labels:  g.alertLabels("ticket", g.provider(), "slo", slo.Name),
		Annotations: g.annotations(
			fmt.Sprintf("%s: %s is past its bound", g.a.Name, slo.Name),
			fmt.Sprintf("%s over the last %s is %s%s for %s; the agreement wants %s over %s.", ind.Name, dur(w), valueTemplate, unit(ind), dur(w), words, periodText(slo))),
	}
	g.file.tests = append(g.file.tests, testCase{kind: valueTest, slo: slo, alert: alert, series: name, lo: slo.Min, hi: slo.Max, window: w})
	return rec, []Rule{alert}
}

func unit(ind *agreements.Indicator) string {
	if ind.Unit == "" {
		return ""
	}
	return " " + ind.Unit
}

func (g *generator) timeslices(slo *agreements.SLO, ind *agreements.Indicator) (rec, alerts []Rule) {
	ts := slo.Timeslices
	if ts.Measure == agreements.MeanOfSlices {
		// The mean of the slices' shares of good events is the share of
		// good events when traffic is even: alert on its burn rate.
		return g.ratio(slo, ind)
	}
	slice := time.Duration(ts.Slice)
	var name, expr string
	var lo, hi *float64
	var what string
	if ind.Kind == agreements.RatioIndicator {
		name, lo = SliceGoodPercent+dur(slice), ts.Objective
		expr = "100 * (\n" + errorRatio(ind.Ratio, slice) + "\n)"
		expr = "100 - " + expr
		what = "the percentage of good " + ind.Name + " events"
	} else {
		name, lo, hi = SliceValue+dur(slice), ts.Min, ts.Max
		expr = expand(ind.Value, slice)
		what = ind.Name
	}
	rec = append(rec, Rule{
		Comment: fmt.Sprintf("SLO %s: %s over each slice of %s.", slo.Name, what, dur(slice)),
		Record:  name,
		Expr:    expr,
		Labels:  g.labels("slo", slo.Name),
	})
	if slo.Objective == nil {
		return rec, nil
	}
	// Bad slices in a row long enough to spend 5% of the budget of bad
	// slices, and at least one slice.
	p := period(slo.Window, slo.Calendar)
	badSlices := float64(p/slice) * budget(*slo.Objective)
	n := max(1, int(math.Ceil(0.05*badSlices)))
	forDur := time.Duration(n) * slice
	_, words := bound(lo, hi)
	alert := Rule{
		Comment: fmt.Sprintf("SLO %s: %d bad slices in a row spend 5%% of the %s bad slices of %s the objective allows (%s%% of %d).",
			slo.Name, n, num(round(badSlices)), periodText(slo), num(budget(*slo.Objective)*100), int64(p/slice)),
		Alert:  "EntenteSlicesBad",
		Expr:   g.silenced(pastBound(name+g.sloSel(slo.Name), lo, hi), slo),
		For:    forDur,
		Labels: g.alertLabels("page", g.provider(), "slo", slo.Name),
		Annotations: g.annotations(
			fmt.Sprintf("%s: %s has had bad slices for %s", g.a.Name, slo.Name, dur(forDur)),
			fmt.Sprintf("%s over the last slice is %s: a slice is good at %s. %d bad slices in a row spend 5%% of the error budget of %s.%s",
				what, valueTemplate, words, n, periodText(slo), g.exclusionNote(slo))),
	}
	g.file.tests = append(g.file.tests, testCase{kind: sliceTest, slo: slo, alert: alert, series: name, lo: lo, hi: hi, window: forDur})
	return rec, []Rule{alert}
}

func (g *generator) responsibility(resp *agreements.Responsibility, ind *agreements.Indicator) (rec, alerts []Rule) {
	p := period(resp.Window, resp.Calendar)
	w := shortWindow(p)
	name := ResponsibilityVal + dur(w)
	sel := selector("agreement", g.a.Name, "responsibility", resp.Name)
	rec = append(rec, Rule{
		Comment: fmt.Sprintf("Responsibility %s of %s: %s over %s.", resp.Name, resp.Party, ind.Name, dur(w)),
		Record:  name,
		Expr:    expand(ind.Value, w),
		Labels:  g.labels("responsibility", resp.Name),
	})
	_, words := bound(resp.Min, resp.Max)
	party := resp.Party
	if p := g.a.Party(resp.Party); p != nil {
		party = p.Name
	}
	alert := Rule{
		Comment: fmt.Sprintf("Responsibility %s: past its bound for %s.", resp.Name, dur(w)),
		Alert:   "EntenteResponsibilityPastBound",
		Expr:    pastBound(name+sel, resp.Min, resp.Max),
		For:     w,
		Labels:  g.alertLabels("ticket", party, "responsibility", resp.Name),
		Annotations: g.annotations(
			fmt.Sprintf("%s: %s (%s) is past its bound", g.a.Name, resp.Name, party),
			fmt.Sprintf("%s over the last %s is %s%s; the agreement wants %s. %s", ind.Name, dur(w), valueTemplate, unit(ind), words, resp.Description)),
	}
	g.file.tests = append(g.file.tests, testCase{kind: responsibilityTest, alert: alert, series: name, lo: resp.Min, hi: resp.Max, window: w, resp: resp})
	return rec, []Rule{alert}
}

// noData is the alert that the series an SLO is measured from are absent:
// the total of a ratio, its value, or its coverage query.
func (g *generator) noData(slo *agreements.SLO, ind *agreements.Indicator) *Rule {
	if ind.NoCoverage {
		return nil // events by nature: no samples is no events
	}
	q := ind.Value
	if ind.Ratio != nil {
		q = ind.Ratio.Total
	}
	if ind.Coverage != "" {
		q = ind.Coverage
	}
	sels := selectors(expand(q, 5*time.Minute))
	if len(sels) == 0 {
		return nil
	}
	parts := make([]string, len(sels))
	for i, s := range sels {
		parts[i] = "absent(" + s + ")"
	}
	r := &Rule{
		Comment: fmt.Sprintf("SLO %s: no series to measure %s from.", slo.Name, ind.Name),
		Alert:   "EntenteSLOMetricAbsent",
		Expr:    strings.Join(parts, "\nor\n"),
		For:     noDataFor,
		Labels:  g.alertLabels("ticket", g.provider(), "slo", slo.Name),
		Annotations: g.annotations(
			fmt.Sprintf("%s: no data for %s", g.a.Name, slo.Name),
			fmt.Sprintf("The series %s is measured from have been absent for %s: without them the SLO is no_data, and the agreement's no_data policy (%s) decides.", ind.Name, dur(noDataFor), slo.NoData)),
	}
	g.file.tests = append(g.file.tests, testCase{kind: absentTest, slo: slo, alert: *r, selectors: sels})
	return r
}

// selectors are the distinct series selectors of a query, without their
// ranges, offsets and @ modifiers.
func selectors(q string) []string {
	expr, err := promql.ParseExpr(q)
	if err != nil {
		return nil
	}
	var out []string
	parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
		vs, ok := n.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		s := (&parser.VectorSelector{Name: vs.Name, LabelMatchers: vs.LabelMatchers}).String()
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
		return nil
	})
	return out
}

// serve are the alerts on the series `entente serve` exports.
func (g *generator) serve() []Rule {
	a := selector("agreement", g.a.Name)
	sel := func(kv ...string) string { return selector(append([]string{"agreement", g.a.Name}, kv...)...) }
	rules := []Rule{
		{
			Alert: "EntenteSLOAtRisk", Expr: "entente_slo_status" + sel("status", "warn") + " == 1", For: serveAlertsFor,
			Labels:      g.alertLabels("ticket", g.provider()),
			Annotations: g.annotations(g.a.Name+": {{ $labels.slo }} is at risk", "The SLO {{ $labels.slo }} is between its objective and its warning threshold: it still holds, with little margin."),
		},
		{
			Alert: "EntenteSLOFailing", Expr: "entente_slo_status" + sel("status", "fail") + " == 1", For: serveAlertsFor,
			Labels:      g.alertLabels("page", g.provider()),
			Annotations: g.annotations(g.a.Name+": {{ $labels.slo }} misses its objective", "The SLO {{ $labels.slo }} misses its objective over its current window: credits may be owed."),
		},
		{
			Alert: "EntenteErrorBudgetLow", Expr: "entente_slo_budget_remaining" + a + " < 0.25 >= 0", For: serveAlertsFor,
			Labels:      g.alertLabels("ticket", g.provider()),
			Annotations: g.annotations(g.a.Name+": {{ $labels.slo }} has {{ $value | humanizePercentage }} of its error budget left", "Less than 25% of the error budget of {{ $labels.slo }} is left for its window."),
		},
		{
			Alert: "EntenteErrorBudgetExhausted", Expr: "entente_slo_budget_remaining" + a + " < 0", For: serveAlertsFor,
			Labels:      g.alertLabels("page", g.provider()),
			Annotations: g.annotations(g.a.Name+": {{ $labels.slo }} has spent its error budget", "The error budget of {{ $labels.slo }} is overspent ({{ $value | humanizePercentage }} left) for its window."),
		},
		{
			Alert: "EntenteResponsibilityBreached", Expr: "entente_responsibility_status" + sel("status", "breached") + " == 1", For: serveAlertsFor,
			Labels:      g.labels("severity", "ticket", "agreement_version", g.a.Version),
			Annotations: g.annotations(g.a.Name+": {{ $labels.party }} breaches {{ $labels.responsibility }}", "The responsibility {{ $labels.responsibility }} of {{ $labels.party }} is breached."),
		},
		{
			Alert: "EntenteCreditOwed", Expr: "entente_credits_owed" + a + " > 0", For: serveAlertsFor,
			Labels:      g.alertLabels("ticket", g.provider()),
			Annotations: g.annotations(g.a.Name+": {{ $value }} {{ $labels.currency }} of service credits owed", "The agreement owes service credits for its current period."),
		},
	}
	if r := g.a.Review; r != nil {
		rules = append(rules,
			Rule{
				Alert: "EntenteReviewDue", Expr: fmt.Sprintf("time() > entente_review_due_timestamp_seconds%s - %d", a, int64(time.Duration(r.Notice)/time.Second)),
				Labels:      g.labels("severity", "ticket", "agreement_version", g.a.Version),
				Annotations: g.annotations(g.a.Name+": review due", fmt.Sprintf("The agreement is to be reviewed every %s; the next review is due within %s.", dur(time.Duration(r.Every)), dur(time.Duration(r.Notice)))),
			},
			Rule{
				Alert: "EntenteReviewOverdue", Expr: "time() > entente_review_due_timestamp_seconds" + a,
				Labels:      g.labels("severity", "page", "agreement_version", g.a.Version),
				Annotations: g.annotations(g.a.Name+": review overdue", fmt.Sprintf("The agreement is to be reviewed every %s, and its review is overdue.", dur(time.Duration(r.Every)))),
			})
	}
	return rules
}
