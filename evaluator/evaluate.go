package evaluator

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/policies"
	"github.com/entente-dev/entente/verdict"
)

// ErrPeriodNotOver is the error of a report on a period that has not ended.
var ErrPeriodNotOver = errors.New("the period is not over")

// Schema names the verdict document's format.
const Schema = verdict.Schema

// Set is a compiled set of agreements, ready to evaluate: the prepared
// policies, the plans that say how to measure each agreement, and the
// revision they come from.
type Set struct {
	Decider  *policies.Decider
	Plans    []policies.Plan
	Revision string
}

// FromTree prepares the agreements of a compiled tree.
func FromTree(ctx context.Context, tree *policies.Tree) (*Set, error) {
	d, err := tree.Prepare(ctx)
	if err != nil {
		return nil, err
	}
	plans, err := policies.Plans(tree)
	if err != nil {
		return nil, err
	}
	return &Set{Decider: d, Plans: plans, Revision: tree.Digest()}, nil
}

// FromBundle prepares the agreements of a bundle.
func FromBundle(ctx context.Context, b *bundle.Bundle) (*Set, error) {
	d, err := policies.PrepareBundle(ctx, b)
	if err != nil {
		return nil, err
	}
	plans, err := policies.PlansFromData(b.Data)
	if err != nil {
		return nil, err
	}
	return &Set{Decider: d, Plans: plans, Revision: b.Manifest.Revision}, nil
}

// Verdict is the document of SPEC §4: the verdicts of a set of agreements
// at one time.
type Verdict = verdict.Document

// newVerdict starts the verdict document of an evaluation at at.
func (s *Set) newVerdict(at time.Time) *Verdict {
	return &Verdict{Schema: Schema, EvaluatedAt: at.UTC(), Revision: s.Revision, Status: "inactive", Agreements: []verdict.Agreement{}}
}

// decide asks an agreement's policy for its verdict on an input and reads
// the answer into the model.
func (s *Set) decide(ctx context.Context, p policies.Plan, input any) (verdict.Agreement, error) {
	value, err := ast.InterfaceToValue(input)
	if err != nil {
		return verdict.Agreement{}, fmt.Errorf("input of %s: %w", p.Agreement, err)
	}
	answer, err := s.Decider.Verdict(ctx, p.Agreement, value)
	if err != nil {
		return verdict.Agreement{}, err
	}
	a, err := verdict.FromPolicy(answer)
	if err != nil {
		return verdict.Agreement{}, fmt.Errorf("evaluate %s: %w: %w", p.Agreement, policies.ErrNoVerdict, err)
	}
	return a, nil
}

// CheckKeys returns an error naming a key of a document keyed by agreement
// (measurements, facts) that is no agreement of the set: a misspelt name
// would otherwise leave an agreement without its data, silently.
func (s *Set) CheckKeys(what string, doc map[string]map[string]any) error {
	for name := range doc {
		if !slices.ContainsFunc(s.Plans, func(p policies.Plan) bool { return p.Agreement == name }) {
			return fmt.Errorf("%s: there is no agreement %q", what, name)
		}
	}
	return nil
}

// Options control an evaluation.
type Options struct {
	// At is the evaluation time, in whole seconds.
	At time.Time
	// Facts are keyed by agreement, then by fact.
	Facts map[string]map[string]any
	// Agreements limits the evaluation to these names; empty means all.
	Agreements []string
	// Concurrency bounds the SLOs measured at once (default 16).
	Concurrency int
	Logger      *slog.Logger

	// Period makes the evaluation a report of that closed period: each
	// agreement is evaluated at the period's end in its own time zone,
	// calendar SLOs over the whole period (At is ignored), and each SLO
	// gets what the report charts.
	Period Period
	// Now is the time a report's period must be over by (default now).
	Now time.Time

	// AcceptWarnings are the warnings of the source's answers that are
	// harmless: an answer with any other warning (a partial answer, a
	// PromQL warning) is an error for the SLOs measured from it.
	AcceptWarnings []*regexp.Regexp

	// Timeout bounds the measurements of the evaluation (0: none): what is
	// not measured by then is an error, and the verdict is given.
	Timeout time.Duration
}

// DefaultEvaluationTimeout is the Timeout of the commands: well under a CI
// job's patience, well over what a healthy source takes.
const DefaultEvaluationTimeout = 2 * time.Minute

// TimeoutError is the error of a measurement not taken within the
// evaluation's Timeout.
type TimeoutError struct{ Timeout time.Duration }

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("not measured within the evaluation's %s (--evaluation-timeout): the source is too slow, or does not answer", e.Timeout)
}

// Evaluate measures every agreement of the set from the source and returns
// their verdicts. A source that fails gives SLOs with the status error,
// never an error here; errors are for what makes a verdict impossible.
func (s *Set) Evaluate(ctx context.Context, src Source, opts Options) (*Verdict, error) {
	return s.evaluate(ctx, newMemo(src, opts.AcceptWarnings), opts)
}

func (s *Set) evaluate(ctx context.Context, m *memo, opts Options) (*Verdict, error) {
	at := opts.At.Truncate(time.Second)
	if at.IsZero() {
		at = time.Now().Truncate(time.Second)
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	plans, err := s.selected(opts.Agreements)
	if err != nil {
		return nil, err
	}
	limit := opts.Concurrency
	if limit <= 0 {
		limit = 16
	}
	sem := make(chan struct{}, limit)

	// A report evaluates each agreement at the end of the period in its
	// own time zone, once the period is over there.
	ats := make([]time.Time, len(plans))
	periods := make([]*span, len(plans))
	latest := at
	for i, p := range plans {
		ats[i] = at
		if opts.Period.IsZero() {
			continue
		}
		loc, err := time.LoadLocation(p.TimeZone)
		if err != nil {
			return nil, fmt.Errorf("agreement %s: time zone: %w", p.Agreement, err)
		}
		in := opts.Period.In(loc)
		now := opts.Now
		if now.IsZero() {
			now = time.Now()
		}
		if in.End.After(now) {
			return nil, fmt.Errorf("%w: %s ends at %s for %s (%s); report on a period that has ended", ErrPeriodNotOver, opts.Period, in.End.Format(time.RFC3339), p.Agreement, p.TimeZone)
		}
		ats[i], periods[i] = in.End, &span{in, opts.Period.Kind}
		// An agreement that expires during the period is reported on up
		// to its last second in force: its last month is what its final
		// credits are owed for.
		if p.Expires != nil {
			if expires, err := time.Parse(time.RFC3339, *p.Expires); err == nil && expires.After(in.Start) && expires.Before(in.End) {
				ats[i] = expires.Add(-time.Second)
				periods[i].End = expires
			}
		}
		if i == 0 || in.End.After(latest) {
			latest = in.End
		}
	}

	mctx := ctx
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		mctx, cancel = context.WithTimeoutCause(ctx, opts.Timeout, &TimeoutError{opts.Timeout})
		defer cancel()
	}
	inputs := make([]map[string]any, len(plans))
	audits := make([]*audit, len(plans))
	var wg sync.WaitGroup
	for i, p := range plans {
		in, a, err := s.measure(mctx, m, sem, &wg, p, ats[i], periods[i], opts.Facts[p.Agreement], logger)
		if err != nil {
			wg.Wait() // the measurements already started still use the source
			return nil, err
		}
		inputs[i], audits[i] = in, a
	}
	wg.Wait()

	v := s.newVerdict(latest)
	if !opts.Period.IsZero() {
		v.Period = &verdict.Period{Label: opts.Period.Label, Kind: string(opts.Period.Kind)}
	}
	v.DataSource = m.describe(ctx).document()
	// An evaluation stopped (a shutdown, an interrupt) gives no verdict:
	// OPA notices a context that ended only now and then, and would
	// otherwise decide on measurements cut short, or not.
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("the evaluation was stopped: %w", context.Cause(ctx))
	}
	for i, p := range plans {
		result, err := s.decide(ctx, p, inputs[i])
		if err != nil {
			return nil, err
		}
		audits[i].annotate(p, &result)
		v.Add(result)
	}
	return v, nil
}

func (s *Set) selected(names []string) ([]policies.Plan, error) {
	if len(names) == 0 {
		return s.Plans, nil
	}
	var out []policies.Plan
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			continue
		}
		seen[n] = true
		found := false
		for _, p := range s.Plans {
			if p.Agreement == n {
				out, found = append(out, p), true
				break
			}
		}
		if !found {
			var have []string
			for _, p := range s.Plans {
				have = append(have, p.Agreement)
			}
			return nil, fmt.Errorf("%w %q; the agreements are %s", policies.ErrUnknownAgreement, n, strings.Join(have, ", "))
		}
	}
	return out, nil
}

// audit keeps, per block, the queries sent for it.
type audit struct {
	mu      sync.Mutex
	queries map[string][]*QueryRecord // key: "slos/NAME" or "responsibilities/NAME"

	// In a report: the agreement's own report object, and what is charted
	// of each SLO.
	report    *verdict.AgreementReport
	kind      agreements.Calendar
	loc       *time.Location
	timelines map[string]*timeline
}

func (a *audit) chart(slo string, tl *timeline) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.timelines == nil {
		a.timelines = map[string]*timeline{}
	}
	a.timelines[slo] = tl
}

// add records a query about to be sent for a block.
func (a *audit) add(key string, q QueryRecord) *QueryRecord {
	if a == nil { // a report's charts: their queries are not the verdict's
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.queries == nil {
		a.queries = map[string][]*QueryRecord{}
	}
	rec := &q
	a.queries[key] = append(a.queries[key], rec)
	return rec
}

// warned records the warnings accepted with the answer to a query.
func (a *audit) warned(rec *QueryRecord, warnings []string) {
	if a == nil || rec == nil || len(warnings) == 0 {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	rec.Warnings = warnings
}

// annotate adds to a verdict what Go knows and the policy does not: where
// each block is written and the queries sent for it, and in a report, what
// the report shows.
func (a *audit) annotate(p policies.Plan, result *verdict.Agreement) {
	result.Source = sourceOf(p.Source)
	sources := map[string]policies.Source{}
	for _, s := range p.SLOs {
		sources["slos/"+s.Name] = s.Source
	}
	for _, r := range p.Responsibilities {
		sources["responsibilities/"+r.Name] = r.Source
	}
	queries := func(key string) []verdict.Query {
		q := []verdict.Query{}
		for _, rec := range a.queries[key] {
			q = append(q, rec.document())
		}
		return q
	}
	for i := range result.SLOs {
		key := "slos/" + result.SLOs[i].Name
		result.SLOs[i].Annotate(*sourceOf(sources[key]), queries(key))
	}
	for i := range result.Responsibilities {
		key := "responsibilities/" + result.Responsibilities[i].Name
		result.Responsibilities[i].Annotate(*sourceOf(sources[key]), queries(key))
	}
	if a.report == nil {
		return
	}
	result.Report = a.report
	// A credit is owed for the SLO's own period: measured over a report of
	// another kind (a monthly SLO over a week), it is only indicative.
	for i := range result.Credits {
		c := &result.Credits[i]
		for _, slo := range p.SLOs {
			if slo.Name == c.SLO && slo.Calendar != nil && *slo.Calendar != string(a.kind) {
				c.Final = false
			}
		}
	}
	for i := range result.SLOs {
		s := &result.SLOs[i]
		for _, slo := range p.SLOs {
			if slo.Name != s.Name {
				continue
			}
			tl := a.timelines[slo.Name]
			if tl == nil { // not measured: the agreement is inactive
				tl = &timeline{kind: slo.Kind, unit: "day"}
			}
			s.Chart(tl.document(a.loc, slo, p.Indicators[slo.Indicator], s))
		}
	}
}

// measure works out an agreement's input document: its measurements,
// started on the wait group, and its facts.
func (s *Set) measure(ctx context.Context, m *memo, sem chan struct{}, wg *sync.WaitGroup, p policies.Plan, at time.Time, period *span, facts map[string]any, logger *slog.Logger) (map[string]any, *audit, error) {
	a := &audit{}
	if facts == nil {
		facts = map[string]any{}
	}
	slos := map[string]any{}
	duties := map[string]any{}
	input := map[string]any{
		"at":           at.UTC().Format(time.RFC3339),
		"measurements": map[string]any{"slos": slos, "responsibilities": duties},
		"facts":        facts,
	}
	loc, err := time.LoadLocation(p.TimeZone)
	if err != nil {
		return nil, a, fmt.Errorf("agreement %s: time zone: %w", p.Agreement, err)
	}
	effective, err := time.Parse(time.RFC3339, p.Effective)
	if err != nil {
		return nil, a, fmt.Errorf("agreement %s: effective: %w", p.Agreement, err)
	}
	exclusions, err := exclusionsOf(p)
	if err != nil {
		return nil, a, fmt.Errorf("agreement %s: %w", p.Agreement, err)
	}
	if period != nil {
		a.loc = loc
		a.report = reportOf(p, period.Interval, loc, exclusions)
		a.kind = period.kind
	}
	if at.Before(effective) {
		return input, a, nil // nothing is measured before the agreement starts
	}
	if p.Expires != nil {
		expires, err := time.Parse(time.RFC3339, *p.Expires)
		if err != nil {
			return nil, a, fmt.Errorf("agreement %s: expires: %w", p.Agreement, err)
		}
		if !at.Before(expires) {
			return input, a, nil
		}
	}
	// The window at at; in a report, a calendar window is the period.
	window := func(rolling *int64, calendar *string) Window {
		if period != nil && calendar != nil {
			w := ClosedWindow(effective, period.Interval)
			w.Calendar = period.kind
			return w
		}
		if period != nil { // a rolling window ends with the period reported on
			return WindowAt(loc, effective, seconds(rolling), "", period.End)
		}
		return WindowAt(loc, effective, seconds(rolling), calendarOf(calendar), at)
	}

	var mu sync.Mutex
	set := func(target map[string]any, name string, v map[string]any) {
		mu.Lock()
		target[name] = v
		mu.Unlock()
	}
	for _, slo := range p.SLOs {
		ind, ok := p.Indicators[slo.Indicator]
		if !ok {
			return nil, a, fmt.Errorf("agreement %s: SLO %s: no indicator %s in the plan", p.Agreement, slo.Name, slo.Indicator)
		}
		w := window(slo.WindowSeconds, slo.Calendar)
		excluded := Applied(exclusions, slo.Name, w.Interval, loc)
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			r := recorder{memo: m, audit: a, key: "slos/" + slo.Name}
			var v map[string]any
			var sliced []slice
			var sliceLength time.Duration
			var err error
			switch slo.Kind {
			case string(agreements.ValueSLO):
				v, err = r.value(ctx, ind.Value, w)
			case string(agreements.TimesliceSLO):
				v, sliced, err = r.timeslices(ctx, ind, slo.Timeslices, w, excluded)
				sliceLength = time.Duration(slo.Timeslices.SliceSeconds) * time.Second
			default:
				v, err = r.ratio(ctx, ind, Included(w.Interval, excluded))
			}
			if err == nil {
				var c *coverage
				if c, err = r.coverageOf(ctx, ind, w, excluded, sliced, sliceLength); c != nil {
					v["coverage"] = c.doc()
				}
				v, err = uncovered(v, err)
			}
			if err != nil {
				err = timedOut(ctx, err)
				logger.Warn("measurement failed", "agreement", p.Agreement, "slo", slo.Name, "error", err)
				v = failedMeasurement(err)
			}
			v["window"] = windowDoc(w)
			// The end of the period, from which a credit's claim deadline
			// counts: the calendar period's, or the rolling window's.
			v["period_end"] = w.Period.End.In(loc).Format(time.RFC3339)
			v["excluded_seconds"] = Seconds(excluded)
			if w.Calendar != "" {
				v["elapsed"] = w.Elapsed()
			}
			set(slos, slo.Name, v)
			if period != nil {
				a.chart(slo.Name, recorder{memo: m}.timeline(ctx, slo, ind, w, excluded, loc))
			}
		})
	}
	for _, duty := range p.Responsibilities {
		if duty.Indicator == nil {
			continue
		}
		ind, ok := p.Indicators[*duty.Indicator]
		if !ok {
			return nil, a, fmt.Errorf("agreement %s: responsibility %s: no indicator %s in the plan", p.Agreement, duty.Name, *duty.Indicator)
		}
		w := window(duty.WindowSeconds, duty.Calendar)
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			r := recorder{memo: m, audit: a, key: "responsibilities/" + duty.Name}
			v, err := r.value(ctx, ind.Value, w)
			if err == nil {
				var c *coverage
				if c, err = r.coverageOf(ctx, ind, w, nil, nil, 0); c != nil {
					v["coverage"] = c.doc()
				}
				v, err = uncovered(v, err)
			}
			if err != nil {
				err = timedOut(ctx, err)
				logger.Warn("measurement failed", "agreement", p.Agreement, "responsibility", duty.Name, "error", err)
				v = failedMeasurement(err)
			}
			set(duties, duty.Name, v)
		})
	}
	return input, a, nil
}

// timedOut says that a measurement failed for the evaluation's timeout,
// rather than how the query it was in failed.
func timedOut(ctx context.Context, err error) error {
	if te, ok := errors.AsType[*TimeoutError](context.Cause(ctx)); ok && ctx.Err() != nil {
		return te
	}
	return err
}

// uncovered makes a measurement whose coverage cannot be measured no data,
// with why: its figure may be that of part of the window.
func uncovered(v map[string]any, err error) (map[string]any, error) {
	var u *unresolved
	if !errors.As(err, &u) {
		return v, err
	}
	if _, ok := v["value"]; ok {
		return map[string]any{"value": nil, "reason": u.msg}, nil
	}
	return map[string]any{"good": nil, "total": nil, "reason": u.msg}, nil
}

func sourceOf(s policies.Source) *verdict.Source {
	return &verdict.Source{File: s.File, Line: s.Line}
}

func seconds(s *int64) time.Duration {
	if s == nil {
		return 0
	}
	return time.Duration(*s) * time.Second
}

func calendarOf(c *string) agreements.Calendar {
	if c == nil {
		return ""
	}
	return agreements.Calendar(*c)
}

func windowDoc(w Window) map[string]any {
	var cal any
	if w.Calendar != "" {
		cal = string(w.Calendar)
	}
	return map[string]any{"start": w.Start.Format(time.RFC3339), "end": w.End.Format(time.RFC3339), "calendar": cal}
}
