package agreements

import "github.com/hashicorp/hcl/v2"

var serviceSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "description"},
		{Name: "includes"},
		{Name: "excludes"},
	},
}

func (d *decoder) service(block *hcl.Block) *Service {
	s := &Service{Name: block.Labels[0], DeclRange: block.DefRange, Includes: []string{}, Excludes: []string{}}
	content := d.content(block, serviceSchema)
	if attr, ok := content.Attributes["description"]; ok {
		s.Description, _ = d.string(attr)
	}
	if attr, ok := content.Attributes["includes"]; ok {
		if l, ok := d.strings(attr); ok {
			s.Includes = l
		}
	}
	if attr, ok := content.Attributes["excludes"]; ok {
		if l, ok := d.strings(attr); ok {
			s.Excludes = l
		}
	}
	return s
}
