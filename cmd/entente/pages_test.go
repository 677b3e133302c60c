package main

import (
	"flag"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/entente-dev/entente/internal/browser"
	"github.com/entente-dev/entente/internal/examplemetrics"
)

var screenshots = flag.Bool("screenshots", false, "write the screenshots of the dashboard and of a report into docs/")

// reportPeriod is the period of the report the test opens and the README
// shows: the last month of the example histories.
const reportPeriod = "2026-10"

// TestThePagesInABrowser opens the dashboard and a report that the built
// entente serve renders, in a real headless Chromium, and checks what a
// reader sees: every agreement, its status in words, and the figures of
// the verdicts. With -screenshots it writes the pictures docs/ shows.
func TestThePagesInABrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not building entente serve and starting Chromium")
	}
	browser.Binary(t) // skip (or fail in CI) before building anything
	bin := buildEntente(t)
	// From the root of the repository, as the README runs it: the pages
	// name the agreements' files from there.
	url, _, _ := startServeIn(t, "../..", bin,
		"--metrics", "examples/metrics/payments-hosting.om",
		"--metrics", "examples/metrics/geo-api.om",
		"--metrics", "examples/metrics/managed-support.om",
		"--facts", "examples/metrics/facts.json",
		"--at", examplemetrics.At,
		"examples/agreements")

	// The dashboard: the periodic verdicts at the histories' time.
	verdicts := map[string]any{}
	for _, name := range []string{"payments-hosting", "geo-api", "managed-support"} {
		verdicts[name] = getJSON(t, "GET", url+"/v1/agreements/"+name+"/verdict", "")
	}
	raw := browser.DumpDOM(t, url+"/")
	dom := text(raw)
	for name, v := range verdicts {
		a := v.(map[string]any)
		for _, want := range []string{a["title"].(string), name, words(a["status"].(string))} {
			if !strings.Contains(dom, want) {
				t.Errorf("the dashboard does not show %q", want)
			}
		}
		for _, s := range a["slos"].([]any) {
			slo := s.(map[string]any)
			if row := regexp.MustCompile(regexp.QuoteMeta(slo["name"].(string)) + ` [✓▲✗?!] ` + slo["status"].(string)); !row.MatchString(dom) {
				t.Errorf("the dashboard does not show %s/%s as %s", name, slo["name"], slo["status"])
			}
		}
	}
	if !strings.Contains(dom, "99.74%") { // geo-api's availability, as check prints it
		t.Errorf("the dashboard lacks geo-api's availability 99.74%%")
	}
	// The links are to the reports of the month of the verdicts (--at),
	// which the histories cover, not of the month before.
	if link := `href="/v1/agreements/payments-hosting/report?format=html&amp;period=` + reportPeriod + `"`; !strings.Contains(raw, link) {
		t.Errorf("the dashboard has no link %s", link)
	}

	// A report of a closed month, as the JSON and as the page.
	path := "/v1/agreements/payments-hosting/report?period=" + reportPeriod
	report := getJSON(t, "GET", url+path+"&format=json", "")
	a := report["agreements"].([]any)[0].(map[string]any)
	// Chromium does not say an HTTP status: ask first.
	if resp, err := http.Get(url + path + "&format=html"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %v %v", path, err, resp)
	} else {
		resp.Body.Close()
	}
	page := text(browser.DumpDOM(t, url+path+"&format=html"))
	// The page says when the report was made: the JSON's generated_at,
	// as the same report is kept and served again.
	generated, err := time.Parse(time.RFC3339, fmt.Sprint(report["generated_at"]))
	if err != nil {
		t.Errorf("the JSON report's generated_at: %v", err)
	}
	for _, want := range []string{"Payments API hosting", "Acme Cloud SAS", "Globex Ltd", words(a["status"].(string)), "Europe/Paris", "generated " + generated.Format("2 Jan 2006 15:04 UTC")} {
		if !strings.Contains(page, want) {
			t.Errorf("the report does not show %q", want)
		}
	}
	for _, s := range a["slos"].([]any) {
		slo := s.(map[string]any)
		if !strings.Contains(page, slo["name"].(string)) {
			t.Errorf("the report does not show the SLO %s", slo["name"])
		}
		if m, ok := slo["measured"].(float64); ok {
			want := figure(m)
			if o, ok := slo["objective"].(float64); ok {
				want = attained(m, o)
			}
			if !strings.Contains(page, want) {
				t.Errorf("the report does not show %s measured %s", slo["name"], want)
			}
		}
		for _, q := range slo["queries"].([]any) {
			if query := q.(map[string]any)["query"].(string); !strings.Contains(page, query) {
				t.Errorf("the report's audit lacks the query %s", query)
			}
		}
	}
	credit := a["credit_total"].(map[string]any)
	if amount := money(credit["amount"].(float64)) + " " + credit["currency"].(string); !strings.Contains(page, amount) {
		t.Errorf("the report does not show the credit of %s", amount)
	}

	dir := t.TempDir()
	if *screenshots {
		dir = "../../docs"
	}
	browser.Screenshot(t, url+"/", filepath.Join(dir, "dashboard.png"), 1280, 2000)
	browser.Screenshot(t, url+path+"&format=html", filepath.Join(dir, "report.png"), 1024, 3000)
	browser.PrintPDF(t, url+path+"&format=html", filepath.Join(t.TempDir(), "report.pdf"))
}

// text is the visible text of a DOM, in one line: no markup, no styles.
func text(dom string) string {
	dom = regexp.MustCompile(`(?s)<(style|title)[^>]*>.*?</(style|title)>`).ReplaceAllString(dom, " ")
	dom = regexp.MustCompile(`<[^>]+>`).ReplaceAllString(dom, " ")
	for old, new := range map[string]string{"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": `"`, "&#39;": "'", "&nbsp;": " "} {
		dom = strings.ReplaceAll(dom, old, new)
	}
	return strings.Join(strings.Fields(dom), " ")
}

// words is a status as a reader sees it: "at_risk" is "At risk".
func words(status string) string {
	s := strings.ReplaceAll(status, "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

// money is an amount as the pages print it: 1,200.00.
func money(f float64) string {
	whole := fmt.Sprintf("%.2f", f)
	n := strings.Index(whole, ".")
	for i := n - 3; i > 0; i -= 3 {
		whole = whole[:i] + "," + whole[i:]
	}
	return whole
}

// attained is a percentage measured against an objective as the pages
// print it: with the objective's decimals, two at least, cut.
func attained(m, objective float64) string {
	_, frac, _ := strings.Cut(strconv.FormatFloat(objective, 'f', -1, 64), ".")
	n := max(len(frac), 2)
	whole, digits, _ := strings.Cut(strconv.FormatFloat(m, 'f', -1, 64), ".")
	digits = (digits + strings.Repeat("0", n))[:n]
	return whole + "." + digits + "%"
}

// figure is a value as the pages print it, to four decimals.
func figure(f float64) string {
	s := fmt.Sprintf("%.4f", f)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}
