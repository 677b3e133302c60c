package agreements

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/prometheus/common/model"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// decoder turns attribute expressions into Go values and collects the
// diagnostics of everything that cannot be turned.
type decoder struct {
	diags hcl.Diagnostics
	// loc is the agreement's time zone, for dates without a time.
	loc *time.Location
	// misspelt holds, per block, the names that an unsupported argument of
	// that block looks like: an argument "missing" under one of those names
	// is a misspelling, already reported once.
	misspelt map[hcl.Range]map[string]bool
}

var didYouMeanRE = regexp.MustCompile(`Did you mean "([^"]+)"\?`)
var missingRequiredRE = regexp.MustCompile(`^The argument "([^"]+)" is required`)

// content decodes a block's body against its schema. A misspelt required
// argument gives HCL's "Unsupported argument ... Did you mean" and "Missing
// required argument" for one mistake; only the first is kept.
func (d *decoder) content(block *hcl.Block, schema *hcl.BodySchema) *hcl.BodyContent {
	content, diags := block.Body.Content(schema)
	suggested := map[string]bool{}
	for _, diag := range diags {
		if diag.Summary == "Unsupported argument" || diag.Summary == "Unsupported block type" {
			if m := didYouMeanRE.FindStringSubmatch(diag.Detail); m != nil {
				suggested[m[1]] = true
			}
		}
	}
	for _, diag := range diags {
		if m := missingRequiredRE.FindStringSubmatch(diag.Detail); m != nil && suggested[m[1]] {
			continue
		}
		d.add(diag)
	}
	if len(suggested) > 0 {
		if d.misspelt == nil {
			d.misspelt = map[hcl.Range]map[string]bool{}
		}
		d.misspelt[block.DefRange] = suggested
	}
	return content
}

// isMisspelt tells whether one of names was written, misspelt, in the block
// declared at decl.
func (d *decoder) isMisspelt(decl hcl.Range, names ...string) bool {
	for _, n := range names {
		if d.misspelt[decl][n] {
			return true
		}
	}
	return false
}

func (d *decoder) add(diags ...*hcl.Diagnostic) {
	for _, diag := range diags {
		if diag != nil {
			d.diags = append(d.diags, diag)
		}
	}
}

// attrError records an error about an attribute's value: the snippet shows the
// whole attribute and highlights its value.
func (d *decoder) attrError(attr *hcl.Attribute, summary, detail string, args ...any) {
	d.add(&hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   fmt.Sprintf(detail, args...),
		Subject:  attr.Expr.Range().Ptr(),
		Context:  attr.Range.Ptr(),
	})
}

// elemError records an error about element i of a list attribute, pointing
// at that element when the list is written out.
func (d *decoder) elemError(attr *hcl.Attribute, i int, summary, detail string, args ...any) {
	subject := attr.Expr.Range()
	if exprs, diags := hcl.ExprList(attr.Expr); !diags.HasErrors() && i < len(exprs) {
		subject = exprs[i].Range()
	}
	d.add(&hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   fmt.Sprintf(detail, args...),
		Subject:  subject.Ptr(),
		Context:  attr.Range.Ptr(),
	})
}

// blockError records an error about a block as a whole, at its header.
func (d *decoder) blockError(block *hcl.Block, summary, detail string, args ...any) {
	d.add(&hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   fmt.Sprintf(detail, args...),
		Subject:  block.DefRange.Ptr(),
	})
}

// value evaluates a constant expression and converts it to ty.
func (d *decoder) value(attr *hcl.Attribute, ty cty.Type) (cty.Value, bool) {
	v, diags := attr.Expr.Value(nil)
	d.add(diags...)
	if diags.HasErrors() || !v.IsWhollyKnown() {
		// An unknown value comes from an expression the parser could not
		// read; its syntax error is already reported.
		return cty.NilVal, false
	}
	if v.IsNull() {
		d.attrError(attr, "Missing value", "The argument %q is null. Give it a value, or remove it to use its default.", attr.Name)
		return cty.NilVal, false
	}
	cv, err := convert.Convert(v, ty)
	if err != nil {
		d.attrError(attr, "Incorrect attribute value type", "Inappropriate value for argument %q: %s.", attr.Name, convertMessage(ty, err))
		return cty.NilVal, false
	}
	return cv, true
}

func convertMessage(ty cty.Type, err error) string {
	switch {
	case ty == cty.String:
		return "a string is required"
	case ty == cty.Number:
		return "a number is required"
	case ty.IsListType() && ty.ElementType() == cty.String:
		return "a list of strings is required, e.g. [\"a\", \"b\"]"
	}
	return err.Error()
}

func (d *decoder) string(attr *hcl.Attribute) (string, bool) {
	v, ok := d.value(attr, cty.String)
	if !ok {
		return "", false
	}
	return v.AsString(), true
}

func (d *decoder) number(attr *hcl.Attribute) (float64, bool) {
	v, ok := d.value(attr, cty.Number)
	if !ok {
		return 0, false
	}
	f, _ := v.AsBigFloat().Float64()
	if math.IsInf(f, 0) {
		d.attrError(attr, "Number out of range", "The argument %q is too large to be a measurement. Use a smaller number.", attr.Name)
		return 0, false
	}
	return f, true
}

// optionalNumber decodes an attribute that may be absent.
func (d *decoder) optionalNumber(attrs hcl.Attributes, name string) *float64 {
	attr, ok := attrs[name]
	if !ok {
		return nil
	}
	f, ok := d.number(attr)
	if !ok {
		return nil
	}
	return &f
}

func (d *decoder) strings(attr *hcl.Attribute) ([]string, bool) {
	v, ok := d.value(attr, cty.List(cty.String))
	if !ok {
		return nil, false
	}
	out := make([]string, 0, v.LengthInt())
	for it := v.ElementIterator(); it.Next(); {
		_, ev := it.Element()
		if ev.IsNull() {
			d.attrError(attr, "Invalid list element", "The list %q holds a null element. Remove it.", attr.Name)
			return nil, false
		}
		out = append(out, ev.AsString())
	}
	return out, true
}

// duration decodes a positive Prometheus duration such as "30d" or "1h30m".
func (d *decoder) duration(attr *hcl.Attribute) (model.Duration, bool) {
	s, ok := d.string(attr)
	if !ok {
		return 0, false
	}
	dur, err := model.ParseDuration(s)
	if err != nil {
		d.attrError(attr, "Invalid duration", "%q is not a duration. Write whole numbers with the units ms, s, m, h, d, w or y, largest first, e.g. \"30d\" or \"1h30m\".", s)
		return 0, false
	}
	if dur <= 0 {
		d.attrError(attr, "Invalid duration", "The argument %q must be longer than zero.", attr.Name)
		return 0, false
	}
	// Queries receive ranges in whole seconds.
	if time.Duration(dur)%time.Second != 0 {
		d.attrError(attr, "Invalid duration", "The argument %q is counted in whole seconds; %q is not. Use e.g. \"1s\" or \"1m\".", attr.Name, s)
		return 0, false
	}
	return dur, true
}

// date decodes "YYYY-MM-DD" (the start of that day in the agreement's time
// zone) or an RFC 3339 time.
func (d *decoder) date(attr *hcl.Attribute) (time.Time, bool) {
	s, ok := d.string(attr)
	if !ok {
		return time.Time{}, false
	}
	t, err := parseDate(s, d.loc)
	if err != nil {
		d.attrError(attr, "Invalid date", "%q is not a date. Write a day as \"2026-01-31\" (the start of that day in the agreement's time zone) or a time in RFC 3339, e.g. \"2026-01-31T08:00:00Z\".", s)
		return time.Time{}, false
	}
	return t, true
}

func parseDate(s string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		return t, nil
	}
	// The same instant, seen in the agreement's time zone, so that days and
	// years added to it follow that zone's calendar.
	t, err := time.Parse(time.RFC3339, s)
	return t.In(loc), err
}

// enum decodes a string that must be one of values.
func (d *decoder) enum(attr *hcl.Attribute, values []string) (string, bool) {
	s, ok := d.string(attr)
	if !ok {
		return "", false
	}
	for _, v := range values {
		if s == v {
			return s, true
		}
	}
	d.attrError(attr, "Invalid value", "%q is not a valid %s. Use %s.%s", s, attr.Name, oneOf(values), didYouMean(s, values))
	return "", false
}

// reference is a reference from one block to another, such as
// indicator.availability, kept with its range until it is resolved.
type reference struct {
	kind string
	name string
	rng  hcl.Range
}

// kinds of block that can be referenced, and how they are called in messages.
var referenceKinds = map[string]string{
	"indicator": "indicator",
	"slo":       "SLO",
	"party":     "party",
}

// reference decodes an expression like indicator.availability.
func (d *decoder) reference(expr hcl.Expression, attrName, kind string) (reference, bool) {
	trav, diags := hcl.AbsTraversalForExpr(expr)
	if diags.HasErrors() {
		// A quoted name is the likely mistake: say how to write it.
		if v, vdiags := expr.Value(nil); !vdiags.HasErrors() && v.IsKnown() && v.Type() == cty.String && !v.IsNull() {
			detail := fmt.Sprintf("The argument %q takes a reference, not a string, written %s.NAME.", attrName, kind)
			if name := suggestName(v.AsString()); name != "" {
				detail = fmt.Sprintf("The argument %q takes a reference, not a string. Write %s.%s without quotes.", attrName, kind, name)
			}
			d.add(&hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid reference",
				Detail:   detail,
				Subject:  expr.Range().Ptr(),
			})
			return reference{}, false
		}
		d.add(&hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid reference",
			Detail:   fmt.Sprintf("The argument %q takes a reference to %s, written %s.NAME.", attrName, article(referenceKinds[kind]), kind),
			Subject:  expr.Range().Ptr(),
		})
		return reference{}, false
	}
	root := trav.RootName()
	if len(trav) != 2 || root != kind {
		detail := fmt.Sprintf("The argument %q takes a reference to %s, written %s.NAME.", attrName, article(referenceKinds[kind]), kind)
		if other, ok := referenceKinds[root]; ok && root != kind {
			detail = fmt.Sprintf("This refers to %s, but the argument %q takes a reference to %s, written %s.NAME.", article(other), attrName, article(referenceKinds[kind]), kind)
		}
		d.add(&hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid reference",
			Detail:   detail,
			Subject:  trav.SourceRange().Ptr(),
		})
		return reference{}, false
	}
	step, ok := trav[1].(hcl.TraverseAttr)
	if !ok {
		d.add(&hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid reference",
			Detail:   fmt.Sprintf("Write the reference as %s.NAME.", kind),
			Subject:  trav.SourceRange().Ptr(),
		})
		return reference{}, false
	}
	return reference{kind: kind, name: step.Name, rng: trav.SourceRange()}, true
}

// references decodes a list of references like [slo.a, slo.b].
func (d *decoder) references(attr *hcl.Attribute, kind string) ([]reference, bool) {
	exprs, diags := hcl.ExprList(attr.Expr)
	if diags.HasErrors() {
		d.add(&hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid references",
			Detail:   fmt.Sprintf("The argument %q takes a list of references, e.g. [%s.first, %s.second].", attr.Name, kind, kind),
			Subject:  attr.Expr.Range().Ptr(),
		})
		return nil, false
	}
	refs := make([]reference, 0, len(exprs))
	ok := true
	for _, e := range exprs {
		ref, rok := d.reference(e, attr.Name, kind)
		if !rok {
			ok = false
			continue
		}
		refs = append(refs, ref)
	}
	return refs, ok
}

func article(noun string) string {
	switch noun[0] {
	case 'a', 'e', 'i', 'o', 'u', 'S':
		return "an " + noun
	}
	return "a " + noun
}

// exactlyOne checks that exactly one of the named attributes is set and
// returns its name.
func (d *decoder) exactlyOne(block *hcl.Block, attrs hcl.Attributes, names ...string) (string, bool) {
	var set []*hcl.Attribute
	for _, n := range names {
		if a, ok := attrs[n]; ok {
			set = append(set, a)
		}
	}
	// Report a conflict at the argument written last.
	slices.SortFunc(set, func(a, b *hcl.Attribute) int { return a.Range.Start.Byte - b.Range.Start.Byte })
	switch len(set) {
	case 1:
		return set[0].Name, true
	case 0:
		if d.isMisspelt(block.DefRange, names...) {
			return "", false
		}
		d.blockError(block, fmt.Sprintf("Missing %s", orList(names)),
			"%s block needs exactly one of %s.", capitalize(article(kindNoun(block.Type))), quotedOr(names))
	default:
		d.add(&hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  fmt.Sprintf("Conflicting arguments %q and %q", set[0].Name, set[1].Name),
			Detail:   fmt.Sprintf("%s block takes exactly one of %s. Remove one of them.", capitalize(article(kindNoun(block.Type))), quotedOr(names)),
			Subject:  set[1].Range.Ptr(),
		})
	}
	return "", false
}

// notAllowed reports each of the named attributes that is set, with why.
func (d *decoder) notAllowed(attrs hcl.Attributes, why string, names ...string) {
	for _, n := range names {
		if a, ok := attrs[n]; ok {
			d.add(&hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  fmt.Sprintf("Argument %q not allowed here", n),
				Detail:   why,
				Subject:  a.NameRange.Ptr(),
				Context:  a.Range.Ptr(),
			})
		}
	}
}

func orList(names []string) string {
	if len(names) == 2 {
		return names[0] + " or " + names[1]
	}
	return quotedOr(names)
}

func quotedOr(names []string) string { return oneOf(names) }
