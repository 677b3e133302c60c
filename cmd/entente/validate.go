package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/hashicorp/hcl/v2"
)

var validateCommand = &command{
	name:    "validate",
	reads:   true,
	summary: "check agreements and report every problem in every file",
	usage:   "validate [--format text|json] [PATHS...]",
	example: `entente validate examples/agreements
entente validate --format json agreements/ > diagnostics.json

Exit status: 0 when valid (warnings are printed), 2 when invalid.
PATHS are .hcl files or directories, walked recursively (default ".").`,
	flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) int {
		format := fs.String("format", "text", "output `format`: text (diagnostics on stderr) or json (on stdout)")
		noColor := noColorFlag(fs)
		return func(ctx context.Context, e *env, paths []string) int {
			e.noColor = *noColor
			if *format != "text" && *format != "json" {
				fmt.Fprintf(e.stderr, "entente validate: unknown --format %q; use text or json\n", *format)
				return exitInvalid
			}
			return validate(e, *format, paths)
		}
	},
}

func validate(e *env, format string, paths []string) int {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	set, diags := e.limits.Load(paths...)
	if format == "json" {
		if err := writeJSON(e.stdout, newJSONValidation(set.Files, diags)); err != nil {
			fmt.Fprintf(e.stderr, "entente validate: %s\n", err)
			return exitInvalid
		}
	} else {
		writeDiagnostics(e, set.Files, diags)
	}
	if diags.HasErrors() {
		if format == "text" {
			fmt.Fprintf(e.stderr, "%s.\n", errorSummary(diags))
		}
		return exitInvalid
	}
	if format == "text" {
		fmt.Fprintf(e.stdout, "Valid: %s in %s.\n", plural(len(set.Agreements), "agreement"), plural(len(set.Files), "file"))
	}
	return exitOK
}

// errorSummary counts the errors and the files they are in.
func errorSummary(diags hcl.Diagnostics) string {
	n, files := 0, map[string]bool{}
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		n++
		if d.Subject != nil {
			files[d.Subject.Filename] = true
		}
	}
	if len(files) == 0 {
		return plural(n, "error")
	}
	return fmt.Sprintf("%s in %s", plural(n, "error"), plural(len(files), "file"))
}
