package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/bundle"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/diff"
	"github.com/entente-dev/entente/evaluator"
	"github.com/entente-dev/entente/policies"
)

var diffCommand = &command{
	name:    "diff",
	reads:   true,
	bundles: true,
	summary: "say what a change to agreements means: terms, directions, versions, impact",
	usage:   "diff [--base REV] [--format F] [--output FILE] [SOURCE (--period P | --at T) [--facts FILE]] OLD NEW | --base REV PATHS...",
	example: `entente diff --base origin/main agreements/
entente diff --base HEAD~1 --metrics history.om --period 2026-10 --format markdown examples/agreements
entente diff old/ new/
entente diff --format json agreements-v1.tar.gz agreements-v2.tar.gz

OLD and NEW are agreement files or directories, or bundles. With --base,
the old agreements are PATHS as they are at the Git revision REV (read with
the git command), the new ones PATHS as they are now.
Each changed term is given with its old and new values, where it is
written, and its direction: stricter or looser for the party it binds,
neutral, or to review (a query, a time zone). With a source (--prometheus
URL or --metrics FILE) and --period P or --at T, both versions are measured
on the same data, and the verdicts compared.
Formats: text, markdown (for a pull-request comment), json
(docs/diff.schema.json), github (annotations on the changed lines).
Exit status: 0 no error; 1 an error: terms changed under the same version,
or a review date moved back; 2 usage, or agreements that do not load; 3
the impact could not be measured (retry).`,
	flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) int { return diffFlags(fs, false) },
}

var bundleDiffCommand = &command{
	name:    "bundle diff",
	bundles: true,
	summary: "say what changed between two bundles: terms, directions, versions, impact",
	usage:   "bundle diff [--format F] [--output FILE] [SOURCE (--period P | --at T) [--facts FILE]] OLD.tar.gz NEW.tar.gz",
	example: `entente bundle diff agreements-v1.tar.gz agreements-v2.tar.gz
entente bundle diff --prometheus http://prometheus:9090 --period last-month --format markdown old.tar.gz new.tar.gz

The same answer as entente diff gives from the agreement files, read from
the terms each bundle's data documents hold, with both revisions.
Exit status: as entente diff.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) int { return diffFlags(fs, true) },
}

// diffFlags are the flags of diff and bundle diff (which has no --base).
func diffFlags(fs *flag.FlagSet, bundles bool) func(context.Context, *env, []string) int {
	var c checkConfig
	c.sourceFlags(fs)
	base := new(string)
	if !bundles {
		base = fs.String("base", "", "compare PATHS with PATHS at the Git `revision` (a branch, a tag, HEAD~1)")
	}
	period := fs.String("period", "", "measure the impact over the closed `period` (2026-10, last-month...)")
	fs.StringVar(&c.at, "at", "", "measure the impact at `T`, RFC 3339 or unix seconds")
	fs.StringVar(&c.facts, "facts", "", "facts in `FILE` (JSON or HCL), keyed by agreement then fact")
	fs.StringVar(&c.format, "format", "text", "output `format`: text, markdown, json or github")
	fs.StringVar(&c.output, "output", "", "write the result to `FILE` instead of standard output")
	noColor := noColorFlag(fs)
	return func(ctx context.Context, e *env, args []string) int {
		e.noColor = *noColor
		if bundles && (len(args) != 2 || !isBundleFile(args[0]) || !isBundleFile(args[1])) {
			e.errorf("give two bundle files, OLD and NEW")
			return exitInvalid
		}
		return runDiff(ctx, e, &c, *base, *period, args)
	}
}

// side is one side of a diff: its agreements, what it is called, and how
// to compile it for the impact.
type side struct {
	label string
	set   *agreements.Set
	// bundle is set when the side is a bundle: it is evaluated as is.
	bundle *bundle.Bundle
}

func runDiff(ctx context.Context, e *env, c *checkConfig, base, period string, args []string) int {
	switch c.format {
	case "text", "markdown", "json", "github":
	default:
		e.errorf("unknown --format %q; use text, markdown, json or github", c.format)
		return exitInvalid
	}
	measuring := c.prometheus.URL != "" || len(c.metrics) > 0
	if c.measurements != "" {
		e.errorf("the impact is measured from a source: give --prometheus URL or --metrics FILE, not --measurements")
		return exitInvalid
	}
	if c.prometheus.URL != "" && len(c.metrics) > 0 {
		e.errorf("give one source: --prometheus URL or --metrics FILE")
		return exitInvalid
	}
	if !measuring && (period != "" || c.at != "" || c.facts != "") {
		e.errorf("--period, --at and --facts measure the impact: give a source too (--prometheus URL or --metrics FILE)")
		return exitInvalid
	}
	if period != "" && c.at != "" {
		e.errorf("give --period P or --at T, not both")
		return exitInvalid
	}
	var old, new *side
	var code int
	if base != "" {
		if len(args) == 0 {
			args = []string{"."}
		}
		if old, code = atRevision(ctx, e, base, args); code != exitOK {
			return code
		}
		if new, code = loadSide(e, strings.Join(args, " "), args); code != exitOK {
			return code
		}
	} else {
		if len(args) != 2 {
			e.errorf("give OLD and NEW (files, directories or bundles), or --base REV and the paths to compare with that revision")
			return exitInvalid
		}
		if old, code = loadSide(e, args[0], args[:1]); code != exitOK {
			return code
		}
		if new, code = loadSide(e, args[1], args[1:]); code != exitOK {
			return code
		}
	}
	result := diff.Compare(old.set, new.set)

	var impact []diff.Impact
	on := ""
	if measuring {
		var code int
		impact, on, code = measureImpact(ctx, e, c, old, new, period)
		if code != exitOK {
			return code
		}
	}
	doc := diff.NewDocument(result, old.label, new.label, on, impact)
	var buf bytes.Buffer
	var err error
	switch c.format {
	case "text":
		err = diff.Text(&buf, doc)
	case "markdown":
		err = diff.Markdown(&buf, doc)
	case "json":
		err = writeJSON(&buf, doc)
	case "github":
		err = diff.GitHub(&buf, doc)
		if summary := e.getenv("GITHUB_STEP_SUMMARY"); summary != "" && err == nil {
			var md bytes.Buffer
			if diff.Markdown(&md, doc) == nil {
				if err := appendFile(summary, md.Bytes()); err != nil {
					e.errorf("GITHUB_STEP_SUMMARY: %s", err)
				}
			}
		}
	}
	if err != nil {
		e.errorf("%s", err)
		return exitInvalid
	}
	if !e.write(c.output, buf.Bytes()) {
		return exitInvalid
	}
	// Written to a file, the problems are also said where the run is read.
	if c.format != "text" && c.output != "" {
		for _, p := range result.Problems {
			fmt.Fprintf(e.stderr, "%s: %s\n", p.Severity, p.Message)
		}
	}
	if result.HasErrors() {
		return exitFailure
	}
	return exitOK
}

// loadSide loads agreements from paths, or a bundle.
func loadSide(e *env, label string, paths []string) (*side, int) {
	if len(paths) == 1 && isBundleFile(paths[0]) {
		raw, err := e.readBundleFile(paths[0])
		if err != nil {
			e.errorf("%s", err)
			return nil, exitInvalid
		}
		b, err := policies.ReadBundleLimited(bytes.NewReader(raw), nil, e.maxBundle)
		if err != nil {
			e.errorf("%s: %s", paths[0], err)
			return nil, exitInvalid
		}
		set, err := policies.TermsOf(b)
		if err != nil {
			e.errorf("%s: %s", paths[0], err)
			return nil, exitInvalid
		}
		return &side{label: label + " (revision " + b.Manifest.Revision + ")", set: set, bundle: b}, exitOK
	}
	set, ok := loadSet(e, paths)
	if !ok {
		return nil, exitInvalid
	}
	return &side{label: label, set: set}, exitOK
}

// atRevision loads the agreement files under paths as they are at the Git
// revision rev: git lists them and gives their contents.
func atRevision(ctx context.Context, e *env, rev string, paths []string) (*side, int) {
	git := func(args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, "git", args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			if errors.Is(err, exec.ErrNotFound) {
				return nil, errors.New("the git command is not installed: --base reads the old agreements with it")
			}
			msg := strings.TrimSpace(stderr.String())
			if msg == "" {
				msg = err.Error()
			}
			return nil, fmt.Errorf("git %s: %s", strings.Join(args, " "), msg)
		}
		return out, nil
	}
	if _, err := git("rev-parse", "--verify", "--quiet", rev+"^{commit}"); err != nil {
		e.errorf("--base %s: not a revision of this repository (%s)", rev, err)
		return nil, exitInvalid
	}
	prefix, err := git("rev-parse", "--show-prefix")
	if err != nil {
		e.errorf("--base: %s", err)
		return nil, exitInvalid
	}
	listed, err := git(append([]string{"ls-tree", "-r", "-z", "--full-name", "--name-only", rev, "--"}, paths...)...)
	if err != nil {
		e.errorf("--base %s: %s", rev, err)
		return nil, exitInvalid
	}
	var sources []agreements.Source
	for _, name := range strings.Split(string(listed), "\x00") {
		if filepath.Ext(name) != ".hcl" {
			continue
		}
		body, err := git("cat-file", "blob", rev+":"+name)
		if err != nil {
			e.errorf("--base %s: %s", rev, err)
			return nil, exitInvalid
		}
		if int64(len(body)) > e.limits.MaxFileSize && e.limits.MaxFileSize > 0 {
			e.errorf("--base %s: %s is larger than %d bytes (--max-file-size)", rev, name, e.limits.MaxFileSize)
			return nil, exitInvalid
		}
		// Named as the files are now, relative to where entente runs.
		shown := strings.TrimPrefix(name, strings.TrimSpace(string(prefix)))
		sources = append(sources, agreements.Source{Name: shown, Bytes: body})
	}
	label := rev + ":" + strings.Join(paths, " ")
	set, diags := e.limits.Parse(sources...)
	if diags.HasErrors() {
		writeDiagnostics(e, set.Files, diags)
		e.errorf("the agreements at %s do not load: %s.", rev, errorSummary(diags))
		return nil, exitInvalid
	}
	return &side{label: label, set: set}, exitOK
}

// measureImpact evaluates both sides on the same source, at --at or over
// --period, and returns each agreement's outcome before and after.
func measureImpact(ctx context.Context, e *env, c *checkConfig, old, new *side, label string) ([]diff.Impact, string, int) {
	facts, err := readFacts(e.limits, c.facts)
	if err != nil {
		e.errorf("%s", err)
		return nil, "", exitInvalid
	}
	sets := make([]*evaluator.Set, 2)
	for i, s := range []*side{old, new} {
		var err error
		if s.bundle != nil {
			sets[i], err = evaluator.FromBundle(ctx, s.bundle)
		} else {
			var tree *policies.Tree
			if tree, err = policies.ForDecisions(s.set); err == nil {
				sets[i], err = evaluator.FromTree(ctx, tree)
			}
		}
		if err != nil {
			e.errorf("%s: %s", s.label, err)
			return nil, "", exitInvalid
		}
	}
	opts := evaluator.Options{Facts: facts, Logger: e.logger, Timeout: c.evaluationTimeout}
	if opts.AcceptWarnings, err = c.accepted(); err != nil {
		e.errorf("%s", err)
		return nil, "", exitInvalid
	}
	on := ""
	if label != "" {
		p, err := periodOf(label, sets[1], time.Now())
		if err != nil {
			e.errorf("%s", err)
			return nil, "", exitInvalid
		}
		opts.Period = p
		on = p.String()
	} else {
		at, err := parseAt(c.at)
		if err != nil {
			e.errorf("%s", err)
			return nil, "", exitInvalid
		}
		opts.At = at
		on = at.UTC().Format(time.RFC3339)
	}
	// Facts are keyed by agreement: an agreement of either side will do.
	for name := range facts {
		if old.set.Agreement(name) == nil && new.set.Agreement(name) == nil {
			e.errorf("facts %s: there is no agreement %q", c.facts, name)
			return nil, "", exitInvalid
		}
	}
	src, closeSource, code := openSource(ctx, e, c)
	if code != exitOK {
		return nil, "", code
	}
	defer closeSource()
	impact, before, after, err := diff.Measure(ctx, sets[0], sets[1], src, opts)
	if err != nil {
		e.errorf("%s", err)
		return nil, "", exitInvalid
	}
	for _, v := range []*evaluator.Verdict{before, after} {
		if failed := unmeasured(v); failed != "" {
			e.errorf("%s could not be measured; run it again when the source answers", failed)
			return nil, "", exitInconclusive
		}
	}
	return impact, on, exitOK
}

// appendFile appends b to the file name, creating it.
func appendFile(name string, b []byte) error {
	f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
