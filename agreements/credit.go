package agreements

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
)

var creditSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "slo", Required: true}, {Name: "claim_within"}, {Name: "min_amount"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "tier"}},
}

var tierSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "below"},
		{Name: "above"},
		{Name: "percent", Required: true},
	},
}

func (d *decoder) credit(block *hcl.Block) *Credit {
	c := &Credit{Name: block.Labels[0], DeclRange: block.DefRange, Tiers: []Tier{}}
	content := d.content(block, creditSchema)
	c.attrs = content.Attributes
	if attr, ok := c.attrs["slo"]; ok {
		if ref, ok := d.reference(attr.Expr, attr.Name, "slo"); ok {
			c.SLO = ref.name
		}
	}
	if attr, ok := c.attrs["claim_within"]; ok {
		c.ClaimWithin, _ = d.duration(attr)
	}
	if attr, ok := c.attrs["min_amount"]; ok {
		if n, ok := d.number(attr); ok {
			if n < 0 {
				d.attrError(attr, "Invalid min_amount", "min_amount is an amount in the fee's currency, 0 or more, not %g: a credit of this amount or less is not paid.", n)
			} else {
				c.MinAmount = &n
			}
		}
	}
	if len(content.Blocks) == 0 {
		d.blockError(block, "Missing tier", "A credit needs at least one tier, e.g. tier { below = 99.9  percent = 10 }: the percent of the monthly fee owed when the measured value is below 99.9.")
	}
	for _, b := range content.Blocks {
		t := Tier{DeclRange: b.DefRange}
		tc := d.content(b, tierSchema)
		t.attrs = tc.Attributes
		if p := d.percent(tc.Attributes, "percent", true); p != nil {
			t.Percent = *p
		}
		if which, ok := d.exactlyOne(b, tc.Attributes, "below", "above"); ok {
			n, ok := d.number(tc.Attributes[which])
			if ok && which == "below" {
				t.Below = &n
			} else if ok {
				t.Above = &n
			}
		}
		c.Tiers = append(c.Tiers, t)
	}
	return c
}

// checkCredit resolves the credit's SLO and checks that its tiers face the
// way the SLO can be missed.
func (d *decoder) checkCredit(a *Agreement, c *Credit) {
	if a.Fee == nil && c == a.Credits[0] {
		d.blockError(&hcl.Block{Type: "credit", DefRange: c.DeclRange}, "Credit without a fee",
			"A credit is a percentage of the monthly fee, and this agreement has no fee block. Add one, e.g. fee { monthly = 12000  currency = \"EUR\" }.")
	}
	attr, ok := c.attrs["slo"]
	if !ok || c.SLO == "" || !d.resolve(reference{kind: "slo", name: c.SLO, rng: attr.Expr.Range()}, names(a.SLOs)) {
		return
	}
	s := a.SLO(c.SLO)
	want, why := "below", fmt.Sprintf("The SLO %q is measured in percent and missed when it falls too low: its tiers take below.", s.Name)
	switch {
	case s.Kind == ValueSLO && s.Max != nil:
		want, why = "above", fmt.Sprintf("The SLO %q is missed when its value rises above max = %g: its tiers take above.", s.Name, *s.Max)
	case s.Kind == ValueSLO && s.Min != nil:
		why = fmt.Sprintf("The SLO %q is missed when its value falls below min = %g: its tiers take below.", s.Name, *s.Min)
	case s.Kind == "" || (s.Kind == ValueSLO && s.Max == nil && s.Min == nil):
		return // the SLO has errors of its own
	}
	seen := map[float64]hcl.Range{}
	for _, t := range c.Tiers {
		var attr *hcl.Attribute
		var v *float64
		switch {
		case t.Below != nil:
			attr, v = t.attrs["below"], t.Below
		case t.Above != nil:
			attr, v = t.attrs["above"], t.Above
		default:
			continue
		}
		if attr.Name != want {
			d.add(&hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  fmt.Sprintf("Tier takes %s, not %s", want, attr.Name),
				Detail:   why,
				Subject:  attr.NameRange.Ptr(),
				Context:  attr.Range.Ptr(),
			})
			continue
		}
		if prev, dup := seen[*v]; dup {
			d.attrError(attr, "Duplicate tier", "Another tier of this credit already starts at %g (%s). Give each tier its own threshold.", *v, shortRange(prev))
			continue
		}
		seen[*v] = attr.Range
		if s.Kind != ValueSLO && (*v <= 0 || *v > 100) {
			d.attrError(attr, "Invalid tier threshold", "The SLO %q is measured in percent: a tier's below is greater than 0 and at most 100, not %g.", s.Name, *v)
			continue
		}
		var passing string
		switch {
		case s.Kind != ValueSLO && s.Objective != nil && *v > *s.Objective:
			passing = fmt.Sprintf("This tier applies below %g%%, above the objective %g%%", *v, *s.Objective)
		case s.Kind == ValueSLO && s.Max != nil && *v < *s.Max:
			passing = fmt.Sprintf("This tier applies above %g, under the bound max = %g", *v, *s.Max)
		case s.Kind == ValueSLO && s.Min != nil && *v > *s.Min:
			passing = fmt.Sprintf("This tier applies below %g, over the bound min = %g", *v, *s.Min)
		}
		if passing != "" {
			d.add(&hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  "Credit owed while the SLO passes",
				Detail:   passing + ": the provider would owe a credit while the SLO is met. Tiers usually start at the bound.",
				Subject:  attr.Expr.Range().Ptr(),
				Context:  attr.Range.Ptr(),
			})
		}
	}
}
