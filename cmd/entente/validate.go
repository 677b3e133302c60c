package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/entente-dev/entente/agreements"
)

var validateCommand = &command{
	name:    "validate",
	summary: "check agreements and report every problem in every file",
	usage:   "validate [--format text|json] [PATHS...]",
	example: `entente validate examples/agreements
entente validate --format json agreements/ > diagnostics.json

Exit status: 0 when valid (warnings are printed), 2 when invalid.
PATHS are .hcl files or directories, walked recursively (default ".").`,
	flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) int {
		format := fs.String("format", "text", "output `format`: text (diagnostics on stderr) or json (on stdout)")
		return func(ctx context.Context, e *env, paths []string) int {
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
	set, diags := agreements.Load(paths...)
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
			fmt.Fprintf(e.stderr, "%s found in %s.\n", plural(countErrors(diags), "error"), plural(len(set.Files), "file"))
		}
		return exitInvalid
	}
	if format == "text" {
		fmt.Fprintf(e.stdout, "Valid: %s in %s.\n", plural(len(set.Agreements), "agreement"), plural(len(set.Files), "file"))
	}
	return exitOK
}

func countErrors(diags interface{ Errs() []error }) int { return len(diags.Errs()) }
