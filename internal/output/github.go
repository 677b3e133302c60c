package output

import (
	"fmt"
	"io"
	"strings"

	"github.com/entente-dev/entente/evaluator"
)

// GitHub writes workflow commands that annotate the HCL line of each
// failing SLO and breached responsibility (::error) and of each warning
// (::warning), and appends the Markdown summary to Summary.
type GitHub struct {
	Summary io.Writer
}

// escape encodes a workflow command's data and properties as the runner
// reads them.
func escape(s string, property bool) string {
	s = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
	if property {
		s = strings.NewReplacer(":", "%3A", ",", "%2C").Replace(s)
	}
	return s
}

func annotate(w io.Writer, level string, block map[string]any, title, message string) {
	file, line := source(block)
	props := []string{}
	if file != "" {
		props = append(props, "file="+escape(file, true))
		if line > 0 {
			props = append(props, fmt.Sprintf("line=%d", line))
		}
	}
	props = append(props, "title="+escape(title, true))
	fmt.Fprintf(w, "::%s %s::%s\n", level, strings.Join(props, ","), escape(message, false))
}

// Output writes v.
func (g *GitHub) Output(w io.Writer, v *evaluator.Verdict) error {
	for _, a := range v.Agreements {
		name := str(a, "agreement")
		for _, s := range list(a, "slos") {
			title := fmt.Sprintf("%s: SLO %s %s", name, str(s, "name"), str(s, "status"))
			switch str(s, "status") {
			case "fail":
				annotate(w, "error", s, title, str(s, "message"))
			case "warn", "no_data", "error":
				annotate(w, "warning", s, title, str(s, "message"))
			}
		}
		for _, r := range list(a, "responsibilities") {
			title := fmt.Sprintf("%s: responsibility %s %s", name, str(r, "name"), str(r, "status"))
			switch str(r, "status") {
			case "breached":
				annotate(w, "error", r, title, str(r, "message"))
			case "unknown":
				annotate(w, "warning", r, title, str(r, "message"))
			}
		}
		if r := object(a, "review"); r != nil && str(r, "status") == "overdue" {
			annotate(w, "warning", a, name+": review overdue", fmt.Sprintf("the review of %s was due on %s", name, str(r, "due")))
		}
	}
	fmt.Fprintf(w, "%s: %s at %s\n", "entente", v.Status, v.EvaluatedAt)
	if g.Summary != nil {
		return Markdown{}.Output(g.Summary, v)
	}
	return nil
}
