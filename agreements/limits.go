package agreements

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Limits bound what entente reads of agreement files, so that a file
// nobody meant to give it (a named pipe, /dev/zero, a generated file of
// brackets nested a hundred thousand deep, on which HCL's parser would
// exhaust its stack and take the process down) is an error, not a crash or
// a hang.
type Limits struct {
	// MaxFileSize is the largest file read, in bytes.
	MaxFileSize int64
	// MaxNesting is how deep brackets, braces, parentheses and template
	// interpolations may nest.
	MaxNesting int
}

// The default limits: an agreement file is a few kilobytes (the examples
// are 4 to 9 KiB: 512 KiB holds some sixty such agreements) and nests a
// handful deep. HCL holds every token and every diagnostic of a file while
// it parses it, 200 to 500 bytes per byte of a hostile file: 512 KiB
// parses in under 300 MB at worst.
const (
	DefaultMaxFileSize = 512 << 10
	DefaultMaxNesting  = 100
	// MaxFileDiagnostics is how many diagnostics of one file are kept; the
	// rest are counted in one last diagnostic, as a compiler stops at "too
	// many errors".
	MaxFileDiagnostics = 100
)

// capDiagnostics keeps the first MaxFileDiagnostics diagnostics of a file
// and says how many more there were.
func capDiagnostics(diags hcl.Diagnostics, filename string) hcl.Diagnostics {
	if len(diags) <= MaxFileDiagnostics {
		return diags
	}
	rest := len(diags) - MaxFileDiagnostics
	out := append(hcl.Diagnostics{}, diags[:MaxFileDiagnostics]...)
	d := &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Too many errors",
		Detail:   fmt.Sprintf("%s holds %d more problems, not shown: fix the ones above first. Is this file an agreement?", filename, rest),
	}
	if last := diags[MaxFileDiagnostics].Subject; last != nil {
		d.Subject = last
	}
	return append(out, d)
}

// DefaultLimits are the limits of Load, Parse and Format.
func DefaultLimits() Limits {
	return Limits{MaxFileSize: DefaultMaxFileSize, MaxNesting: DefaultMaxNesting}
}

func (l Limits) orDefault() Limits {
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = DefaultMaxFileSize
	}
	if l.MaxNesting <= 0 {
		l.MaxNesting = DefaultMaxNesting
	}
	return l
}

// ReadFile reads an agreement file: a regular file (or a link to one) no
// larger than MaxFileSize. A named pipe or a device is refused before it
// is opened, so that reading never blocks.
func (l Limits) ReadFile(name string) ([]byte, error) {
	l = l.orDefault()
	info, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, &LimitError{fmt.Sprintf("%s is %s, not a regular file: entente reads agreements from regular files only", name, fileKind(info.Mode()))}
	}
	if info.Size() > l.MaxFileSize {
		return nil, tooLarge(name, info.Size(), l.MaxFileSize)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, l.MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > l.MaxFileSize {
		return nil, tooLarge(name, int64(len(b)), l.MaxFileSize)
	}
	return b, nil
}

func tooLarge(name string, size, limit int64) error {
	return &LimitError{fmt.Sprintf("%s holds more than %s, the most an agreement file may (--max-file-size): split it, or raise the limit", name, bytesText(limit))}
}

// LimitError is a file refused by the limits; its message names the file.
type LimitError struct{ msg string }

func (e *LimitError) Error() string { return e.msg }

func bytesText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}

// CheckSource reports, before a file is parsed, what would make parsing it
// useless or dangerous: bytes that are not UTF-8 text (a binary file given
// by mistake, on which HCL would report an error per byte) and nesting
// deeper than MaxNesting.
func (l Limits) CheckSource(src []byte, filename string) hcl.Diagnostics {
	if diags := CheckText(src, filename); diags.HasErrors() {
		return diags
	}
	return l.CheckNesting(src, filename)
}

// CheckText reports the first byte of src that cannot be in an agreement
// file: a NUL, or a byte that is not part of UTF-8 text.
func CheckText(src []byte, filename string) hcl.Diagnostics {
	bad := bytes.IndexByte(src, 0)
	what := "A NUL byte"
	if valid := utf8Prefix(src); valid < len(src) && (bad < 0 || valid < bad) {
		bad, what = valid, fmt.Sprintf("Byte 0x%02x, which is not UTF-8,", src[valid])
	}
	if bad < 0 {
		return nil
	}
	pos := hcl.Pos{Line: 1 + bytes.Count(src[:bad], []byte("\n")), Byte: bad}
	pos.Column = 1 + utf8.RuneCount(src[bytes.LastIndexByte(src[:bad], '\n')+1:bad])
	end := hcl.Pos{Line: pos.Line, Column: pos.Column + 1, Byte: bad + 1}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Not a text file",
		Detail:   fmt.Sprintf("%s is here: an agreement file is UTF-8 text. Is this file an agreement? If it is, save it as UTF-8.", what),
		Subject:  &hcl.Range{Filename: filename, Start: pos, End: end},
	}}
}

// utf8Prefix is the length of the longest prefix of b that is valid UTF-8.
func utf8Prefix(b []byte) int {
	if utf8.Valid(b) {
		return len(b)
	}
	i := 0
	for i < len(b) {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return i
}

// CheckNesting reports, before the file is parsed, brackets, braces,
// parentheses and template interpolations that nest deeper than
// MaxNesting: HCL's parser descends once per level, and a deep enough
// file would exhaust its stack. The lexer does not recurse.
func (l Limits) CheckNesting(src []byte, filename string) hcl.Diagnostics {
	l = l.orDefault()
	// Counting every bracket, in strings and comments too, overestimates:
	// a file within the limit by that count needs no lexing.
	depth, deepest := 0, 0
	for _, c := range src {
		switch c {
		case '{', '[', '(':
			depth++
			deepest = max(deepest, depth)
		case '}', ']', ')':
			depth--
		}
	}
	if deepest <= l.MaxNesting {
		return nil
	}
	tokens, _ := hclsyntax.LexConfig(src, filename, hcl.InitialPos)
	depth = 0
	for _, t := range tokens {
		switch t.Type {
		case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen, hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl:
			depth++
		case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen, hclsyntax.TokenTemplateSeqEnd:
			depth--
		}
		if depth > l.MaxNesting {
			return hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Nesting too deep",
				Detail:   fmt.Sprintf("Brackets, braces and parentheses nest more than %d deep here (--max-nesting); an agreement needs a handful. Is this file an agreement?", l.MaxNesting),
				Subject:  t.Range.Ptr(),
			}}
		}
	}
	return nil
}
