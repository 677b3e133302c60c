package policies

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/entente-dev/entente/agreements"
)

// generated returns n agreements: the payments-hosting example under n
// names, with objectives spread so that no two policies are alike.
func generatedAgreements(b *testing.B, n int) *agreements.Set {
	b.Helper()
	src, err := os.ReadFile("../examples/agreements/payments-hosting.hcl")
	if err != nil {
		b.Fatal(err)
	}
	sources := make([]agreements.Source, n)
	for i := range sources {
		s := strings.Replace(string(src), `agreement "payments-hosting"`, fmt.Sprintf(`agreement "customer-%04d"`, i), 1)
		s = strings.Replace(s, "objective   = 99.9 ", fmt.Sprintf("objective   = 99.%d ", 1+i%8), 1)
		sources[i] = agreements.Source{Name: fmt.Sprintf("customer-%04d.hcl", i), Bytes: []byte(s)}
	}
	set, diags := agreements.Parse(sources...)
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	return set
}

// benchAgreements is how many agreements the benchmarks compile.
var benchAgreements = 1000

// BenchmarkCompileAndBundle1000 compiles 1,000 agreements and writes their
// bundle: what entente bundle build does after loading.
func BenchmarkCompileAndBundle1000(b *testing.B) {
	set := generatedAgreements(b, benchAgreements)
	var size int
	for b.Loop() {
		tree, err := ForBundle(set)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		if err := tree.WriteBundle(&buf, BuildOptions{}); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "bundle-bytes")
}

// BenchmarkLoad1000 parses and validates the 1,000 agreements' HCL.
func BenchmarkLoad1000(b *testing.B) {
	src, err := os.ReadFile("../examples/agreements/payments-hosting.hcl")
	if err != nil {
		b.Fatal(err)
	}
	sources := make([]agreements.Source, 1000)
	for i := range sources {
		sources[i] = agreements.Source{Name: fmt.Sprintf("c%d.hcl", i), Bytes: bytes.Replace(src, []byte(`"payments-hosting"`), fmt.Appendf(nil, `"c-%d"`, i), 1)}
	}
	for b.Loop() {
		if _, diags := agreements.Parse(sources...); diags.HasErrors() {
			b.Fatal(diags)
		}
	}
}

// BenchmarkPrepare1000 prepares 1,000 agreements for decisions, as a
// server does when it loads them: with credits, and without (whose
// verdicts hold empty collections, which OPA's type checker once made
// quadratic in the number of agreements).
func BenchmarkPrepare1000(b *testing.B) {
	for _, c := range []struct {
		name    string
		credits bool
	}{{"with-credits", true}, {"without-credits", false}} {
		b.Run(c.name, func(b *testing.B) {
			set := generatedAgreements(b, benchAgreements)
			if !c.credits {
				for _, a := range set.Agreements {
					a.Credits = nil
				}
			}
			tree, err := Compile(set)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := tree.Prepare(b.Context()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
