package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
	"github.com/rogpeppe/go-internal/diff"

	"github.com/entente-dev/entente/agreements"
)

var fmtCommand = &command{
	name:    "fmt",
	reads:   true,
	summary: "rewrite agreement files in the canonical layout",
	usage:   "fmt [--check] [--diff] [PATHS...]",
	example: `entente fmt agreements/        # rewrite files, list those changed
entente fmt --check --diff .   # in CI: change nothing, show what would
cat a.hcl | entente fmt -      # format standard input to standard output

Exit status: 0 when done (or nothing to change with --check), 1 when --check
finds files to rewrite, 2 on a syntax error. PATHS default to ".".`,
	flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) int {
		check := fs.Bool("check", false, "change nothing; list the files that are not formatted and exit 1 if any")
		showDiff := fs.Bool("diff", false, "print the changes as a unified diff")
		noColor := noColorFlag(fs)
		return func(ctx context.Context, e *env, paths []string) int {
			e.noColor = *noColor
			return format(e, paths, *check, *showDiff)
		}
	},
}

func format(e *env, paths []string, check, showDiff bool) int {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	files := map[string]*hcl.File{}
	var diags hcl.Diagnostics
	changed := 0

	for _, p := range paths {
		if p != "-" {
			continue
		}
		if len(paths) > 1 {
			fmt.Fprintln(e.stderr, "entente fmt: \"-\" (standard input) cannot be mixed with other paths")
			return exitInvalid
		}
		src, err := io.ReadAll(io.LimitReader(e.stdin, e.limits.MaxFileSize+1))
		if err == nil && int64(len(src)) > e.limits.MaxFileSize {
			err = fmt.Errorf("more than %d bytes (--max-file-size)", e.limits.MaxFileSize)
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "entente fmt: read standard input: %s\n", err)
			return exitInvalid
		}
		out, fdiags := e.limits.Format(src, "<stdin>")
		if fdiags.HasErrors() {
			writeDiagnostics(e, map[string]*hcl.File{"<stdin>": {Bytes: src}}, fdiags)
			return exitInvalid
		}
		switch {
		case showDiff:
			writeDiff(e.stdout, diff.Diff("<stdin>", src, "<stdin> (formatted)", out))
		case !check:
			e.stdout.Write(out)
		}
		if check && !bytes.Equal(src, out) {
			return exitFailure
		}
		return exitOK
	}

	names, ldiags := agreements.Files(paths...)
	diags = append(diags, ldiags...)
	for _, name := range names {
		// As terraform fmt does, only files of the language are rewritten,
		// even when named one by one.
		if filepath.Ext(name) != ".hcl" {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Not an agreement file",
				Detail:   fmt.Sprintf("%s does not end in .hcl; entente fmt only rewrites agreement files.", name),
			})
			continue
		}
		src, err := e.limits.ReadFile(name)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot read file", Detail: err.Error()})
			continue
		}
		files[name] = &hcl.File{Bytes: src}
		out, fdiags := e.limits.Format(src, name)
		diags = append(diags, fdiags...)
		if fdiags.HasErrors() || bytes.Equal(src, out) {
			continue
		}
		changed++
		fmt.Fprintln(e.stdout, name)
		if showDiff {
			writeDiff(e.stdout, diff.Diff(name, src, name+" (formatted)", out))
		}
		if check {
			continue
		}
		if err := writeAtomic(name, out, 0o644); err != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot write file", Detail: err.Error()})
		}
	}
	writeDiagnostics(e, files, diags)
	switch {
	case diags.HasErrors():
		return exitInvalid
	case check && changed > 0:
		fmt.Fprintf(e.stderr, "%s not formatted; run \"entente fmt\" to fix.\n", plural(changed, "file"))
		return exitFailure
	}
	return exitOK
}

func writeDiff(w io.Writer, d []byte) {
	if len(d) > 0 && d[len(d)-1] != '\n' {
		d = append(d, '\n')
	}
	w.Write(d)
}
