package report

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// checkGolden compares got with a golden file, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(name, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(name)
	if err != nil {
		t.Fatalf("%s; run go test -update to create it", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what the code produces; run go test -update and review the diff:\n%s", name, lineDiff(want, got))
	}
}

// lineDiff shows the first line where two texts part.
func lineDiff(want, got []byte) string {
	w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n  golden: %q\n  now:    %q", i+1, wl, gl)
		}
	}
	return ""
}

// fixture decodes a document under testdata.
func fixture(t *testing.T, name string) *Document {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

type renderer func(*bytes.Buffer, *Document) error

// render runs a renderer and returns what it wrote.
func render(t *testing.T, doc *Document, r renderer) string {
	t.Helper()
	var buf bytes.Buffer
	if err := r(&buf, doc); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func htmlOf(b *bytes.Buffer, d *Document) error     { return HTML(b, d) }
func markdownOf(b *bytes.Buffer, d *Document) error { return Markdown(b, d) }

// dashboardAt renders the dashboard as the server would, at a fixed time.
func dashboardAt(now time.Time) renderer {
	return func(b *bytes.Buffer, d *Document) error {
		return Dashboard(b, d, DashboardOptions{RefreshSeconds: 60, Now: now, Links: reportLinks(d)})
	}
}

// reportLinks are the links the server gives each agreement.
func reportLinks(d *Document) map[string][]Link {
	if d == nil {
		return nil
	}
	links := map[string][]Link{}
	for _, a := range d.Agreements {
		base := "/v1/agreements/" + a.Name + "/report?period=2026-10&format="
		links[a.Name] = []Link{{Label: "October 2026 (HTML)", Href: base + "html"}, {Label: "October 2026 (Markdown)", Href: base + "markdown"}}
	}
	return links
}
