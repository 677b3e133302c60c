package evaluator

import (
	"context"
	"time"

	"github.com/prometheus/common/model"
)

// Source answers PromQL queries the way Prometheus's HTTP API does: a
// Prometheus-compatible server, metric files loaded into an embedded TSDB,
// or anything else that speaks PromQL.
type Source interface {
	// Query evaluates an instant query at t: a model.Vector or model.Scalar
	// (a model.Matrix or model.String is a bad answer for an indicator).
	Query(ctx context.Context, query string, t time.Time) (model.Value, error)
	// QueryRange evaluates a query at start, start+step, ... up to end: a
	// model.Matrix.
	QueryRange(ctx context.Context, query string, start, end time.Time, step time.Duration) (model.Value, error)
}

// SourceError is a failure of the source itself (unreachable, timed out, a
// bad answer): an SLO measured from it has the status error, never a pass.
type SourceError struct {
	Query string
	Err   error
}

func (e *SourceError) Error() string { return "query " + e.Query + ": " + e.Err.Error() }

func (e *SourceError) Unwrap() error { return e.Err }
