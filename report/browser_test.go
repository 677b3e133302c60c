package report

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/entente-dev/entente/internal/browser"
)

// writePage writes a rendered page where Chromium can open it.
func writePage(t *testing.T, page string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "page.html")
	if err := os.WriteFile(file, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	return "file://" + file
}

// Chromium reads the pages as written: its HTML parser moves nothing (a
// misplaced element would be moved out of its table or paragraph), so
// what the XML tests check is what a browser shows.
func TestChromiumReadsThePagesAsWritten(t *testing.T) {
	for _, tc := range []struct {
		name, page string
	}{
		{"report", render(t, fixture(t, "october.json"), htmlOf)},
		{"dashboard", render(t, fixture(t, "verdict.json"), dashboardAt(servedAt))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dom := browser.DumpDOM(t, writePage(t, tc.page))
			for _, tag := range []string{"section", "table", "caption", "svg", "figure", "tr", "th", "a", "h2", "h3", "h4"} {
				open := regexp.MustCompile(`<` + tag + `[ >]`)
				if want, got := len(open.FindAllString(tc.page, -1)), len(open.FindAllString(dom, -1)); got != want {
					t.Errorf("the page has %d <%s>, Chromium's DOM %d", want, tag, got)
				}
			}
			if strings.Contains(dom, "<script") {
				t.Error("Chromium's DOM holds a script")
			}
		})
	}
}

// Printed, the report starts each agreement and the appendix on a new
// page, and links to nothing but mail addresses.
func TestTheReportPrints(t *testing.T) {
	doc := fixture(t, "october.json")
	file := filepath.Join(t.TempDir(), "report.pdf")
	browser.PrintPDF(t, writePage(t, render(t, doc, htmlOf)), file)
	pdf, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	pages := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1))
	if min := 1 + len(doc.Agreements) + 1; pages < min {
		t.Errorf("the report prints on %d pages, fewer than the %d its page breaks make", pages, min)
	}
	for _, uri := range regexp.MustCompile(`/URI \(([^)]*)\)`).FindAllSubmatch(pdf, -1) {
		if !strings.HasPrefix(string(uri[1]), "mailto:") && !strings.HasPrefix(string(uri[1]), "file:") {
			t.Errorf("the printed report links to %s", uri[1])
		}
	}
}
