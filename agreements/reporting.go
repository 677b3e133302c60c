package agreements

import (
	"net/mail"

	"github.com/hashicorp/hcl/v2"
)

var reportingSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "frequency", Required: true},
		{Name: "formats"},
		{Name: "recipients"},
	},
}

func (d *decoder) reporting(block *hcl.Block) *Reporting {
	r := &Reporting{DeclRange: block.DefRange, Formats: []string{}, Recipients: []string{}}
	content, diags := block.Body.Content(reportingSchema)
	d.add(diags...)
	attrs := content.Attributes
	if attr, ok := attrs["frequency"]; ok {
		r.Frequency, _ = d.enum(attr, frequencies)
	}
	if attr, ok := attrs["formats"]; ok {
		if formats, ok := d.strings(attr); ok {
			seen := map[string]bool{}
			for _, f := range formats {
				if !contains(reportFormats, f) {
					d.attrError(attr, "Invalid report format", "%q is not a report format. Use %s.%s", f, oneOf(reportFormats), didYouMean(f, reportFormats))
					continue
				}
				if seen[f] {
					d.attrError(attr, "Duplicate report format", "%q is listed twice. Remove one.", f)
					continue
				}
				seen[f] = true
				r.Formats = append(r.Formats, f)
			}
		}
	}
	if attr, ok := attrs["recipients"]; ok {
		if recipients, ok := d.strings(attr); ok {
			for _, rc := range recipients {
				if _, err := mail.ParseAddress(rc); err != nil {
					d.attrError(attr, "Invalid recipient", "%q is not an e-mail address. Write it as \"sla-reports@example.com\".", rc)
					continue
				}
				r.Recipients = append(r.Recipients, rc)
			}
		}
	}
	return r
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
