package output

import (
	"fmt"
	"io"
	"strings"

	"github.com/entente-dev/entente/evaluator"
	"github.com/entente-dev/entente/verdict"
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

func annotate(w io.Writer, level string, at *verdict.Source, title, message string) {
	file, line := source(at)
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
		name := Printable(a.Name)
		for _, s := range a.SLOs {
			title := fmt.Sprintf("%s: SLO %s %s", name, Printable(s.Name), Printable(s.Status))
			switch s.Status {
			case "fail":
				annotate(w, "error", s.Source, title, Printable(s.Message))
			case "warn", "no_data", "error":
				annotate(w, "warning", s.Source, title, Printable(s.Message))
			}
		}
		for _, r := range a.Responsibilities {
			title := fmt.Sprintf("%s: responsibility %s %s", name, Printable(r.Name), Printable(r.Status))
			switch r.Status {
			case "breached":
				annotate(w, "error", r.Source, title, Printable(r.Message))
			case "unknown":
				annotate(w, "warning", r.Source, title, Printable(r.Message))
			}
		}
		if r := a.Review; r != nil && r.Status == "overdue" {
			annotate(w, "warning", a.Source, name+": review overdue", fmt.Sprintf("the review of %s was due on %s", name, Printable(r.Due.String())))
		}
	}
	fmt.Fprintf(w, "%s: %s at %s\n", "entente", v.Status, evaluated(v))
	if g.Summary != nil {
		return Markdown{}.Output(g.Summary, v)
	}
	return nil
}
