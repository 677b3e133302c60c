package evaluator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// fakeEngine answers the Prometheus HTTP API from a function that gives
// the value of a query at a time (false: no series): instant queries,
// range queries at each step, and the probe of how ranges are selected,
// answered as a left-open engine (Prometheus 3) or a left-closed one
// (Prometheus 2) would. It stands in for the engines that cannot run here
// (Thanos, Mimir), wrapped in what they add.
type fakeEngine struct {
	value      func(query string, at time.Time) (float64, bool)
	leftClosed bool
	// retention is what /api/v1/status/runtimeinfo says; "" answers 404.
	retention string
	// warnings and partial are added to every answer of a query.
	warnings []string
	partial  bool
}

func (e *fakeEngine) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/api/v1/status/runtimeinfo" {
		if e.retention == "" {
			http.NotFound(w, r)
			return
		}
		writeJSON(w, 200, map[string]any{"status": "success", "data": map[string]any{"storageRetention": e.retention}})
		return
	}
	if err := r.ParseForm(); err != nil {
		writeJSON(w, 400, map[string]any{"status": "error", "errorType": "bad_data", "error": err.Error()})
		return
	}
	q := r.Form.Get("query")
	at := func(name string) time.Time {
		f, _ := strconv.ParseFloat(r.Form.Get(name), 64)
		return time.Unix(0, int64(f*1e9)).UTC()
	}
	var data map[string]any
	switch r.URL.Path {
	case "/api/v1/query":
		t := at("time")
		result := []any{}
		if v, ok := e.at(q, t); ok {
			result = append(result, map[string]any{"metric": map[string]string{}, "value": []any{t.Unix(), strconv.FormatFloat(v, 'f', -1, 64)}})
		}
		data = map[string]any{"resultType": "vector", "result": result}
	case "/api/v1/query_range":
		step, _ := strconv.ParseFloat(r.Form.Get("step"), 64)
		var values []any
		for t := at("start"); !t.After(at("end")); t = t.Add(time.Duration(step * float64(time.Second))) {
			if v, ok := e.at(q, t); ok {
				values = append(values, []any{t.Unix(), strconv.FormatFloat(v, 'f', -1, 64)})
			}
		}
		result := []any{}
		if len(values) > 0 {
			result = append(result, map[string]any{"metric": map[string]string{}, "values": values})
		}
		data = map[string]any{"resultType": "matrix", "result": result}
	default:
		http.NotFound(w, r)
		return
	}
	answer := map[string]any{"status": "success", "data": data}
	if len(e.warnings) > 0 {
		answer["warnings"] = e.warnings
	}
	if e.partial {
		answer["isPartial"] = true
	}
	writeJSON(w, 200, answer)
}

func (e *fakeEngine) at(q string, t time.Time) (float64, bool) {
	if q == rangesProbe {
		if e.leftClosed {
			return 2, true
		}
		return 1, true
	}
	return e.value(q, t)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		panic(fmt.Sprint("encode: ", err))
	}
}
