package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/entente-dev/entente/policies"
)

var compileCommand = &command{
	name:    "compile",
	summary: "compile agreements to Rego policies, data and tests",
	usage:   "compile -o DIR [--check] [PATHS...]",
	example: `entente compile -o policy agreements/
entente compile -o policy --check agreements/   # in CI: is policy/ up to date?

Writes DIR/entente/lib/ (the shared library and its tests) and, per
agreement, DIR/entente/agreements/NAME/policy.rego, policy_test.rego and
data.json. Exit status: 0 written (or up to date with --check), 1 --check
found stale files, 2 invalid agreements or usage.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) int {
		out := fs.String("o", "", "the `DIR`ectory to write (required)")
		check := fs.Bool("check", false, "write nothing; list the files of DIR that differ from the agreements and exit 1 if any")
		noColor := noColorFlag(fs)
		return func(ctx context.Context, e *env, paths []string) int {
			e.noColor = *noColor
			if *out == "" {
				e.errorf("-o DIR is required: the directory to write the policies to")
				return exitInvalid
			}
			tree, code := compileSet(e, paths)
			if code != exitOK {
				return code
			}
			if *check {
				return compileCheck(e, tree, *out)
			}
			return compileWrite(e, tree, *out)
		}
	},
}

// generated reports whether a path under DIR is one entente writes, so that
// stale ones can be found and removed without touching anything else.
func generated(rel string) bool {
	rel = filepath.ToSlash(rel)
	switch filepath.Base(rel) {
	case "policy.rego", "policy_test.rego", "data.json":
		matched, _ := filepath.Match("entente/agreements/*/*", rel)
		return matched
	}
	return rel == "entente/lib/lib.rego" || rel == "entente/lib/lib_test.rego"
}

// existing lists the generated files under dir.
func existing(dir string) map[string][]byte {
	files := map[string][]byte{}
	root := filepath.Join(dir, "entente")
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		if generated(rel) {
			if b, err := os.ReadFile(p); err == nil {
				files[filepath.ToSlash(rel)] = b
			}
		}
		return nil
	})
	return files
}

func compileCheck(e *env, tree *policies.Tree, dir string) int {
	have := existing(dir)
	var stale []string
	for _, f := range tree.Files {
		b, ok := have[f.Path]
		switch {
		case !ok:
			stale = append(stale, f.Path+" (missing)")
		case !bytes.Equal(b, f.Data):
			stale = append(stale, f.Path)
		}
		delete(have, f.Path)
	}
	for p := range have {
		stale = append(stale, p+" (no longer generated)")
	}
	if len(stale) == 0 {
		return exitOK
	}
	slices.Sort(stale)
	for _, s := range stale {
		fmt.Fprintln(e.stdout, filepath.Join(dir, filepath.FromSlash(s)))
	}
	e.errorf("%s stale; run \"entente compile -o %s\" to update", plural(len(stale), "file"), dir)
	return exitFailure
}

func compileWrite(e *env, tree *policies.Tree, dir string) int {
	have := existing(dir)
	for _, f := range tree.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		delete(have, f.Path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			e.errorf("%s", err)
			return exitInvalid
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			e.errorf("%s", err)
			return exitInvalid
		}
	}
	// Files of agreements that are gone.
	for rel := range have {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.Remove(p); err != nil {
			e.errorf("%s", err)
			return exitInvalid
		}
		os.Remove(filepath.Dir(p)) // only if empty
	}
	fmt.Fprintf(e.stdout, "Compiled %s into %s.\n", plural(len(tree.Agreements), "agreement"), dir)
	return exitOK
}
