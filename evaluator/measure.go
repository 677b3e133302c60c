package evaluator

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/common/model"
)

// QueryRecord is one query sent to the source, kept for audit.
type QueryRecord struct {
	Query       string `json:"query"`
	Time        string `json:"time,omitempty"`
	Start       string `json:"start,omitempty"`
	End         string `json:"end,omitempty"`
	StepSeconds int64  `json:"step_seconds,omitempty"`
}

// memo sends each distinct query to the source once per evaluation, however
// many SLOs ask for it.
type memo struct {
	src   Source
	mu    sync.Mutex
	calls map[string]*call
}

type call struct {
	once sync.Once
	val  model.Value
	err  error
}

func newMemo(src Source) *memo { return &memo{src: src, calls: map[string]*call{}} }

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

func (m *memo) query(ctx context.Context, q string, t time.Time) (model.Value, error) {
	c := m.get("i\x00" + q + "\x00" + strconv.FormatInt(t.Unix(), 10))
	c.once.Do(func() { c.val, c.err = m.src.Query(ctx, q, t) })
	return c.val, c.err
}

func (m *memo) queryRange(ctx context.Context, q string, start, end time.Time, step time.Duration) (model.Value, error) {
	c := m.get(fmt.Sprintf("r\x00%s\x00%d\x00%d\x00%d", q, start.Unix(), end.Unix(), step))
	c.once.Do(func() { c.val, c.err = m.src.QueryRange(ctx, q, start, end, step) })
	return c.val, c.err
}

// errMeasure is a measurement that cannot be trusted: the SLO's status is
// error, with this message.
type errMeasure struct{ msg string }

func (e *errMeasure) Error() string { return e.msg }

func measureErr(format string, args ...any) error {
	return &errMeasure{fmt.Sprintf(format, args...)}
}

// sample reads one number from an instant query's answer: ok is false when
// there is no series or the value is NaN. More than one series is an
// error: the query must aggregate.
func sample(query string, v model.Value) (float64, bool, error) {
	switch v := v.(type) {
	case *model.Scalar:
		return finite(query, float64(v.Value))
	case model.Vector:
		switch len(v) {
		case 0:
			return 0, false, nil
		case 1:
			if v[0].Histogram != nil {
				return 0, false, errHistogram(query)
			}
			return finite(query, float64(v[0].Value))
		}
		return 0, false, measureErr("the query returns %d series, not one: aggregate it, e.g. sum(%s)", len(v), shorten(query))
	case nil:
		return 0, false, nil
	}
	return 0, false, measureErr("the query returns a %s, not a number: it must give an instant vector or a scalar", v.Type())
}

// finite reads a number: NaN is no value; an infinite one (a division by
// zero) is an error, never a figure.
func finite(query string, f float64) (float64, bool, error) {
	switch {
	case math.IsNaN(f):
		return 0, false, nil
	case math.IsInf(f, 0):
		return 0, false, measureErr("the query returns an infinite value (a division by zero?): %s", shorten(query))
	}
	return f, true, nil
}

func errHistogram(query string) error {
	return measureErr("the query returns a native histogram, not a number: use histogram_count(), histogram_sum() or histogram_quantile() in %s", shorten(query))
}

// series reads a range query's answer: the value at each evaluation time
// (unix seconds) of its one series, NaN left out.
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
			f, ok, err := finite(query, float64(p.Value))
			if err != nil {
				return nil, err
			}
			if ok {
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
