package report

import (
	"encoding/xml"
	"strings"
	"testing"
)

// The pages are written as well-formed XML (polyglot HTML) so that these
// tests can read them with encoding/xml and check what a browser, a
// printer and a screen reader would meet.

// element is a parsed element of a page.
type element struct {
	name     string
	attrs    map[string]string
	children []*element
	text     strings.Builder
	parent   *element
}

func (e *element) all(name string) []*element {
	var out []*element
	for _, c := range e.children {
		if c.name == name {
			out = append(out, c)
		}
		out = append(out, c.all(name)...)
	}
	return out
}

// content is the text inside e, children included.
func (e *element) content() string {
	var b strings.Builder
	b.WriteString(e.text.String())
	for _, c := range e.children {
		b.WriteString(c.content())
	}
	return b.String()
}

// parsePage reads a page strictly as XML: a tag left open, a stray "<" or
// "&", an attribute without quotes fails the test.
func parsePage(t *testing.T, page string) *element {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(page))
	d.Strict = true
	root := &element{name: "#document"}
	cur := root
	for {
		tok, err := d.Token()
		if err != nil {
			if err.Error() == "EOF" {
				break
			}
			line, _ := d.InputPos()
			t.Fatalf("the page is not well-formed at line %d: %v\n%s", line, err, lineOf(page, line))
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			e := &element{name: tok.Name.Local, attrs: map[string]string{}, parent: cur}
			for _, a := range tok.Attr {
				name := a.Name.Local
				if a.Name.Space != "" {
					name = a.Name.Space + ":" + name
				}
				e.attrs[name] = a.Value
			}
			cur.children = append(cur.children, e)
			cur = e
		case xml.EndElement:
			cur = cur.parent
		case xml.CharData:
			cur.text.Write(tok)
		}
	}
	return root
}

func lineOf(s string, n int) string {
	lines := strings.Split(s, "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	return lines[n-1]
}

// checkSelfContained fails when a page could run code or fetch anything:
// scripts, frames, objects, images or styles from elsewhere, event
// handlers, and links other than to its own anchors, its own server
// (relative paths) or a mail client.
func checkSelfContained(t *testing.T, root *element) {
	t.Helper()
	forbidden := map[string]bool{"script": true, "iframe": true, "object": true, "embed": true, "img": true, "link": true, "image": true, "use": true, "foreignObject": true, "base": true}
	var walk func(e *element)
	walk = func(e *element) {
		if forbidden[e.name] {
			t.Errorf("the page holds a <%s> element", e.name)
		}
		for name, v := range e.attrs {
			low := strings.ToLower(v)
			switch {
			case strings.HasPrefix(name, "on"):
				t.Errorf("<%s> has an event handler %s=%q", e.name, name, v)
			case name == "href" || name == "src" || strings.HasSuffix(name, ":href"):
				if !(strings.HasPrefix(v, "#") || strings.HasPrefix(v, "/") || strings.HasPrefix(low, "mailto:")) {
					t.Errorf("<%s %s=%q> points outside the page", e.name, name, v)
				}
			case strings.Contains(low, "url(") && !strings.HasPrefix(low, "url(#"):
				t.Errorf("<%s %s=%q> fetches a URL", e.name, name, v)
			}
		}
		if e.name == "style" {
			css := strings.ToLower(e.content())
			if strings.Contains(css, "@import") || strings.Contains(css, "url(") || strings.Contains(css, "@font-face") {
				t.Errorf("the style sheet imports or fetches something")
			}
		}
		for _, c := range e.children {
			walk(c)
		}
	}
	walk(root)
}

// checkAccessible checks what a screen reader needs: a language, headings
// that do not skip levels, tables with captions and scoped headers, charts
// named by their title, ids that are unique and references that resolve.
func checkAccessible(t *testing.T, root *element) {
	t.Helper()
	html := root.all("html")
	if len(html) != 1 || html[0].attrs["lang"] != "en" {
		t.Errorf("the page must be one <html lang=\"en\">")
	}
	ids := map[string]bool{}
	var order []int
	var walk func(e *element)
	walk = func(e *element) {
		if id, ok := e.attrs["id"]; ok {
			if ids[id] {
				t.Errorf("id %q is used twice", id)
			}
			ids[id] = true
		}
		if len(e.name) == 2 && e.name[0] == 'h' && e.name[1] >= '1' && e.name[1] <= '6' {
			order = append(order, int(e.name[1]-'0'))
		}
		for _, c := range e.children {
			walk(c)
		}
	}
	walk(root)
	for i, level := range order {
		if i == 0 && level != 1 {
			t.Errorf("the first heading is h%d, want h1", level)
		}
		if i > 0 && level > order[i-1]+1 {
			t.Errorf("heading %d is h%d after h%d: a level is skipped", i, level, order[i-1])
		}
	}
	for _, table := range root.all("table") {
		if len(table.children) == 0 || table.children[0].name != "caption" {
			t.Errorf("a table has no caption first: %.80q", table.content())
		}
		for _, th := range table.all("th") {
			if s := th.attrs["scope"]; s != "col" && s != "row" {
				t.Errorf("header %q has no scope", strings.TrimSpace(th.content()))
			}
		}
	}
	for _, svg := range root.all("svg") {
		if svg.attrs["aria-hidden"] == "true" {
			continue
		}
		if svg.attrs["role"] != "img" {
			t.Errorf("a chart has no role=img")
		}
		titles := svg.all("title")
		if len(titles) == 0 || strings.TrimSpace(titles[0].content()) == "" || len(svg.all("desc")) == 0 {
			t.Errorf("chart %q has no title or no desc", svg.attrs["aria-labelledby"])
		}
		for _, ref := range strings.Fields(svg.attrs["aria-labelledby"]) {
			if !ids[ref] {
				t.Errorf("aria-labelledby names %q, which no element has", ref)
			}
		}
	}
	for _, a := range root.all("a") {
		if h := a.attrs["href"]; strings.HasPrefix(h, "#") && !ids[h[1:]] {
			t.Errorf("link %q points at no element", h)
		}
	}
}
