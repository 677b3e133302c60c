package report

// Line charts: the error budget spent across the period, and the values
// of a value indicator against its bounds.

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// budgetCeiling is the most error budget a chart draws to scale, 200%:
// beyond it the line is clamped at the top and its true value labelled, so
// that one bad month does not flatten the 100% line into the axis.
const budgetCeiling = 2.0

func shareTick(v, step float64) string {
	return strconv.FormatFloat(v*100, 'f', decimals(step*100), 64) + "%"
}

// budgetChart draws the error budget spent across the period, against the
// line where all of it is spent.
func budgetChart(id, slo string, points []point, d domain, exclusions []Exclusion, loc *time.Location) *lineChart {
	c := &lineChart{
		ID:     id,
		Title:  "Error budget spent by " + slo,
		Frame:  chartFrame,
		YTitle: "Error budget spent",
		XTitle: "Time (" + zoneName(loc) + ")",
	}
	values := known(points)
	if len(values) == 0 {
		return empty(c, "No error budget data for this period")
	}
	top := math.Max(1, maxOf(values))
	if top > budgetCeiling {
		top = budgetCeiling
	}
	f := c.Frame
	y, yt := valueTicks(f, niceAxis(0, top, 5), shareTick)
	x, xt := timeAxis(f, d, loc)
	c.YTicks, c.XTicks = yt, xt
	c.Bands = exclusionBands(x, d, exclusions, slo, loc)
	c.Refs = []refLine{reference(f, y, 1, "Budget exhausted (100%)", "bad")}
	tr := draw(points, x, y)
	c.Path, c.Dots = tr.path, tr.dots
	last := points[lastKnown(points)]
	end := endNote(f, last, x, y, share(*last.V)+" spent")
	c.Notes = append(c.Notes, end)
	if d := end.Y - c.Refs[0].LabelY; d > -14 && d < 14 && end.Anchor == "end" {
		// The end of the line is labelled where the 100% line is: that
		// label moves to the other end.
		c.Refs[0].LabelX, c.Refs[0].Anchor = f.X+4, "start"
	}
	if len(tr.clipped) > 0 {
		c.Notes = append(c.Notes, note{X: f.X + 4, Y: f.Y + 14, Text: "Off scale above " + shareTick(budgetCeiling, 1) + ": peak " + share(maxOf(values)), Anchor: "start"})
	}
	c.Desc = budgetDesc(points, loc)
	return c
}

// empty makes c a chart that says there is nothing to draw.
func empty(c *lineChart, why string) *lineChart {
	c.Frame, c.Empty, c.Desc = emptyFrame, why, why+"."
	c.XTitle, c.YTitle = "", ""
	return c
}

// endNote labels the last known point of a series with its true value,
// inside the plot, on the side where there is room.
func endNote(f frame, last point, x timeScale, y scale, text string) note {
	py, _ := y.clamped(*last.V)
	n := note{X: px(x.at(last.T)), Y: px(py) - 6, Text: text, Anchor: "end"}
	if n.Y < f.Y+24 {
		n.Y = px(py) + 16
	}
	if n.X < f.X+120 {
		n.Anchor = "start"
	}
	return n
}

// budgetDesc tells the chart in words: where the budget ended, when it ran
// out, and how much of the period has no data.
func budgetDesc(points []point, loc *time.Location) string {
	var b strings.Builder
	last := points[lastKnown(points)]
	fmt.Fprintf(&b, "%s of the error budget spent by %s", share(*last.V), clock(last.T, loc))
	for _, p := range points {
		if p.V != nil && *p.V >= 1 {
			fmt.Fprintf(&b, "; all of it spent by %s", clock(p.T, loc))
			break
		}
	}
	if peak := maxOf(known(points)); peak > *last.V {
		fmt.Fprintf(&b, "; peak %s", share(peak))
	}
	b.WriteString(".")
	if gaps := len(points) - len(known(points)); gaps > 0 {
		fmt.Fprintf(&b, " %s of %d without data.", plural(gaps, "point"), len(points))
	}
	return b.String()
}

// bounds are the lines a value SLO is judged against.
type bounds struct {
	limit   *float64 // the max or min
	warning *float64
	upper   bool // limit is a max
	unit    string
}

func sloBounds(s *SLO) bounds {
	b := bounds{warning: s.Warning.Float(), upper: s.Max != nil, limit: s.Max.Float()}
	if s.Min != nil {
		b.limit = s.Min.Float()
	}
	if s.Report != nil {
		b.unit = string(s.Report.Unit)
	}
	return b
}

func (b bounds) name() string {
	if b.upper {
		return "max"
	}
	return "min"
}

// offScale is how far past its bound a value axis reaches: twice a max,
// or twice the headroom above a min. Values beyond are clamped and
// labelled, so that one spike does not flatten the bound into the axis.
const offScale = 2

// valueAxis covers the values and the bound lines. An axis under a max
// starts at zero (latencies, durations: a bar's length is the value); one
// over a min may start near the bound, where the values are.
func valueAxis(values []float64, b bounds) axis {
	all := append([]float64{}, values...)
	for _, r := range []*float64{b.limit, b.warning} {
		if r != nil {
			all = append(all, *r)
		}
	}
	lo, hi := minOf(all), maxOf(all)
	if b.limit != nil {
		l := *b.limit
		if b.upper && l > 0 && hi > offScale*l {
			hi = offScale * l
		}
		if !b.upper && hi > l {
			lo = math.Max(lo, l-offScale*(hi-l))
		}
	}
	if lo > 0 && (b.upper || lo < hi/2) {
		lo = 0
	}
	return niceAxis(lo, hi, 5)
}

func plainTick(v, step float64) string { return tickLabel(v, step) }

// valueChart draws a value indicator over time against its bound and
// warning lines.
func valueChart(id string, s *SLO, points []point, d domain, loc *time.Location) *lineChart {
	b := sloBounds(s)
	c := &lineChart{
		ID:     id,
		Title:  "Values of " + s.Name + " over the period",
		Frame:  chartFrame,
		YTitle: "Value",
		XTitle: "Time (" + zoneName(loc) + ")",
	}
	if b.unit != "" {
		c.YTitle = "Value (" + b.unit + ")"
	}
	values := known(points)
	if len(values) == 0 {
		return empty(c, "No values for this period")
	}
	f := c.Frame
	y, yt := valueTicks(f, valueAxis(values, b), plainTick)
	x, xt := timeAxis(f, d, loc)
	c.YTicks, c.XTicks = yt, xt
	c.Refs = apart(f, boundLines(f, y, b))
	tr := draw(points, x, y)
	c.Path, c.Dots = tr.path, tr.dots
	c.Notes = clipNote(f, tr, points, x, y, b.unit)
	c.Desc = valueDesc(points, b)
	return c
}

// boundLines are the bound and warning lines of a value SLO.
func boundLines(f frame, y scale, b bounds) []refLine {
	var refs []refLine
	if b.limit != nil {
		refs = append(refs, reference(f, y, *b.limit, b.name()+" "+withUnit(b.limit, b.unit), "bad"))
	}
	if b.warning != nil {
		refs = append(refs, reference(f, y, *b.warning, "warning "+withUnit(b.warning, b.unit), "warn"))
	}
	return refs
}

// clipNote labels the value furthest off the scale with its true value:
// one label, as several would overlap at the edge; the description counts
// the steps past the bound.
func clipNote(f frame, tr trace, points []point, x timeScale, y scale, unit string) []note {
	if len(tr.clipped) == 0 {
		return nil
	}
	peak := tr.clipped[0]
	mid := (y.d0 + y.d1) / 2
	for _, i := range tr.clipped {
		if math.Abs(*points[i].V-mid) > math.Abs(*points[peak].V-mid) {
			peak = i
		}
	}
	p := points[peak]
	py, _ := y.clamped(*p.V)
	n := note{X: px(x.at(p.T)) + 4, Y: px(py) + 12, Text: "off scale: " + withUnit(p.V, unit), Anchor: "start"}
	if py > float64(f.MidY()) {
		n.Y = px(py) - 6
	}
	if n.X > f.Right()-110 {
		n.X, n.Anchor = n.X-8, "end"
	}
	return []note{n}
}

// valueDesc tells a value chart in words.
func valueDesc(points []point, b bounds) string {
	values := known(points)
	var b2 strings.Builder
	lo, hi := minOf(values), maxOf(values)
	fmt.Fprintf(&b2, "Values from %s to %s", withUnit(&lo, b.unit), withUnit(&hi, b.unit))
	if b.limit != nil {
		outside := 0
		for _, v := range values {
			if (b.upper && v > *b.limit) || (!b.upper && v < *b.limit) {
				outside++
			}
		}
		fmt.Fprintf(&b2, "; %s of %d past the %s %s", plural(outside, "step"), len(values), b.name(), withUnit(b.limit, b.unit))
	}
	b2.WriteString(".")
	if gaps := len(points) - len(values); gaps > 0 {
		fmt.Fprintf(&b2, " %s of %d without data.", plural(gaps, "step"), len(points))
	}
	return b2.String()
}
