package agreements

import (
	"fmt"
	"io"
	"io/fs"
	"os"

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

// The default limits: an agreement file is a few kilobytes and nests a
// handful deep.
const (
	DefaultMaxFileSize = 32 << 20
	DefaultMaxNesting  = 100
)

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
