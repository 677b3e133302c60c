package report

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"io"
	"sync"
)

//go:embed templates/*.tmpl templates/style.css
var files embed.FS

// style is the style sheet inlined into every page: the file is ours, not
// the document's, so it is trusted as CSS.
var style = template.CSS(mustRead("templates/style.css"))

// templates are parsed on first use, not when the program starts: every
// command of entente links this package, and most never render a page.
var templates = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("").Funcs(template.FuncMap{
		"css":        func() template.CSS { return style },
		"capitalize": capitalize,
		"plural":     plural,
	}).ParseFS(files, "templates/*.tmpl"))
})

func mustRead(name string) []byte {
	b, err := files.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return b
}

// HTML writes the report of doc as one self-contained HTML page: inline
// style and SVG charts, no script, nothing fetched from anywhere. It reads
// on screen and on paper (A4, an agreement per run of pages).
func HTML(w io.Writer, doc *Document) error {
	if doc == nil {
		return errors.New("render html report: no document")
	}
	return execute(w, "report", buildReport(doc, true))
}

// execute renders a whole page before writing any of it, so that a failed
// render never leaves half a page behind.
func execute(w io.Writer, name string, data any) error {
	var buf bytes.Buffer
	if err := templates().ExecuteTemplate(&buf, name, data); err != nil {
		return err
	}
	_, err := buf.WriteTo(w)
	return err
}
