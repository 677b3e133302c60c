package report_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/entente-dev/entente/report"
)

// A report document is decoded once and rendered in each format.
func Example() {
	f, err := os.Open("testdata/october.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	doc, err := report.Decode(f)
	if err != nil {
		fmt.Println(err)
		return
	}
	var html, md bytes.Buffer
	if err := report.HTML(&html, doc); err != nil {
		fmt.Println(err)
	}
	if err := report.Markdown(&md, doc); err != nil {
		fmt.Println(err)
	}
	fmt.Println(doc.Period.Label, len(doc.Agreements), "agreements")
	// Output: 2026-10 5 agreements
}

// The server holds the evaluator's verdict as a Go value: it goes through
// JSON, so that the dashboard reads exactly what the API serves.
func ExampleDashboard() {
	verdict := map[string]any{
		"schema": "entente.verdicts/v1", "evaluated_at": "2026-10-22T12:00:00Z",
		"revision": "77fc8d3ef1cc46d5", "status": "compliant", "agreements": []any{},
	}
	b, _ := json.Marshal(verdict)
	doc, err := report.Decode(bytes.NewReader(b))
	if err != nil {
		fmt.Println(err)
		return
	}
	var page bytes.Buffer
	err = report.Dashboard(&page, doc, report.DashboardOptions{
		RefreshSeconds: 60,
		Now:            time.Date(2026, 10, 22, 12, 1, 0, 0, time.UTC),
		Links: map[string][]report.Link{
			"payments-hosting": {{Label: "October 2026 (HTML)", Href: "/v1/agreements/payments-hosting/report?period=2026-10&format=html"}},
		},
	})
	fmt.Println(err, bytes.Contains(page.Bytes(), []byte("Last evaluation 22 Oct 2026 12:00 UTC (1 min ago)")))
	// Output: <nil> true
}
