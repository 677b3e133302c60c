package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/entente-dev/entente/interop"
	"github.com/entente-dev/entente/interop/openslo"
	"github.com/entente-dev/entente/interop/sloth"
)

var importCommand = &command{
	name:    "import",
	summary: "write agreements from OpenSLO documents or Sloth specs",
	usage:   "import openslo|sloth ...",
}

var exportCommand = &command{
	name:    "export",
	summary: "write agreements as OpenSLO documents",
	usage:   "export openslo ...",
}

var importOpenSLOCommand = &command{
	name:    "import openslo",
	summary: "write an agreement per OpenSLO service from OpenSLO v1 and v1alpha documents",
	usage:   "import openslo [-o DIR] [--effective DATE] FILES...",
	example: `entente import openslo -o agreements/ slos/*.yaml
entente import openslo slo.yaml > web.hcl

SLOs, SLIs (inline or by reference), Services, Prometheus DataSources, and
alert policies as comments. What an agreement cannot hold (composite SLOs,
sources other than Prometheus, raw ratios) is an error at its line. The
agreement gets TODO comments where the parties, fee, credits and review go.
See docs/interop.md for what maps to what.

With -o DIR, writes DIR/NAME.hcl per agreement (an existing file is not
overwritten); else every agreement on standard output. Exit status: 0
imported (warnings are printed), 2 a document could not be imported (the
others are written) or usage.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) int {
		out := fs.String("o", "", "write NAME.hcl per agreement into `DIR`; default standard output")
		effective := fs.String("effective", "", "the agreements' effective `DATE` (YYYY-MM-DD) when the documents give none; default the earliest calendar start, else today")
		noColor := noColorFlag(fs)
		return func(ctx context.Context, e *env, files []string) int {
			e.noColor = *noColor
			sources, ok := readSources(e, files)
			if !ok {
				return exitInvalid
			}
			result, diags := openslo.Import(sources, openslo.Options{Effective: *effective, Now: time.Now()})
			return writeImported(e, *out, sources, result, diags)
		}
	},
}

var importSlothCommand = &command{
	name:    "import sloth",
	summary: "write an agreement per service from Sloth specs",
	usage:   "import sloth [-o DIR] [--effective DATE] [--window 30d|28d] FILES...",
	example: `entente import sloth -o agreements/ slos/*.yml

Sloth's prometheus/v1 specs and Kubernetes PrometheusServiceLevel objects:
errorQuery and totalQuery with {{.window}}, the objective, labels as
comments. Sloth measures over 30 days unless told otherwise: --window 28d
for a Sloth run with --default-slo-period=28d.

With -o DIR, writes DIR/NAME.hcl per agreement; else standard output. Exit
status: 0 imported, 2 a document could not be imported or usage.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) int {
		out := fs.String("o", "", "write NAME.hcl per agreement into `DIR`; default standard output")
		effective := fs.String("effective", "", "the agreements' effective `DATE` (YYYY-MM-DD); default today")
		window := fs.String("window", "30d", "the SLO `window` Sloth measures over: 30d or 28d")
		noColor := noColorFlag(fs)
		return func(ctx context.Context, e *env, files []string) int {
			e.noColor = *noColor
			if *window != "30d" && *window != "28d" {
				e.errorf("--window %q: Sloth measures over 30d or 28d", *window)
				return exitInvalid
			}
			sources, ok := readSources(e, files)
			if !ok {
				return exitInvalid
			}
			result, diags := sloth.Import(sources, sloth.Options{Effective: *effective, Now: time.Now(), Window: *window})
			return writeImported(e, *out, sources, result, diags)
		}
	},
}

var exportOpenSLOCommand = &command{
	name:    "export openslo",
	reads:   true,
	summary: "write agreements as OpenSLO v1 documents",
	usage:   "export openslo [-o DIR] [PATHS...]",
	example: `entente export openslo agreements/ > slos.yaml
entente export openslo -o openslo/ agreements/

A Service per agreement, an SLI per indicator and an SLO per slo. What
OpenSLO cannot say (dates, exclusions, credits, responsibilities, review,
the attributes OpenSLO lacks, comments above blocks) goes into annotations
under entente.dev/, so that entente import openslo gives the agreement
back. With -o DIR, writes DIR/NAME.yaml per agreement; else every agreement
on standard output. Exit status: 0 written, 2 invalid agreements or usage.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) int {
		out := fs.String("o", "", "write NAME.yaml per agreement into `DIR`; default standard output")
		noColor := noColorFlag(fs)
		return func(ctx context.Context, e *env, paths []string) int {
			e.noColor = *noColor
			for _, p := range paths {
				if isBundleFile(p) {
					e.errorf("%s is a bundle: export reads the agreement files it was built from", p)
					return exitInvalid
				}
			}
			set, ok := loadSet(e, paths)
			if !ok {
				return exitInvalid
			}
			exported, err := openslo.Export(set)
			if err != nil {
				e.errorf("%s", err)
				return exitInvalid
			}
			if *out == "" {
				for i, x := range exported {
					if i > 0 {
						fmt.Fprintln(e.stdout, "---")
					}
					e.stdout.Write(x.YAML)
				}
				return exitOK
			}
			if err := os.MkdirAll(*out, 0o755); err != nil {
				e.errorf("%s", err)
				return exitInvalid
			}
			for _, x := range exported {
				name := filepath.Join(*out, x.Name+".yaml")
				if err := writeAtomic(name, x.YAML, 0o644); err != nil {
					e.errorf("%s", err)
					return exitInvalid
				}
				fmt.Fprintln(e.stdout, name)
			}
			return exitOK
		}
	},
}

// readSources reads the files an import is given.
func readSources(e *env, files []string) ([]interop.Source, bool) {
	if len(files) == 0 {
		e.errorf("give the files to import")
		return nil, false
	}
	var sources []interop.Source
	for _, name := range files {
		info, err := os.Stat(name)
		if err == nil && !info.Mode().IsRegular() {
			err = fmt.Errorf("not a regular file")
		}
		if err == nil && info.Size() > e.limits.MaxFileSize {
			err = fmt.Errorf("larger than %d bytes", e.limits.MaxFileSize)
		}
		var b []byte
		if err == nil {
			b, err = os.ReadFile(name)
		}
		if err != nil {
			e.errorf("read %s: %s", name, unwrapPath(err))
			return nil, false
		}
		sources = append(sources, interop.Source{Name: name, Bytes: b})
	}
	return sources, true
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// writeImported prints an import's diagnostics, with snippets of the
// documents and of the agreements written, and writes the agreements.
func writeImported(e *env, out string, sources []interop.Source, result []interop.Agreement, diags hcl.Diagnostics) int {
	files := map[string]*hcl.File{}
	for _, s := range sources {
		files[s.Name] = &hcl.File{Bytes: s.Bytes}
	}
	var valid []interop.Agreement
	for _, a := range result {
		if files[a.FileName] == nil {
			files[a.FileName] = &hcl.File{Bytes: a.HCL}
		}
		if !a.Invalid {
			valid = append(valid, a)
		}
	}
	result = valid
	writeDiagnostics(e, files, diags)
	written := 0
	if out == "" {
		for i, a := range result {
			if i > 0 {
				fmt.Fprintln(e.stdout)
			}
			e.stdout.Write(a.HCL)
			written++
		}
	} else {
		if err := os.MkdirAll(out, 0o755); err != nil {
			e.errorf("%s", err)
			return exitInvalid
		}
		// Nothing is written when one of the files is there already.
		for _, a := range result {
			name := filepath.Join(out, a.FileName)
			if _, err := os.Stat(name); err == nil {
				e.errorf("%s exists: not overwritten; remove it, or import into another directory", name)
				return exitInvalid
			}
		}
		for _, a := range result {
			name := filepath.Join(out, a.FileName)
			if err := writeAtomic(name, a.HCL, 0o644); err != nil {
				e.errorf("%s", err)
				return exitInvalid
			}
			fmt.Fprintln(e.stdout, name)
			written++
		}
	}
	if diags.HasErrors() {
		e.errorf("%s; %s written.", errorSummary(diags), plural(written, "agreement"))
		return exitInvalid
	}
	return exitOK
}
