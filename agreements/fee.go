package agreements

import (
	"regexp"

	"github.com/hashicorp/hcl/v2"
)

var feeSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "monthly", Required: true},
		{Name: "currency", Required: true},
		{Name: "credit_cap_percent"},
	},
}

var currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)

func (d *decoder) fee(block *hcl.Block) *Fee {
	f := &Fee{DeclRange: block.DefRange}
	content := d.content(block, feeSchema)
	attrs := content.Attributes
	if attr, ok := attrs["monthly"]; ok {
		if n, ok := d.number(attr); ok {
			if n <= 0 {
				d.attrError(attr, "Invalid monthly fee", "The monthly fee must be greater than zero, not %g: credits are a percentage of it.", n)
			}
			f.Monthly = n
		}
	}
	if attr, ok := attrs["currency"]; ok {
		if s, ok := d.string(attr); ok {
			if !currencyRE.MatchString(s) {
				d.attrError(attr, "Invalid currency", "%q is not a currency code. Use the three capital letters of ISO 4217, e.g. \"EUR\" or \"USD\".", s)
			}
			f.Currency = s
		}
	}
	f.CreditCapPercent = d.percent(attrs, "credit_cap_percent", true)
	return f
}
