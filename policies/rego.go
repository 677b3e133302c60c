package policies

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/open-policy-agent/opa/v1/ast"
)

// term renders a Go value (string, number, bool, nil, slice or map of
// these) as a Rego term. The value goes through OPA's AST and is written in
// JSON, which is Rego's own syntax for scalars and collections (Rego's
// printer would write "\x00" escapes that its parser refuses). No string
// from an agreement is ever pasted into the source as text.
func term(v any) string {
	val, err := ast.InterfaceToValue(v)
	if err == nil {
		var j any
		if j, err = ast.JSON(val); err == nil {
			var b bytes.Buffer
			enc := json.NewEncoder(&b)
			enc.SetEscapeHTML(false)
			if err = enc.Encode(j); err == nil {
				return strings.TrimSuffix(b.String(), "\n")
			}
		}
	}
	// Only the generator's own values reach here; this is a bug.
	panic(fmt.Sprintf("policies: no Rego term for %T: %v", v, err))
}

// num renders an optional number: null when absent.
func num(p *float64) string {
	if p == nil {
		return "null"
	}
	return term(*p)
}

// field is one key of a Rego object literal; fields keep their order.
type field struct {
	key   string
	value string // a rendered term
}

// object renders an object literal with one key per line.
func object(fields ...field) string {
	var b strings.Builder
	b.WriteString("{\n")
	for _, f := range fields {
		fmt.Fprintf(&b, "%s: %s,\n", term(f.key), f.value)
	}
	b.WriteString("}")
	return b.String()
}

var regoVarRE = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

var regoKeywords = map[string]bool{
	"as": true, "contains": true, "default": true, "else": true, "every": true,
	"false": true, "if": true, "import": true, "in": true, "not": true,
	"null": true, "package": true, "some": true, "true": true, "with": true,
	"input": true, "data": true,
}

// ref renders a reference to a key of a rule: slos.availability, or
// slos["p1-ack"] when the name is not a Rego identifier.
func ref(rule, name string) string {
	if regoVarRE.MatchString(name) && !regoKeywords[name] {
		return rule + "." + name
	}
	return rule + "[" + term(name) + "]"
}

// identifier turns a block name into part of a Rego rule name.
func identifier(name string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' {
			return '_'
		}
		return r
	}, name)
}

// comment renders text as Rego comment lines, wrapped at width. Control
// characters become spaces, so that no text from an agreement can end a
// comment and start code.
func comment(text string, width int) string {
	text = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, text)
	var b strings.Builder
	line := ""
	flush := func() {
		// OPA reads a comment line that starts with METADATA as the start
		// of an annotation: such a line from an agreement is set off.
		if strings.HasPrefix(line, "METADATA") {
			line = "| " + line
		}
		b.WriteString("# " + line + "\n")
		line = ""
	}
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > width {
			flush()
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		flush()
	}
	return b.String()
}
