package report

import (
	"os"
	"testing"

	"github.com/entente-dev/entente/internal/verdictschema"
)

// The fixtures are documents entente could write: they match the
// published schema, so that what the tests render is what users get.
func TestTheFixturesMatchTheVerdictSchema(t *testing.T) {
	for _, name := range []string{"october.json", "verdict.json"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if err := verdictschema.Validate(b); err != nil {
			t.Errorf("testdata/%s: %v", name, err)
		}
	}
}
