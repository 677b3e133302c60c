package output

import (
	"encoding/json"
	"io"

	"github.com/entente-dev/entente/evaluator"
)

// JSON writes the verdict document of SPEC §4.
type JSON struct{}

// Output writes v as indented JSON.
func (JSON) Output(w io.Writer, v *evaluator.Verdict) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
