package interop

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/entente-dev/entente/agreements"
)

// windowVars are the ways the other languages write the window of a query:
// Sloth's Go template and entente's own variable.
var windowVars = regexp.MustCompile(`\{\{-?\s*\.window\s*-?\}\}|\$\{window\}`)

// sentinel stands for the window while a query is parsed: a range no query
// holds, found again in the printed query and turned back into ${window}.
const sentinel = 1234567 * time.Second

var (
	sentinelText    = model.Duration(sentinel).String()
	promqlParser    = parser.NewParser(parser.Options{EnableExperimentalFunctions: true})
	sentinelInQuery = "[" + sentinelText + "]"
)

// Role is what a query counts, which decides how it is rewritten.
type Role int

// The roles of a query.
const (
	// Good and Total count events over the window.
	Good Role = iota
	Total
	// Bad counts bad events: a missing answer is none, so "or vector(0)"
	// is added to an aggregation, as docs/language.md advises.
	Bad
	// Value yields one number over the window.
	Value
)

// Windowed turns a PromQL query of another language into an entente query
// in which ${window} is the range measured, rewriting it through the
// Prometheus parser's syntax tree:
//
//   - {{.window}} (Sloth) becomes ${window};
//   - in a query without a window, a selector without a range is measured
//     over the window: increase() for a counter, sum_over_time() for other
//     counts, avg_over_time() for a value; a fixed range, as in
//     rate(x[5m]), becomes the window;
//   - events are counted, not averaged per second: rate() and irate() of a
//     count over the window become increase(), so that min_events counts
//     events;
//   - a bad-events aggregation ends with "or vector(0)".
//
// A query that needs no change is returned as it was written, with
// ${window} in place of the variable; one that does is printed by the
// parser. The changes made are described in notes.
func Windowed(query string, role Role, counter bool) (out string, notes []string, err error) {
	hasWindow := windowVars.MatchString(query)
	text := windowVars.ReplaceAllLiteralString(query, sentinelText)
	expr, err := promqlParser.ParseExpr(text)
	if err != nil {
		return "", nil, fmt.Errorf("not a PromQL query: %s", strings.ReplaceAll(err.Error(), sentinelText, agreements.WindowVar))
	}
	changed := false
	note := func(s string) {
		changed = true
		for _, n := range notes {
			if n == s {
				return
			}
		}
		notes = append(notes, s)
	}
	expr = rewrite(expr, func(e parser.Expr) parser.Expr {
		switch e := e.(type) {
		case *parser.MatrixSelector:
			if !hasWindow && e.Range != sentinel {
				note(fmt.Sprintf("the range %s is the window", model.Duration(e.Range)))
				e.Range = sentinel
			}
		case *parser.VectorSelector:
			if hasWindow {
				return e
			}
			fn := "sum_over_time"
			switch {
			case role == Value:
				fn = "avg_over_time"
			case counter:
				fn = "increase"
			}
			note(fmt.Sprintf("%s() over the window", fn))
			return call(fn, &parser.MatrixSelector{VectorSelector: e, Range: sentinel})
		case *parser.Call:
			if role == Value || (e.Func.Name != "rate" && e.Func.Name != "irate") || len(e.Args) != 1 {
				return e
			}
			if m, ok := e.Args[0].(*parser.MatrixSelector); ok && m.Range == sentinel {
				note(e.Func.Name + "() becomes increase(), to count events")
				return call("increase", m)
			}
		}
		return e
	})
	if role == Bad {
		if agg, ok := unwrapParens(expr).(*parser.AggregateExpr); ok && len(agg.Grouping) == 0 && !agg.Without {
			note(`"or vector(0)": no bad events is none`)
			expr = &parser.BinaryExpr{Op: parser.LOR, LHS: expr, RHS: &parser.Call{
				Func: parser.Functions["vector"],
				Args: parser.Expressions{&parser.NumberLiteral{Val: 0}},
			}, VectorMatching: &parser.VectorMatching{Card: parser.CardManyToMany}}
		}
	}
	if !changed {
		return windowVars.ReplaceAllLiteralString(strings.TrimSpace(query), agreements.WindowVar), nil, nil
	}
	printed := expr.String()
	if strings.Contains(printed, sentinelText) && !strings.Contains(printed, sentinelInQuery) {
		return "", nil, fmt.Errorf("the window is used other than as a range: %s", query)
	}
	return strings.ReplaceAll(printed, sentinelInQuery, "["+agreements.WindowVar+"]"), notes, nil
}

// Rewritten is the comment line that says how Windowed rewrote a query,
// or none when it did not.
func Rewritten(what string, notes []string) []string {
	if len(notes) == 0 {
		return nil
	}
	return []string{what + ", rewritten: " + strings.Join(notes, "; ") + "."}
}

// WindowVar returns a query with the window written ${window}, however
// the other language wrote it, and nothing else changed.
func WindowVar(query string) string {
	return windowVars.ReplaceAllLiteralString(query, agreements.WindowVar)
}

func unwrapParens(e parser.Expr) parser.Expr {
	for {
		p, ok := e.(*parser.ParenExpr)
		if !ok {
			return e
		}
		e = p.Expr
	}
}

func call(name string, arg parser.Expr) *parser.Call {
	return &parser.Call{Func: parser.Functions[name], Args: parser.Expressions{arg}}
}

// rewrite applies f to every node of e, children first, and returns the
// tree with f's replacements. A selector under a range is left to the
// range: it is measured over it already.
func rewrite(e parser.Expr, f func(parser.Expr) parser.Expr) parser.Expr {
	switch n := e.(type) {
	case *parser.AggregateExpr:
		n.Expr = rewrite(n.Expr, f)
		if n.Param != nil {
			n.Param = rewrite(n.Param, f)
		}
	case *parser.BinaryExpr:
		n.LHS = rewrite(n.LHS, f)
		n.RHS = rewrite(n.RHS, f)
	case *parser.Call:
		for i, a := range n.Args {
			n.Args[i] = rewrite(a, f)
		}
	case *parser.ParenExpr:
		n.Expr = rewrite(n.Expr, f)
	case *parser.UnaryExpr:
		n.Expr = rewrite(n.Expr, f)
	case *parser.SubqueryExpr:
		n.Expr = rewrite(n.Expr, f)
	case *parser.StepInvariantExpr:
		n.Expr = rewrite(n.Expr, f)
	}
	return f(e)
}

// Name turns a name of another language into a block name of entente
// (^[a-z][a-z0-9_-]{0,62}$): lowercase, other characters as "-", a
// leading "x-" where it starts with no letter.
func Name(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteRune('-')
		}
	}
	name := b.String()
	if name == "" || name[0] < 'a' || name[0] > 'z' {
		name = "x-" + name
	}
	if len(name) > 63 {
		name = name[:63]
	}
	return strings.TrimRight(name, "-")
}

// Percent turns a fraction written in decimal ("0.999") into a percentage
// written the same way ("99.9"), moving the point: no binary rounding.
func Percent(fraction string) (string, error) { return shift(fraction, 2) }

// Fraction is the inverse of Percent: "99.9" gives "0.999".
func Fraction(percent string) (string, error) { return shift(percent, -2) }

var decimalRE = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$|^\.[0-9]+$`)

// shift moves the decimal point of text by places (right when positive).
func shift(text string, places int) (string, error) {
	text = strings.TrimSpace(text)
	if !decimalRE.MatchString(text) {
		return "", fmt.Errorf("%q is not a decimal number", text)
	}
	whole, frac, _ := strings.Cut(text, ".")
	digits := whole + frac
	point := len(whole) + places
	for point < 0 {
		digits = "0" + digits
		point++
	}
	for point > len(digits) {
		digits += "0"
	}
	whole, frac = strings.TrimLeft(digits[:point], "0"), digits[point:]
	if whole == "" {
		whole = "0"
	}
	if frac == "" {
		return whole, nil
	}
	return whole + "." + frac, nil
}
