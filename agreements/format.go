package agreements

import (
	"bytes"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// Format returns src in the canonical layout: indentation, spacing and the
// alignment of "=" as `terraform fmt` writes them, and one newline at the end,
// keeping the file's line endings (LF or CRLF). A file with syntax errors
// is not formatted; its diagnostics are returned instead.
func Format(src []byte, filename string) ([]byte, hcl.Diagnostics) {
	if _, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos); diags.HasErrors() {
		return nil, diags
	}
	// A file written with CRLF line endings keeps them.
	crlf := bytes.Contains(src, []byte("\r\n"))
	if crlf {
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
	if crlf {
		out = bytes.ReplaceAll(out, []byte("\n"), []byte("\r\n"))
	}
	return out, nil
}
