package verdictschema_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/internal/verdictschema"
	"github.com/entente-dev/entente/policies"
)

var update = flag.Bool("update", false, "rewrite the fixtures in testdata from the example agreements")

// decode reads JSON keeping numbers as they are written.
func decode(t *testing.T, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func encode(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestTheHandwrittenExampleIsValid(t *testing.T) {
	if err := verdictschema.Validate(readFile(t, "handwritten.json")); err != nil {
		t.Fatal(err)
	}
}

// TestTheHandwrittenExampleCoversEveryStatus keeps the example complete: a
// status the schema allows and the example lacks is a shape never checked.
func TestTheHandwrittenExampleCoversEveryStatus(t *testing.T) {
	doc := decode(t, readFile(t, "handwritten.json")).(map[string]any)
	seen := map[string]map[string]bool{}
	note := func(kind string, v any) {
		if seen[kind] == nil {
			seen[kind] = map[string]bool{}
		}
		seen[kind][fmt.Sprint(v)] = true
	}
	var queryKinds []string
	for _, a := range doc["agreements"].([]any) {
		a := a.(map[string]any)
		note("agreement", a["status"])
		note("inactive", a["inactive"])
		if r, ok := a["review"].(map[string]any); ok {
			note("review", r["status"])
		} else {
			note("review", "null")
		}
		if _, ok := a["credit_total"].(map[string]any); !ok {
			note("credit_total", "null")
		}
		for _, kind := range []string{"slos", "responsibilities", "credits"} {
			for _, b := range a[kind].([]any) {
				b := b.(map[string]any)
				note(kind, b["status"])
				qs, _ := b["queries"].([]any)
				for _, q := range qs {
					if _, ok := q.(map[string]any)["time"]; ok {
						queryKinds = append(queryKinds, "instant")
					} else {
						queryKinds = append(queryKinds, "range")
					}
				}
				if w, ok := b["window"].(map[string]any); ok {
					note("calendar", w["calendar"])
				}
			}
		}
	}
	want := map[string][]string{
		"agreement":        {"inactive", "compliant", "at_risk", "inconclusive", "breached"},
		"inactive":         {"<nil>", "not_yet_effective", "expired"},
		"review":           {"current", "due_soon", "overdue", "null"},
		"credit_total":     {"null"},
		"slos":             {"pass", "warn", "fail", "no_data", "error"},
		"responsibilities": {"met", "breached", "pending", "unknown", "error"},
		"credits":          {"owed", "none", "unknown", "error"},
		"calendar":         {"<nil>", "month"},
	}
	for kind, statuses := range want {
		for _, s := range statuses {
			if !seen[kind][s] {
				t.Errorf("the example has no %s with the status %s", kind, s)
			}
		}
	}
	if !slices.Contains(queryKinds, "instant") || !slices.Contains(queryKinds, "range") {
		t.Errorf("the example has queries of the kinds %v, want both instant and range", queryKinds)
	}
}

// pointerTokens splits a JSON pointer.
func pointerTokens(p string) []string {
	if p == "" {
		return nil
	}
	toks := strings.Split(p[1:], "/")
	for i, tok := range toks {
		toks[i] = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
	}
	return toks
}

// at returns the parent of the value at pointer p, and its last token.
func at(t *testing.T, doc any, p string) (any, string) {
	t.Helper()
	toks := pointerTokens(p)
	cur := doc
	for _, tok := range toks[:len(toks)-1] {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i >= len(c) {
				t.Fatalf("no %s in the document", p)
			}
			cur = c[i]
		default:
			t.Fatalf("no %s in the document", p)
		}
	}
	return cur, toks[len(toks)-1]
}

func set(p string, v any) func(*testing.T, any) {
	return func(t *testing.T, doc any) {
		parent, last := at(t, doc, p)
		switch c := parent.(type) {
		case map[string]any:
			c[last] = v
		case []any:
			i, _ := strconv.Atoi(last)
			c[i] = v
		}
	}
}

func del(p string) func(*testing.T, any) {
	return func(t *testing.T, doc any) {
		parent, last := at(t, doc, p)
		m, ok := parent.(map[string]any)
		if !ok {
			t.Fatalf("%s is not in an object", p)
		}
		if _, ok := m[last]; !ok {
			t.Fatalf("no %s in the document", p)
		}
		delete(m, last)
	}
}

func TestInvalidDocumentsFailNamingThePath(t *testing.T) {
	valid := readFile(t, "handwritten.json")
	// Indices into the handwritten example.
	const (
		payments   = "/agreements/0"
		support    = "/agreements/1"
		geo        = "/agreements/2"
		expired    = "/agreements/4"
		fail       = payments + "/slos/0"
		rangeQuery = payments + "/slos/2/queries/0"
	)
	for _, tc := range []struct {
		name        string
		change      func(*testing.T, any)
		wantPointer string
		wantMessage string
	}{
		{"misspelt document status", set("/status", "breeched"), "/status", "breeched"},
		{"misspelt agreement status", set(payments+"/status", "Breached"), payments + "/status", "Breached"},
		{"misspelt SLO status", set(fail+"/status", "failed"), fail + "/status", "failed"},
		{"misspelt responsibility status", set(payments+"/responsibilities/1/status", "breach"), payments + "/responsibilities/1/status", "breach"},
		{"misspelt credit status", set(payments+"/credits/0/status", "due"), payments + "/credits/0/status", "due"},
		{"misspelt review status", set(payments+"/review/status", "due-soon"), payments + "/review/status", "due-soon"},
		{"misspelt reason for inactivity", set(expired+"/inactive", "expires"), expired + "/inactive", "expires"},
		{"misspelt calendar", set(fail+"/window/calendar", "monthly"), fail + "/window/calendar", "monthly"},
		{"measured as a string", set(fail+"/measured", "99.41"), fail + "/measured", "got string, want null or number"},
		{"good as a string", set(fail+"/good", "9941000"), fail + "/good", "got string"},
		{"credit amount as a string", set(payments+"/credits/0/amount", "1200"), payments + "/credits/0/amount", "got string"},
		{"credit total percent as a string", set(payments+"/credit_total/percent", "10"), payments + "/credit_total/percent", "got string"},
		{"fractional excluded seconds", set(fail+"/excluded_seconds", 0.5), fail + "/excluded_seconds", "got number, want null or integer"},
		{"source line as a string", set(fail+"/source/line", "49"), fail + "/source/line", "got string"},
		{"final as a string", set(payments+"/credits/0/final", "true"), payments + "/credits/0/final", "got string, want boolean"},
		{"missing measured", del(fail + "/measured"), fail, "measured"},
		{"missing SLO message", del(fail + "/message"), fail, "message"},
		{"missing inactive", del(payments + "/inactive"), payments, "inactive"},
		{"missing review", del(payments + "/review"), payments, "review"},
		{"missing credit final", del(payments + "/credits/0/final"), payments + "/credits/0", "final"},
		{"missing revision", del("/revision"), "", "revision"},
		{"missing step of a range query", del(rangeQuery + "/step_seconds"), rangeQuery, "step_seconds"},
		{"extra field at the top level", set("/extra", true), "", "extra"},
		{"extra field in an SLO", set(fail+"/shape", "ratio"), fail, "shape"},
		{"an SLO of no kind", set(fail+"/kind", "cubic"), fail + "/kind", "ratio"},
		{"extra field in a credit total", set(payments+"/credit_total/cap", 50), payments + "/credit_total", "cap"},
		{"unknown schema version", set("/schema", "entente.verdicts/v2"), "/schema", "entente.verdicts/v1"},
		{"evaluation time not in UTC", set("/evaluated_at", "2026-11-01T01:00:00+01:00"), "/evaluated_at", "does not match pattern"},
		{"evaluation time not a time", set("/evaluated_at", "2026-13-01T00:00:00Z"), "/evaluated_at", "date-time"},
		{"window start not a time", set(fail+"/window/start", "2026-10-01"), fail + "/window/start", "date-time"},
		{"due not a date", set(payments+"/responsibilities/1/due", "1 March 2026"), payments + "/responsibilities/1/due", "date"},
		{"currency in lowercase", set(payments+"/credits/0/currency", "eur"), payments + "/credits/0/currency", "does not match pattern"},
		{"name with a capital", set(fail+"/name", "Availability"), fail + "/name", "does not match pattern"},
		{"responsibility with the status error", set(payments+"/responsibilities/0/status", "error"), payments + "/responsibilities/0/status", "error"},
		{"measured value of an SLO in error", set(support+"/slos/1/measured", 0), support + "/slos/1/measured", "want null"},
		{"unknown credit of 0 percent", set(support+"/credits/0/percent", 0), support + "/credits/0/percent", "want null"},
		{"no credit of 5 percent", set(support+"/credits/1/percent", 5), support + "/credits/1/percent", "0"},
		{"owed credit of 0 percent", set(payments+"/credits/0/percent", 0), payments + "/credits/0/percent", "0"},
		{"known credit total that is not capped or not", set(geo+"/credit_total/capped", nil), geo + "/credit_total/capped", "want boolean"},
		{"missing result with another status", set(support+"/slos/3/status", "no_data"), support + "/slos/3/status", "error"},
		{"inactive agreement that is compliant", set(expired+"/status", "compliant"), expired + "/status", "inactive"},
		{"inactive status without a reason", set(support+"/status", "inactive"), support + "/inactive", "want string"},
		{"inactive agreement with a credit total", set(expired+"/credit_total", map[string]any{"percent": 0, "amount": 0, "currency": "EUR", "capped": false}), expired + "/credit_total", "want null"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := decode(t, valid)
			tc.change(t, doc)
			err := verdictschema.Validate(encode(t, doc))
			var se *verdictschema.Error
			if !errors.As(err, &se) {
				t.Fatalf("want a *verdictschema.Error, got %v", err)
			}
			found := false
			for _, v := range se.Violations {
				if v.Pointer == tc.wantPointer && strings.Contains(v.Message, tc.wantMessage) {
					found = true
				}
			}
			if !found {
				t.Errorf("no violation at %q saying %q in:\n%v", tc.wantPointer, tc.wantMessage, err)
			}
			if !strings.Contains(err.Error(), strconv.Quote(tc.wantPointer)) {
				t.Errorf("the message does not name %q:\n%v", tc.wantPointer, err)
			}
		})
	}
}

func TestAnInactiveAgreementWithAnSLOFails(t *testing.T) {
	doc := decode(t, readFile(t, "handwritten.json"))
	slo := decode(t, readFile(t, "handwritten.json")).(map[string]any)["agreements"].([]any)[0].(map[string]any)["slos"].([]any)[0]
	set("/agreements/4/slos", []any{slo})(t, doc)
	err := verdictschema.Validate(encode(t, doc))
	if err == nil || !strings.Contains(err.Error(), `"/agreements/4/slos"`) {
		t.Fatalf("want a violation at /agreements/4/slos, got %v", err)
	}
}

func TestEveryViolationIsListed(t *testing.T) {
	doc := decode(t, readFile(t, "handwritten.json"))
	set("/status", "ok")(t, doc)
	set("/agreements/0/slos/1/measured", "0.27")(t, doc)
	del("/agreements/1/credits/0/final")(t, doc)
	err := verdictschema.Validate(encode(t, doc))
	var se *verdictschema.Error
	if !errors.As(err, &se) {
		t.Fatalf("want a *verdictschema.Error, got %v", err)
	}
	var pointers []string
	for _, v := range se.Violations {
		pointers = append(pointers, v.Pointer)
	}
	want := []string{"/agreements/0/slos/1/measured", "/agreements/1/credits/0", "/status"}
	if !slices.Equal(pointers, want) {
		t.Errorf("violations at %q, want %q:\n%v", pointers, want, err)
	}
}

func TestADocumentThatIsNotJSONIsAnError(t *testing.T) {
	for _, doc := range []string{``, `{"schema": `, `{} {}`} {
		err := verdictschema.Validate([]byte(doc))
		var se *verdictschema.Error
		if err == nil || errors.As(err, &se) {
			t.Errorf("%q: want a JSON error, got %v", doc, err)
		}
	}
}

func TestValidateIsSafeForConcurrentUse(t *testing.T) {
	valid := readFile(t, "handwritten.json")
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() { errs[i] = verdictschema.Validate(valid) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestEveryPropertyIsDescribed: the descriptions are the reference users
// read.
func TestEveryPropertyIsDescribed(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(verdictschema.SchemaPath)))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if props, ok := v["properties"].(map[string]any); ok {
				for name, p := range props {
					if d, _ := p.(map[string]any)["description"].(string); d == "" {
						t.Errorf("%s/properties/%s has no description", path, name)
					}
				}
			}
			for k, c := range v {
				if k != "if" { // a condition's properties are not the document's
					walk(path+"/"+k, c)
				}
			}
		case []any:
			for i, c := range v {
				walk(fmt.Sprintf("%s/%d", path, i), c)
			}
		}
	}
	walk("#", decode(t, raw))
}

func TestTheFixturesAreValid(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, ".inputs.json") {
			continue
		}
		n++
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := verdictschema.Validate(b); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if n < 3 {
		t.Errorf("%d documents in testdata, want the handwritten one and two fixtures", n)
	}
}

//
// Real verdicts: the example agreements, decided by their compiled policies.
//

// input is what one agreement is measured as: measurements by block name
// (an absent block was not measured at all) and facts.
type input struct {
	SLOs   map[string]any `json:"slos,omitempty"`
	Duties map[string]any `json:"responsibilities,omitempty"`
	Facts  map[string]any `json:"facts,omitempty"`
}

type m = map[string]any

func counts(good, total float64) m { return m{"good": good, "total": total} }
func value(v any) m                { return m{"value": v} }
func failed(why string) m          { return m{"error": why} }

var realCases = []struct {
	name    string
	at      string
	inputs  map[string]input
	fixture string
}{
	{
		name: "breached, compliant and at risk",
		at:   "2026-10-20T12:00:00Z",
		inputs: map[string]input{
			"payments-hosting": {
				SLOs: m{
					"availability": counts(9941000, 10000000),
					"latency":      value(0.21),
					"uptime":       counts(8600, 8640),
				},
				Duties: m{"p1-acknowledgement": value(12)},
				Facts:  m{"staging_access_granted": true},
			},
			"geo-api": {
				SLOs: m{
					"availability":      counts(999900, 1000000),
					"geocode-latency":   value(0.21),
					"latency-hours":     counts(482, 482),
					"tile-availability": counts(5508, 5508),
					"external-uptime":   value(99.93),
				},
				Duties: m{"stay-within-rate-limit": value(1.2)},
				Facts:  m{"ip_allowlist_provided": true},
			},
			"managed-support": {
				SLOs: m{
					"p1-acknowledgement":  value(4),
					"p2-acknowledgement":  value(50),
					"first-response":      value(9000),
					"resolution":          counts(49, 50),
					"portal-availability": counts(2891000, 2900000),
					"oncall-coverage":     counts(1872, 1872),
				},
				Duties: m{"restore-tests": value(1), "critical-patching": value(6), "change-approval": value(20)},
				Facts:  m{"vpn_access_granted": true, "runbooks_handed_over": true, "escalation_contacts_current": true},
			},
		},
		fixture: "verdicts-2026-10-20.json",
	},
	{
		name: "inactive, inconclusive and breached",
		at:   "2026-03-20T12:00:00Z",
		inputs: map[string]input{
			"payments-hosting": {
				SLOs: m{
					"availability": failed("query sum(increase(http_requests_total{job='payments'}[1685400s])): connection refused"),
					"latency":      value(nil),
					"uptime":       counts(0, 0),
				},
				Facts: m{"staging_access_granted": "yes"},
			},
			"managed-support": {
				SLOs: m{
					"p1-acknowledgement":  value(70),
					"p2-acknowledgement":  value(nil),
					"first-response":      value(nil),
					"resolution":          counts(17, 20),
					"portal-availability": failed("query sum(increase(portal_requests_total[6782400s])): 2 series; aggregate them, e.g. with sum"),
					"oncall-coverage":     counts(1800, 1864),
				},
				Duties: m{"restore-tests": value(0), "critical-patching": failed("timed out"), "change-approval": value(nil)},
				Facts:  m{"vpn_access_granted": true, "runbooks_handed_over": false},
			},
		},
		fixture: "verdicts-2026-03-20.json",
	},
	{
		name: "due soon, overdue and capped credits",
		at:   "2027-01-20T00:00:00Z",
		inputs: map[string]input{
			"payments-hosting": {
				SLOs:   m{"availability": counts(999999, 1000000), "latency": value(0.1), "uptime": counts(8640, 8640)},
				Duties: m{"p1-acknowledgement": value(3)},
				Facts:  m{"staging_access_granted": true},
			},
			"geo-api": {
				SLOs: m{
					"availability":      counts(990, 1000),
					"geocode-latency":   value(0.9),
					"latency-hours":     counts(400, 456),
					"tile-availability": counts(1000, 5000),
					"external-uptime":   value(99.6),
				},
				Duties: m{"stay-within-rate-limit": value(7)},
				Facts:  m{"ip_allowlist_provided": false},
			},
		},
	},
	{
		name: "expired, and nothing measured",
		at:   "2028-06-01T00:00:00Z",
	},
	{
		name: "not yet effective",
		at:   "2025-06-01T00:00:00Z",
	},
}

func TestRealVerdictsAreValid(t *testing.T) {
	set, diags := agreements.Load(filepath.Join("..", "..", "examples", "agreements"))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	tree, err := policies.Compile(set)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	decider, err := tree.Prepare(ctx)
	if err != nil {
		t.Fatal(err)
	}
	plans, err := policies.Plans(tree)
	if err != nil {
		t.Fatal(err)
	}
	if len(plans) != 3 {
		t.Fatalf("%d example agreements, want 3", len(plans))
	}
	statuses := map[string]bool{}
	for _, tc := range realCases {
		t.Run(tc.name, func(t *testing.T) {
			when, err := time.Parse(time.RFC3339, tc.at)
			if err != nil {
				t.Fatal(err)
			}
			doc := m{"schema": "entente.verdicts/v1", "evaluated_at": tc.at, "revision": tree.Digest(), "status": "inactive"}
			var list []any
			inputs := m{}
			for _, p := range plans {
				in := policyInput(t, p, when, tc.inputs[p.Agreement])
				inputs[p.Agreement] = in
				value, err := ast.InterfaceToValue(in)
				if err != nil {
					t.Fatal(err)
				}
				verdict, err := decider.Verdict(ctx, p.Agreement, value)
				if err != nil {
					t.Fatal(err)
				}
				// The policy's own answer is an agreement of the schema.
				if err := verdictschema.ValidateAgreement(encode(t, verdict)); err != nil {
					t.Errorf("the verdict of %s: %v", p.Agreement, err)
				}
				annotate(t, p, when, verdict)
				list = append(list, verdict)
				st, _ := verdict["status"].(string)
				statuses[st] = true
				if severity(st) > severity(doc["status"].(string)) {
					doc["status"] = st
				}
			}
			doc["agreements"] = list
			b := encode(t, doc)
			if err := verdictschema.Validate(b); err != nil {
				t.Fatal(err)
			}
			if *update && tc.fixture != "" {
				if err := os.WriteFile(filepath.Join("testdata", tc.fixture), b, 0o644); err != nil {
					t.Fatal(err)
				}
				name := strings.TrimSuffix(tc.fixture, ".json") + ".inputs.json"
				if err := os.WriteFile(filepath.Join("testdata", name), encode(t, inputs), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
	for _, s := range []string{"inactive", "compliant", "at_risk", "inconclusive", "breached"} {
		if !statuses[s] {
			t.Errorf("no real verdict with the status %s", s)
		}
	}
}

func severity(status string) int {
	return slices.Index([]string{"inactive", "compliant", "at_risk", "inconclusive", "breached"}, status)
}

// window is the window of a block at t, as the evaluator measures it.
type window struct {
	start, end time.Time
	calendar   string
	elapsed    float64
}

func windowOf(t *testing.T, p policies.Plan, windowSeconds *int64, calendar *string, at time.Time) window {
	loc, err := time.LoadLocation(p.TimeZone)
	if err != nil {
		t.Fatal(err)
	}
	effective, err := time.Parse(time.RFC3339, p.Effective)
	if err != nil {
		t.Fatal(err)
	}
	w := window{end: at, elapsed: 1}
	if calendar != nil {
		w.calendar = *calendar
		l := at.In(loc)
		y, mo, d := l.Date()
		var next time.Time
		switch *calendar {
		case "day":
			w.start = time.Date(y, mo, d, 0, 0, 0, 0, loc)
			next = w.start.AddDate(0, 0, 1)
		case "week":
			w.start = time.Date(y, mo, d-(int(l.Weekday())+6)%7, 0, 0, 0, 0, loc)
			next = w.start.AddDate(0, 0, 7)
		case "month":
			w.start = time.Date(y, mo, 1, 0, 0, 0, 0, loc)
			next = w.start.AddDate(0, 1, 0)
		case "quarter":
			w.start = time.Date(y, (mo-1)/3*3+1, 1, 0, 0, 0, 0, loc)
			next = w.start.AddDate(0, 3, 0)
		case "year":
			w.start = time.Date(y, 1, 1, 0, 0, 0, 0, loc)
			next = w.start.AddDate(1, 0, 0)
		default:
			t.Fatalf("calendar %q", *calendar)
		}
		w.elapsed = float64(at.Sub(w.start)) / float64(next.Sub(w.start))
	} else {
		w.start = at.Add(-time.Duration(*windowSeconds) * time.Second)
	}
	if w.start.Before(effective) {
		w.start = effective
	}
	w.start = w.start.In(loc)
	return w
}

func (w window) doc() m {
	var cal any
	if w.calendar != "" {
		cal = w.calendar
	}
	return m{"start": w.start.Format(time.RFC3339), "end": w.end.Format(time.RFC3339), "calendar": cal}
}

func (w window) length() string {
	return fmt.Sprintf("%ds", max(1, int64(w.end.Sub(w.start)/time.Second)))
}

// inForce says whether the agreement is neither before effective nor
// expired at t: only then does the evaluator measure it.
func inForce(t *testing.T, p policies.Plan, at time.Time) bool {
	effective, err := time.Parse(time.RFC3339, p.Effective)
	if err != nil {
		t.Fatal(err)
	}
	if at.Before(effective) {
		return false
	}
	if p.Expires != nil {
		expires, err := time.Parse(time.RFC3339, *p.Expires)
		if err != nil {
			t.Fatal(err)
		}
		return at.Before(expires)
	}
	return true
}

// policyInput is the input document of an agreement's policy: the
// measurements given, with the window of each SLO as the evaluator adds it.
func policyInput(t *testing.T, p policies.Plan, at time.Time, given input) m {
	slos, duties := m{}, m{}
	if inForce(t, p, at) {
		for _, s := range p.SLOs {
			given, ok := given.SLOs[s.Name].(m)
			if !ok {
				continue
			}
			v := m{}
			for k, x := range given {
				v[k] = x
			}
			w := windowOf(t, p, s.WindowSeconds, s.Calendar, at)
			v["window"] = w.doc()
			v["excluded_seconds"] = 0
			if w.calendar != "" {
				v["elapsed"] = w.elapsed
			}
			slos[s.Name] = v
		}
		for name, v := range given.Duties {
			duties[name] = v
		}
	}
	facts := given.Facts
	if facts == nil {
		facts = m{}
	}
	return m{
		"at":           at.Format(time.RFC3339),
		"measurements": m{"slos": slos, "responsibilities": duties},
		"facts":        facts,
	}
}

// annotate adds what Go adds to a verdict: where each block is written and
// the queries sent to measure it.
func annotate(t *testing.T, p policies.Plan, at time.Time, verdict m) {
	source := func(s policies.Source) m {
		// As if entente ran from the root of the module.
		return m{"file": strings.TrimPrefix(s.File, "../../"), "line": s.Line}
	}
	verdict["source"] = source(p.Source)
	expand := func(q string, w string) string { return strings.ReplaceAll(q, "${window}", w) }
	instant := func(q string) m { return m{"query": q, "time": at.Format(time.RFC3339)} }
	for _, s := range p.SLOs {
		obj := find(verdict["slos"], s.Name)
		if obj == nil {
			continue
		}
		obj["source"] = source(s.Source)
		queries := []any{}
		if _, measured := obj["indicator"]; measured {
			ind := p.Indicators[s.Indicator]
			w := windowOf(t, p, s.WindowSeconds, s.Calendar, at)
			switch {
			case s.Timeslices != nil:
				slice := time.Duration(s.Timeslices.SliceSeconds) * time.Second
				n := w.end.Sub(w.start) / slice
				for _, q := range []string{ind.Value, ind.Good, ind.Bad, ind.Total} {
					if q != "" && n > 0 {
						queries = append(queries, m{
							"query":        expand(q, fmt.Sprintf("%ds", s.Timeslices.SliceSeconds)),
							"start":        w.start.Add(slice).Format(time.RFC3339),
							"end":          w.start.Add(n * slice).Format(time.RFC3339),
							"step_seconds": s.Timeslices.SliceSeconds,
						})
					}
				}
			default:
				for _, q := range []string{ind.Value, ind.Good, ind.Bad, ind.Total} {
					if q != "" {
						queries = append(queries, instant(expand(q, w.length())))
					}
				}
			}
		}
		obj["queries"] = queries
	}
	for _, r := range p.Responsibilities {
		obj := find(verdict["responsibilities"], r.Name)
		if obj == nil {
			continue
		}
		obj["source"] = source(r.Source)
		queries := []any{}
		if r.Indicator != nil {
			w := windowOf(t, p, r.WindowSeconds, r.Calendar, at)
			queries = append(queries, instant(expand(p.Indicators[*r.Indicator].Value, w.length())))
		}
		obj["queries"] = queries
	}
}

func find(list any, name string) m {
	l, _ := list.([]any)
	for _, x := range l {
		if obj, ok := x.(m); ok && obj["name"] == name {
			return obj
		}
	}
	return nil
}

func ExampleValidate() {
	err := verdictschema.Validate([]byte(`{
		"schema": "entente.verdicts/v1",
		"evaluated_at": "2026-11-01T00:00:00Z",
		"revision": "r1",
		"status": "breeched",
		"agreements": [{
			"agreement": "payments-hosting", "title": "Payments API hosting", "version": "2.1.0",
			"status": "compliant", "slos": [], "responsibilities": [], "credits": [],
			"credit_total": {"percent": "10", "amount": 1200, "currency": "EUR", "capped": false},
			"review": null
		}],
		"extra": true
	}`))
	fmt.Println(err)
	// Output:
	// the document does not match docs/verdict.schema.json (4 violations):
	//   at "": additional properties 'extra' not allowed
	//   at "/agreements/0": missing property 'inactive'
	//   at "/agreements/0/credit_total/percent": got string, want null or number
	//   at "/status": got "breeched"; value must be one of 'inactive', 'compliant', 'at_risk', 'inconclusive', 'breached'
}
