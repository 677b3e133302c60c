package evaluator

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/verdict"
)

// QueryRecord is one query sent to the source, kept for audit.
type QueryRecord struct {
	Query       string `json:"query"`
	Time        string `json:"time,omitempty"`
	Start       string `json:"start,omitempty"`
	End         string `json:"end,omitempty"`
	StepSeconds int64  `json:"step_seconds,omitempty"`
	// Purpose is "coverage" for the queries that measure how much of the
	// window the source holds data for; empty for the measurement itself.
	Purpose string `json:"purpose,omitempty"`
	// Warnings are the engine's warnings about the answer that the user
	// accepted (Options.AcceptWarnings).
	Warnings []string `json:"warnings,omitempty"`
}

// document is the query as the verdict lists it.
func (q QueryRecord) document() verdict.Query {
	return verdict.Query{Query: q.Query, Time: instant(q.Time), Start: instant(q.Start), End: instant(q.End), StepSeconds: q.StepSeconds, Purpose: q.Purpose, Warnings: q.Warnings}
}

// instant reads a time a QueryRecord holds; nil for none.
func instant(s string) *time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil
	}
	return &t
}

// memo sends each distinct query to the source once per evaluation, however
// many SLOs ask for it, and refuses answers with a warning nobody accepted.
type memo struct {
	src    Source
	accept []*regexp.Regexp
	mu     sync.Mutex
	calls  map[string]*call

	engineOnce sync.Once
	engine     Engine
}

type call struct {
	once     sync.Once
	val      model.Value
	warnings []string
	err      error
}

func newMemo(src Source, accept []*regexp.Regexp) *memo {
	return &memo{src: src, accept: accept, calls: map[string]*call{}}
}

func (m *memo) get(key string) *call {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.calls[key]
	if !ok {
		c = &call{}
		m.calls[key] = c
	}
	return c
}

// Distinct is the number of distinct queries asked for so far.
func (m *memo) Distinct() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.calls)
}

// describe is what the source says of its engine, asked once.
func (m *memo) describe(ctx context.Context) Engine {
	m.engineOnce.Do(func() {
		if d, ok := m.src.(Describer); ok {
			m.engine = d.Describe(ctx)
		} else {
			m.engine = Engine{Kind: "other", Ranges: RangesUnknown}
		}
	})
	return m.engine
}

// expand fills ${window} in a query. An engine whose ranges hold their
// start (Prometheus 2) gets every range 1 ms shorter, so that it counts
// the samples that the reference, Prometheus 3, counts. An engine that
// could not be asked how it selects samples measures nothing: its figures
// could be of other samples than Prometheus 3 counts.
func (m *memo) expand(ctx context.Context, tmpl string, window time.Duration) (string, error) {
	q := agreements.Query(tmpl).Expand(window)
	e := m.describe(ctx)
	if e.Err != nil {
		return "", &SourceError{Query: q, Err: e.Err}
	}
	if e.Ranges == LeftClosed {
		q = shortenRanges(q)
	}
	return q, nil
}

func (m *memo) query(ctx context.Context, q string, t time.Time) (model.Value, []string, error) {
	c := m.get("i\x00" + q + "\x00" + strconv.FormatInt(t.Unix(), 10))
	c.once.Do(func() {
		a, err := m.src.Query(ctx, q, t)
		c.val, c.warnings, c.err = m.accepted(q, a, err)
	})
	return c.val, c.warnings, c.err
}

func (m *memo) queryRange(ctx context.Context, q string, start, end time.Time, step time.Duration) (model.Value, []string, error) {
	c := m.get(fmt.Sprintf("r\x00%s\x00%d\x00%d\x00%d", q, start.Unix(), end.Unix(), step))
	c.once.Do(func() {
		a, err := m.src.QueryRange(ctx, q, start, end, step)
		c.val, c.warnings, c.err = m.accepted(q, a, err)
	})
	return c.val, c.warnings, c.err
}

// accepted refuses an answer that carries a warning no regular expression
// of the user's accepts: a partial answer, or a PromQL warning, is not a
// figure to measure an agreement by.
func (m *memo) accepted(q string, a Answer, err error) (model.Value, []string, error) {
	if err != nil {
		return nil, nil, err
	}
	for _, w := range a.Warnings {
		if !slices.ContainsFunc(m.accept, func(re *regexp.Regexp) bool { return re.MatchString(w) }) {
			return nil, nil, &SourceError{Query: q, Err: &WarningError{Warning: w}}
		}
	}
	return a.Value, a.Warnings, nil
}

// WarningError is an answer refused for a warning that was not accepted.
type WarningError struct{ Warning string }

func (e *WarningError) Error() string {
	return fmt.Sprintf("the answer carries a warning, so it is not used: %q (if it is harmless, accept it with --accept-warning REGEX)", e.Warning)
}

// shortenRanges returns q with every range and subquery range 1 ms
// shorter, written back by the PromQL parser; q itself when it does not
// parse (the source then says why).
func shortenRanges(q string) string {
	expr, err := promqlParser.ParseExpr(q)
	if err != nil {
		return q
	}
	parser.Inspect(expr, func(node parser.Node, _ []parser.Node) error {
		switch n := node.(type) {
		case *parser.MatrixSelector:
			if n.RangeExpr == nil && n.Range > time.Millisecond {
				n.Range -= time.Millisecond
			}
		case *parser.SubqueryExpr:
			if n.RangeExpr == nil && n.Range > time.Millisecond {
				n.Range -= time.Millisecond
			}
		}
		return nil
	})
	return expr.String()
}

// promqlParser parses queries as the agreements' loader does.
var promqlParser = parser.NewParser(parser.Options{EnableExperimentalFunctions: true})

// errMeasure is a measurement that cannot be trusted: the SLO's status is
// error, with this message.
type errMeasure struct{ msg string }

func (e *errMeasure) Error() string { return e.msg }

func measureErr(format string, args ...any) error {
	return &errMeasure{fmt.Sprintf(format, args...)}
}

// reading is what an answer holds at one time: no number (no series, or
// NaN, which VictoriaMetrics leaves out of its answers where Prometheus
// gives it: a division by zero, a quantile of no events), or a number.
type reading int

const (
	absent reading = iota
	present
)

// sample reads one number from an instant query's answer. More than one
// series is an error: the query must aggregate. An infinite value is an
// error too, never a figure.
func sample(query string, v model.Value) (float64, reading, error) {
	switch v := v.(type) {
	case *model.Scalar:
		return finite(query, float64(v.Value))
	case model.Vector:
		switch len(v) {
		case 0:
			return 0, absent, nil
		case 1:
			if v[0].Histogram != nil {
				return 0, absent, errHistogram(query)
			}
			return finite(query, float64(v[0].Value))
		}
		return 0, absent, measureErr("the query returns %d series, not one: aggregate it, e.g. sum(%s)", len(v), shorten(query))
	case nil:
		return 0, absent, nil
	}
	return 0, absent, measureErr("the query returns a %s, not a number: it must give an instant vector or a scalar", v.Type())
}

// finite reads a number: NaN is no value; an infinite one (a division by
// zero) is an error, never a figure.
func finite(query string, f float64) (float64, reading, error) {
	switch {
	case math.IsNaN(f):
		return 0, absent, nil
	case math.IsInf(f, 0):
		return 0, absent, measureErr("the query returns an infinite value (a division by zero?): %s", shorten(query))
	}
	return f, present, nil
}

func errHistogram(query string) error {
	return measureErr("the query returns a native histogram, not a number: use histogram_count(), histogram_sum() or histogram_quantile() in %s", shorten(query))
}

// series reads a range query's answer: the value at each evaluation time
// (unix seconds) of its one series, NaN left out (as VictoriaMetrics leaves
// it out).
func series(query string, v model.Value) (map[int64]float64, error) {
	m, ok := v.(model.Matrix)
	if !ok {
		if v == nil {
			return map[int64]float64{}, nil
		}
		return nil, measureErr("the range query returns a %s, not a matrix", v.Type())
	}
	// Series may come and go over a long range (a relabelled instance); at
	// each time there must be one.
	out := map[int64]float64{}
	for _, s := range m {
		if len(s.Histograms) > 0 {
			return nil, errHistogram(query)
		}
		for _, p := range s.Values {
			t := p.Timestamp.Unix()
			if _, dup := out[t]; dup {
				return nil, measureErr("the query returns more than one series at %s: aggregate it, e.g. sum(%s)", p.Timestamp.Time().UTC().Format(time.RFC3339), shorten(query))
			}
			f, read, err := finite(query, float64(p.Value))
			if err != nil {
				return nil, err
			}
			if read == present {
				out[t] = f
			}
		}
	}
	return out, nil
}

func shorten(q string) string {
	q = strings.Join(strings.Fields(q), " ")
	if len(q) > 60 {
		return q[:57] + "..."
	}
	return q
}

// failedMeasurement turns an error into the measurement the policy reads as error.
func failedMeasurement(err error) map[string]any {
	msg := err.Error()
	var se *SourceError
	if errors.As(err, &se) {
		msg = se.Err.Error()
	}
	return map[string]any{"error": msg}
}
