package agreements

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
)

var agreementSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "title", Required: true},
		{Name: "version", Required: true},
		{Name: "effective", Required: true},
		{Name: "expires"},
		{Name: "time_zone"},
	},
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "party", LabelNames: []string{"name"}},
		{Type: "service", LabelNames: []string{"name"}},
		{Type: "indicator", LabelNames: []string{"name"}},
		{Type: "slo", LabelNames: []string{"name"}},
		{Type: "exclusion", LabelNames: []string{"name"}},
		{Type: "responsibility", LabelNames: []string{"name"}},
		{Type: "fee"},
		{Type: "credit", LabelNames: []string{"name"}},
		{Type: "reporting"},
		{Type: "review"},
	},
}

// semverRE is a semantic version without a leading "v" (semver.org).
var semverRE = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)

// decodeAgreement decodes one agreement block, its nested blocks, and then
// the rules that span blocks: references and what each kind of SLO takes.
func decodeAgreement(block *hcl.Block, src []byte) (*Agreement, hcl.Diagnostics) {
	d := &decoder{loc: time.UTC}
	a := &Agreement{
		Name:      block.Labels[0],
		TimeZone:  "UTC",
		Location:  time.UTC,
		DeclRange: block.DefRange,

		Parties:          []*Party{},
		Services:         []*Service{},
		Indicators:       []*Indicator{},
		SLOs:             []*SLO{},
		Exclusions:       []*Exclusion{},
		Responsibilities: []*Responsibility{},
		Credits:          []*Credit{},
	}
	d.add(checkName("agreement", a.Name, block.LabelRanges[0]))

	content := d.content(block, agreementSchema)
	attrs := content.Attributes

	// The time zone comes first: dates are read in it.
	if attr, ok := attrs["time_zone"]; ok {
		if tz, ok := d.string(attr); ok {
			loc, err := loadLocation(tz)
			switch {
			case tz == "Local":
				d.attrError(attr, "Unknown time zone", "\"Local\" would mean the time zone of whichever machine evaluates the agreement. Name the zone, e.g. \"Europe/Paris\", \"America/New_York\" or \"UTC\".")
			case err != nil:
				d.attrError(attr, "Unknown time zone", "%q is not an IANA time zone. Use a name such as \"Europe/Paris\", \"America/New_York\" or \"UTC\".", tz)
			default:
				a.TimeZone, a.Location, d.loc = tz, loc, loc
			}
		}
	}
	if attr, ok := attrs["title"]; ok {
		if s, ok := d.string(attr); ok {
			if strings.TrimSpace(s) == "" {
				d.attrError(attr, "Empty title", "Give the agreement a title, e.g. \"Payments API hosting\".")
			}
			a.Title = s
		}
	}
	if attr, ok := attrs["version"]; ok {
		if s, ok := d.string(attr); ok {
			a.Version = s
			if !semverRE.MatchString(s) {
				hint := ""
				if trimmed := strings.TrimPrefix(s, "v"); trimmed != s && semverRE.MatchString(trimmed) {
					hint = fmt.Sprintf(" Did you mean %q?", trimmed)
				}
				d.attrError(attr, "Invalid version", "%q is not a semantic version. Write MAJOR.MINOR.PATCH, e.g. \"2.1.0\".%s", s, hint)
			}
		}
	}
	if attr, ok := attrs["effective"]; ok {
		if t, ok := d.date(attr); ok {
			a.Effective = t
		}
	}
	if attr, ok := attrs["expires"]; ok {
		if t, ok := d.date(attr); ok {
			a.Expires = &t
			if !a.Effective.IsZero() && !t.After(a.Effective) {
				d.attrError(attr, "Agreement expires before it is effective", "The agreement expires on %s, which is not after it becomes effective on %s. Correct one of the dates.", attr.Expr.Range().SliceBytes(src), attrs["effective"].Expr.Range().SliceBytes(src))
			}
		}
	}

	singles := map[string]hcl.Range{}
	single := func(b *hcl.Block) bool {
		if prev, ok := singles[b.Type]; ok {
			d.add(&hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  fmt.Sprintf("Duplicate %s block", b.Type),
				Detail:   fmt.Sprintf("An agreement has at most one %s block, and one is already declared at %s. Merge them.", b.Type, shortRange(prev)),
				Subject:  b.DefRange.Ptr(),
			})
			return false
		}
		singles[b.Type] = b.DefRange
		return true
	}
	seen := map[string]map[string]hcl.Range{}
	unique := func(b *hcl.Block) bool {
		name := b.Labels[0]
		d.add(checkName(kindNoun(b.Type), name, b.LabelRanges[0]))
		if seen[b.Type] == nil {
			seen[b.Type] = map[string]hcl.Range{}
		}
		if prev, ok := seen[b.Type][name]; ok {
			d.add(duplicate(b.Type, name, b.LabelRanges[0], prev, "within an agreement"))
			return false
		}
		seen[b.Type][name] = b.DefRange
		return true
	}

	// A duplicate block is still decoded, so that every error in it is
	// reported in this run, but it is left out of the model.
	for _, b := range content.Blocks {
		switch b.Type {
		case "party":
			if p := d.party(b); unique(b) {
				a.Parties = append(a.Parties, p)
			}
		case "service":
			if s := d.service(b); unique(b) {
				a.Services = append(a.Services, s)
			}
		case "indicator":
			if i := d.indicator(b, src); unique(b) {
				a.Indicators = append(a.Indicators, i)
			}
		case "slo":
			if s := d.slo(b); unique(b) {
				a.SLOs = append(a.SLOs, s)
			}
		case "exclusion":
			if e := d.exclusion(b); unique(b) {
				a.Exclusions = append(a.Exclusions, e)
			}
		case "responsibility":
			if r := d.responsibility(b); unique(b) {
				a.Responsibilities = append(a.Responsibilities, r)
			}
		case "credit":
			if c := d.credit(b); unique(b) {
				a.Credits = append(a.Credits, c)
			}
		case "fee":
			if f := d.fee(b); single(b) {
				a.Fee = f
			}
		case "reporting":
			if r := d.reporting(b); single(b) {
				a.Reporting = r
			}
		case "review":
			if r := d.review(b, src); single(b) {
				a.Review = r
			}
		}
	}

	// Rules that span blocks need every block decoded first.
	for _, s := range a.SLOs {
		d.checkSLO(a, s)
	}
	for _, e := range a.Exclusions {
		d.checkExclusion(a, e)
	}
	for _, r := range a.Responsibilities {
		d.checkResponsibility(a, r)
	}
	credited := map[string]*Credit{}
	for _, c := range a.Credits {
		d.checkCredit(a, c)
		if prev, ok := credited[c.SLO]; ok && c.SLO != "" {
			d.add(&hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  "Two credits for one SLO",
				Detail:   fmt.Sprintf("The credit %q at %s is also for slo.%s; both would be owed for the same miss. Put all tiers in one credit.", prev.Name, shortRange(prev.DeclRange), c.SLO),
				Subject:  c.DeclRange.Ptr(),
			})
		} else if c.SLO != "" {
			credited[c.SLO] = c
		}
	}
	if a.Review != nil {
		d.checkReview(a, a.Review)
	}
	return a, d.diags
}

// loadLocation loads an IANA time zone. "Local" is refused: it would make an
// agreement mean different things on different machines.
func loadLocation(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("unknown time zone %q", name)
	}
	return time.LoadLocation(name)
}

// resolve checks that a reference names a block of its kind that exists in
// the agreement, and suggests the closest name when it does not.
func (d *decoder) resolve(ref reference, all []string) bool {
	var declared []string
	for _, n := range all {
		if n == ref.name {
			return true
		}
		// A name that breaks the rule has its own error; do not offer it.
		if nameRE.MatchString(n) {
			declared = append(declared, n)
		}
	}
	noun := referenceKinds[ref.kind]
	detail := fmt.Sprintf("There is no %s named %q in this agreement.", noun, ref.name)
	if hint := didYouMean(ref.name, declared); hint != "" {
		detail += hint
	} else if len(declared) == 0 {
		detail += fmt.Sprintf(" Declare it with a %s %q block.", ref.kind, ref.name)
	} else {
		detail += fmt.Sprintf(" Declared: %s.", strings.Join(declared, ", "))
	}
	d.add(&hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("Reference to undeclared %s", noun),
		Detail:   detail,
		Subject:  ref.rng.Ptr(),
	})
	return false
}
