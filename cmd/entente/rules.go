package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/entente-dev/entente/rules"
)

var rulesCommand = &command{
	name:    "rules",
	reads:   true,
	summary: "write Prometheus recording and alerting rules from agreements",
	usage:   "rules [--format prometheus|prometheus-operator] [-o FILE|DIR] [--tests] [--base-url URL] [--exclusions-as-rules] [PATHS...]",
	example: `entente rules -o rules/ agreements/ && promtool check rules rules/*.yml
entente rules -o rules/ --tests agreements/ && promtool test rules rules/*_test.yml
entente rules --format prometheus-operator --base-url https://entente.example agreements/ | kubectl apply -f -

Per agreement: the error ratios of its ratio SLOs over 5m to 3d and four
multi-window, multi-burn-rate alerts (page 1h/5m and 6h/30m, ticket 1d/2h
and 3d/6h); alerts on value and timeslice SLOs and measured
responsibilities past their bounds; a no-data alert per SLO; and alerts on
the series entente serve exports (at risk, failing, budget low or spent,
responsibility breached, credit owed, review due). Alerts on an SLO are
silenced while one of its exclusions is on, as serve exports it in
entente_exclusion_active. See docs/alerting.md.

With -o DIR, writes DIR/NAME.yml per agreement (and DIR/NAME_test.yml with
--tests, unit tests for promtool test rules); with -o FILE.yml, or on
standard output, all the agreements' groups together. Exit status: 0
written, 2 invalid agreements or usage.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) int {
		format := fs.String("format", rules.FormatPrometheus, "`format`: prometheus (a rule file) or prometheus-operator (a PrometheusRule object)")
		out := fs.String("o", "", "write to `FILE` (.yml or .yaml: every agreement in it) or DIR (a file per agreement); default standard output")
		tests := fs.Bool("tests", false, "also write unit tests for promtool test rules (needs -o DIR)")
		baseURL := fs.String("base-url", "", "the `URL` of entente serve: alerts link to the agreement's report and the dashboard")
		fixed := fs.Bool("exclusions-as-rules", false, "also write the fixed (from/to) exclusions into the alerts as time conditions, for a Prometheus without entente serve (cron exclusions need serve)")
		noColor := noColorFlag(fs)
		return func(ctx context.Context, e *env, paths []string) int {
			e.noColor = *noColor
			if *format != rules.FormatPrometheus && *format != rules.FormatOperator {
				e.errorf("unknown --format %q; use %s or %s", *format, rules.FormatPrometheus, rules.FormatOperator)
				return exitInvalid
			}
			single := *out == "" || isYAMLFile(*out)
			if *tests && single {
				e.errorf("--tests needs -o DIR: the tests name the rule file of each agreement")
				return exitInvalid
			}
			if *tests && *format != rules.FormatPrometheus {
				e.errorf("--tests needs --format prometheus: promtool reads rule files, not PrometheusRule objects")
				return exitInvalid
			}
			for _, p := range paths {
				if isBundleFile(p) {
					e.errorf("%s is a bundle: rules are written from the agreement files it was built from (a bundle holds the objectives as Rego)", p)
					return exitInvalid
				}
			}
			set, ok := loadSet(e, paths)
			if !ok {
				return exitInvalid
			}
			opts := rules.Options{BaseURL: *baseURL, ExclusionsAsRules: *fixed}
			var files []*rules.File
			for _, a := range set.Agreements {
				f, err := rules.Generate(a, opts)
				if err != nil {
					e.errorf("%s", err)
					return exitInvalid
				}
				files = append(files, f)
			}
			if single {
				return writeRules(e, *out, *format, files)
			}
			if err := os.MkdirAll(*out, 0o755); err != nil {
				e.errorf("%s", err)
				return exitInvalid
			}
			for _, f := range files {
				name := f.Agreement + ".yml"
				b, err := f.YAML(*format)
				if err != nil {
					e.errorf("%s", err)
					return exitInvalid
				}
				if !e.write(filepath.Join(*out, name), b) {
					return exitInvalid
				}
				if *tests {
					t, err := f.TestsYAML(name)
					if err != nil {
						e.errorf("%s", err)
						return exitInvalid
					}
					if !e.write(filepath.Join(*out, f.Agreement+"_test.yml"), t) {
						return exitInvalid
					}
				}
			}
			return exitOK
		}
	},
}

func isYAMLFile(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".yml" || ext == ".yaml"
}

// writeRules writes every agreement's rules in one file: one group list,
// or one PrometheusRule object per agreement.
func writeRules(e *env, out, format string, files []*rules.File) int {
	var b []byte
	var err error
	if format == rules.FormatOperator {
		var docs [][]byte
		for _, f := range files {
			d, err := f.YAML(format)
			if err != nil {
				e.errorf("%s", err)
				return exitInvalid
			}
			docs = append(docs, d)
		}
		b = bytes.Join(docs, []byte("---\n"))
	} else if b, err = rules.Merge(files).YAML(format); err != nil {
		e.errorf("%s", err)
		return exitInvalid
	}
	if !e.write(out, b) {
		return exitInvalid
	}
	if out != "" {
		fmt.Fprintf(e.stderr, "entente rules: wrote %s (%s)\n", out, plural(len(files), "agreement"))
	}
	return exitOK
}
