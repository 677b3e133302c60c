package diff

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/entente-dev/entente/internal/figures"
)

// Schema names the JSON document of a diff (docs/diff.schema.json).
const Schema = "entente.diff/v1"

// Document is the JSON document of a diff: the result, and the impact on
// data when a source was given.
type Document struct {
	Schema string `json:"schema"`
	// Old and New say what was compared: paths, a Git revision, bundles.
	Old string `json:"old"`
	New string `json:"new"`
	// On says what the impact was measured on ("October 2026", "at
	// 2026-10-22T12:00:00Z"); empty without a source.
	On         string     `json:"on,omitempty"`
	Agreements []Versions `json:"agreements"`
	Changes    []Change   `json:"changes"`
	Problems   []Problem  `json:"problems"`
	Impact     []Impact   `json:"impact"`
}

// NewDocument puts a result and its impact together.
func NewDocument(r *Result, old, new, on string, impact []Impact) *Document {
	if impact == nil {
		impact = []Impact{}
	}
	return &Document{Schema: Schema, Old: old, New: new, On: on, Agreements: r.Agreements, Changes: r.Changes, Problems: r.Problems, Impact: impact}
}

// changesOf are the changes of one agreement.
func (d *Document) changesOf(name string) []Change {
	var out []Change
	for _, c := range d.Changes {
		if c.Agreement == name {
			out = append(out, c)
		}
	}
	return out
}

func (d *Document) impactOf(name string) *Impact {
	for i := range d.Impact {
		if d.Impact[i].Agreement == name {
			return &d.Impact[i]
		}
	}
	return nil
}

func (d *Document) problemsOf(name string) []Problem {
	var out []Problem
	for _, p := range d.Problems {
		if p.Agreement == name {
			out = append(out, p)
		}
	}
	return out
}

// Text writes the diff for a terminal: per agreement, its changes, its
// problems and its impact.
func Text(w io.Writer, d *Document) error {
	changed := 0
	for _, a := range d.Agreements {
		cs := d.changesOf(a.Agreement)
		if len(cs) == 0 {
			continue
		}
		changed++
		fmt.Fprintf(w, "%s %s: %s\n", a.Agreement, versions(a), summary(cs))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, c := range cs {
			fmt.Fprintf(tw, "  %s\t%s\t%s (%s)\t%s\n", c.Subject(), oldNew(c), c.Direction(), c.Why, where(c.File, c.Line))
		}
		tw.Flush()
		for _, p := range d.problemsOf(a.Agreement) {
			fmt.Fprintf(w, "  %s: %s\n", p.Severity, p.Message)
		}
		if i := d.impactOf(a.Agreement); i != nil && d.On != "" {
			fmt.Fprintf(w, "  %s: %s\n", "impact on "+d.On, impactText(*i))
		}
		fmt.Fprintln(w)
	}
	if changed == 0 {
		fmt.Fprintf(w, "No change of terms between %s and %s.\n", d.Old, d.New)
		return nil
	}
	fmt.Fprintf(w, "%s changed between %s and %s", plural(changed, "agreement"), d.Old, d.New)
	if errs, warns := counts(d.Problems); errs+warns > 0 {
		fmt.Fprintf(w, "; %s, %s", plural(errs, "error"), plural(warns, "warning"))
	}
	fmt.Fprintln(w, ".")
	return nil
}

// Markdown writes the diff for a pull-request comment: a summary table,
// then the details of each agreement.
func Markdown(w io.Writer, d *Document) error {
	fmt.Fprintf(w, "## What this change means for the agreements\n\n")
	fmt.Fprintf(w, "Compared: `%s` → `%s`", d.Old, d.New)
	if d.On != "" {
		fmt.Fprintf(w, " · impact measured on %s", d.On)
	}
	fmt.Fprint(w, "\n\n")
	var rows []string
	for _, a := range d.Agreements {
		cs := d.changesOf(a.Agreement)
		if len(cs) == 0 {
			continue
		}
		impact := "—"
		if i := d.impactOf(a.Agreement); i != nil && d.On != "" {
			impact = impactText(*i)
		}
		rows = append(rows, fmt.Sprintf("| `%s` %s | %s | %s | %s |", a.Agreement, cell(versions(a)), cell(changeList(cs)), cell(directions(cs)), cell(impact)))
	}
	if len(rows) == 0 {
		fmt.Fprintf(w, "No change of terms.\n")
		return nil
	}
	fmt.Fprintln(w, "| Agreement | Change | Direction | Impact |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for _, r := range rows {
		fmt.Fprintln(w, r)
	}
	fmt.Fprintln(w)
	if errs, warns := counts(d.Problems); errs+warns > 0 {
		for _, p := range d.Problems {
			mark := "⚠️ warning"
			if p.Severity == "error" {
				mark = "❌ error"
			}
			fmt.Fprintf(w, "- %s: %s (%s)\n", mark, p.Message, where(p.File, p.Line))
		}
		fmt.Fprintln(w)
	}
	for _, a := range d.Agreements {
		cs := d.changesOf(a.Agreement)
		if len(cs) == 0 {
			continue
		}
		fmt.Fprintf(w, "### %s %s\n\n", a.Agreement, versions(a))
		fmt.Fprintln(w, "| Term | Before | After | Direction | Why | Where |")
		fmt.Fprintln(w, "|---|---|---|---|---|---|")
		for _, c := range cs {
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", cell(c.Subject()), code(c.Old), code(c.New), c.Direction(), cell(c.Why), cell(where(c.File, c.Line)))
		}
		fmt.Fprintln(w)
		if i := d.impactOf(a.Agreement); i != nil && d.On != "" {
			impactTable(w, *i, d.On)
		}
	}
	return nil
}

// impactTable writes an agreement's outcome before and after.
func impactTable(w io.Writer, i Impact, on string) {
	fmt.Fprintf(w, "On %s:\n\n", on)
	fmt.Fprintln(w, "| | Old terms | New terms |")
	fmt.Fprintln(w, "|---|---|---|")
	status := func(o *Outcome) string {
		if o == nil {
			return "not in this version"
		}
		return o.Status
	}
	fmt.Fprintf(w, "| agreement | %s | %s |\n", status(i.Old), status(i.New))
	for _, name := range sloNames(i) {
		fmt.Fprintf(w, "| SLO %s | %s | %s |\n", name, cell(sloText(i.Old, name)), cell(sloText(i.New, name)))
	}
	for _, name := range creditNames(i) {
		fmt.Fprintf(w, "| credit %s | %s | %s |\n", name, cell(creditText(i.Old, name)), cell(creditText(i.New, name)))
	}
	fmt.Fprintf(w, "| credits in total | %s | %s |\n\n", cell(totalText(i.Old)), cell(totalText(i.New)))
}

// GitHub writes workflow commands: an error or warning for each problem
// and a notice for each change, on its line of the new files.
func GitHub(w io.Writer, d *Document) error {
	for _, p := range d.Problems {
		fmt.Fprintf(w, "::%s %s::%s\n", p.Severity, location(p.File, p.Line, "entente diff"), escape(p.Message))
	}
	for _, c := range d.Changes {
		title := c.Agreement + ": " + c.Direction()
		msg := c.Subject() + " " + oldNew(c) + " (" + c.Why + ")"
		if i := d.impactOf(c.Agreement); i != nil && d.On != "" && i.Changed() {
			msg += "; on " + d.On + ": " + impactText(*i)
		}
		fmt.Fprintf(w, "::notice %s::%s\n", location(c.File, c.Line, title), escape(msg))
	}
	return nil
}

func location(file string, line int, title string) string {
	parts := []string{}
	if file != "" {
		parts = append(parts, "file="+escapeProperty(file))
		if line > 0 {
			parts = append(parts, "line="+strconv.Itoa(line))
		}
	}
	parts = append(parts, "title="+escapeProperty(title))
	return strings.Join(parts, ",")
}

// escape and escapeProperty follow GitHub's workflow command encoding.
func escape(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// Words.

func versions(a Versions) string {
	switch {
	case a.OldVersion == "":
		return a.NewVersion + " (new)"
	case a.NewVersion == "":
		return a.OldVersion + " (removed)"
	case a.OldVersion == a.NewVersion:
		return a.NewVersion
	}
	return a.OldVersion + " → " + a.NewVersion
}

func summary(cs []Change) string {
	return plural(len(cs), "change") + ": " + directions(cs)
}

// directions counts the changes by direction: "2 looser for the
// provider, 1 neutral".
func directions(cs []Change) string {
	var order []string
	n := map[string]int{}
	for _, c := range cs {
		dir := c.Direction()
		if n[dir] == 0 {
			order = append(order, dir)
		}
		n[dir]++
	}
	parts := make([]string, len(order))
	for i, dir := range order {
		parts[i] = fmt.Sprintf("%d %s", n[dir], dir)
	}
	return strings.Join(parts, ", ")
}

func changeList(cs []Change) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.Subject() + " " + oldNew(c)
	}
	return strings.Join(parts, "<br>")
}

func oldNew(c Change) string {
	switch {
	case c.Kind == "added" && c.Old == "":
		if c.New == "" {
			return "added"
		}
		return "added: " + c.New
	case c.Kind == "removed" && c.New == "":
		if c.Old == "" {
			return "removed"
		}
		return "removed (was " + c.Old + ")"
	}
	return or(c.Old, "unset") + " → " + or(c.New, "unset")
}

func or(s, dflt string) string {
	if s == "" {
		return dflt
	}
	return s
}

func where(file string, line int) string {
	if file == "" {
		return ""
	}
	if line > 0 {
		return file + ":" + strconv.Itoa(line)
	}
	return file
}

func counts(ps []Problem) (errs, warns int) {
	for _, p := range ps {
		if p.Severity == "error" {
			errs++
		} else {
			warns++
		}
	}
	return errs, warns
}

// impactText says what the change does to the verdict: "breached (was
// compliant); SLO availability fail (was pass); credits 0 → 10%, 1,200
// EUR".
func impactText(i Impact) string {
	switch {
	case i.Old == nil:
		return "new: " + i.New.Status
	case i.New == nil:
		return "removed (was " + i.Old.Status + ")"
	case !i.Changed():
		return "no change: " + i.New.Status
	}
	var parts []string
	if i.Old.Status != i.New.Status {
		parts = append(parts, i.New.Status+" (was "+i.Old.Status+")")
	} else {
		parts = append(parts, "still "+i.New.Status)
	}
	for _, name := range sloNames(i) {
		o, n := sloText(i.Old, name), sloText(i.New, name)
		if o != n {
			parts = append(parts, "SLO "+name+" "+n+" (was "+o+")")
		}
	}
	if o, n := totalText(i.Old), totalText(i.New); o != n {
		parts = append(parts, "credits "+o+" → "+n)
	}
	return strings.Join(parts, "; ")
}

func sloNames(i Impact) []string {
	var out []string
	for _, o := range []*Outcome{i.Old, i.New} {
		if o == nil {
			continue
		}
		for _, s := range o.SLOs {
			out = union(out, []string{s.Name})
		}
	}
	return out
}

func creditNames(i Impact) []string {
	var out []string
	for _, o := range []*Outcome{i.Old, i.New} {
		if o == nil {
			continue
		}
		for _, c := range o.Credits {
			out = union(out, []string{c.Name})
		}
	}
	return out
}

func sloText(o *Outcome, name string) string {
	if o == nil {
		return "—"
	}
	for _, s := range o.SLOs {
		if s.Name == name {
			if s.Measured == nil {
				return s.Status
			}
			return s.Status + " " + figure(*s.Measured, s.Unit)
		}
	}
	return "no such SLO"
}

func creditText(o *Outcome, name string) string {
	if o == nil {
		return "—"
	}
	for _, c := range o.Credits {
		if c.Name == name {
			return c.Status + " " + money(c.Percent, c.Amount, o.Currency)
		}
	}
	return "no such credit"
}

func totalText(o *Outcome) string {
	if o == nil || o.CreditTotal == nil {
		return "—"
	}
	return money(o.CreditTotal.Percent, o.CreditTotal.Amount, o.Currency)
}

func money(percent, amount *float64, currency string) string {
	if percent == nil {
		return "unknown"
	}
	s := strconv.FormatFloat(*percent, 'f', -1, 64) + "%"
	if amount != nil && currency != "" {
		s += ", " + grouped(*amount) + " " + currency
	}
	return s
}

// figure writes a measured value: a percentage cut to four decimals, a
// value with its unit.
func figure(x float64, unit string) string {
	s := strconv.FormatFloat(math.Trunc(x*10000)/10000, 'f', -1, 64)
	switch unit {
	case "":
		return s
	case "%":
		return s + "%"
	}
	return s + " " + unit
}

// grouped writes an amount with thousands separators and cents when it
// has them: 1,200 or 0.82.
func grouped(x float64) string {
	s, _ := figures.Cut(x, 2)
	return strings.TrimSuffix(s, ".00")
}

// cell makes text safe in a Markdown table cell.
func cell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}

func code(s string) string {
	if s == "" {
		return "—"
	}
	return "`" + strings.NewReplacer("`", "'", "|", `\|`).Replace(s) + "`"
}
