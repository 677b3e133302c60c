package report

// The view of each SLO: its figures and, for HTML, its charts.

import (
	"math"
	"sort"
	"strconv"
	"time"
)

// buildSLO formats an SLO's figures and, with charts, draws its series.
func buildSLO(a *Agreement, s *SLO, loc *time.Location, charts bool) *sloView {
	kind := kindOf(s)
	v := &sloView{
		ID:        "slo-" + a.Name + "-" + s.Name,
		Name:      s.Name,
		Indicator: s.Indicator,
		Kind:      kindName(s),
		Status:    statusBadge(s.Status),
		Objective: objective(s),
		Warning:   warning(s),
		Measured:  measured(s),
		Events:    events(s),
		Budget:    budgetLeft(s.BudgetRemaining.Float()),
		Excluded:  unknown,
		Window:    windowText(s.Window, loc),
		Message:   s.Message,
		Coverage:  coverage(s.Coverage),
	}
	v.CoverageDetail = coverageDetail(s.Coverage, loc)
	if s.ExcludedSeconds != nil {
		v.Excluded = duration(int64(s.ExcludedSeconds.Float64()))
	}
	if kind == KindValue {
		v.Budget = "n/a"
	}
	r := s.Report
	if r == nil {
		return v
	}
	v.Description = string(r.Description)
	if r.Error != "" {
		v.ChartError = string(r.Error)
		return v
	}
	v.BucketHead = capitalize(r.Bucket)
	v.Buckets = bucketRows(s, loc)
	if charts {
		addCharts(v, a, s, loc)
	}
	return v
}

// addCharts draws an SLO's series over the span of its report period,
// its window and its data, whichever is widest: a rolling window may start
// before the period, and no point is ever left off the chart.
func addCharts(v *sloView, a *Agreement, s *SLO, loc *time.Location) {
	r := s.Report
	var d domain
	if a.Report != nil {
		d = d.widen(a.Report.Period.Start).widen(a.Report.Period.End)
	}
	if s.Window != nil {
		d = d.widen(s.Window.Start).widen(s.Window.End)
	}
	var series []point
	if r.Kind == KindValue {
		for _, p := range r.Values {
			series = append(series, point{T: p.End, V: p.Value})
		}
	} else {
		for _, p := range r.Budget {
			series = append(series, point{T: p.End, V: p.Consumed})
		}
	}
	for _, p := range series {
		d = d.widen(p.T)
	}
	if !d.end.After(d.start) {
		d.end = d.start.Add(time.Hour)
	}
	var exclusions []Exclusion
	if a.Report != nil {
		exclusions = a.Report.Exclusions
	}
	if r.Kind == KindValue {
		v.ValueChart = valueChart(v.ID+"-values", s, series, d, loc)
	} else {
		v.BudgetChart = budgetChart(v.ID+"-budget", s.Name, series, d, exclusions, loc)
	}
	v.Bars = bucketChart(v.ID+"-buckets", s, loc)
}

func kindName(s *SLO) string {
	switch kindOf(s) {
	case KindValue:
		return "value"
	case KindTimeslice:
		return "time slices"
	}
	if s.Report == nil {
		return "ratio"
	}
	return "ratio of events"
}

// objective writes what the SLO promises: "≥ 99.9%", "≤ 0.3 s".
func objective(s *SLO) string {
	b := sloBounds(s)
	switch {
	case s.Objective != nil:
		return "≥ " + promised(s.Objective.Float())
	case s.Max != nil:
		return "≤ " + withUnit(s.Max.Float(), b.unit)
	case s.Min != nil:
		return "≥ " + withUnit(s.Min.Float(), b.unit)
	}
	return unknown
}

func warning(s *SLO) string {
	if s.Warning == nil {
		return "none"
	}
	if kindOf(s) == KindValue {
		return withUnit(s.Warning.Float(), sloBounds(s).unit)
	}
	return promised(s.Warning.Float())
}

func measured(s *SLO) string {
	if s.Measured == nil {
		if s.Status == "error" {
			return "error"
		}
		return "no data"
	}
	if kindOf(s) == KindValue {
		return withUnit(s.Measured.Float(), sloBounds(s).unit)
	}
	return attained(s.Measured.Float(), s.Objective.Float())
}

// events writes the counts behind a ratio: "84,459,862 good of 84,677,084
// events", or of slices.
func events(s *SLO) string {
	if s.Good == nil || s.Total == nil {
		return ""
	}
	noun := "events"
	if kindOf(s) == KindTimeslice {
		noun = "slices"
		// Under measure = "mean" each slice counts its share of good
		// events: the sum is not whole, and rounding it would hide the
		// figure the SLO's percentage comes from.
		if g := s.Good.Float64(); g != math.Trunc(g) {
			return group(strconv.FormatFloat(g, 'f', 2, 64)) + " good of " + numberOr(s.Total.Float()) + " slices, each counting its share of good events"
		}
	}
	return numberOr(s.Good.Float()) + " good of " + numberOr(s.Total.Float()) + " " + noun
}

// budgetLeft writes the error budget remaining: "47.5%", or "-240.1%
// (overspent)".
func budgetLeft(remaining *float64) string {
	if remaining == nil {
		return unknown
	}
	if *remaining < 0 {
		return share(*remaining) + " (overspent)"
	}
	return share(*remaining)
}

func windowText(w *Window, loc *time.Location) string {
	if w == nil {
		return unknown
	}
	s := span(w.Start, w.End, loc)
	if w.Calendar != "" {
		return s + " (calendar " + string(w.Calendar) + ")"
	}
	return s + " (rolling, " + duration(int64(w.End.Sub(w.Start).Seconds())) + ")"
}

// bucketRows are the buckets as a table, each with the error budget spent
// by its end: the last budget point inside it.
func bucketRows(s *SLO, loc *time.Location) []bucketRow {
	r := s.Report
	points := append([]BudgetPoint{}, r.Budget...)
	sort.SliceStable(points, func(i, j int) bool { return points[i].End.Before(points[j].End) })
	var rows []bucketRow
	for _, b := range r.Buckets {
		row := bucketRow{Name: bucketName(r.Bucket, b.Start, loc), Good: numberOr(b.Good), Total: numberOr(b.Total), Met: bucketBadge(b.Met), Budget: unknown}
		if r.Kind == KindValue {
			row.Figure = withUnit(b.Value, string(r.Unit))
		} else {
			row.Figure = attained(b.Attainment, s.Objective.Float())
		}
		i := sort.Search(len(points), func(i int) bool { return points[i].End.After(b.End) }) - 1
		if i >= 0 && points[i].End.After(b.Start) && points[i].Consumed != nil {
			row.Budget = share(*points[i].Consumed)
		}
		rows = append(rows, row)
	}
	return rows
}
