// Package interop holds what the translators between entente agreements
// and the other SLO languages (OpenSLO in interop/openslo, Sloth in
// interop/sloth) share: the agreement file they write, in the canonical
// layout of `entente fmt`, the source files they read, and the PromQL
// rewriting that turns their queries into entente's.
//
// The translators build a File of Blocks rather than an
// agreements.Agreement: an agreement holds evaluated values, and an
// import must write what a person reads and edits, comments and TODO
// markers included.
package interop

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/entente-dev/entente/agreements"
)

// Source is a file read by an import: its name, as diagnostics show it,
// and its bytes.
type Source struct {
	Name  string
	Bytes []byte
}

// The TODO comments stand where an imported agreement lacks a block that
// a contract needs and the other languages do not say.
var (
	TODOParties = []string{"TODO: the parties, party \"provider\" and party \"customer\", with their", "legal names (docs/language.md#party)."}
	TODOCredits = []string{"TODO: the monthly fee and the service credits owed when an SLO is missed", "(docs/language.md#fee and #credit)."}
	TODOReview  = []string{"TODO: how often the agreement is reviewed, and by whom", "(docs/language.md#review)."}
)

// Agreement is an agreement file written by an import.
type Agreement struct {
	// Name is the agreement's name; FileName the name of its file
	// (NAME.hcl), which diagnostics about the file name.
	Name     string
	FileName string
	HCL      []byte
	// Invalid says that the agreement written does not validate: it is
	// not to be written, and the diagnostics about it show its text.
	Invalid bool
}

// File is an agreement file to write: comment lines above one agreement.
type File struct {
	// Header holds the comment lines above the agreement, without "# ".
	Header    []string
	Agreement *Block
}

// Block is an HCL block to write. Blank lines separate a block's nested
// blocks from its attributes and from each other.
type Block struct {
	Type   string
	Labels []string
	// Comment holds the comment lines above the block, without "# ".
	Comment []string
	Attrs   []Attr
	Blocks  []*Block
	// Raw, when set, is HCL written as it is in place of the block (blocks
	// an export carried in an annotation); the other fields are unused.
	Raw string
}

// Attr is one attribute of a block: its name and the HCL text of its value
// (made with String, Query or Number).
type Attr struct {
	Name    string
	Value   string
	Comment string // on the same line, after the value
}

// Add appends an attribute.
func (b *Block) Add(name, value string) { b.Attrs = append(b.Attrs, Attr{Name: name, Value: value}) }

// Render writes the file in the canonical layout of `entente fmt`.
func (f *File) Render() []byte {
	var b strings.Builder
	writeComment(&b, f.Header, "")
	f.Agreement.write(&b, "")
	out, diags := agreements.Format([]byte(b.String()), "generated.hcl")
	if diags.HasErrors() {
		// Every value went through String, Query or Number, so the text
		// parses; should it not, the unformatted text shows why.
		return []byte(b.String())
	}
	return out
}

func (blk *Block) write(b *strings.Builder, indent string) {
	if blk.Raw != "" {
		for line := range strings.SplitSeq(strings.TrimRight(blk.Raw, "\n"), "\n") {
			if strings.TrimSpace(line) == "" {
				b.WriteString("\n")
				continue
			}
			b.WriteString(line + "\n")
		}
		return
	}
	writeComment(b, blk.Comment, indent)
	if blk.Type == "" {
		return // a comment alone: the place of a block still to write
	}
	b.WriteString(indent + blk.Type)
	for _, l := range blk.Labels {
		b.WriteString(" " + String(l))
	}
	b.WriteString(" {\n")
	inner := indent + "  "
	for _, a := range blk.Attrs {
		b.WriteString(inner + a.Name + " = " + indentHeredoc(a.Value, inner))
		if a.Comment != "" {
			b.WriteString(" # " + a.Comment)
		}
		b.WriteString("\n")
	}
	for i, nested := range blk.Blocks {
		if i > 0 || len(blk.Attrs) > 0 {
			b.WriteString("\n")
		}
		nested.write(b, inner)
	}
	b.WriteString(indent + "}\n")
}

// commentWidth is the width comments are wrapped at, indentation included.
const commentWidth = 80

func writeComment(b *strings.Builder, lines []string, indent string) {
	for _, l := range lines {
		if l == "" {
			b.WriteString(indent + "#\n")
			continue
		}
		line := indent + "#"
		for _, word := range strings.Fields(l) {
			if len(line)+1+len(word) > commentWidth && len(line) > len(indent)+1 {
				b.WriteString(line + "\n")
				line = indent + "#"
			}
			line += " " + word
		}
		b.WriteString(line + "\n")
	}
}

// String is the HCL text of a string: quoted, with "${" and "%{" escaped
// so that no text is read as an interpolation.
func String(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case (c == '$' || c == '%') && i+1 < len(s) && s[i+1] == '{':
			b.WriteByte(c)
			b.WriteByte(c)
		case c < 0x20:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// heredocMark starts the lines of a heredoc in an Attr's Value, to be
// indented when the block is written.
const heredocMark = "\x00"

// Query is the HCL text of a PromQL query in which ${window} is the window:
// a quoted string, or a heredoc when the query has several lines.
//
// PromQL reads single and double quotes alike; a query without single
// quotes or backslashes is written with single quotes, which HCL does not
// escape.
func Query(q string) string {
	const window = agreements.WindowVar
	if !strings.ContainsAny(q, `'\`) {
		q = strings.ReplaceAll(q, `"`, "'")
	}
	parts := strings.Split(q, window)
	for i, p := range parts {
		parts[i] = strings.TrimSuffix(strings.TrimPrefix(String(p), `"`), `"`)
	}
	if !strings.Contains(q, "\n") {
		return `"` + strings.Join(parts, window) + `"`
	}
	// In a heredoc only interpolations are escaped; the text is as it is.
	marker := "EOT"
	for strings.Contains(q, marker) {
		marker += "T"
	}
	body := strings.ReplaceAll(strings.ReplaceAll(q, "${", "$${"), "%{", "%%{")
	body = strings.ReplaceAll(body, "$"+window, window)
	body = strings.TrimSuffix(body, "\n")
	var b strings.Builder
	b.WriteString("<<-" + marker + "\n")
	for line := range strings.SplitSeq(body, "\n") {
		b.WriteString(heredocMark + line + "\n")
	}
	b.WriteString(heredocMark + "\x01" + marker)
	return b.String()
}

// indentHeredoc indents the lines of a heredoc value one level below the
// attribute, and its closing marker at the attribute's level.
func indentHeredoc(v, indent string) string {
	if !strings.Contains(v, heredocMark) {
		return v
	}
	v = strings.ReplaceAll(v, heredocMark+"\x01", indent)
	return strings.ReplaceAll(v, heredocMark, indent+"  ")
}

// Number is the HCL text of a number given as decimal text ("99.9", "1e3"
// is refused by the caller), kept as written.
func Number(text string) string { return text }

// Range is the range of a line and column of a source, for a diagnostic:
// the column to the end of the line.
func Range(src Source, line, column int) *hcl.Range {
	if line <= 0 {
		return &hcl.Range{Filename: src.Name, Start: hcl.InitialPos, End: hcl.InitialPos}
	}
	offset, l := 0, 1
	for l < line && offset < len(src.Bytes) {
		i := strings.IndexByte(string(src.Bytes[offset:]), '\n')
		if i < 0 {
			offset = len(src.Bytes)
			break
		}
		offset += i + 1
		l++
	}
	start := min(offset+max(column-1, 0), len(src.Bytes))
	end := start
	for end < len(src.Bytes) && src.Bytes[end] != '\n' && src.Bytes[end] != '\r' {
		end++
	}
	return &hcl.Range{
		Filename: src.Name,
		Start:    hcl.Pos{Line: line, Column: column, Byte: start},
		End:      hcl.Pos{Line: line, Column: column + (end - start), Byte: end},
	}
}
