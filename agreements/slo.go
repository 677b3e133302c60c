package agreements

import (
	"fmt"
	"math"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/prometheus/common/model"
)

var sloSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "description"},
		{Name: "indicator", Required: true},
		{Name: "objective"},
		{Name: "warning"},
		{Name: "min"},
		{Name: "max"},
		{Name: "window"},
		{Name: "calendar"},
		{Name: "min_events"},
		{Name: "no_data"},
		{Name: "min_coverage"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "timeslices"}},
}

var timeslicesSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "slice", Required: true},
		{Name: "min"},
		{Name: "max"},
		{Name: "objective"},
		{Name: "missing"},
		{Name: "measure"},
		{Name: "empty"},
		{Name: "min_events"},
		{Name: "min_run"},
	},
}

// slo decodes what an SLO says on its own; checkSLO applies the rules that
// depend on its indicator.
func (d *decoder) slo(block *hcl.Block) *SLO {
	s := &SLO{Name: block.Labels[0], DeclRange: block.DefRange, MinEvents: 1, NoData: NoDataInconclusive, MinCoverage: DefaultMinCoverage}
	content := d.content(block, sloSchema)
	attrs := content.Attributes
	s.attrs = attrs

	if attr, ok := attrs["description"]; ok {
		s.Description, _ = d.string(attr)
	}
	if attr, ok := attrs["indicator"]; ok {
		if ref, ok := d.reference(attr.Expr, attr.Name, "indicator"); ok {
			s.Indicator = ref.name
		}
	}
	s.Objective = d.percent(attrs, "objective", false)
	d.warnFraction(attrs, s.Objective)
	s.Warning = d.optionalNumber(attrs, "warning")
	s.Min = d.optionalNumber(attrs, "min")
	s.Max = d.optionalNumber(attrs, "max")
	s.Window, s.Calendar = d.window(block, attrs)
	if attr, ok := attrs["min_events"]; ok {
		if n, ok := d.number(attr); ok {
			if n < 1 || n != math.Trunc(n) || n > maxEvents {
				d.attrError(attr, "Invalid min_events", "min_events is a count of events: a whole number from 1 to 10^15, not %v.", n)
			} else {
				s.MinEvents = int64(n)
			}
		}
	}
	if attr, ok := attrs["no_data"]; ok {
		if v, ok := d.enum(attr, noDataPolicies); ok {
			s.NoData = NoDataPolicy(v)
		}
	}
	if p, ok := d.minCoverage(attrs); ok {
		s.MinCoverage = p
	}

	for i, b := range content.Blocks {
		if i > 0 {
			d.add(&hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate timeslices block",
				Detail:   fmt.Sprintf("An SLO has at most one timeslices block, and one is already declared at %s.", shortRange(content.Blocks[0].DefRange)),
				Subject:  b.DefRange.Ptr(),
			})
			continue
		}
		s.Timeslices = d.timeslices(b)
	}
	return s
}

// maxEvents bounds min_events well inside what an int64 and a float64 hold
// exactly.
const maxEvents = 1e15

// window decodes the exactly-one-of window and calendar of an SLO or a
// responsibility.
func (d *decoder) window(block *hcl.Block, attrs hcl.Attributes) (model.Duration, Calendar) {
	switch which, _ := d.exactlyOne(block, attrs, "window", "calendar"); which {
	case "window":
		w, _ := d.duration(attrs["window"])
		return w, ""
	case "calendar":
		c, _ := d.enum(attrs["calendar"], calendars)
		return 0, Calendar(c)
	}
	return 0, ""
}

// percent decodes a percentage: 0 < p < 100, or 0 < p <= 100 when
// hundredAllowed.
func (d *decoder) percent(attrs hcl.Attributes, name string, hundredAllowed bool) *float64 {
	attr, ok := attrs[name]
	if !ok {
		return nil
	}
	p, ok := d.number(attr)
	if !ok {
		return nil
	}
	if p <= 0 || p > 100 || (p == 100 && !hundredAllowed) {
		bound := "strictly between 0 and 100"
		if hundredAllowed {
			bound = "greater than 0 and at most 100"
		}
		why := ""
		if p == 100 && !hundredAllowed {
			why = " An objective of 100% leaves no error budget."
		}
		d.attrError(attr, fmt.Sprintf("Invalid %s", name), "%s is a percentage %s, not %g.%s", name, bound, p, why)
		return nil
	}
	return &p
}

// warnFraction warns about an objective that reads like a fraction (0.999)
// where a percentage (99.9) is meant.
func (d *decoder) warnFraction(attrs hcl.Attributes, objective *float64) {
	if objective == nil || *objective >= 1 {
		return
	}
	attr := attrs["objective"]
	d.add(&hcl.Diagnostic{
		Severity: hcl.DiagWarning,
		Summary:  "Objective looks like a fraction",
		Detail:   fmt.Sprintf("Objectives are percentages: %g means %g%%. If you meant %g%%, write objective = %g.", *objective, *objective, *objective*100, *objective*100),
		Subject:  attr.Expr.Range().Ptr(),
		Context:  attr.Range.Ptr(),
	})
}

func (d *decoder) timeslices(block *hcl.Block) *Timeslices {
	t := &Timeslices{DeclRange: block.DefRange, Missing: MissingSkip}
	content := d.content(block, timeslicesSchema)
	attrs := content.Attributes
	t.attrs = attrs
	if attr, ok := attrs["slice"]; ok {
		t.Slice, _ = d.duration(attr)
	}
	t.Min = d.optionalNumber(attrs, "min")
	t.Max = d.optionalNumber(attrs, "max")
	t.Objective = d.percent(attrs, "objective", true)
	if attr, ok := attrs["missing"]; ok {
		if v, ok := d.enum(attr, missingPolicies); ok {
			t.Missing = MissingPolicy(v)
		}
	}
	t.Measure = GoodSlices
	if attr, ok := attrs["measure"]; ok {
		if v, ok := d.enum(attr, sliceMeasures); ok {
			t.Measure = SliceMeasure(v)
		}
	}
	if attr, ok := attrs["empty"]; ok {
		if v, ok := d.enum(attr, missingPolicies); ok {
			t.Empty = MissingPolicy(v)
		}
	}
	t.MinEvents = d.wholeNumber(attrs, "min_events", "min_events is a count of events: a whole number from 1 to 10^15, not %v.")
	t.MinRun = d.wholeNumber(attrs, "min_run", "min_run is a count of consecutive slices: a whole number from 1 to 10^15, not %v.")
	return t
}

// wholeNumber decodes a count from 1 to maxEvents; 0 when it is absent or
// invalid (with a diagnostic).
func (d *decoder) wholeNumber(attrs hcl.Attributes, name, detail string) int64 {
	attr, ok := attrs[name]
	if !ok {
		return 0
	}
	n, ok := d.number(attr)
	if !ok {
		return 0
	}
	if n < 1 || n != math.Trunc(n) || n > maxEvents {
		d.attrError(attr, "Invalid "+name, detail, n)
		return 0
	}
	return int64(n)
}

// checkSLO applies the rules that depend on the SLO's indicator.
func (d *decoder) checkSLO(a *Agreement, s *SLO) {
	attr, ok := s.attrs["indicator"]
	if !ok || s.Indicator == "" {
		return
	}
	ref := reference{kind: "indicator", name: s.Indicator, rng: attr.Expr.Range()}
	if !d.resolve(ref, names(a.Indicators)) {
		return
	}
	ind := a.Indicator(s.Indicator)
	attrs := s.attrs
	switch {
	case s.Timeslices != nil:
		s.Kind = TimesliceSLO
		d.requireObjective(s, "A timeslice SLO takes an objective: the percentage of good slices, e.g. objective = 99.5.")
		d.notAllowed(attrs, "A timeslice SLO sets its bound inside the timeslices block, which decides whether each slice is good. Move it there.", "min", "max")
		d.notAllowed(attrs, "min_events applies to ratio SLOs. A timeslice SLO counts slices; a slice with no events is missing.", "min_events")
		d.checkRatioWarning(s)
		d.checkSlices(a, s, ind)
	case ind.Kind == RatioIndicator:
		s.Kind = RatioSLO
		d.requireObjective(s, "A ratio SLO takes an objective: the percentage of good events, e.g. objective = 99.9.")
		d.notAllowed(attrs, fmt.Sprintf("The indicator %q is a ratio; its SLO takes an objective in percent, not min or max.", ind.Name), "min", "max")
		d.checkRatioWarning(s)
	case ind.Kind == ValueIndicator:
		s.Kind = ValueSLO
		d.notAllowed(attrs, fmt.Sprintf("The indicator %q is a value; its SLO takes a bound (max or min), not an objective in percent. To count the share of good periods, add a timeslices block.", ind.Name), "objective")
		d.notAllowed(attrs, "min_events applies to ratio SLOs; a value SLO has no events to count.", "min_events")
		s.MinEvents = 0
		which, ok := d.boundOf(s.DeclRange, attrs, "A value SLO needs exactly one bound: max (the value must stay at or below it) or min (at or above it).")
		// A bound that did not decode has its own error.
		if !ok || s.Warning == nil || (which == "max" && s.Max == nil) || (which == "min" && s.Min == nil) {
			return
		}
		w := attrs["warning"]
		if which == "max" && *s.Warning >= *s.Max {
			d.attrError(w, "Warning outside the bound", "With max = %g, the warning threshold must be below it (the SLO warns as the value nears the bound), not %g.", *s.Max, *s.Warning)
		}
		if which == "min" && *s.Warning <= *s.Min {
			d.attrError(w, "Warning outside the bound", "With min = %g, the warning threshold must be above it (the SLO warns as the value nears the bound), not %g.", *s.Min, *s.Warning)
		}
	}
}

func (d *decoder) requireObjective(s *SLO, detail string) {
	if _, ok := s.attrs["objective"]; !ok && !d.isMisspelt(s.DeclRange, "objective") {
		d.add(&hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Missing objective",
			Detail:   detail,
			Subject:  s.DeclRange.Ptr(),
		})
	}
}

// checkRatioWarning checks objective < warning < 100.
func (d *decoder) checkRatioWarning(s *SLO) {
	w, ok := s.attrs["warning"]
	if !ok || s.Warning == nil || s.Objective == nil {
		return
	}
	if *s.Warning <= *s.Objective || *s.Warning >= 100 {
		d.attrError(w, "Warning outside the objective", "The warning threshold is an internal target stricter than the objective: between %g and 100, not %g.", *s.Objective, *s.Warning)
	}
}

// boundOf checks that exactly one of min and max is set and returns which.
func (d *decoder) boundOf(decl hcl.Range, attrs hcl.Attributes, missing string) (string, bool) {
	minA, hasMin := attrs["min"]
	maxA, hasMax := attrs["max"]
	switch {
	case hasMin && hasMax:
		second := maxA
		if maxA.Range.Start.Byte < minA.Range.Start.Byte {
			second = minA
		}
		d.add(&hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Conflicting arguments \"min\" and \"max\"",
			Detail:   "Give exactly one bound: max (at or below) or min (at or above). Remove one of them.",
			Subject:  second.Range.Ptr(),
		})
	case hasMin:
		return "min", true
	case hasMax:
		return "max", true
	case !d.isMisspelt(decl, "min", "max"):
		d.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Missing min or max", Detail: missing, Subject: decl.Ptr()})
	}
	return "", false
}

// checkSlices applies the rules of a timeslices block, which depend on the
// indicator and on the SLO's window.
func (d *decoder) checkSlices(a *Agreement, s *SLO, ind *Indicator) {
	t := s.Timeslices
	switch ind.Kind {
	case ValueIndicator:
		d.notAllowed(t.attrs, fmt.Sprintf("The indicator %q is a value: a slice is good when its value meets min or max.", ind.Name), "objective")
		d.notAllowed(t.attrs, fmt.Sprintf("The indicator %q is a value: its slices have no events to count. empty and min_events apply to ratio indicators.", ind.Name), "empty", "min_events")
		if t.Measure == MeanOfSlices {
			d.attrError(t.attrs["measure"], "Mean of a value indicator", "measure = \"mean\" averages the slices' percentages of good events, which the indicator %q, a value, does not have. Use a ratio indicator, or measure = \"good_slices\".", ind.Name)
		}
		d.boundOf(t.DeclRange, t.attrs, "A slice of a value indicator is good when its value meets a bound: give min (at or above) or max (at or below).")
	case RatioIndicator:
		d.notAllowed(t.attrs, fmt.Sprintf("The indicator %q is a ratio: a slice is good when its percentage of good events meets the slice objective.", ind.Name), "min", "max")
		d.warnFraction(t.attrs, t.Objective)
		if _, ok := t.attrs["objective"]; !ok && t.Measure != MeanOfSlices && !d.isMisspelt(t.DeclRange, "objective") {
			d.add(&hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Missing slice objective",
				Detail:   "A slice of a ratio indicator is good when its percentage of good events meets the slice objective, e.g. objective = 99.",
				Subject:  t.DeclRange.Ptr(),
			})
		}
	}
	if t.Measure == MeanOfSlices && t.MinRun > 0 {
		d.attrError(t.attrs["min_run"], "min_run with measure = \"mean\"", "min_run decides which bad slices count, and measure = \"mean\" does not count bad slices: it averages their percentages. Remove one of them.")
	}
	if t.Slice == 0 {
		return
	}
	length := time.Duration(s.Window)
	if s.Calendar != "" {
		length = shortestPeriod[s.Calendar]
	}
	if length > 0 && time.Duration(t.Slice) > length {
		d.attrError(t.attrs["slice"], "Slice longer than the window", "A slice of %s does not fit in the SLO's window (%s). Use a shorter slice, e.g. \"5m\".", t.Slice, describeWindow(s))
	}
}

// shortestPeriod is the shortest length of each calendar period, in days.
// (Where clocks change, a period can be an hour shorter still; its last,
// partial slice is then dropped, as at the end of any window.)
var shortestPeriod = map[Calendar]time.Duration{
	Day:     24 * time.Hour,
	Week:    7 * 24 * time.Hour,
	Month:   28 * 24 * time.Hour,
	Quarter: 90 * 24 * time.Hour,
	Year:    365 * 24 * time.Hour,
}

func describeWindow(s *SLO) string {
	if s.Calendar != "" {
		return "a calendar " + string(s.Calendar)
	}
	return s.Window.String()
}

// minCoverage decodes min_coverage: a percentage from 0 (coverage is
// measured and shown, never required) to 100.
func (d *decoder) minCoverage(attrs hcl.Attributes) (float64, bool) {
	attr, ok := attrs["min_coverage"]
	if !ok {
		return 0, false
	}
	p, ok := d.number(attr)
	if !ok {
		return 0, false
	}
	if p < 0 || p > 100 {
		d.attrError(attr, "Invalid min_coverage", "min_coverage is the percentage of the window the source must hold data for, from 0 to 100, not %g.", p)
		return 0, false
	}
	return p, true
}
