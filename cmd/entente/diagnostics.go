package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/entente-dev/entente/internal/output"
)

// noColorFlag adds --no-color, as Terraform has it.
func noColorFlag(fs *flag.FlagSet) *bool {
	return fs.Bool("no-color", false, "no colour in diagnostics, even on a terminal (NO_COLOR does the same)")
}

// writeDiagnostics prints diagnostics the way Terraform does: summary,
// detail and the source snippet, in colour only on a terminal.
func writeDiagnostics(e *env, files map[string]*hcl.File, diags hcl.Diagnostics) {
	if len(diags) == 0 {
		return
	}
	tty, width := isTerminal(e.stderr)
	color := tty && !e.noColor && e.getenv("NO_COLOR") == ""
	if width <= 0 || width > 100 {
		width = 100
	}
	w := hcl.NewDiagnosticTextWriter(e.stderr, printableFiles(files), uint(width), color)
	_ = w.WriteDiagnostics(printableDiagnostics(diags))
}

// maxSnippetLine is the longest line a snippet shows: a diagnostic in a
// file with a longer one (minified, generated, or not an agreement) names
// its line and column without the source.
const maxSnippetLine = 4 << 10

// hasLongLine tells whether b holds a line longer than maxSnippetLine.
func hasLongLine(b []byte) bool {
	for len(b) > maxSnippetLine {
		i := bytes.IndexByte(b, '\n')
		if i < 0 || i > maxSnippetLine {
			return true
		}
		b = b[i+1:]
	}
	return false
}

// printableFiles are the files as snippets show them: each control byte
// (an escape sequence would be a command to the terminal) is a "?", so that
// every byte keeps its place and the ranges of diagnostics still point at it.
// A file with a line longer than maxSnippetLine shows no source.
func printableFiles(files map[string]*hcl.File) map[string]*hcl.File {
	out := make(map[string]*hcl.File, len(files))
	for name, f := range files {
		if f == nil || hasLongLine(f.Bytes) {
			continue
		}
		b := f.Bytes
		for i, c := range b {
			if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7f {
				if &b[0] == &f.Bytes[0] {
					b = bytes.Clone(f.Bytes)
				}
				b[i] = '?'
			}
		}
		g := *f
		g.Bytes = b
		out[name] = &g
	}
	return out
}

// keepLines is output.Printable line by line: a detail keeps its
// paragraphs.
func keepLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = output.Printable(l)
	}
	return strings.Join(lines, "\n")
}

// printableDiagnostics are the diagnostics with their texts printable.
func printableDiagnostics(diags hcl.Diagnostics) hcl.Diagnostics {
	out := make(hcl.Diagnostics, len(diags))
	for i, d := range diags {
		c := *d
		c.Summary, c.Detail = keepLines(c.Summary), keepLines(c.Detail)
		out[i] = &c
	}
	return out
}

// The JSON form of diagnostics is the one `terraform validate -json` prints,
// so tools that read Terraform's read ours.
type jsonValidation struct {
	FormatVersion string           `json:"format_version"`
	Valid         bool             `json:"valid"`
	ErrorCount    int              `json:"error_count"`
	WarningCount  int              `json:"warning_count"`
	Diagnostics   []jsonDiagnostic `json:"diagnostics"`
}

type jsonDiagnostic struct {
	Severity string       `json:"severity"`
	Summary  string       `json:"summary"`
	Detail   string       `json:"detail"`
	Range    *jsonRange   `json:"range,omitempty"`
	Snippet  *jsonSnippet `json:"snippet,omitempty"`
}

type jsonRange struct {
	Filename string  `json:"filename"`
	Start    jsonPos `json:"start"`
	End      jsonPos `json:"end"`
}

type jsonPos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Byte   int `json:"byte"`
}

type jsonSnippet struct {
	Context              *string `json:"context"`
	Code                 string  `json:"code"`
	StartLine            int     `json:"start_line"`
	HighlightStartOffset int     `json:"highlight_start_offset"`
	HighlightEndOffset   int     `json:"highlight_end_offset"`
	// Values is always empty: entente's expressions have no variables. It is
	// there because terraform validate -json has it.
	Values []any `json:"values"`
}

func newJSONValidation(files map[string]*hcl.File, diags hcl.Diagnostics) jsonValidation {
	out := jsonValidation{FormatVersion: "1.0", Valid: !diags.HasErrors(), Diagnostics: []jsonDiagnostic{}}
	longLines := map[string]bool{}
	for name, f := range files {
		longLines[name] = f != nil && hasLongLine(f.Bytes)
	}
	for _, d := range diags {
		jd := jsonDiagnostic{Severity: "error", Summary: d.Summary, Detail: d.Detail}
		if d.Severity == hcl.DiagWarning {
			jd.Severity = "warning"
			out.WarningCount++
		} else {
			out.ErrorCount++
		}
		if d.Subject != nil {
			r := *d.Subject
			jd.Range = &jsonRange{
				Filename: r.Filename,
				Start:    jsonPos{r.Start.Line, r.Start.Column, r.Start.Byte},
				End:      jsonPos{r.End.Line, r.End.Column, r.End.Byte},
			}
			if f := files[r.Filename]; f != nil && f.Bytes != nil && !longLines[r.Filename] {
				jd.Snippet = snippet(f, r, d.Context)
			}
		}
		out.Diagnostics = append(out.Diagnostics, jd)
	}
	return out
}

// snippet returns the source lines of a diagnostic and where its subject
// lies in them.
func snippet(f *hcl.File, subject hcl.Range, context *hcl.Range) *jsonSnippet {
	rng := subject
	if context != nil {
		rng = hcl.RangeOver(subject, *context)
	}
	var code bytes.Buffer
	start, startByte := 0, 0
	sc := hcl.NewRangeScanner(f.Bytes, subject.Filename, bufio.ScanLines)
	for sc.Scan() {
		line := sc.Range()
		if line.Start.Line < rng.Start.Line || line.Start.Line > rng.End.Line {
			continue
		}
		if start == 0 {
			start, startByte = line.Start.Line, line.Start.Byte
		} else {
			code.WriteByte('\n')
		}
		code.Write(sc.Bytes())
	}
	s := &jsonSnippet{
		Code:                 code.String(),
		StartLine:            start,
		HighlightStartOffset: subject.Start.Byte - startByte,
		HighlightEndOffset:   subject.End.Byte - startByte,
		Values:               []any{},
	}
	if nav, ok := f.Nav.(interface{ ContextString(int) string }); ok {
		if c := nav.ContextString(subject.Start.Byte); c != "" {
			s.Context = &c
		}
	}
	return s
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
