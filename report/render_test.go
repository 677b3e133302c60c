package report

import (
	"testing"
	"time"
)

// The golden files are what a reader gets from the fixture; review their
// diff as you would review the report itself.
func TestRenderingsOfTheFixtureAreTheGoldenFiles(t *testing.T) {
	doc := fixture(t, "october.json")
	verdict := fixture(t, "verdict.json")
	servedAt := time.Date(2026, 10, 22, 12, 4, 30, 0, time.UTC)
	for _, tc := range []struct {
		golden string
		doc    *Document
		render renderer
	}{
		{"testdata/october.html", doc, htmlOf},
		{"testdata/october.md", doc, markdownOf},
		{"testdata/dashboard.html", verdict, dashboardAt(servedAt)},
		{"testdata/dashboard-waiting.html", nil, dashboardAt(servedAt)},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			checkGolden(t, tc.golden, []byte(render(t, tc.doc, tc.render)))
		})
	}
}
