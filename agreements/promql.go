package agreements

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/zclconf/go-cty/cty"
)

// promqlParser accepts experimental functions too: whether they run is for
// the server that evaluates the query to say.
var promqlParser = parser.NewParser(parser.Options{EnableExperimentalFunctions: true})

// sampleWindow stands for ${window} when a query is checked.
const sampleWindow = "60s"

// segment maps a stretch of the query that is checked back to the source.
type segment struct {
	start, end int       // byte offsets in the checked query
	src        hcl.Range // where it came from
	exact      bool      // the source bytes are the query bytes, one for one
}

// query decodes a PromQL attribute: a string in which the only interpolation
// is ${window}. The query is parsed after ${window} is replaced, and parse
// errors point at the offending place in the HCL source where they can.
func (d *decoder) query(attr *hcl.Attribute, src []byte) (Query, bool) {
	parts, ok := templateParts(attr.Expr)
	if !ok {
		// Not a string template: let the ordinary decoding explain why.
		if s, ok := d.string(attr); ok {
			parts = []hclsyntax.Expression{&hclsyntax.LiteralValueExpr{Val: cty.StringVal(s), SrcRange: attr.Expr.Range()}}
		} else {
			return "", false
		}
	}

	var tmpl, checked strings.Builder
	var segs []segment
	valid := true
	for _, part := range parts {
		switch p := part.(type) {
		case *hclsyntax.LiteralValueExpr:
			if !p.Val.IsKnown() || p.Val.Type() != cty.String || p.Val.IsNull() {
				valid = false
				continue
			}
			s := p.Val.AsString()
			if strings.Contains(s, "${") {
				d.add(&hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Literal \"${\" in a query",
					Detail:   "A query may not hold the text \"${\" other than in ${window}. Remove the escaped \"$${\".",
					Subject:  p.SrcRange.Ptr(),
				})
				valid = false
				continue
			}
			exact := p.SrcRange.End.Byte <= len(src) && p.SrcRange.Start.Byte >= 0 &&
				string(src[p.SrcRange.Start.Byte:p.SrcRange.End.Byte]) == s
			segs = append(segs, segment{start: checked.Len(), end: checked.Len() + len(s), src: p.SrcRange, exact: exact})
			tmpl.WriteString(s)
			checked.WriteString(s)
		case *hclsyntax.ScopeTraversalExpr:
			if len(p.Traversal) == 1 && p.Traversal.RootName() == "window" {
				segs = append(segs, segment{start: checked.Len(), end: checked.Len() + len(sampleWindow), src: p.SrcRange})
				tmpl.WriteString(WindowVar)
				checked.WriteString(sampleWindow)
				continue
			}
			d.badInterpolation(p.SrcRange, fmt.Sprintf("There is no variable %q in a query.%s", traversalString(p.Traversal), didYouMean(p.Traversal.RootName(), []string{"window"})))
			valid = false
		default:
			d.badInterpolation(part.Range(), "Expressions, functions and directives cannot be used in a query.")
			valid = false
		}
	}
	if !valid {
		return "", false
	}

	q := checked.String()
	if strings.TrimSpace(q) == "" {
		d.attrError(attr, "Empty query", "The argument %q needs a PromQL query.", attr.Name)
		return "", false
	}
	expr, err := promqlParser.ParseExpr(q)
	if err != nil {
		var perrs parser.ParseErrors
		if errors.As(err, &perrs) && len(perrs) > 0 {
			// Later errors of the parser mostly follow from the first.
			pe := perrs[0]
			subject := mapRange(segs, int(pe.PositionRange.Start), int(pe.PositionRange.End), src, attr.Expr.Range())
			d.add(&hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid PromQL query",
				Detail:   fmt.Sprintf("The Prometheus query parser says: %s. Fix the query; it is checked with ${window} replaced by a range such as %s.", pe.Err, sampleWindow),
				Subject:  subject.Ptr(),
				Context:  attr.Range.Ptr(),
			})
			return "", false
		}
		d.attrError(attr, "Invalid PromQL query", "The Prometheus query parser says: %s.", err)
		return "", false
	}
	switch expr.Type() {
	case parser.ValueTypeVector, parser.ValueTypeScalar:
	default:
		pos := expr.PositionRange()
		subject := mapRange(segs, int(pos.Start), int(pos.End), src, attr.Expr.Range())
		summary, detail := "Query does not return a number", fmt.Sprintf("An indicator query must return one number, as an instant vector or a scalar, not a %s.", expr.Type())
		if expr.Type() == parser.ValueTypeMatrix {
			summary, detail = "Query returns a range vector", "An indicator query must return one number, as an instant vector or a scalar. Wrap the range selector in a function, e.g. increase(...[${window}]) or avg_over_time(...[${window}])."
		}
		d.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: subject.Ptr(), Context: attr.Range.Ptr()})
		return "", false
	}
	if !strings.Contains(tmpl.String(), WindowVar) {
		d.add(&hcl.Diagnostic{
			Severity: hcl.DiagWarning,
			Summary:  "Query ignores the window",
			Detail:   "This query does not use ${window}, so it measures the same thing whatever window the SLO is measured over. Use ${window} as the range, e.g. increase(x[${window}]) or avg_over_time(x[${window}]).",
			Subject:  attr.Expr.Range().Ptr(),
			Context:  attr.Range.Ptr(),
		})
	}
	return Query(tmpl.String()), true
}

func (d *decoder) badInterpolation(rng hcl.Range, detail string) {
	d.add(&hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Unsupported interpolation in a query",
		Detail:   detail + " The only interpolation allowed is ${window}, which entente replaces with the range being measured.",
		Subject:  rng.Ptr(),
	})
}

// templateParts returns the parts of a string template, or false when the
// expression is not one.
func templateParts(expr hcl.Expression) ([]hclsyntax.Expression, bool) {
	switch e := expr.(type) {
	case *hclsyntax.TemplateExpr:
		return e.Parts, true
	case *hclsyntax.TemplateWrapExpr:
		return []hclsyntax.Expression{e.Wrapped}, true
	}
	return nil, false
}

func traversalString(t hcl.Traversal) string {
	var b strings.Builder
	for _, step := range t {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			b.WriteString(s.Name)
		case hcl.TraverseAttr:
			b.WriteString("." + s.Name)
		default:
			b.WriteString("[…]")
		}
	}
	return b.String()
}

// mapRange turns byte offsets in the checked query into a range in the HCL
// source. Where the source differs from the query (escapes, ${window}) it
// falls back to the whole part, and to whole when nothing matches.
func mapRange(segs []segment, start, end int, src []byte, whole hcl.Range) hcl.Range {
	for _, s := range segs {
		if start < s.start || start > s.end || (start == s.end && end > start) {
			continue
		}
		if !s.exact {
			return s.src
		}
		if end > s.end {
			end = s.end
		}
		if end <= start {
			end = start + 1
			if end > s.end {
				// An error at the end of the query: point just past it.
				return advance(s.src, src, start-s.start, 0)
			}
		}
		return advance(s.src, src, start-s.start, end-start)
	}
	return whole
}

// advance returns the range of n bytes that begins off bytes into part.
func advance(part hcl.Range, src []byte, off, n int) hcl.Range {
	r := hcl.Range{Filename: part.Filename, Start: move(part.Start, src, off)}
	r.End = move(r.Start, src, n)
	return r
}

func move(pos hcl.Pos, src []byte, n int) hcl.Pos {
	end := pos.Byte + n
	for pos.Byte < end && pos.Byte < len(src) {
		r, size := utf8.DecodeRune(src[pos.Byte:])
		pos.Byte += size
		if r == '\n' {
			pos.Line++
			pos.Column = 1
		} else {
			pos.Column++
		}
	}
	return pos
}
