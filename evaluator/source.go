package evaluator

import (
	"context"
	"time"

	"github.com/prometheus/common/model"

	"github.com/entente-dev/entente/verdict"
)

// Source answers PromQL queries the way Prometheus's HTTP API does: a
// Prometheus-compatible server, metric files loaded into an embedded TSDB,
// or anything else that speaks PromQL.
type Source interface {
	// Query evaluates an instant query at t: a model.Vector or model.Scalar
	// (a model.Matrix or model.String is a bad answer for an indicator).
	Query(ctx context.Context, query string, t time.Time) (Answer, error)
	// QueryRange evaluates a query at start, start+step, ... up to end: a
	// model.Matrix.
	QueryRange(ctx context.Context, query string, start, end time.Time, step time.Duration) (Answer, error)
}

// Answer is what a source answered to one query.
type Answer struct {
	Value model.Value
	// Warnings are what the engine warned about the answer: that it is
	// partial (a Thanos store did not answer), or a PromQL warning. The
	// evaluator takes an answer with a warning only when the user has
	// accepted it (Options.AcceptWarnings), and records it in the audit.
	Warnings []string
}

// Describer is a Source that can say which engine answers and what it
// keeps: the evaluator asks once per evaluation, and puts the answer in
// the verdict.
type Describer interface {
	Describe(ctx context.Context) Engine
}

// The ways an engine selects the samples of a range [t-r, t].
const (
	// LeftOpen is (t-r, t]: Prometheus 3, the embedded engine, and the
	// reference every figure is measured by.
	LeftOpen = "left-open"
	// LeftClosed is [t-r, t]: Prometheus 2. A sample on the range's start
	// is counted too, so entente sends every range 1 ms shorter.
	LeftClosed = "left-closed"
	// RangesUnknown is an engine whose answer to the probe made no sense,
	// or that could not be probed: it is queried as a left-open one.
	RangesUnknown = "unknown"
)

// Engine is what a source says of itself: the "data_source" of a verdict.
type Engine struct {
	// Kind is "prometheus" (any Prometheus-compatible API), "files" or
	// "measurements".
	Kind string `json:"kind"`
	// URL is the API's address, without its password.
	URL string `json:"url,omitempty"`
	// Ranges is how the engine selects the samples of a range: LeftOpen,
	// LeftClosed or RangesUnknown, as a probe found.
	Ranges string `json:"ranges,omitempty"`
	// Retention is how long the source keeps samples, as it says
	// (Prometheus's storage retention), or "".
	Retention string `json:"retention,omitempty"`
	// DataStart and DataEnd are the first and last samples the source
	// holds, when it says (metric files).
	DataStart string `json:"data_start,omitempty"`
	DataEnd   string `json:"data_end,omitempty"`
	// Notes say what entente does about the engine, and why something is
	// unknown.
	Notes []string `json:"notes,omitempty"`
	// Err is why the engine could not be probed: nothing is measured from
	// it then.
	Err error `json:"-"`
}

// document is the engine as the verdict's data_source describes it.
func (e Engine) document() *verdict.DataSource {
	return &verdict.DataSource{Kind: e.Kind, URL: e.URL, Ranges: e.Ranges, Retention: e.Retention, DataStart: e.DataStart, DataEnd: e.DataEnd, Notes: e.Notes}
}

// SourceError is a failure of the source itself (unreachable, timed out, a
// bad answer): an SLO measured from it has the status error, never a pass.
type SourceError struct {
	Query string
	Err   error
}

func (e *SourceError) Error() string { return "query " + e.Query + ": " + e.Err.Error() }

func (e *SourceError) Unwrap() error { return e.Err }
