package report

import (
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)

// series makes an hourly series from t0; NaN stands for a null.
func series(values ...float64) []point {
	var ps []point
	for i, v := range values {
		p := point{T: t0.Add(time.Duration(i+1) * time.Hour)}
		if v == v { // not NaN
			x := v
			p.V = &x
		}
		ps = append(ps, p)
	}
	return ps
}

var nan = func() float64 { z := 0.0; return z / z }()

func hours(n int) domain { return domain{start: t0, end: t0.Add(time.Duration(n) * time.Hour)} }

func TestALineIsCutAtEveryUnknownPoint(t *testing.T) {
	x := timeScale{start: t0, end: t0.Add(6 * time.Hour), r0: 0, r1: 600}
	y := scale{d0: 0, d1: 1, r0: 100, r1: 0}
	tr := draw(series(0.1, 0.2, nan, 0.5, nan, 0.6, 0.7), x, y)
	if tr.path != "M100.0,90.0L200.0,80.0M600.0,40.0L700.0,30.0" {
		t.Errorf("the path is %s, want two runs: the lone point is no line", tr.path)
	}
	if len(tr.dots) != 5 {
		t.Errorf("%d dots, want every point of a sparse series marked", len(tr.dots))
	}
}

func TestADenseSeriesMarksOnlyItsLonePoints(t *testing.T) {
	values := make([]float64, 100)
	for i := range values {
		values[i] = 0.5
	}
	values[49], values[51] = nan, nan
	x := timeScale{start: t0, end: t0.Add(100 * time.Hour), r0: 0, r1: 100}
	y := scale{d0: 0, d1: 1, r0: 100, r1: 0}
	tr := draw(series(values...), x, y)
	if len(tr.dots) != 1 || tr.dots[0].X != 51 {
		t.Errorf("dots %v, want the one point between the gaps", tr.dots)
	}
	if strings.Count(tr.path, "M") != 2 {
		t.Errorf("the path has %d runs, want 2", strings.Count(tr.path, "M"))
	}
}

func TestABudgetChartClampsAnOverspentBudgetAndSaysHowMuch(t *testing.T) {
	c := budgetChart("c", "availability", series(0.2, 1.4, 4.13), hours(3), nil, time.UTC)
	if c.Empty != "" {
		t.Fatal("a budget with points is empty")
	}
	if last := c.YTicks[len(c.YTicks)-1]; last.Label != "200%" {
		t.Errorf("the axis ends at %s, want 200%%", last.Label)
	}
	notes := ""
	for _, n := range c.Notes {
		notes += n.Text + "; "
	}
	for _, want := range []string{"413.0% spent", "Off scale above 200%: peak 413.0%"} {
		if !strings.Contains(notes, want) {
			t.Errorf("the notes %q do not say %q", notes, want)
		}
	}
	if !strings.Contains(c.Path, ","+c.Frame.Y.String()) {
		t.Errorf("the overspent point is not drawn at the top of the plot: %s", c.Path)
	}
	if len(c.Refs) != 1 || c.Refs[0].Label != "Budget exhausted (100%)" {
		t.Errorf("refs %v", c.Refs)
	}
	if !strings.Contains(c.Desc, "all of it spent by 1 Oct 2026 02:00 UTC") {
		t.Errorf("the description does not say when the budget ran out: %s", c.Desc)
	}
}

func TestASmallBudgetStillShowsTheWholeBudget(t *testing.T) {
	c := budgetChart("c", "s", series(0, 0.01, 0.02), hours(3), nil, time.UTC)
	if last := c.YTicks[len(c.YTicks)-1]; last.Label != "100%" {
		t.Errorf("the axis ends at %s, want 100%%", last.Label)
	}
}

func TestAChartOfOnePointShowsTheDot(t *testing.T) {
	c := budgetChart("c", "s", series(0.5), hours(2), nil, time.UTC)
	if c.Path != "" || len(c.Dots) != 1 || c.Dots[0].X != 384 || c.Dots[0].Y != 110 {
		t.Errorf("path %q, dots %v", c.Path, c.Dots)
	}
}

func TestAChartWithoutDataSaysSo(t *testing.T) {
	for _, c := range []*lineChart{
		budgetChart("c", "s", nil, hours(2), nil, time.UTC),
		budgetChart("c", "s", series(nan, nan), hours(2), nil, time.UTC),
		valueChart("c", &SLO{Name: "s"}, series(nan), hours(2), time.UTC),
	} {
		if c.Empty == "" || c.Path != "" || !strings.HasPrefix(c.Desc, "No ") {
			t.Errorf("an empty chart draws %q and says %q", c.Path, c.Desc)
		}
	}
}

func TestValueAxesKeepTheBoundInView(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	for _, tc := range []struct {
		name   string
		values []float64
		b      bounds
		lo, hi float64
	}{
		{"a max starts at zero", []float64{0.21, 0.29}, bounds{limit: f(0.4), warning: f(0.3), upper: true}, 0, 0.4},
		{"a spike over a max is off the scale", []float64{0.21, 2.41}, bounds{limit: f(0.4), upper: true}, 0, 0.8},
		{"big values over a max", []float64{4217, 17253}, bounds{limit: f(14400), warning: f(10800), upper: true}, 0, 20000},
		{"a min zooms in on the bound", []float64{99.9, 100}, bounds{limit: f(99.5), warning: f(99.8)}, 99.4, 100},
		{"a drop under a min is off the scale", []float64{96, 100}, bounds{limit: f(99.5), warning: f(99.8)}, 98.5, 100},
	} {
		a := valueAxis(tc.values, tc.b)
		if a.lo != tc.lo || a.hi != tc.hi {
			t.Errorf("%s: axis [%v, %v], want [%v, %v]", tc.name, a.lo, a.hi, tc.lo, tc.hi)
		}
	}
}

func TestAttainmentAxesStartNearTheObjective(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	for _, tc := range []struct {
		name      string
		values    []float64
		objective *float64
		lo        float64
	}{
		{"a month of good days", []float64{99.97, 100}, f(99.9), 99.85},
		{"a bad day does not flatten the rest", []float64{94.02, 99.99}, f(99.95), 99.4},
		{"a loose objective", []float64{100}, f(95), 92},
	} {
		if a := attainmentAxis(tc.values, tc.objective, nil); a.lo != tc.lo || a.hi != 100 {
			t.Errorf("%s: axis [%v, %v], want [%v, 100]", tc.name, a.lo, a.hi, tc.lo)
		}
	}
}

func TestLabelsOfLinesCloseTogetherDoNotOverlap(t *testing.T) {
	f := chartFrame
	y := scale{d0: 99.4, d1: 100, r0: float64(f.Bottom()), r1: float64(f.Y)}
	refs := apart(f, []refLine{reference(f, y, 99.95, "objective", "bad"), reference(f, y, 99.98, "warning", "warn")})
	if refs[0].Anchor == refs[1].Anchor {
		t.Errorf("both labels sit at the %s end", refs[0].Anchor)
	}
}

func bucketSLO(kind string, buckets ...Bucket) *SLO {
	obj, max := Number("99"), Number("1")
	s := &SLO{Name: "s", Report: &SLOReport{Kind: kind, Bucket: "day", Buckets: buckets}}
	if kind == KindValue {
		s.Max = &max
	} else {
		s.Objective = &obj
	}
	return s
}

func bucketOn(i int, att *float64, met *bool) Bucket {
	return Bucket{Start: t0.AddDate(0, 0, i), End: t0.AddDate(0, 0, i+1), Attainment: att, Value: att, Met: met}
}

func TestBarsThatMissAreMarkedNotOnlyColoured(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	yes, no := true, false
	c := bucketChart("c", bucketSLO(KindRatio, bucketOn(0, f(99.9), &yes), bucketOn(1, f(98.5), &no), bucketOn(2, nil, nil), bucketOn(3, f(40), &no)), time.UTC)
	for i, want := range []struct {
		tone, mark string
	}{{"met", ""}, {"missed", "✗"}, {"nodata", "?"}, {"missed", "✗"}} {
		if b := c.Bars[i]; b.Tone != want.tone || b.Mark != want.mark {
			t.Errorf("bar %d is %s %q, want %s %q", i, b.Tone, b.Mark, want.tone, want.mark)
		}
	}
	if b := c.Bars[3]; b.H <= 0 || !strings.Contains(b.Title, "below the axis") {
		t.Errorf("a bar below the axis is not drawn as a stub that says so: %+v", b)
	}
	if !strings.Contains(c.Desc, "4 days: 1 met the objective 99%, 2 missed it") || !strings.Contains(c.Desc, "1 without data") {
		t.Errorf("the description is %q", c.Desc)
	}
	if c.Labels[0].Label != "1" {
		t.Errorf("the first day is labelled %q", c.Labels[0].Label)
	}
}

func TestBarsWithoutDataSaySo(t *testing.T) {
	c := bucketChart("c", bucketSLO(KindValue, bucketOn(0, nil, nil)), time.UTC)
	if c.Empty == "" || len(c.Bars) != 0 {
		t.Errorf("a chart of empty buckets draws %d bars", len(c.Bars))
	}
}

func TestAnExclusionAppliesToTheSLOsItNames(t *testing.T) {
	every := Exclusion{Name: "all"}
	some := Exclusion{Name: "some", SLOs: []string{"availability"}}
	if !appliesTo(every, "uptime") || !appliesTo(some, "availability") || appliesTo(some, "uptime") {
		t.Error("an exclusion applies where it should not, or not where it should")
	}
}
