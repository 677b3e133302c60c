package agreements

import (
	"net/mail"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

var partySchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "name", Required: true},
		{Name: "contact"},
	},
}

func (d *decoder) party(block *hcl.Block) *Party {
	p := &Party{Name: block.Labels[0], DeclRange: block.DefRange}
	content := d.content(block, partySchema)
	if attr, ok := content.Attributes["name"]; ok {
		if s, ok := d.string(attr); ok {
			if strings.TrimSpace(s) == "" {
				d.attrError(attr, "Empty party name", "Give the legal name of the party, e.g. \"Acme Cloud SAS\".")
			}
			p.LegalName = s
		}
	}
	if attr, ok := content.Attributes["contact"]; ok {
		if s, ok := d.string(attr); ok {
			p.Contact = s
			if strings.Contains(s, "@") && !strings.Contains(s, "://") {
				if _, err := mail.ParseAddress(s); err != nil {
					d.attrError(attr, "Invalid contact address", "%q is not a valid e-mail address. Write it as \"sla@example.com\".", s)
				}
			}
		}
	}
	return p
}
