// Package diff says what a change to a set of agreements means: which terms
// changed, from what to what, where in the new files, and for which party
// each change is stricter or looser. It also keeps versions honest: terms
// changed under the same version, or under a patch bump, and a review date
// moved back.
//
// The rules, one per attribute of the language, are documented in
// docs/language.md ("Changes"): a reviewer who does not read HCL approves a
// contract change from them.
package diff

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/prometheus/common/model"

	"github.com/entente-dev/entente/agreements"
)

// Effect is what a change does to a party's obligations.
type Effect string

// The effects of a change.
const (
	// Stricter: the party must do more, or gets less.
	Stricter Effect = "stricter"
	// Looser: the party must do less, or gets more leeway.
	Looser Effect = "looser"
	// Neutral: wording, contacts, formats: no obligation changes.
	Neutral Effect = "neutral"
	// Review: the effect depends on the data or the wording (a query, a
	// time zone, a cron schedule): a person must read it.
	Review Effect = "review"
)

// Change is one changed term of an agreement.
type Change struct {
	Agreement string `json:"agreement"`
	// Kind is added, removed or changed.
	Kind string `json:"kind"`
	// Block is the block changed: "agreement", "slo", "exclusion", ...;
	// Name its label ("" for unlabelled blocks); Attribute the attribute
	// ("" when a whole block is added or removed).
	Block     string `json:"block"`
	Name      string `json:"name,omitempty"`
	Attribute string `json:"attribute,omitempty"`
	Old       string `json:"old,omitempty"`
	New       string `json:"new,omitempty"`
	// Party is the party the change binds (the provider for SLOs and
	// credits, a responsibility's party, the customer for the fee), and
	// Effect what it does to that party.
	Party  string `json:"party,omitempty"`
	Effect Effect `json:"effect"`
	// Why says how the rule reads the change ("the objective is raised").
	Why string `json:"why"`
	// File and Line are where the change is written in the new files: for
	// what was removed, the block that held it (the old files only for a
	// removed agreement).
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
}

// Direction is the change's effect in words: "stricter for the provider",
// "neutral", "to review".
func (c Change) Direction() string {
	switch c.Effect {
	case Stricter, Looser:
		return string(c.Effect) + " for the " + c.Party
	case Review:
		return "to review"
	}
	return "neutral"
}

// Subject names what changed: "slo availability: objective".
func (c Change) Subject() string {
	s := c.Block
	if c.Name != "" {
		s += " " + c.Name
	}
	if c.Attribute != "" {
		if c.Block == "agreement" {
			return c.Attribute
		}
		s += ": " + c.Attribute
	}
	return s
}

// Problem is an error or warning about a change: a version not bumped, a
// review date moved back.
type Problem struct {
	Agreement string `json:"agreement"`
	// Severity is "error" or "warning".
	Severity string `json:"severity"`
	Message  string `json:"message"`
	File     string `json:"file,omitempty"`
	Line     int    `json:"line,omitempty"`
}

// Result is what changed between two sets of agreements.
type Result struct {
	// Agreements are the agreements of either set, by name, with their
	// versions before and after ("" when absent).
	Agreements []Versions `json:"agreements"`
	Changes    []Change   `json:"changes"`
	Problems   []Problem  `json:"problems"`
}

// Versions are an agreement's versions in the old and the new set.
type Versions struct {
	Agreement  string `json:"agreement"`
	OldVersion string `json:"old_version,omitempty"`
	NewVersion string `json:"new_version,omitempty"`
	// Changes counts the changes of terms (not counting neutral ones).
	Changes int `json:"changes"`
}

// HasErrors says whether a problem is an error.
func (r *Result) HasErrors() bool {
	return slices.ContainsFunc(r.Problems, func(p Problem) bool { return p.Severity == "error" })
}

// Compare compares the agreements of old and new, name by name.
func Compare(old, new *agreements.Set) *Result {
	r := &Result{Changes: []Change{}, Problems: []Problem{}, Agreements: []Versions{}}
	names := map[string]bool{}
	for _, a := range old.Agreements {
		names[a.Name] = true
	}
	for _, a := range new.Agreements {
		names[a.Name] = true
	}
	for _, name := range sortedKeys(names) {
		o, n := old.Agreement(name), new.Agreement(name)
		d := &differ{r: r, agreement: name, oldFiles: old.Files, newFiles: new.Files, old: o, new: n}
		v := Versions{Agreement: name}
		if o != nil {
			v.OldVersion = o.Version
		}
		if n != nil {
			v.NewVersion = n.Version
		}
		before := len(r.Changes)
		d.compare()
		for _, c := range r.Changes[before:] {
			if c.Effect != Neutral {
				v.Changes++
			}
		}
		r.Agreements = append(r.Agreements, v)
		if o != nil && n != nil {
			d.versions(r.Changes[before:])
		}
	}
	return r
}

// differ compares one agreement.
type differ struct {
	r                  *Result
	agreement          string
	oldFiles, newFiles map[string]*hcl.File
	old, new           *agreements.Agreement
}

// block is where a change is written: a path of blocks from the agreement
// down, as (type, label) pairs; a tier's label is its position.
type block []string

func (b block) with(typ, label string) block { return append(slices.Clone(b), typ, label) }

// change records a change of attr in the block at path, located in the
// new files (or the old ones when the block was removed).
func (d *differ) change(path block, attr, kind, old, new, party string, effect Effect, why string) {
	c := Change{Agreement: d.agreement, Kind: kind, Attribute: attr, Old: old, New: new, Party: party, Effect: effect, Why: why}
	// The block is the agreement's block (slo, credit, ...); a nested
	// block is named in the attribute: "timeslices.min_run", "tier 2.percent".
	c.Block = "agreement"
	if len(path) >= 2 {
		c.Block, c.Name = path[0], path[1]
		var nested []string
		for i := 2; i+1 < len(path); i += 2 {
			nested = append(nested, strings.TrimSpace(path[i]+" "+path[i+1]))
		}
		if attr != "" {
			nested = append(nested, attr)
		}
		c.Attribute = strings.Join(nested, ".")
	}
	if effect == Neutral || effect == Review {
		c.Party = ""
	}
	// In the new files, where a pull request's annotations go: what was
	// removed is located on the block that held it. Only a removed
	// agreement is located in the old ones.
	files, a := d.newFiles, d.new
	if a == nil {
		files, a = d.oldFiles, d.old
	}
	if a != nil {
		rng := locate(files, a.DeclRange.Filename, d.agreement, path, attr)
		c.File, c.Line = rng.Filename, rng.Start.Line
	}
	d.r.Changes = append(d.r.Changes, c)
}

// versions checks that a change of terms comes with a new version, more
// than a patch when it changes obligations, and that the review date does
// not go back.
func (d *differ) versions(changes []Change) {
	terms, wording := 0, 0
	for _, c := range changes {
		switch {
		case c.Block == "agreement" && c.Attribute == "version":
		case c.Block == "review" && c.Attribute == "last_reviewed":
			// Recording a review is not a new version of the terms.
		case c.Effect == Neutral:
			wording++
		default:
			terms++
		}
	}
	at := func() (string, int) {
		rng := locate(d.newFiles, d.new.DeclRange.Filename, d.agreement, nil, "version")
		return rng.Filename, rng.Start.Line
	}
	file, line := at()
	switch {
	case terms == 0 && wording > 0 && d.old.Version == d.new.Version:
		d.r.Problems = append(d.r.Problems, Problem{Agreement: d.agreement, Severity: "warning", File: file, Line: line,
			Message: fmt.Sprintf("%s changes its wording, but its version is still %s: raise the patch version", d.agreement, d.new.Version)})
	case terms == 0:
	case d.old.Version == d.new.Version:
		d.r.Problems = append(d.r.Problems, Problem{Agreement: d.agreement, Severity: "error", File: file, Line: line,
			Message: fmt.Sprintf("%s changes %s, but its version is still %s: raise it (a minor version for new or changed terms, a major one for a change either party must sign again)", d.agreement, plural(terms, "term"), d.new.Version)})
	case onlyPatch(d.old.Version, d.new.Version):
		d.r.Problems = append(d.r.Problems, Problem{Agreement: d.agreement, Severity: "warning", File: file, Line: line,
			Message: fmt.Sprintf("%s changes %s with a patch version (%s to %s): a patch is for wording; raise the minor or major version", d.agreement, plural(terms, "term"), d.old.Version, d.new.Version)})
	}
	if o, n := d.old.Review, d.new.Review; o != nil && n != nil && n.LastReviewed.Before(o.LastReviewed) {
		rng := locate(d.newFiles, d.new.DeclRange.Filename, d.agreement, block{"review", ""}, "last_reviewed")
		d.r.Problems = append(d.r.Problems, Problem{Agreement: d.agreement, Severity: "error", File: rng.Filename, Line: rng.Start.Line,
			Message: fmt.Sprintf("%s: last_reviewed moves back from %s to %s; a review date only moves forward", d.agreement, day(o.LastReviewed), day(n.LastReviewed))})
	}
}

// onlyPatch says whether new is old with only its patch number raised.
func onlyPatch(old, new string) bool {
	o, n := strings.SplitN(old, ".", 3), strings.SplitN(new, ".", 3)
	return len(o) == 3 && len(n) == 3 && o[0] == n[0] && o[1] == n[1] && o[2] != n[2]
}

// locate finds where attr is written in the block at path of the
// agreement name in file: the attribute, else the block's header, else
// the agreement's.
func locate(files map[string]*hcl.File, file, name string, path block, attr string) hcl.Range {
	f := files[file]
	if f == nil {
		return hcl.Range{Filename: file}
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return hcl.Range{Filename: file}
	}
	var found *hclsyntax.Block
	for _, b := range body.Blocks {
		if b.Type == "agreement" && len(b.Labels) == 1 && b.Labels[0] == name {
			found = b
			break
		}
	}
	if found == nil {
		return hcl.Range{Filename: file}
	}
	for i := 0; i+1 < len(path); i += 2 {
		typ, label := path[i], path[i+1]
		var next *hclsyntax.Block
		n := 0
		for _, b := range found.Body.Blocks {
			if b.Type != typ {
				continue
			}
			if typ == "tier" { // tiers are counted from 1
				n++
				if strconv.Itoa(n) == label {
					next = b
					break
				}
				continue
			}
			if label == "" || (len(b.Labels) == 1 && b.Labels[0] == label) {
				next = b
				break
			}
		}
		if next == nil {
			break
		}
		found = next
	}
	if attr == "" {
		return found.DefRange()
	}
	if a, ok := found.Body.Attributes[attr]; ok {
		return a.SrcRange
	}
	// An attribute of a block without a label of its own: an indicator's
	// ratio { good = ... }.
	for _, b := range found.Body.Blocks {
		if a, ok := b.Body.Attributes[attr]; ok && len(b.Labels) == 0 {
			return a.SrcRange
		}
	}
	return found.DefRange()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Values as they are written in HCL.

func num(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

func dur(d model.Duration) string {
	if d == 0 {
		return ""
	}
	return d.String()
}

// day writes a time as a date when it is the start of a day in the
// agreement's time zone (a plain date in HCL), else in UTC.
func day(t time.Time) string {
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format(time.DateOnly)
	}
	return t.UTC().Format(time.RFC3339)
}

func optTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return day(*t)
}

func list(l []string) string {
	if len(l) == 0 {
		return ""
	}
	return `["` + strings.Join(l, `", "`) + `"]`
}
