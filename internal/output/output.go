// Package output writes verdicts in the formats of entente check: text,
// json, junit, github and markdown, one file per format behind Outputter.
package output

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/entente-dev/entente/evaluator"
	"github.com/entente-dev/entente/verdict"
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

// figure prints a number for people, "—" when unknown, with ten
// significant digits: enough that 99.899996 does not read as 99.9.
func figure(n *verdict.Number, unit string) string {
	f, ok := verdict.Float(n)
	if !ok {
		return "—"
	}
	return strconv.FormatFloat(f, 'g', 10, 64) + unit
}

// source returns the file and line a block is written at.
func source(s *verdict.Source) (string, int) {
	if s == nil {
		return "", 0
	}
	return Printable(s.File), s.Line
}

// due is the date a responsibility is due by, as the agreement writes it;
// "" for none.
func due(d *verdict.Date) string {
	if d == nil {
		return ""
	}
	return Printable(d.String())
}

// evaluated is the evaluation time as the verdict writes it.
func evaluated(v *evaluator.Verdict) string {
	return v.EvaluatedAt.UTC().Format(time.RFC3339)
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
