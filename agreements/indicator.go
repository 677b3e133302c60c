package agreements

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

var indicatorSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "description"},
		{Name: "value"},
		{Name: "unit"},
		{Name: "coverage"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "ratio"}},
}

var ratioSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "good"},
		{Name: "bad"},
		{Name: "total", Required: true},
	},
}

func (d *decoder) indicator(block *hcl.Block, src []byte) *Indicator {
	ind := &Indicator{Name: block.Labels[0], DeclRange: block.DefRange}
	content := d.content(block, indicatorSchema)
	attrs := content.Attributes
	if attr, ok := attrs["description"]; ok {
		ind.Description, _ = d.string(attr)
	}
	if attr, ok := attrs["unit"]; ok {
		ind.Unit, _ = d.string(attr)
	}

	var ratio *hcl.Block
	for _, b := range content.Blocks {
		if ratio != nil {
			d.add(&hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate ratio block",
				Detail:   fmt.Sprintf("An indicator has at most one ratio block, and one is already declared at %s.", shortRange(ratio.DefRange)),
				Subject:  b.DefRange.Ptr(),
			})
			continue
		}
		ratio = b
	}
	value, hasValue := attrs["value"]
	switch {
	case ratio != nil && hasValue:
		d.add(&hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Conflicting ratio and value",
			Detail:   "An indicator is either a ratio of events (a ratio block) or a value (the value argument), not both. Remove one of them.",
			Subject:  value.Range.Ptr(),
		})
	case ratio == nil && !hasValue:
		if !d.isMisspelt(block.DefRange, "ratio", "value") {
			d.blockError(block, "Missing ratio or value", "An indicator needs either a ratio block (good or bad events against total events) or a value query.")
		}
	case ratio != nil:
		ind.Kind = RatioIndicator
		ind.Ratio = d.ratio(ratio, src)
	default:
		ind.Kind = ValueIndicator
		ind.Value, _ = d.query(value, src)
	}
	if attr, ok := attrs["coverage"]; ok {
		d.coverage(ind, attr, src)
	}
	if ind.Kind == RatioIndicator {
		if attr, ok := attrs["unit"]; ok && strings.TrimSpace(ind.Unit) != "" {
			d.add(&hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unit on a ratio indicator",
				Detail:   "A ratio indicator is measured in percent of good events; unit is only for value indicators. Remove it.",
				Subject:  attr.Range.Ptr(),
			})
		}
	}
	return ind
}

func (d *decoder) ratio(block *hcl.Block, src []byte) *Ratio {
	r := &Ratio{}
	content := d.content(block, ratioSchema)
	attrs := content.Attributes
	if attr, ok := attrs["total"]; ok {
		r.Total, _ = d.query(attr, src)
	}
	switch which, _ := d.exactlyOne(block, attrs, "good", "bad"); which {
	case "good":
		r.Good, _ = d.query(attrs["good"], src)
	case "bad":
		r.Bad, _ = d.query(attrs["bad"], src)
	}
	return r
}

// coverage decodes an indicator's coverage: a query whose answers say when
// the source holds data for the indicator, or false when the absence of
// samples says nothing (an indicator recorded only when an event happens).
func (d *decoder) coverage(ind *Indicator, attr *hcl.Attribute, src []byte) {
	v, diags := attr.Expr.Value(nil)
	switch {
	case diags.HasErrors() || v.IsNull():
	case v.Type() == cty.Bool && v.True():
		d.attrError(attr, "Invalid coverage", "coverage is a query, or false when coverage does not apply to the indicator. Its coverage is measured from its own queries by default: remove coverage = true.")
		return
	case v.Type() == cty.Bool:
		ind.NoCoverage = true
		return
	case v.Type() == cty.Number:
		d.attrError(attr, "Invalid coverage", "coverage is a query whose answers say when the source holds data for the indicator, or false. To require a share of the window to be covered, set min_coverage on the SLO, e.g. min_coverage = 95.")
		return
	}
	ind.Coverage, _ = d.query(attr, src)
}
