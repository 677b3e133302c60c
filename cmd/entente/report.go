package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/entente-dev/entente/evaluator"
	"github.com/entente-dev/entente/report"
)

var reportCommand = &command{
	name:    "report",
	bundles: true,
	reads:   true,
	caches:  true,
	summary: "write the SLA report of a closed period: HTML, Markdown or JSON",
	usage:   "report --period P SOURCE [--facts FILE] [--format F] [--output FILE] [--agreement NAME]... PATHS|BUNDLE",
	example: `entente report --period 2026-10 --prometheus http://prometheus:9090 --output october.html agreements/
entente report --period 2026-Q3 --metrics history.om --format markdown examples/agreements
entente report --period last-month --prometheus http://prometheus:9090 --format json agreements.tar.gz

P is a closed period, in each agreement's time zone: 2026-10-14 (a day),
2026-W43 (an ISO week), 2026-10 (a month), 2026-Q3 (a quarter), 2026 (a
year), or last-day, last-week, last-month, last-quarter, last-year.
Calendar SLOs are measured over the whole period, rolling ones over their
window ending with it, and credits are final.
SOURCE is --prometheus URL or --metrics FILE: a report charts the period
from the history, so --measurements cannot make one.
Formats: html (one self-contained file), markdown, json (the verdict
document of SPEC §4 with the period and the charts' series); by default
the --output file's extension says, else markdown.
The report says when it was generated: now, or SOURCE_DATE_EPOCH (unix
seconds) when set, so that a report written again from the same history
is the same file.
Exit status: 0 the report is written, whatever it says; 2 usage or
configuration error; 3 the report is written but something could not be
measured (the source failed): retry.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) int {
		var c checkConfig
		c.sourceFlags(fs)
		period := fs.String("period", "", "the closed `period` to report on (2026-10, 2026-Q3, last-month...)")
		fs.StringVar(&c.facts, "facts", "", "facts in `FILE` (JSON or HCL), keyed by agreement then fact")
		fs.StringVar(&c.format, "format", "", "output `format`: html, markdown or json (default: from --output's extension, else markdown)")
		fs.StringVar(&c.output, "output", "", "write the report to `FILE` instead of standard output")
		fs.Var(&c.agreements, "agreement", "report only on the agreement `NAME` (repeatable)")
		fs.StringVar(&c.verificationKey, "verification-key", "", "check a bundle's signature with this public `key` (or HMAC secret, or the file holding it)")
		return func(ctx context.Context, e *env, paths []string) int {
			return writeReport(ctx, e, &c, *period, paths)
		}
	},
}

// reportFormats are the formats of a report, and the file extensions that
// choose them.
var reportFormats = map[string]string{".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown", ".json": "json"}

func writeReport(ctx context.Context, e *env, c *checkConfig, label string, paths []string) int {
	if c.measurements != "" {
		e.errorf("a report charts the period from its history: give --prometheus URL or --metrics FILE, not --measurements")
		return exitInvalid
	}
	if (c.prometheus.URL != "") == (len(c.metrics) > 0) {
		e.errorf("give one source: --prometheus URL or --metrics FILE")
		return exitInvalid
	}
	if label == "" {
		e.errorf("give the period to report on: --period 2026-10 (a month), 2026-Q3, 2026-W43, 2026-10-14, 2026, or last-month...")
		return exitInvalid
	}
	format := c.format
	if format == "" {
		format = reportFormats[strings.ToLower(filepath.Ext(c.output))]
		if format == "" {
			format = "markdown"
		}
	}
	if format != "html" && format != "markdown" && format != "json" {
		e.errorf("--format %q: a report is html, markdown or json", format)
		return exitInvalid
	}
	if err := notAnInput("--output", c.output, paths, append([]string{c.facts}, c.metrics...)...); err != nil {
		e.errorf("%s", err)
		return exitInvalid
	}
	generated, err := generatedAt(e.getenv, time.Now())
	if err != nil {
		e.errorf("%s", err)
		return exitInvalid
	}
	facts, err := readFacts(e.limits, c.facts)
	if err != nil {
		e.errorf("%s", err)
		return exitInvalid
	}
	set, code := loadEvaluationSet(ctx, e, paths, c.verificationKey)
	if code != exitOK {
		return code
	}
	fitGC(e.getenv)
	period, err := periodOf(label, set, time.Now())
	if err != nil {
		e.errorf("%s", err)
		return exitInvalid
	}
	if err := set.CheckKeys("facts "+c.facts, facts); err != nil {
		e.errorf("%s", err)
		return exitInvalid
	}
	accept, err := c.accepted()
	if err != nil {
		e.errorf("%s", err)
		return exitInvalid
	}
	src, closeSource, code := openSource(ctx, e, c)
	if code != exitOK {
		return code
	}
	defer closeSource()
	verdict, err := set.Evaluate(ctx, src, evaluator.Options{Period: period, Facts: facts, Agreements: c.agreements, Logger: e.logger, AcceptWarnings: accept, Timeout: c.evaluationTimeout})
	if err != nil {
		e.errorf("%s", err)
		return exitInvalid
	}
	generatedAt := generated.UTC().Truncate(time.Second)
	verdict.GeneratedAt = &generatedAt

	var buf bytes.Buffer
	if err := renderReport(&buf, format, verdict); err != nil {
		e.errorf("%s", err)
		return exitInvalid
	}
	if !e.write(c.output, buf.Bytes()) {
		return exitInvalid
	}
	if failed := unmeasured(verdict); failed != "" {
		e.errorf("the report is written, but %s could not be measured; run it again when the source answers", failed)
		return exitInconclusive
	}
	return exitOK
}

// periodOf reads --period: a period, or last-KIND, the last one over now
// in the time zone of the set's first agreement.
func periodOf(label string, set *evaluator.Set, now time.Time) (evaluator.Period, error) {
	loc := time.UTC
	if len(set.Plans) > 0 {
		if l, err := time.LoadLocation(set.Plans[0].TimeZone); err == nil {
			loc = l
		}
	}
	return evaluator.ResolvePeriod(label, now, loc)
}

// generatedAt is the time a report says it was generated: now, or
// SOURCE_DATE_EPOCH, the variable of reproducible builds, so that the same
// report can be written again byte for byte.
func generatedAt(getenv func(string) string, now time.Time) (time.Time, error) {
	s := getenv("SOURCE_DATE_EPOCH")
	if s == "" {
		return now.UTC().Truncate(time.Second), nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > maxEpoch {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q: give the time the report is generated at in unix seconds, e.g. 1793606400", s)
	}
	return time.Unix(n, 0).UTC(), nil
}

// maxEpoch is the last second of 9999, the last a time in RFC 3339 holds.
const maxEpoch = 253402300799

// renderReport writes a report's verdict document in a format.
func renderReport(buf *bytes.Buffer, format string, verdict *evaluator.Verdict) error {
	if format == "json" {
		raw, err := json.MarshalIndent(verdict, "", "  ")
		if err != nil {
			return err
		}
		buf.Write(raw)
		buf.WriteByte('\n')
		return nil
	}
	if err := report.Check(verdict); err != nil {
		return err
	}
	if format == "html" {
		return report.HTML(buf, verdict)
	}
	return report.Markdown(buf, verdict)
}

// unmeasured names the first SLO or responsibility whose measurement
// failed, or returns "".
func unmeasured(v *evaluator.Verdict) string {
	for _, a := range v.Agreements {
		for _, s := range a.SLOs {
			if s.Status == "error" {
				return fmt.Sprintf("SLO %s of %s", s.Name, a.Name)
			}
		}
		for _, r := range a.Responsibilities {
			if r.Status == "error" {
				return fmt.Sprintf("responsibility %s of %s", r.Name, a.Name)
			}
		}
	}
	return ""
}
