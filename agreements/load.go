package agreements

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	// Agreements name IANA time zones; embedding the database makes them
	// load in a minimal container without /usr/share/zoneinfo.
	_ "time/tzdata"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
)

// fileSchema is what may appear at the top level of a file.
var fileSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{{Type: "agreement", LabelNames: []string{"name"}}},
}

// Load reads every *.hcl file under paths (directories are walked
// recursively; files named explicitly are read whatever their extension) and
// returns the agreements they hold. The diagnostics cover every file; the Set
// is returned even when there are errors, so that its Files can be used to
// print them with source snippets.
func Load(paths ...string) (*Set, hcl.Diagnostics) {
	return DefaultLimits().Load(paths...)
}

// Load is Load within the limits.
func (l Limits) Load(paths ...string) (*Set, hcl.Diagnostics) {
	files, diags := listFiles(paths, true)
	sources := make([]Source, 0, len(files))
	for _, name := range files {
		b, err := l.ReadFile(name)
		if err != nil {
			detail := fmt.Sprintf("Reading %s failed: %s.", name, unwrapPathError(err))
			if _, ok := errors.AsType[*LimitError](err); ok {
				detail = err.Error() + "."
			}
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Cannot read file",
				Detail:   detail,
			})
			continue
		}
		sources = append(sources, Source{Name: name, Bytes: b})
	}
	set, pdiags := l.Parse(sources...)
	return set, append(diags, pdiags...)
}

// Source is an agreement file held in memory.
type Source struct {
	Name  string
	Bytes []byte
}

// Parse decodes and validates agreements from sources held in memory, in the
// order given.
func Parse(sources ...Source) (*Set, hcl.Diagnostics) {
	return DefaultLimits().Parse(sources...)
}

// Parse is Parse within the limits.
func (l Limits) Parse(sources ...Source) (*Set, hcl.Diagnostics) {
	p := hclparse.NewParser()
	set := &Set{Agreements: []*Agreement{}}
	var diags hcl.Diagnostics
	seen := map[string]hcl.Range{}
	for _, src := range sources {
		if ndiags := l.CheckSource(src.Bytes, src.Name); ndiags.HasErrors() {
			diags = append(diags, ndiags...)
			continue
		}
		f, pdiags := p.ParseHCL(src.Bytes, src.Name)
		diags = append(diags, capDiagnostics(pdiags, src.Name)...)
		// What follows a syntax error is mostly its echo: report the syntax
		// errors of this file alone, and its other errors once they are fixed.
		if f == nil || f.Body == nil || pdiags.HasErrors() {
			continue
		}
		content, cdiags := f.Body.Content(fileSchema)
		diags = append(diags, cdiags...)
		for _, block := range content.Blocks {
			a, adiags := decodeAgreement(block, f.Bytes)
			diags = append(diags, adiags...)
			if a == nil {
				continue
			}
			if prev, dup := seen[a.Name]; dup {
				diags = append(diags, duplicate("agreement", a.Name, block.LabelRanges[0], prev, "across every file loaded"))
				continue
			}
			seen[a.Name] = block.DefRange
			set.Agreements = append(set.Agreements, a)
		}
	}
	if len(sources) > 0 && len(set.Agreements) == 0 && !diags.HasErrors() {
		names := make([]string, len(sources))
		for i, s := range sources {
			names[i] = s.Name
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "No agreements",
			Detail:   fmt.Sprintf("None of %s holds an agreement block. Write one as agreement \"name\" { ... }.", strings.Join(names, ", ")),
		})
	}
	set.Files = p.Files()
	sortDiagnostics(diags, sources)
	return set, diags
}

// sortDiagnostics orders diagnostics as the files were given and, within a
// file, by position, so that they read top to bottom. Diagnostics without a
// place come first.
func sortDiagnostics(diags hcl.Diagnostics, sources []Source) {
	order := map[string]int{}
	for i, s := range sources {
		order[s.Name] = i + 1
	}
	key := func(d *hcl.Diagnostic) (int, int) {
		if d.Subject == nil {
			return 0, 0
		}
		return order[d.Subject.Filename], d.Subject.Start.Byte
	}
	slices.SortStableFunc(diags, func(a, b *hcl.Diagnostic) int {
		fa, ba := key(a)
		fb, bb := key(b)
		if fa != fb {
			return fa - fb
		}
		return ba - bb
	})
}

// Files lists the agreement files under paths: *.hcl files in directories,
// walked recursively, and files named explicitly; sorted, without repeats.
func Files(paths ...string) ([]string, hcl.Diagnostics) {
	return listFiles(paths, false)
}

// listFiles lists the files under paths; with requireFiles, a directory that
// holds none is an error.
func listFiles(paths []string, requireFiles bool) ([]string, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	seen := map[string]bool{}
	var files []string
	add := func(name string) {
		name = filepath.Clean(name)
		// A file reached twice, by name and through a link, is one file.
		key := name
		if real, err := filepath.EvalSymlinks(name); err == nil {
			key = real
		}
		if !seen[key] {
			seen[key] = true
			files = append(files, name)
		}
	}
	for _, path := range paths {
		info, err := os.Stat(path)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Cannot read path",
				Detail:   fmt.Sprintf("%s: %s. Give a directory of agreements or an .hcl file.", path, unwrapPathError(err)),
			})
			continue
		}
		if !info.IsDir() {
			add(path)
			continue
		}
		var found []string
		err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Cannot read directory",
					Detail:   fmt.Sprintf("%s: %s.", p, unwrapPathError(err)),
				})
				return nil
			}
			// Hidden directories (.git, .terraform) never hold agreements.
			if d.IsDir() && p != path && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if !d.IsDir() && strings.HasSuffix(d.Name(), ".hcl") {
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot read directory", Detail: err.Error()})
		}
		if len(found) == 0 && requireFiles {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "No agreement files",
				Detail:   fmt.Sprintf("The directory %s holds no *.hcl files. Give the directory that holds your agreements.", path),
			})
		}
		slices.Sort(found)
		for _, f := range found {
			add(f)
		}
	}
	return files, diags
}

// unwrapPathError drops the path from an error that already names it.
func unwrapPathError(err error) error {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return pe.Err
	}
	return err
}

// duplicate reports a name declared twice in the same scope.
func duplicate(kind, name string, rng, prev hcl.Range, scope string) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("Duplicate %s %q", kind, name),
		Detail:   fmt.Sprintf("%s named %q is already declared at %s. Names of %s must be unique %s; rename one of them.", capitalize(article(kindNoun(kind))), name, shortRange(prev), pluralNoun(kindNoun(kind)), scope),
		Subject:  rng.Ptr(),
	}
}

func kindNoun(kind string) string {
	if n, ok := referenceKinds[kind]; ok {
		return n
	}
	return kind
}

func pluralNoun(noun string) string {
	if strings.HasSuffix(noun, "y") {
		return strings.TrimSuffix(noun, "y") + "ies"
	}
	return noun + "s"
}

// capitalize returns s with its first letter in upper case.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// shortRange prints a range as file:line.
func shortRange(r hcl.Range) string {
	return fmt.Sprintf("%s:%d", r.Filename, r.Start.Line)
}
