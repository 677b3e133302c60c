package report

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Charts are computed here as geometry (positions, paths and the text of
// every label) and drawn by the templates in charts.html.tmpl, which only
// place what they are given: html/template then escapes every string that
// comes from the document.

// px is a coordinate in a chart's view box, written with one decimal.
type px float64

func (p px) String() string { return strconv.FormatFloat(float64(p), 'f', 1, 64) }

// frame is the layout of a chart: its view box and the plot area in it.
type frame struct {
	Width, Height px
	X, Y, W, H    px
}

func (f frame) Right() px { return f.X + f.W }

func (f frame) Bottom() px { return f.Y + f.H }

// MidY is the middle of the plot area, where a rotated axis title sits.
func (f frame) MidY() px { return f.Y + f.H/2 }

// MidX is the middle of the plot area.
func (f frame) MidX() px { return f.X + f.W/2 }

// TickX is where the labels of the value axis end.
func (f frame) TickX() px { return f.X - 6 }

// TickY is the baseline of the labels of the time axis.
func (f frame) TickY() px { return f.Bottom() + 16 }

// TickMark is where the marks of the time axis end, under the plot.
func (f frame) TickMark() px { return f.Bottom() + 4 }

// TitleY is the baseline of the title of the time axis.
func (f frame) TitleY() px { return f.Bottom() + 36 }

// YTitle turns the title of the value axis to read upwards, beside it.
func (f frame) YTitleTransform() string { return "rotate(-90 14 " + f.MidY().String() + ")" }

// chartFrame leaves room left for tick labels and a rotated axis title,
// and below for tick labels and the axis title.
var chartFrame = frame{Width: 720, Height: 244, X: 64, Y: 20, W: 640, H: 180}

// emptyFrame is the frame of a chart with nothing to draw: a short box
// that says so, not a page of empty axes.
var emptyFrame = frame{Width: 720, Height: 72, X: 64, Y: 8, W: 640, H: 56}

// tick is a labelled position on an axis.
type tick struct {
	Pos   px
	Label string
}

// refLine is a horizontal line of reference: an objective, a bound, a
// warning threshold, the whole error budget. Tone is bad or warn. Its
// label sits at the right end of the line, or at the left when another
// label already sits there.
type refLine struct {
	Y      px
	Label  string
	Tone   string
	LabelX px
	LabelY px
	Anchor string
}

// note is a text label placed in the plot.
type note struct {
	X, Y   px
	Text   string
	Anchor string
}

// band is a stretch of time shaded on a time axis: an exclusion.
type band struct {
	X, W  px
	Title string
}

// lineChart is a series over time.
type lineChart struct {
	ID     string
	Title  string
	Desc   string
	Frame  frame
	YTitle string
	XTitle string
	YTicks []tick
	XTicks []tick
	Bands  []band
	Refs   []refLine
	// Path draws the series, one subpath per run of known points; a point
	// alone between gaps is one of Dots.
	Path  string
	Dots  []note
	Notes []note
	// Empty, when set, replaces the series: there is nothing to draw.
	Empty string
}

// point is one point of a series; V is nil when unknown.
type point struct {
	T time.Time
	V *float64
}

// domain is the stretch of time a chart spans.
type domain struct {
	start, end time.Time
}

// widen makes d cover t.
func (d domain) widen(t time.Time) domain {
	if d.start.IsZero() || t.Before(d.start) {
		d.start = t
	}
	if d.end.IsZero() || t.After(d.end) {
		d.end = t
	}
	return d
}

// trace is the geometry of a series on a chart's scales.
type trace struct {
	path    string
	dots    []note
	clipped []int // indexes of the points drawn at an edge
}

// sparse is the most points a series has for each to be marked with a
// dot: a few points joined by short lines would be hard to see.
const sparse = 60

// draw places the known points of a series, cutting the line at every
// unknown point: a gap in the data is a gap in the line, never a slope. A
// point alone between gaps is a dot, and so is every point of a sparse
// series.
func draw(points []point, x timeScale, y scale) trace {
	var tr trace
	var runs [][]note
	var run []note
	for i, p := range points {
		if p.V == nil || math.IsNaN(*p.V) {
			runs, run = append(runs, run), nil
			continue
		}
		py, off := y.clamped(*p.V)
		if off {
			tr.clipped = append(tr.clipped, i)
		}
		run = append(run, note{X: px(x.at(p.T)), Y: px(py)})
	}
	runs = append(runs, run)
	few := len(known(points)) <= sparse
	var b strings.Builder
	for _, r := range runs {
		if len(r) == 1 || few {
			tr.dots = append(tr.dots, r...)
		}
		if len(r) < 2 {
			continue
		}
		for i, n := range r {
			cmd := "L"
			if i == 0 {
				cmd = "M"
			}
			fmt.Fprintf(&b, "%s%s,%s", cmd, n.X, n.Y)
		}
	}
	tr.path = b.String()
	return tr
}

// known returns the values of the points that have one.
func known(points []point) []float64 {
	var vs []float64
	for _, p := range points {
		if p.V != nil && !math.IsNaN(*p.V) {
			vs = append(vs, *p.V)
		}
	}
	return vs
}

// lastKnown returns the index of the last point with a value, or -1.
func lastKnown(points []point) int {
	for i := len(points) - 1; i >= 0; i-- {
		if p := points[i]; p.V != nil && !math.IsNaN(*p.V) {
			return i
		}
	}
	return -1
}

// timeAxis lays out the ticks of a time axis under the plot.
func timeAxis(f frame, d domain, loc *time.Location) (timeScale, []tick) {
	x := timeScale{start: d.start, end: d.end, r0: float64(f.X), r1: float64(f.Right())}
	var ticks []tick
	for _, t := range timeTicks(d.start, d.end, loc, 8) {
		ticks = append(ticks, tick{Pos: px(x.at(t.t)), Label: t.label})
	}
	return x, ticks
}

// valueTicks lays out the ticks of a value axis beside the plot.
func valueTicks(f frame, a axis, label func(v, step float64) string) (scale, []tick) {
	y := scale{d0: a.lo, d1: a.hi, r0: float64(f.Bottom()), r1: float64(f.Y)}
	var ticks []tick
	for _, v := range a.ticks {
		ticks = append(ticks, tick{Pos: px(y.at(v)), Label: label(v, a.step())})
	}
	return y, ticks
}

// reference places a reference line, and its label above the line (below
// it when the line is at the top of the plot).
func reference(f frame, y scale, v float64, label, tone string) refLine {
	pos := px(y.at(v))
	labelY := pos - 4
	if labelY < f.Y+10 {
		labelY = pos + 12
	}
	return refLine{Y: pos, Label: label, Tone: tone, LabelX: f.Right() - 4, LabelY: labelY, Anchor: "end"}
}

// apart moves the label of a line to the left end when it would overlap
// the label of the line before it: an objective and a warning threshold
// are often a hair apart.
func apart(f frame, refs []refLine) []refLine {
	for i := 1; i < len(refs); i++ {
		if d := refs[i].LabelY - refs[i-1].LabelY; d < 13 && d > -13 {
			refs[i].LabelX, refs[i].Anchor = f.X+4, "start"
		}
	}
	return refs
}

// exclusionBands shades the occurrences of exclusions inside the domain.
func exclusionBands(x timeScale, d domain, exclusions []Exclusion, slo string, loc *time.Location) []band {
	var bands []band
	for _, e := range exclusions {
		if !appliesTo(e, slo) {
			continue
		}
		for _, iv := range e.Intervals {
			s, t := maxTime(iv.Start, d.start), minTime(iv.End, d.end)
			if !t.After(s) {
				continue
			}
			x0, x1 := x.at(s), x.at(t)
			// At least 2 px: an hour is less than a pixel on a month.
			bands = append(bands, band{X: px(x0), W: px(math.Max(x1-x0, 2)), Title: "Excluded (" + e.Name + "): " + interval(iv.Start, iv.End, loc)})
		}
	}
	return bands
}

// appliesTo says whether an exclusion applies to an SLO: one that names
// no SLO applies to every ratio and timeslice SLO.
func appliesTo(e Exclusion, slo string) bool {
	if e.SLOs == nil {
		return true
	}
	return slices.Contains(e.SLOs, slo)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxOf(vs []float64) float64 {
	m := math.Inf(-1)
	for _, v := range vs {
		m = math.Max(m, v)
	}
	return m
}

func minOf(vs []float64) float64 {
	m := math.Inf(1)
	for _, v := range vs {
		m = math.Min(m, v)
	}
	return m
}
