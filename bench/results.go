package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// unit says how a figure reads.
type unit int

const (
	perSecond unit = iota // requests per second
	seconds               // a duration, in seconds
	byteSize              // bytes
	count                 // a plain number
)

func (u unit) format(v float64) string {
	switch u {
	case perSecond:
		return fmt.Sprintf("%s req/s", thousands(v))
	case seconds:
		return formatDuration(time.Duration(v * float64(time.Second)))
	case byteSize:
		return fmt.Sprintf("%.1f MiB", v/(1<<20))
	}
	return thousands(v)
}

func formatDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// thousands writes a number rounded, with thousands separated.
func thousands(v float64) string {
	s := fmt.Sprintf("%.0f", math.Round(v))
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// goal is what the issue asks of a ratio (entente / peer).
type goal struct {
	text string
	met  func(ratio float64) bool // nil: the issue sets no goal
}

var noGoal = goal{text: "—"}

// atLeast: entente's figure is at least x times the peer's (higher is
// better: throughput).
func atLeast(x float64) goal {
	return goal{text: fmt.Sprintf("≥ %s×", trimRatio(x)), met: func(r float64) bool { return r >= x }}
}

// atMost: entente's figure is at most x times the peer's (lower is
// better: time, latency).
func atMost(x float64) goal {
	return goal{text: fmt.Sprintf("≤ %s×", trimRatio(x)), met: func(r float64) bool { return r <= x }}
}

// equal: the two figures are the same.
var equal = goal{text: "= 1×", met: func(r float64) bool { return r == 1 }}

func trimRatio(x float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", x), "0"), ".")
}

// section is one comparison: what is set side by side, and how.
type section struct {
	name   string // "1. decisions"
	method string
}

// result is one line of the results: a figure of entente beside the same
// figure of its peer.
type result struct {
	comparison string // the section's name
	measure    string
	unit       unit
	entente    float64
	peer       float64
	goal       goal
	note       string
}

func (r result) ratio() float64 {
	if r.peer == 0 {
		return math.NaN()
	}
	return r.entente / r.peer
}

func (r result) status() string {
	if r.goal.met == nil {
		return "—"
	}
	if r.goal.met(r.ratio()) {
		return "met"
	}
	return "missed"
}

func (r result) ratioText() string {
	x := r.ratio()
	if math.IsNaN(x) {
		return "—"
	}
	switch {
	case x >= 100:
		return fmt.Sprintf("%.0f×", x)
	case x < 0.1:
		return fmt.Sprintf("%.2g×", x)
	}
	return fmt.Sprintf("%.2f×", x)
}

func (h *harness) section(name, method string) {
	h.sections = append(h.sections, section{name, method})
	h.logf("%s: %s", name, method)
}

func (h *harness) add(r result) {
	r.comparison = h.sections[len(h.sections)-1].name
	h.results = append(h.results, r)
	h.logf("%s: %s: %s vs %s: %s", r.comparison, r.measure, r.unit.format(r.entente), r.unit.format(r.peer), r.ratioText())
}

// printResults writes the results of each comparison as a table.
func printResults(w io.Writer, sections []section, results []result) {
	for _, s := range sections {
		fmt.Fprintf(w, "\n%s: %s\n", s.name, s.method)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  MEASURE\tENTENTE\tPEER\tRATIO\tGOAL\tRESULT")
		var notes []string
		for _, r := range results {
			if r.comparison != s.name {
				continue
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", r.measure, r.unit.format(r.entente), r.unit.format(r.peer), r.ratioText(), r.goal.text, r.status())
			if r.note != "" {
				notes = append(notes, r.measure+": "+r.note)
			}
		}
		tw.Flush()
		for _, n := range notes {
			fmt.Fprintf(w, "  * %s\n", n)
		}
	}
}

// writeMarkdown writes the machine and the results as Markdown, for
// docs/benchmarks.md.
func writeMarkdown(path string, m machine, sections []section, results []result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "| machine | |\n|---|---|\n")
	fmt.Fprintf(&b, "| CPUs (`nproc`) | %d |\n| CPU | %s |\n| memory | %s |\n| kernel | Linux %s |\n", m.CPUs, m.CPU, m.Memory, m.Kernel)
	fmt.Fprintf(&b, "| Go | %s |\n| entente | %s |\n| OPA | %s |\n| Prometheus | %s |\n| promtool | %s |\n", m.Go, m.Entente, m.OPA, m.Prometheus, m.Promtool)
	for _, s := range sections {
		fmt.Fprintf(&b, "\n### %s\n\n%s.\n\n", s.name, s.method)
		b.WriteString("| measure | entente | peer | ratio | goal | result |\n|---|---:|---:|---:|---|---|\n")
		var notes []string
		for _, r := range results {
			if r.comparison != s.name {
				continue
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", r.measure, r.unit.format(r.entente), r.unit.format(r.peer), r.ratioText(), r.goal.text, r.status())
			if r.note != "" {
				notes = append(notes, r.measure+": "+r.note)
			}
		}
		if len(notes) > 0 {
			b.WriteString("\n")
		}
		for _, n := range notes {
			fmt.Fprintf(&b, "- %s\n", n)
		}
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// median of figures; of an even number, the mean of the middle two.
func median[T ~int64 | ~float64](xs []T) T {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
