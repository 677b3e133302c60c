package agreements

import (
	"net/mail"
	"slices"

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
	content := d.content(block, reportingSchema)
	attrs := content.Attributes
	if attr, ok := attrs["frequency"]; ok {
		r.Frequency, _ = d.enum(attr, frequencies)
	}
	if attr, ok := attrs["formats"]; ok {
		if formats, ok := d.strings(attr); ok {
			seen := map[string]bool{}
			for i, f := range formats {
				if !slices.Contains(reportFormats, f) {
					d.elemError(attr, i, "Invalid report format", "%q is not a report format. Use %s.%s", f, oneOf(reportFormats), didYouMean(f, reportFormats))
					continue
				}
				if seen[f] {
					d.elemError(attr, i, "Duplicate report format", "%q is listed twice. Remove one.", f)
					continue
				}
				seen[f] = true
				r.Formats = append(r.Formats, f)
			}
		}
	}
	if attr, ok := attrs["recipients"]; ok {
		if recipients, ok := d.strings(attr); ok {
			for i, rc := range recipients {
				if _, err := mail.ParseAddress(rc); err != nil {
					d.elemError(attr, i, "Invalid recipient", "%q is not an e-mail address. Write it as \"sla-reports@example.com\".", rc)
					continue
				}
				r.Recipients = append(r.Recipients, rc)
			}
		}
	}
	return r
}
