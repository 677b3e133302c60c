package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/alecthomas/units"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/evaluator"
	"github.com/entente-dev/entente/internal/output"
	"github.com/entente-dev/entente/policies"
)

// byteSize is a flag of a size: 256MiB, 1GiB, or bytes.
type byteSize int64

func (b *byteSize) String() string { return units.Base2Bytes(*b).String() }

func (b *byteSize) Set(s string) error {
	n, err := units.ParseBase2Bytes(s)
	if err != nil {
		if v, err2 := strconv.ParseInt(s, 10, 64); err2 == nil {
			n = units.Base2Bytes(v)
		} else {
			return fmt.Errorf("%q is not a size: write 256MiB, 1GiB or a number of bytes", s)
		}
	}
	if n <= 0 {
		return fmt.Errorf("%q: a size must be positive", s)
	}
	*b = byteSize(n)
	return nil
}

// repeated is a flag that may be given more than once.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(s string) error { *r = append(*r, s); return nil }

var checkCommand = &command{
	name:    "check",
	bundles: true,
	reads:   true,
	caches:  true,
	summary: "measure agreements and print their verdicts: the CI gate",
	usage:   "check SOURCE [--facts FILE] [--at T] [--format F] [--output FILE] [--agreement NAME]... [--fail-on at_risk] PATHS|BUNDLE",
	example: `entente check --prometheus http://prometheus:9090 agreements/
entente check --metrics history.om --at 2026-11-01T00:00:00Z --format json examples/agreements
entente check --measurements input.json --format junit --output verdicts.xml agreements.tar.gz

SOURCE is one of --prometheus URL (any Prometheus-compatible API),
--metrics FILE (repeatable; OpenMetrics or Prometheus text with timestamps,
queried with an embedded PromQL engine) or --measurements FILE (the
policies' input documents keyed by agreement, no queries at all).
Formats: text, json (SPEC §4), junit, github (annotations on the HCL lines,
and a summary in $GITHUB_STEP_SUMMARY), markdown.
Exit status: 0 every agreement compliant, at risk or inactive; 1 one is
breached (or at risk, with --fail-on at_risk); 2 usage or configuration
error; 3 nothing breached but something could not be measured (retry).`,
	flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) int {
		var c checkConfig
		c.sourceFlags(fs)
		fs.StringVar(&c.facts, "facts", "", "facts in `FILE` (JSON or HCL), keyed by agreement then fact")
		fs.StringVar(&c.at, "at", "", "evaluate at `T`, RFC 3339 or unix seconds (default now)")
		fs.StringVar(&c.format, "format", "text", "output `format`: "+strings.Join(output.Formats, ", "))
		fs.StringVar(&c.output, "output", "", "write the result to `FILE` instead of standard output")
		fs.Var(&c.agreements, "agreement", "check only the agreement `NAME` (repeatable)")
		fs.StringVar(&c.failOn, "fail-on", "breached", "the agreement `status` that fails: breached, or at_risk")
		fs.StringVar(&c.verificationKey, "verification-key", "", "check a bundle's signature with this public `key` (or HMAC secret, or the file holding it)")
		noColor := noColorFlag(fs)
		return func(ctx context.Context, e *env, paths []string) int {
			e.noColor = *noColor
			return check(ctx, e, &c, paths)
		}
	},
}

// sourceFlags adds the flags of a metrics source: check and serve share them.
func (c *checkConfig) sourceFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.prometheus.URL, "prometheus", "", "measure from the Prometheus-compatible API at `URL`")
	fs.Var(&c.headers, "prometheus-header", "an HTTP `header` for Prometheus, 'Name: value' (repeatable)")
	fs.StringVar(&c.prometheus.BearerTokenFile, "prometheus-bearer-token-file", "", "send the bearer token in `FILE` (re-read when it changes)")
	fs.StringVar(&c.prometheus.CAFile, "prometheus-ca-file", "", "verify Prometheus's certificate with the CA in `FILE`")
	fs.StringVar(&c.prometheus.CertFile, "prometheus-cert-file", "", "client certificate `FILE` for Prometheus")
	fs.StringVar(&c.prometheus.KeyFile, "prometheus-key-file", "", "client key `FILE` for Prometheus")
	fs.BoolVar(&c.prometheus.InsecureSkipVerify, "prometheus-insecure-skip-verify", false, "do not verify Prometheus's certificate")
	fs.DurationVar(&c.prometheus.Timeout, "query-timeout", 30*time.Second, "the `timeout` of each query")
	fs.DurationVar(&c.evaluationTimeout, "evaluation-timeout", evaluator.DefaultEvaluationTimeout, "give the verdict after `D` at most, with what is not measured by then an error")
	c.prometheus.MaxAnswerBytes = evaluator.DefaultMaxAnswerBytes
	fs.Var((*byteSize)(&c.prometheus.MaxAnswerBytes), "max-answer-size", "refuse a Prometheus answer larger than `SIZE`")
	fs.Var(&c.acceptWarnings, "accept-warning", "take answers whose warning matches `REGEX` (repeatable): any other warning, or a partial answer, makes the SLOs measured from it errors")
	fs.Var(&c.metrics, "metrics", "measure from the metric history in `FILE` (repeatable)")
	fs.StringVar(&c.measurements, "measurements", "", "decide on the measurements in `FILE`, without queries")
}

type checkConfig struct {
	prometheus        evaluator.PrometheusConfig
	headers           repeated
	acceptWarnings    repeated
	evaluationTimeout time.Duration
	metrics           repeated
	measurements      string
	facts             string
	at                string
	format            string
	output            string
	agreements        repeated
	failOn            string
	verificationKey   string
}

func check(ctx context.Context, e *env, c *checkConfig, paths []string) int {
	sources := 0
	for _, set := range []bool{c.prometheus.URL != "", len(c.metrics) > 0, c.measurements != ""} {
		if set {
			sources++
		}
	}
	if sources != 1 {
		e.errorf("give one source: --prometheus URL, --metrics FILE or --measurements FILE")
		return exitInvalid
	}
	if c.failOn != "breached" && c.failOn != "at_risk" {
		e.errorf("--fail-on takes breached or at_risk, not %q", c.failOn)
		return exitInvalid
	}
	at, err := parseAt(c.at)
	if err != nil {
		e.errorf("%s", err)
		return exitInvalid
	}
	if err := notAnInput("--output", c.output, paths, append([]string{c.facts, c.measurements}, c.metrics...)...); err != nil {
		e.errorf("%s", err)
		return exitInvalid
	}
	facts, err := readFacts(e.limits, c.facts)
	if err != nil {
		e.errorf("%s", err)
		return exitInvalid
	}
	color, _ := isTerminal(e.stdout)
	var summary io.Writer
	if c.format == "github" {
		if name := e.getenv("GITHUB_STEP_SUMMARY"); name != "" {
			f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
			if err != nil {
				e.errorf("GITHUB_STEP_SUMMARY: %s", err)
				return exitInvalid
			}
			defer f.Close()
			summary = f
		}
	}
	out, err := output.New(c.format, output.Options{Color: color && c.output == "" && !e.noColor && e.getenv("NO_COLOR") == "", Summary: summary, FailOn: c.failOn})
	if err != nil {
		e.errorf("%s", err)
		return exitInvalid
	}

	set, code := loadEvaluationSet(ctx, e, paths, c.verificationKey)
	if code != exitOK {
		return code
	}
	fitGC(e.getenv)
	if err := set.CheckKeys("facts "+c.facts, facts); err != nil {
		e.errorf("%s", err)
		return exitInvalid
	}
	accept, err := c.accepted()
	if err != nil {
		e.errorf("%s", err)
		return exitInvalid
	}
	opts := evaluator.Options{At: at, Facts: facts, Agreements: c.agreements, Logger: e.logger, AcceptWarnings: accept, Timeout: c.evaluationTimeout}

	var verdict *evaluator.Verdict
	switch {
	case c.measurements != "":
		inputs, err := readMeasurements(e.limits, c.measurements)
		if err == nil {
			err = set.CheckKeys("measurements "+c.measurements, inputs)
		}
		if err != nil {
			e.errorf("%s", err)
			return exitInvalid
		}
		verdict, err = set.Decide(ctx, inputs, opts)
		if err != nil {
			e.errorf("%s", err)
			return exitInvalid
		}
	default:
		src, closeSource, code := openSource(ctx, e, c)
		if code != exitOK {
			return code
		}
		defer closeSource()
		verdict, err = set.Evaluate(ctx, src, opts)
		if err != nil {
			e.errorf("%s", err)
			return exitInvalid
		}
	}

	var buf bytes.Buffer
	if err := out.Output(&buf, verdict); err != nil {
		e.errorf("%s", err)
		return exitInvalid
	}
	if !e.write(c.output, buf.Bytes()) {
		return exitInvalid
	}
	return exitCode(verdict, c.failOn)
}

// accepted compiles the regular expressions of --accept-warning.
func (c *checkConfig) accepted() ([]*regexp.Regexp, error) {
	var out []*regexp.Regexp
	for _, s := range c.acceptWarnings {
		re, err := regexp.Compile(s)
		if err != nil {
			return nil, fmt.Errorf("--accept-warning %q is not a regular expression: %w", s, err)
		}
		out = append(out, re)
	}
	return out, nil
}

// write writes a command's result to the file named, or to standard
// output; it says why when it cannot.
func (e *env) write(file string, b []byte) bool {
	if file != "" {
		if err := writeAtomic(file, b, 0o644); err != nil {
			e.errorf("%s", err)
			return false
		}
	} else if _, err := e.stdout.Write(b); err != nil {
		e.errorf("write the result: %s", err)
		return false
	}
	return true
}

// exitCode follows SPEC §5: breached fails, inconclusive asks for a retry.
func exitCode(v *evaluator.Verdict, failOn string) int {
	worst := map[string]bool{}
	for _, a := range v.Agreements {
		worst[a.Status] = true
	}
	switch {
	case worst["breached"], failOn == "at_risk" && worst["at_risk"]:
		return exitFailure
	case worst["inconclusive"]:
		return exitInconclusive
	}
	return exitOK
}

// loadEvaluationSet reads agreements from HCL paths, or one bundle file.
func loadEvaluationSet(ctx context.Context, e *env, paths []string, verificationKey string) (*evaluator.Set, int) {
	if len(paths) == 1 && isBundleFile(paths[0]) {
		raw, err := e.readBundleFile(paths[0])
		if err != nil {
			e.errorf("%s", err)
			return nil, exitInvalid
		}
		var verify *policies.VerifyOptions
		if verificationKey != "" {
			verify = &policies.VerifyOptions{Key: verificationKey}
		}
		b, err := policies.ReadBundleLimited(bytes.NewReader(raw), verify, e.maxBundle)
		if err != nil {
			e.errorf("%s: %s", paths[0], err)
			return nil, exitInvalid
		}
		set, err := evaluator.FromBundle(ctx, b)
		if err != nil {
			e.errorf("%s: %s", paths[0], err)
			return nil, exitInvalid
		}
		return set, exitOK
	}
	if verificationKey != "" {
		e.errorf("--verification-key checks a bundle; give one bundle file")
		return nil, exitInvalid
	}
	tree, code := compileForDecisions(e, paths)
	if code != exitOK {
		return nil, code
	}
	set, err := evaluator.FromTree(ctx, tree)
	if err != nil {
		e.errorf("%s", err)
		return nil, exitInvalid
	}
	return set, exitOK
}

// isBundleFile tells a bundle (a gzip file) from agreement files.
func isBundleFile(path string) bool {
	if info, err := os.Stat(path); err != nil || !info.Mode().IsRegular() {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	magic := make([]byte, 2)
	n, _ := io.ReadFull(f, magic)
	return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b
}

// parseAt reads --at: RFC 3339 or unix seconds; empty is now.
func parseAt(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := evaluator.ParseTime(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("--at: %w", err)
	}
	return t, nil
}

// readFacts reads a facts file: JSON, or HCL attributes, keyed by
// agreement then fact.
func readFacts(limits agreements.Limits, name string) (map[string]map[string]any, error) {
	if name == "" {
		return nil, nil
	}
	raw, err := limits.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("facts: %w", err)
	}
	doc := map[string]map[string]any{}
	if trimmed := bytes.TrimSpace(raw); len(trimmed) > 0 && trimmed[0] == '{' {
		if err := json.Unmarshal(raw, &doc); err != nil {
			return nil, fmt.Errorf("facts %s: not a JSON object of agreements and their facts: %w", name, err)
		}
		return doc, nil
	}
	if diags := limits.CheckSource(raw, name); diags.HasErrors() {
		return nil, fmt.Errorf("facts %s: %s", name, diags.Error())
	}
	f, diags := hclsyntax.ParseConfig(raw, name, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, fmt.Errorf("facts %s: %s", name, diags.Error())
	}
	attrs, diags := f.Body.JustAttributes()
	if diags.HasErrors() {
		return nil, fmt.Errorf("facts %s: %s", name, diags.Error())
	}
	for agreement, attr := range attrs {
		v, diags := attr.Expr.Value(nil)
		if diags.HasErrors() {
			return nil, fmt.Errorf("facts %s: %s", name, diags.Error())
		}
		b, err := ctyjson.Marshal(v, v.Type())
		if err != nil {
			return nil, fmt.Errorf("facts %s: %s: %w", name, agreement, err)
		}
		var facts map[string]any
		if err := json.Unmarshal(b, &facts); err != nil {
			return nil, fmt.Errorf("facts %s: %s must be an object of facts, e.g. %s = { staging_access_granted = true }", name, agreement, agreement)
		}
		doc[agreement] = facts
	}
	return doc, nil
}

// readMeasurements reads the input documents of --measurements, keyed by
// agreement.
func readMeasurements(limits agreements.Limits, name string) (map[string]map[string]any, error) {
	raw, err := limits.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("measurements: %w", err)
	}
	var doc map[string]map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("measurements %s: not a JSON object of input documents keyed by agreement: %w", name, err)
	}
	return doc, nil
}
