package main

// Benchmarks of entente's decision paths in one process, to profile what
// the harness measures from outside (a server cannot be profiled from its
// client):
//
//	go test -run '^$' -bench 'ServeData|DeciderVerdict' -cpu 1 -cpuprofile cpu.out ./bench
//	go tool pprof -top bench.test cpu.out
//
// Each entente path has OPA's own beside it, on the same bundle and input.
// OPA's evaluator recurses beyond the stack depth pprof records: read its
// profiles flat, not by caller.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/evaluator"
	"github.com/entente-dev/entente/policies"
	"github.com/entente-dev/entente/server"
)

// profiled is the agreement the benchmarks decide: the first customer of
// the harness.
var profiled = customer(0)

// bundleBytes compiles the payments-hosting example as the harness's
// first customer and returns its bundle.
func bundleBytes(b *testing.B) []byte {
	b.Helper()
	src, err := os.ReadFile("../" + customerSource)
	if err != nil {
		b.Fatal(err)
	}
	s := strings.Replace(string(src), `agreement "payments-hosting"`, `agreement "`+profiled+`"`, 1)
	set, diags := agreements.Parse(agreements.Source{Name: profiled + ".hcl", Bytes: []byte(s)})
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	tree, err := policies.Compile(set)
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := tree.WriteBundle(&buf, policies.BuildOptions{}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func loadSet(b *testing.B, raw []byte) *evaluator.Set {
	b.Helper()
	bu, err := policies.ReadBundle(bytes.NewReader(raw), nil)
	if err != nil {
		b.Fatal(err)
	}
	set, err := evaluator.FromBundle(context.Background(), bu)
	if err != nil {
		b.Fatal(err)
	}
	return set
}

func mustJSON(b *testing.B, v any) []byte {
	b.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

// serve sends body to path of entente's handler from parallel clients.
func serve(b *testing.B, path string, body []byte) {
	h := server.New(server.Config{Set: loadSet(b, bundleBytes(b))}).Handler()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("%s answered %d: %s", path, rec.Code, rec.Body)
			}
		}
	})
}

// BenchmarkServeData is entente serve's POST /v1/data/.../verdict.
func BenchmarkServeData(b *testing.B) {
	serve(b, "/v1/data/entente/agreements/"+profiled+"/verdict", mustJSON(b, map[string]any{"input": decisionInput()}))
}

// BenchmarkServeEvaluate is entente serve's POST /v1/agreements/NAME/evaluate
// with the measurements inline.
func BenchmarkServeEvaluate(b *testing.B) {
	serve(b, "/v1/agreements/"+profiled+"/evaluate", mustJSON(b, decisionInput()))
}

// BenchmarkDeciderVerdict is the policy's evaluation alone, as the data
// route calls it.
func BenchmarkDeciderVerdict(b *testing.B) {
	set := loadSet(b, bundleBytes(b))
	input := decisionInput()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := set.Decider.VerdictOf(context.Background(), profiled, input); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOPAPreparedVerdict is what OPA's server does for the same
// decision: a query prepared once on the bundle, evaluated on a parsed
// input, the result serialised.
func BenchmarkOPAPreparedVerdict(b *testing.B) {
	bu, err := bundle.NewCustomReader(bundle.NewTarballLoader(bytes.NewReader(bundleBytes(b)))).Read()
	if err != nil {
		b.Fatal(err)
	}
	pq, err := rego.New(rego.Query(policies.Query(profiled)), rego.ParsedBundle("entente", &bu)).PrepareForEval(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	body := mustJSON(b, decisionInput())
	b.ReportAllocs()
	for b.Loop() {
		v, err := ast.ValueFromReader(bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		rs, err := pq.Eval(context.Background(), rego.EvalParsedInput(v))
		if err != nil || len(rs) != 1 {
			b.Fatalf("%v %v", rs, err)
		}
		if _, err := json.Marshal(rs[0].Expressions[0].Value); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGate is entente check --measurements after the process has
// started: read the bundle, prepare it, decide, write the JSON verdict.
func BenchmarkGate(b *testing.B) {
	raw := bundleBytes(b)
	inputs := map[string]map[string]any{profiled: decisionInput()}
	b.ReportAllocs()
	for b.Loop() {
		set := loadSet(b, raw)
		v, err := set.Decide(context.Background(), inputs, evaluator.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := json.MarshalIndent(v, "", "  "); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOPAEvalGate is opa eval --bundle --input of the same decision
// after the process has started: read the bundle, compile, evaluate once.
func BenchmarkOPAEvalGate(b *testing.B) {
	raw := bundleBytes(b)
	input := decisionInput()
	b.ReportAllocs()
	for b.Loop() {
		bu, err := bundle.NewCustomReader(bundle.NewTarballLoader(bytes.NewReader(raw))).Read()
		if err != nil {
			b.Fatal(err)
		}
		rs, err := rego.New(rego.Query(policies.Query(profiled)), rego.ParsedBundle("entente", &bu), rego.Input(input)).Eval(context.Background())
		if err != nil || len(rs) != 1 {
			b.Fatalf("%v %v", rs, err)
		}
		if _, err := json.MarshalIndent(rs, "", "  "); err != nil {
			b.Fatal(err)
		}
	}
}

// customersSet compiles n customers as the harness generates them.
func customersSet(b *testing.B, n int) *evaluator.Set {
	b.Helper()
	src, err := os.ReadFile("../" + customerSource)
	if err != nil {
		b.Fatal(err)
	}
	sources := make([]agreements.Source, n)
	for i := range sources {
		s := strings.Replace(string(src), `agreement "payments-hosting"`, `agreement "`+customer(i)+`"`, 1)
		s = strings.Replace(s, "objective   = 99.9 ", fmt.Sprintf("objective   = 99.%d ", 1+i%8), 1)
		sources[i] = agreements.Source{Name: customer(i) + ".hcl", Bytes: []byte(s)}
	}
	set, diags := agreements.Parse(sources...)
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	tree, err := policies.Compile(set)
	if err != nil {
		b.Fatal(err)
	}
	s, err := evaluator.FromTree(context.Background(), tree)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkServeLoaded decides one agreement, from one client, with one
// agreement loaded and with 1,000: the latency should not grow.
func BenchmarkServeLoaded(b *testing.B) {
	for _, n := range []int{1, 1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			h := server.New(server.Config{Set: customersSet(b, n)}).Handler()
			for _, r := range []struct {
				name, path string
				body       []byte
			}{
				{"evaluate", "/v1/agreements/" + profiled + "/evaluate", mustJSON(b, decisionInput())},
				{"data", "/v1/data/entente/agreements/" + profiled + "/verdict", mustJSON(b, map[string]any{"input": decisionInput()})},
			} {
				b.Run(r.name, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						req := httptest.NewRequest(http.MethodPost, r.path, bytes.NewReader(r.body))
						rec := httptest.NewRecorder()
						h.ServeHTTP(rec, req)
						if rec.Code != http.StatusOK {
							b.Fatalf("%s answered %d: %s", r.path, rec.Code, rec.Body)
						}
					}
				})
			}
		})
	}
}

// BenchmarkPathsInTurns runs each decision path above in turns, a batch of
// 20 decisions at a time, and reports the best batch of each: on a busy
// machine, the least disturbed figure of each path, taken in the same
// conditions. Run it with -cpu 1 -benchtime 60x.
func BenchmarkPathsInTurns(b *testing.B) {
	raw := bundleBytes(b)
	set := loadSet(b, raw)
	bu, err := bundle.NewCustomReader(bundle.NewTarballLoader(bytes.NewReader(raw))).Read()
	if err != nil {
		b.Fatal(err)
	}
	pq, err := rego.New(rego.Query(policies.Query(profiled)), rego.ParsedBundle("entente", &bu)).PrepareForEval(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	input := decisionInput()
	evaluateBody := mustJSON(b, input)
	dataBody := mustJSON(b, map[string]any{"input": input})
	h := server.New(server.Config{Set: set}).Handler()
	post := func(path string, body []byte) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body)))
		if rec.Code != http.StatusOK {
			b.Fatalf("%s answered %d", path, rec.Code)
		}
	}
	paths := []struct {
		name string
		run  func()
	}{
		{"entente-verdict", func() {
			if _, err := set.Decider.VerdictOf(context.Background(), profiled, input); err != nil {
				b.Fatal(err)
			}
		}},
		{"opa-prepared", func() {
			v, err := ast.ValueFromReader(bytes.NewReader(evaluateBody))
			if err != nil {
				b.Fatal(err)
			}
			rs, err := pq.Eval(context.Background(), rego.EvalParsedInput(v))
			if err != nil || len(rs) != 1 {
				b.Fatalf("%v %v", rs, err)
			}
			if _, err := json.Marshal(rs[0].Expressions[0].Value); err != nil {
				b.Fatal(err)
			}
		}},
		{"entente-data", func() { post("/v1/data/entente/agreements/"+profiled+"/verdict", dataBody) }},
		{"entente-evaluate", func() { post("/v1/agreements/"+profiled+"/evaluate", evaluateBody) }},
	}
	const batch = 20
	best := make([]time.Duration, len(paths))
	for b.Loop() {
		for i, p := range paths {
			start := time.Now()
			for range batch {
				p.run()
			}
			if d := time.Since(start) / batch; best[i] == 0 || d < best[i] {
				best[i] = d
			}
		}
	}
	for i, p := range paths {
		b.ReportMetric(float64(best[i].Nanoseconds()), p.name+"-best-ns")
	}
}

// BenchmarkCheck100Phases runs what entente check of the queries
// comparison does, in one process, phase by phase: load the 100 shop
// agreements and generate their policies, compile the Rego, and measure
// and decide every verdict from the shops' history loaded as metric files
// (so that no server is in the profile):
//
//	go test -run '^$' -bench Check100Phases -cpu 2 -cpuprofile cpu.out ./bench
func BenchmarkCheck100Phases(b *testing.B) {
	dir := b.TempDir()
	if err := writeShops(dir, 100, 10); err != nil {
		b.Fatal(err)
	}
	at := time.Date(2026, 10, 20, 18, 0, 0, 0, time.UTC)
	history := dir + "/shop.om"
	if err := writeShopHistory(history, at.Add(-30*time.Minute), 10); err != nil {
		b.Fatal(err)
	}
	src, err := evaluator.LoadFiles(b.Context(), []string{history}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	var load, compile, decide time.Duration
	for b.Loop() {
		t0 := time.Now()
		set, diags := agreements.Load(dir)
		if diags.HasErrors() {
			b.Fatal(diags)
		}
		tree, err := policies.ForDecisions(set)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		s, err := evaluator.FromTree(b.Context(), tree)
		if err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		if _, err := s.Evaluate(b.Context(), src, evaluator.Options{At: at}); err != nil {
			b.Fatal(err)
		}
		t3 := time.Now()
		load, compile, decide = load+t1.Sub(t0), compile+t2.Sub(t1), decide+t3.Sub(t2)
	}
	n := float64(b.N)
	b.ReportMetric(load.Seconds()*1000/n, "ms-load+generate+compile")
	b.ReportMetric(compile.Seconds()*1000/n, "ms-prepare")
	b.ReportMetric(decide.Seconds()*1000/n, "ms-measure+decide")
}
