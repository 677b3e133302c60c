package agreements

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
)

var responsibilitySchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "party", Required: true},
		{Name: "description"},
		{Name: "indicator"},
		{Name: "min"},
		{Name: "max"},
		{Name: "window"},
		{Name: "calendar"},
		{Name: "fact"},
		{Name: "due"},
		{Name: "min_coverage"},
	},
}

func (d *decoder) responsibility(block *hcl.Block) *Responsibility {
	r := &Responsibility{Name: block.Labels[0], DeclRange: block.DefRange}
	content := d.content(block, responsibilitySchema)
	attrs := content.Attributes
	r.attrs = attrs
	if attr, ok := attrs["party"]; ok {
		if ref, ok := d.reference(attr.Expr, attr.Name, "party"); ok {
			r.Party = ref.name
		}
	}
	if attr, ok := attrs["description"]; ok {
		r.Description, _ = d.string(attr)
	}
	switch which, _ := d.exactlyOne(block, attrs, "indicator", "fact"); which {
	case "indicator":
		attr := attrs["indicator"]
		if ref, ok := d.reference(attr.Expr, attr.Name, "indicator"); ok {
			r.Indicator = ref.name
		}
		r.Min = d.optionalNumber(attrs, "min")
		r.Max = d.optionalNumber(attrs, "max")
		d.boundOf(block.DefRange, attrs, "A responsibility measured by an indicator needs exactly one bound: max (at or below) or min (at or above).")
		r.Window, r.Calendar = d.window(block, attrs)
		r.MinCoverage = DefaultMinCoverage
		if p, ok := d.minCoverage(attrs); ok {
			r.MinCoverage = p
		}
		d.notAllowed(attrs, "due applies to a responsibility stated as a fact; one measured by an indicator is judged over its window.", "due")
	case "fact":
		attr := attrs["fact"]
		if s, ok := d.string(attr); ok {
			if !nameRE.MatchString(s) {
				d.attrError(attr, "Invalid fact name", "A fact is named like a block: a lowercase letter, then lowercase letters, digits, \"_\" or \"-\", not %q.", s)
			} else {
				r.Fact = s
			}
		}
		if attr, ok := attrs["due"]; ok {
			if t, ok := d.date(attr); ok {
				r.Due = &t
			}
		}
		d.notAllowed(attrs, "A responsibility stated as a fact is true or false; min, max, window, calendar and min_coverage apply to one measured by an indicator.", "min", "max", "window", "calendar", "min_coverage")
	}
	return r
}

func (d *decoder) checkResponsibility(a *Agreement, r *Responsibility) {
	if attr, ok := r.attrs["party"]; ok && r.Party != "" {
		d.resolve(reference{kind: "party", name: r.Party, rng: attr.Expr.Range()}, names(a.Parties))
	}
	if attr, ok := r.attrs["indicator"]; ok && r.Indicator != "" {
		if !d.resolve(reference{kind: "indicator", name: r.Indicator, rng: attr.Expr.Range()}, names(a.Indicators)) {
			return
		}
		if ind := a.Indicator(r.Indicator); ind.Kind == RatioIndicator {
			d.add(&hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Responsibility on a ratio indicator",
				Detail:   fmt.Sprintf("A responsibility is measured like a value SLO, against min or max, but %q is a ratio indicator. Use a value indicator, or make this an SLO.", ind.Name),
				Subject:  attr.Expr.Range().Ptr(),
			})
		}
	}
}
