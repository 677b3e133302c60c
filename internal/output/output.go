// Package output writes verdicts in the formats of entente check: text,
// json, junit, github and markdown, one file per format behind Outputter.
package output

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/entente-dev/entente/evaluator"
)

// Outputter writes a verdict document.
type Outputter interface {
	Output(w io.Writer, v *evaluator.Verdict) error
}

// Formats are the names New takes.
var Formats = []string{"text", "json", "junit", "github", "markdown"}

// Options tune the formats that care.
type Options struct {
	// Color writes the text format with ANSI colours.
	Color bool
	// Summary, for the github format, receives the Markdown summary (the
	// file $GITHUB_STEP_SUMMARY names); nil for none.
	Summary io.Writer
	// FailOn is the agreement status that fails the check: "breached", or
	// "at_risk", which makes warnings failures in junit too.
	FailOn string
}

// New returns the outputter of a format.
func New(format string, opts Options) (Outputter, error) {
	switch format {
	case "text":
		return &Text{Color: opts.Color}, nil
	case "json":
		return JSON{}, nil
	case "junit":
		return JUnit{FailOnAtRisk: opts.FailOn == "at_risk"}, nil
	case "github":
		return &GitHub{Summary: opts.Summary}, nil
	case "markdown":
		return Markdown{}, nil
	}
	return nil, fmt.Errorf("unknown format %q; use %s", format, strings.Join(Formats, ", "))
}

// The verdict is read through these helpers: its agreements are the
// policy's JSON-like values.

func list(m map[string]any, key string) []map[string]any {
	raw, _ := m[key].([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, x := range raw {
		if obj, ok := x.(map[string]any); ok {
			out = append(out, obj)
		}
	}
	return out
}

func str(m map[string]any, key string) string {
	if m == nil {
		return ""
	}
	switch v := m[key].(type) {
	case string:
		return Printable(v)
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

// number returns a figure as a float, and false when it is null.
func number(m map[string]any, key string) (float64, bool) {
	switch v := m[key].(type) {
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case float64:
		return v, true
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	}
	return 0, false
}

// figure prints a number for people, "—" when unknown, with ten
// significant digits: enough that 99.899996 does not read as 99.9.
func figure(m map[string]any, key, unit string) string {
	f, ok := number(m, key)
	if !ok {
		return "—"
	}
	return strconv.FormatFloat(f, 'g', 10, 64) + unit
}

func object(m map[string]any, key string) map[string]any {
	o, _ := m[key].(map[string]any)
	return o
}

// source returns the file and line a block is written at.
func source(m map[string]any) (string, int) {
	s := object(m, "source")
	line, _ := number(s, "line")
	return str(s, "file"), int(line)
}

// Printable is s with its control characters written out: an agreement's
// title or a query with an escape sequence in it would otherwise reach a
// terminal, or a CI log, as a command to it. Line breaks and tabs, which
// would break a table's lines, become spaces.
func Printable(s string) string {
	clean := true
	for _, r := range s {
		if unicode.IsControl(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t' || r == '\r':
			b.WriteByte(' ')
		case unicode.IsControl(r):
			fmt.Fprintf(&b, "\\x%02x", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
