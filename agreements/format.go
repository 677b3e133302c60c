package agreements

import (
	"bytes"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// Format returns src in the canonical layout: indentation, spacing and the
// alignment of "=" as `terraform fmt` writes them, and one newline at the end,
// keeping each line's ending (LF or CRLF): a file written with CRLF stays
// so, and a single CRLF line, in a heredoc say, keeps its own. A file with
// syntax errors is not formatted; its diagnostics are returned instead.
func Format(src []byte, filename string) ([]byte, hcl.Diagnostics) {
	return DefaultLimits().Format(src, filename)
}

// Format is Format within the limits.
func (l Limits) Format(src []byte, filename string) ([]byte, hcl.Diagnostics) {
	if diags := l.CheckSource(src, filename); diags.HasErrors() {
		return nil, diags
	}
	if _, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos); diags.HasErrors() {
		return nil, capDiagnostics(diags, filename)
	}
	var crlf []bool // of each line of src
	if bytes.Contains(src, []byte("\r\n")) {
		for _, line := range bytes.SplitAfter(src, []byte("\n")) {
			crlf = append(crlf, bytes.HasSuffix(line, []byte("\r\n")))
		}
		src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	}
	out := hclwrite.Format(src)
	// hclwrite leaves what follows the last token alone; end the file with
	// exactly one newline, as every editor expects.
	out = bytes.TrimRight(out, " \t\r\n")
	if len(out) == 0 {
		return out, nil
	}
	out = append(out, '\n')
	if crlf == nil {
		return out, nil
	}
	// hclwrite changes the spacing within lines, never which lines there
	// are: line i of the output is line i of the input, and takes its
	// ending. A line that had none (the last) takes the file's, CRLF when
	// every other line is.
	all := true
	for i, c := range crlf {
		if i < len(crlf)-1 && !c {
			all = false
		}
	}
	endedLast := bytes.HasSuffix(src, []byte("\n"))
	var b bytes.Buffer
	for i, line := range bytes.SplitAfter(out, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		ending := all
		if i < len(crlf)-1 || (i == len(crlf)-1 && endedLast) {
			ending = crlf[i]
		}
		if ending {
			line = append(bytes.TrimSuffix(line, []byte("\n")), '\r', '\n')
		}
		b.Write(line)
	}
	return b.Bytes(), nil
}
