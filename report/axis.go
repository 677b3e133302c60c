package report

import (
	"math"
	"strconv"
	"time"
)

// The arithmetic of chart axes: round ticks, linear scales that clamp, and
// ticks on a calendar.

// axis is a range of values and the round ticks that cover it.
type axis struct {
	lo, hi float64
	ticks  []float64
}

// niceAxis extends [lo, hi] to round numbers and returns about n ticks
// over it, one step apart, the step being 1, 2, 2.5 or 5 times a power of
// ten (Heckbert's "nice numbers"). An empty range is widened first, so a
// single value still gets an axis around it.
func niceAxis(lo, hi float64, n int) axis {
	if !finite(lo) || !finite(hi) {
		lo, hi = 0, 1
	}
	if lo > hi {
		lo, hi = hi, lo
	}
	if lo == hi {
		pad := math.Abs(lo) * 0.1
		if pad == 0 {
			pad = 1
		}
		lo, hi = lo-pad, hi+pad
	}
	if n < 2 {
		n = 2
	}
	step := niceStep((hi - lo) / float64(n-1))
	a := axis{lo: math.Floor(lo/step+1e-9) * step, hi: math.Ceil(hi/step-1e-9) * step}
	if !finite(step) || step <= 0 || !finite(a.lo) || !finite(a.hi) {
		// Figures near the limits of float64: no round axis exists.
		return axis{lo: lo, hi: hi, ticks: []float64{lo, hi}}
	}
	digits := decimals(step)
	// The ticks are about n; the bound stops a step lost in the precision
	// of a huge value from adding ticks forever.
	for i := 0; i <= 2*n; i++ {
		v := round(a.lo+float64(i)*step, digits)
		if v > a.hi+step/2 {
			break
		}
		a.ticks = append(a.ticks, v)
	}
	a.lo, a.hi = round(a.lo, digits), round(a.hi, digits)
	return a
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// niceStep rounds a rough step up to 1, 2, 2.5 or 5 times a power of ten.
func niceStep(rough float64) float64 {
	mag := math.Pow(10, math.Floor(math.Log10(rough)))
	for _, m := range []float64{1, 2, 2.5, 5} {
		if rough <= m*mag*(1+1e-9) {
			return m * mag
		}
	}
	return 10 * mag
}

// decimals is how many decimals the multiples of step need.
func decimals(step float64) int {
	d := 0
	for d < 12 && math.Abs(step-round(step, d)) > step*1e-9 {
		d++
	}
	return d
}

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	if r := math.Round(x*p) / p; finite(r) {
		return r
	}
	return x
}

// tickLabel writes a tick value as compactly as its step allows.
func tickLabel(v float64, step float64) string {
	if math.Abs(v) >= 1000 {
		return compact(v)
	}
	return strconv.FormatFloat(v, 'f', decimals(step), 64)
}

// step is the distance between the axis's ticks.
func (a axis) step() float64 {
	if len(a.ticks) < 2 {
		return a.hi - a.lo
	}
	return a.ticks[1] - a.ticks[0]
}

// scale maps values in [d0, d1] to pixels in [r0, r1].
type scale struct {
	d0, d1, r0, r1 float64
}

// at is where v falls; values outside the domain fall outside the range.
func (s scale) at(v float64) float64 {
	if s.d1 == s.d0 {
		return (s.r0 + s.r1) / 2
	}
	return s.r0 + (v-s.d0)/(s.d1-s.d0)*(s.r1-s.r0)
}

// clamped is where v falls, kept inside the range, and whether it had to
// be kept: a value off the scale is drawn at its edge and labelled.
func (s scale) clamped(v float64) (float64, bool) {
	lo, hi := math.Min(s.d0, s.d1), math.Max(s.d0, s.d1)
	switch {
	case v > hi:
		return s.at(hi), true
	case v < lo:
		return s.at(lo), true
	}
	return s.at(v), false
}

// timeScale maps times to pixels.
type timeScale struct {
	start, end time.Time
	r0, r1     float64
}

func (s timeScale) at(t time.Time) float64 {
	sc := scale{0, float64(s.end.Sub(s.start)), s.r0, s.r1}
	return sc.at(float64(t.Sub(s.start)))
}

// timeTick is a tick on a time axis.
type timeTick struct {
	t     time.Time
	label string
}

// tickRule is a calendar step of a time axis: how far it goes, how to take
// the next tick from one, and how to label them.
type tickRule struct {
	approx time.Duration
	first  func(t time.Time) time.Time
	next   func(t time.Time) time.Time
	layout string
}

const day24 = 24 * time.Hour

// tickRules go from the finest step to the coarsest. Steps are walked on
// the wall clock of the agreement's time zone, so that ticks stay at
// midnight across a change of daylight saving time.
var tickRules = []tickRule{
	hourRule(1), hourRule(3), hourRule(6), hourRule(12),
	dayRule(1), dayRule(2), dayRule(7), dayRule(14),
	{approx: 30 * day24, first: startOfMonth, next: func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }, layout: "Jan 2006"},
	{approx: 91 * day24, first: startOfQuarter, next: func(t time.Time) time.Time { return t.AddDate(0, 3, 0) }, layout: "Jan 2006"},
	{approx: 365 * day24, first: startOfYear, next: func(t time.Time) time.Time { return t.AddDate(1, 0, 0) }, layout: "2006"},
}

func hourRule(n int) tickRule {
	return tickRule{
		approx: time.Duration(n) * time.Hour,
		first: func(t time.Time) time.Time {
			h := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), 0, 0, 0, t.Location())
			for h.Before(t) || h.Hour()%n != 0 {
				h = time.Date(h.Year(), h.Month(), h.Day(), h.Hour()+1, 0, 0, 0, h.Location())
			}
			return h
		},
		next: func(t time.Time) time.Time {
			return time.Date(t.Year(), t.Month(), t.Day(), t.Hour()+n, 0, 0, 0, t.Location())
		},
		layout: "15:04",
	}
}

func dayRule(n int) tickRule {
	return tickRule{
		approx: time.Duration(n) * day24,
		first: func(t time.Time) time.Time {
			d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
			if d.Before(t) {
				d = d.AddDate(0, 0, 1)
			}
			return d
		},
		next:   func(t time.Time) time.Time { return t.AddDate(0, 0, n) },
		layout: "2 Jan",
	}
}

func startOfMonth(t time.Time) time.Time {
	m := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location())
	if m.Before(t) {
		m = m.AddDate(0, 1, 0)
	}
	return m
}

func startOfQuarter(t time.Time) time.Time {
	m := startOfMonth(t)
	for (m.Month()-1)%3 != 0 {
		m = m.AddDate(0, 1, 0)
	}
	return m
}

func startOfYear(t time.Time) time.Time {
	y := time.Date(t.Year(), 1, 1, 0, 0, 0, 0, t.Location())
	if y.Before(t) {
		y = y.AddDate(1, 0, 0)
	}
	return y
}

// timeTicks returns at most max ticks on [start, end], at the finest
// calendar step that fits, in loc. Hour ticks that fall on midnight show
// the day, so a reader always knows which day the hours belong to.
func timeTicks(start, end time.Time, loc *time.Location, max int) []timeTick {
	if !end.After(start) || max < 1 {
		return nil
	}
	s, e := start.In(loc), end.In(loc)
	rule := tickRules[len(tickRules)-1]
	for _, r := range tickRules {
		if int(e.Sub(s)/r.approx) < max {
			rule = r
			break
		}
	}
	var ticks []timeTick
	for t := rule.first(s); !t.After(e) && len(ticks) < max; t = rule.next(t) {
		label := t.Format(rule.layout)
		if rule.layout == "15:04" && t.Hour() == 0 {
			label = t.Format("2 Jan")
		}
		ticks = append(ticks, timeTick{t: t, label: label})
	}
	return ticks
}
