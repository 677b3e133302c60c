package agreements

import (
	"bytes"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/rogpeppe/go-internal/txtar"
)

// FuzzParse feeds arbitrary files to the loader. Whatever the input, it must
// not panic, every diagnostic must point into the file it came from, and
// formatting must be idempotent.
func FuzzParse(f *testing.F) {
	// The seeds are the small broken agreements of the rules test, which
	// between them reach every block and rule. The examples are left out:
	// they are large, and the fuzzer spends its time minimizing them.
	ar, err := txtar.ParseFile("testdata/rules.txtar")
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range ar.Files {
		f.Add(file.Data)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		set, diags := Parse(Source{Name: "fuzz.hcl", Bytes: src})
		if set == nil {
			t.Fatal("Parse returned no set")
		}
		for _, d := range diags {
			if d.Summary == "" {
				t.Errorf("diagnostic without a summary: %#v", d)
			}
			if d.Subject != nil && (d.Subject.Filename != "fuzz.hcl" || d.Subject.Start.Line < 1) {
				t.Errorf("diagnostic %q points at %s", d.Summary, d.Subject)
			}
		}
		var buf bytes.Buffer
		if err := hcl.NewDiagnosticTextWriter(&buf, set.Files, 80, false).WriteDiagnostics(diags); err != nil {
			t.Errorf("printing diagnostics: %v", err)
		}
		if !diags.HasErrors() && len(set.Agreements) == 0 {
			t.Error("no errors but no agreement either")
		}

		once, fdiags := Format(src, "fuzz.hcl")
		if fdiags.HasErrors() {
			return
		}
		twice, fdiags := Format(once, "fuzz.hcl")
		if fdiags.HasErrors() {
			t.Fatalf("formatted output does not parse: %s\n%s", fdiags, once)
		}
		if !bytes.Equal(once, twice) {
			t.Errorf("fmt is not idempotent:\n--- once\n%s\n--- twice\n%s", once, twice)
		}
	})
}
