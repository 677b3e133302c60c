package report

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// barChart is the attainment of each bucket (day, week...) against the
// objective, or for a value SLO, the value of each bucket against its
// bound.
type barChart struct {
	ID     string
	Title  string
	Desc   string
	Frame  frame
	YTitle string
	XTitle string
	YTicks []tick
	Labels []tick
	Refs   []refLine
	Bars   []bar
	Empty  string
}

// bar is one bucket. Tone is met, missed or nodata; a missed bar is also
// hatched and marked ✗, so that it reads without colour.
type bar struct {
	X, Y, W, H px
	Tone       string
	Mark       string
	MarkX      px
	MarkY      px
	Title      string
}

// bucketValue is what a bucket shows: its attainment, or its value.
func bucketValue(kind string, b Bucket) *float64 {
	if kind == KindValue {
		return b.Value
	}
	return b.Attainment
}

// attainmentAxis covers the attainments and the objective lines, up to
// 100%. It starts near the objective, not at 0, or every bar of a month at
// 99.9% would look the same; it never starts lower than ten times the
// error budget under 100%, so the objective stays readable, and bars below
// are drawn to the axis and marked.
func attainmentAxis(values []float64, objective, warning *float64) axis {
	lo := minOf(values)
	floor := 0.0
	if objective != nil {
		lo = math.Min(lo, *objective)
		floor = math.Max(0, 100-10*(100-*objective))
	}
	if warning != nil {
		lo = math.Min(lo, *warning)
	}
	lo -= (100 - lo) * 0.25
	return niceAxis(math.Max(lo, floor), 100, 5)
}

// bucketChart draws the buckets of an SLO.
func bucketChart(id string, s *SLO, loc *time.Location) *barChart {
	r := s.Report
	c := &barChart{
		ID:     id,
		Frame:  chartFrame,
		XTitle: bucketTitle(r.Bucket, loc),
	}
	var values []float64
	for _, b := range r.Buckets {
		if v := bucketValue(r.Kind, b); v != nil {
			values = append(values, *v)
		}
	}
	var a axis
	var refs []refLine
	f := c.Frame
	if r.Kind == KindValue {
		bd := sloBounds(s)
		c.Title = "Value of " + s.Name + " per " + r.Bucket
		c.YTitle = "Value"
		if bd.unit != "" {
			c.YTitle += " (" + bd.unit + ")"
		}
		a = valueAxis(values, bd)
		y, yt := valueTicks(f, a, plainTick)
		c.YTicks, refs = yt, boundLines(f, y, bd)
	} else {
		c.Title = "Attainment of " + s.Name + " per " + r.Bucket
		c.YTitle = "Attainment (%)"
		a = attainmentAxis(values, s.Objective.Float(), s.Warning.Float())
		y, yt := valueTicks(f, a, plainTick)
		c.YTicks = yt
		if s.Objective != nil {
			refs = append(refs, reference(f, y, s.Objective.Float64(), "objective "+promised(s.Objective.Float()), "bad"))
		}
		if s.Warning != nil {
			refs = append(refs, reference(f, y, s.Warning.Float64(), "warning "+promised(s.Warning.Float()), "warn"))
		}
	}
	if len(values) == 0 {
		return &barChart{ID: id, Title: c.Title, Frame: emptyFrame, Empty: "No data for this period", Desc: "No data for this period."}
	}
	c.Refs = apart(f, refs)
	if a.lo > 0 {
		c.YTitle += ", axis from " + tickLabel(a.lo, a.step())
	}
	c.Bars, c.Labels = placeBars(f, a, s, loc)
	c.Desc = bucketDesc(s, loc)
	return c
}

// placeBars lays the buckets side by side, each bar rising from the bottom
// of the axis to its value.
func placeBars(f frame, a axis, s *SLO, loc *time.Location) ([]bar, []tick) {
	r := s.Report
	y := scale{d0: a.lo, d1: a.hi, r0: float64(f.Bottom()), r1: float64(f.Y)}
	n := len(r.Buckets)
	slot := float64(f.W) / float64(n)
	width := math.Max(slot*0.7, 1)
	every := int(math.Ceil(float64(n) * 18 / float64(f.W)))
	var bars []bar
	var labels []tick
	for i, b := range r.Buckets {
		x := float64(f.X) + slot*float64(i) + (slot-width)/2
		center := px(x + width/2)
		if i%every == 0 {
			labels = append(labels, tick{Pos: center, Label: bucketLabel(r.Bucket, b.Start, loc)})
		}
		bars = append(bars, placeBar(f, y, s, b, px(x), px(width), center, loc))
	}
	return bars, labels
}

func placeBar(f frame, y scale, s *SLO, b Bucket, x, w, center px, loc *time.Location) bar {
	v := bucketValue(s.Report.Kind, b)
	title := bucketName(s.Report.Bucket, b.Start, loc) + ": " + bucketFigure(s, b) + " (" + bucketBadge(b.Met).Word + ")"
	if v == nil {
		return bar{X: x, W: w, Y: f.Bottom(), Tone: "nodata", Mark: "?", MarkX: center, MarkY: f.Bottom() - 4, Title: title}
	}
	top, off := y.clamped(*v)
	if off && top >= float64(f.Bottom()) {
		// Below the axis: a stub at the bottom, so the bar is still seen.
		top = float64(f.Bottom()) - 3
		title += ", below the axis"
	}
	br := bar{X: x, W: w, Y: px(top), H: f.Bottom() - px(top), Tone: "met", Title: title}
	if b.Met == nil {
		br.Tone = "nodata"
	} else if !*b.Met {
		br.Tone, br.Mark, br.MarkX, br.MarkY = "missed", "✗", center, px(top)-3
		if br.MarkY < f.Y+9 {
			br.MarkY = f.Y + 9
		}
	}
	return br
}

// bucketFigure is the figure of a bucket: "99.12% (9,912 of 10,000)" or
// "0.31 s".
func bucketFigure(s *SLO, b Bucket) string {
	if s.Report.Kind == KindValue {
		if b.Value == nil {
			return "no data"
		}
		return withUnit(b.Value, sloBounds(s).unit)
	}
	if b.Attainment == nil {
		return "no data"
	}
	return attained(b.Attainment, s.Objective.Float()) + " (" + numberOr(b.Good) + " good of " + numberOr(b.Total) + ")"
}

// maxMissedListed is how many missed buckets a chart's description names;
// the bars' own titles and the Markdown table give them all.
const maxMissedListed = 6

// bucketDesc tells the bars in words: how many buckets met, which missed.
func bucketDesc(s *SLO, loc *time.Location) string {
	r := s.Report
	met, none := 0, 0
	var missed []string
	for _, b := range r.Buckets {
		switch {
		case b.Met == nil:
			none++
		case *b.Met:
			met++
		default:
			missed = append(missed, bucketShort(r.Bucket, b.Start, loc)+" "+bucketShortFigure(s, b))
		}
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s: %d met %s, %d missed it", plural(len(r.Buckets), r.Bucket), met, target(s), len(missed))
	if len(missed) > maxMissedListed {
		missed = append(missed[:maxMissedListed], fmt.Sprintf("and %d more", len(missed)-maxMissedListed))
	}
	if len(missed) > 0 {
		fmt.Fprintf(&sb, " (%s)", strings.Join(missed, ", "))
	}
	if none > 0 {
		fmt.Fprintf(&sb, ", %d without data", none)
	}
	sb.WriteString(".")
	return sb.String()
}

// target names what an SLO is judged against: "the objective 99.9%", "the
// max 0.3 s".
func target(s *SLO) string {
	if kindOf(s) == KindValue {
		b := sloBounds(s)
		if b.limit == nil {
			return "the bound"
		}
		return "the " + b.name() + " " + withUnit(b.limit, b.unit)
	}
	return "the objective " + promised(s.Objective.Float())
}

// bucketLabel is the short label under a bar: the hour, the day of the
// month, the ISO week or the month.
func bucketLabel(bucket string, t time.Time, loc *time.Location) string {
	t = t.In(loc)
	switch bucket {
	case "hour":
		return t.Format("15")
	case "day":
		return t.Format("2")
	case "week":
		_, w := t.ISOWeek()
		return fmt.Sprintf("W%d", w)
	}
	return t.Format("Jan")
}

// bucketShort names a bucket briefly, for a list: "14 Oct", "W43".
func bucketShort(bucket string, t time.Time, loc *time.Location) string {
	t = t.In(loc)
	switch bucket {
	case "hour":
		return t.Format("2 Jan 15:04")
	case "day":
		return t.Format("2 Jan")
	case "week":
		_, w := t.ISOWeek()
		return fmt.Sprintf("W%d", w)
	}
	return t.Format("Jan 2006")
}

// bucketShortFigure is the figure of a bucket without its counts.
func bucketShortFigure(s *SLO, b Bucket) string {
	if s.Report.Kind == KindValue {
		return withUnit(b.Value, sloBounds(s).unit)
	}
	return attained(b.Attainment, s.Objective.Float())
}

// bucketName names a bucket in full, in the agreement's time zone.
func bucketName(bucket string, t time.Time, loc *time.Location) string {
	t = t.In(loc)
	switch bucket {
	case "hour":
		return t.Format("2 Jan 2006 15:04 MST")
	case "day":
		return t.Format("Mon 2 Jan 2006")
	case "week":
		y, w := t.ISOWeek()
		return fmt.Sprintf("Week %d of %d", w, y)
	}
	return t.Format("January 2006")
}

// bucketTitle is the title of the axis of buckets.
func bucketTitle(bucket string, loc *time.Location) string {
	switch bucket {
	case "hour":
		return "Hour (" + zoneName(loc) + ")"
	case "day":
		return "Day of the month (" + zoneName(loc) + ")"
	case "week":
		return "ISO week"
	}
	return "Month"
}
