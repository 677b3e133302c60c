package agreements

import "testing"

// BenchmarkLoadExamples loads and validates the example agreements.
func BenchmarkLoadExamples(b *testing.B) {
	for b.Loop() {
		if _, diags := Load(examplesDir); diags.HasErrors() {
			b.Fatal(diags)
		}
	}
}
