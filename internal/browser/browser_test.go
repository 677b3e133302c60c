package browser_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/entente-dev/entente/internal/browser"
)

// page has content in plain HTML, content an inline script writes, and
// content a timer writes two seconds after load; a blue square in the top
// left corner and a red band 4000 pixels down, below any ordinary window.
const page = `<!doctype html>
<html>
<head><title>Agreements</title>
<style>
body { margin: 0; background: #fff; font-family: sans-serif; }
#square { width: 100px; height: 100px; background: #00f; }
#band { position: absolute; top: 4000px; left: 0; width: 100%; height: 100px; background: #f00; }
</style></head>
<body>
<div id="square"></div>
<table><tr><th>agreement</th><th>verdict</th></tr><tr><td>checkout</td><td>met</td></tr></table>
<script>
var p = document.createElement("p");
p.id = "scripted";
p.textContent = "written by a script";
document.body.appendChild(p);
setTimeout(function () {
	var q = document.createElement("p");
	q.id = "late";
	q.textContent = "written two seconds after load";
	document.body.appendChild(q);
}, 2000);
</script>
<div id="band"></div>
</body>
</html>
`

// reloading reloads itself every second, as the dashboard does every
// interval.
const reloading = `<!doctype html>
<html><head><meta http-equiv="refresh" content="1"></head>
<body><p>reloads itself</p></body></html>
`

// serve serves html at every path.
func serve(t *testing.T, html string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, html)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestTheDumpedDOMIsThePageAfterItsScriptsRan(t *testing.T) {
	browser.Binary(t)
	var (
		static   = "<td>checkout</td><td>met</td>"
		scripted = `<p id="scripted">written by a script</p>`
		late     = `<p id="late">written two seconds after load</p>`
	)
	tests := []struct {
		name    string
		html    string
		flags   []string
		want    []string
		wantNot []string
	}{
		{"the DOM has the page's HTML and what its inline scripts wrote", page, nil, []string{static, scripted}, []string{late}},
		{"with a virtual time budget the page's timers have run too", page, []string{"--virtual-time-budget=5000"}, []string{static, scripted, late}, nil},
		{"a page that reloads itself is dumped as first loaded", reloading, nil, []string{"<p>reloads itself</p>"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dom := browser.DumpDOM(t, serve(t, tt.html), tt.flags...)
			for _, want := range tt.want {
				if !strings.Contains(dom, want) {
					t.Errorf("the DOM has no %s:\n%s", want, dom)
				}
			}
			for _, not := range tt.wantNot {
				if strings.Contains(dom, not) {
					t.Errorf("the DOM has %s:\n%s", not, dom)
				}
			}
		})
	}
}

func TestAScreenshotShowsThePageAtTheRequestedSize(t *testing.T) {
	browser.Binary(t)
	url := serve(t, page)
	tests := []struct {
		name          string
		width, height int
		// want is the colour at a point of the capture.
		want map[image.Point]color.RGBA
	}{
		{"a window shows the top of the page", 400, 300, map[image.Point]color.RGBA{
			{50, 50}:   {0, 0, 255, 255},
			{350, 250}: {255, 255, 255, 255},
		}},
		{"a window taller than the page shows all of it", 400, 5000, map[image.Point]color.RGBA{
			{50, 50}:    {0, 0, 255, 255},
			{200, 4050}: {255, 0, 0, 255},
			{200, 4500}: {255, 255, 255, 255},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "page.png")
			img := browser.Screenshot(t, url, file, tt.width, tt.height)
			if _, err := os.Stat(file); err != nil {
				t.Fatal(err)
			}
			for p, want := range tt.want {
				if got := color.RGBAModel.Convert(img.At(p.X, p.Y)); got != want {
					t.Errorf("pixel %v = %v, want %v", p, got, want)
				}
			}
		})
	}
}

func TestAPrintedPageIsAPDF(t *testing.T) {
	file := filepath.Join(t.TempDir(), "page.pdf")
	browser.PrintPDF(t, serve(t, page), file)
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Errorf("%s starts with %q, want a PDF header", file, b[:min(len(b), 8)])
	}
}

// recorder stands for a test that the browser package ends, to check how:
// Fatal and Skip end the goroutine, as the testing package's do.
type recorder struct {
	testing.TB
	ctx     context.Context
	failed  bool
	skipped bool
	msg     string
}

func (r *recorder) Helper()                  {}
func (r *recorder) Context() context.Context { return r.ctx }

func (r *recorder) Fatal(args ...any) {
	r.failed, r.msg = true, fmt.Sprint(args...)
	runtime.Goexit()
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.failed, r.msg = true, fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Skip(args ...any) {
	r.skipped, r.msg = true, fmt.Sprint(args...)
	runtime.Goexit()
}

// record runs f with a recorder whose context ends after timeout.
func record(t *testing.T, timeout time.Duration, f func(testing.TB)) *recorder {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	r := &recorder{TB: t, ctx: ctx}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r
}

func TestWithoutChromiumATestIsSkippedExceptInCI(t *testing.T) {
	tests := []struct {
		name        string
		ci          string
		wantSkipped bool
	}{
		{"on a developer's machine the test is skipped", "", true},
		{"in CI the test fails", "true", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("PATH", t.TempDir())
			t.Setenv(browser.EnvBinary, "")
			t.Setenv("CI", tt.ci)
			r := record(t, time.Minute, func(t testing.TB) { browser.Binary(t) })
			if r.skipped != tt.wantSkipped || r.failed == tt.wantSkipped {
				t.Errorf("skipped %v, failed %v, want skipped %v: %s", r.skipped, r.failed, tt.wantSkipped, r.msg)
			}
			if !strings.Contains(r.msg, "apt-get install -y chromium") {
				t.Errorf("the message does not say how to install Chromium: %s", r.msg)
			}
		})
	}
}

func TestAPageThatDoesNotLoadFailsTheTest(t *testing.T) {
	browser.Binary(t)
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()

	r := record(t, time.Minute, func(t testing.TB) { browser.DumpDOM(t, url) })
	if !r.failed || !strings.Contains(r.msg, "ERR_CONNECTION_REFUSED") {
		t.Errorf("failed %v, want a failure that says the connection was refused: %s", r.failed, r.msg)
	}
}

func TestAPageThatNeverAnswersIsKilledWithAllItsProcesses(t *testing.T) {
	browser.Binary(t)
	// Every process of this Chromium has its profile, under TMPDIR, on its
	// command line. Not t.TempDir: Chromium's socket in there needs a short
	// path.
	tmp, err := os.MkdirTemp("", "bk")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(tmp) })
	t.Setenv("TMPDIR", tmp)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer srv.Close()

	start := time.Now()
	r := record(t, 3*time.Second, func(t testing.TB) { browser.DumpDOM(t, srv.URL) })
	if !r.failed || !strings.Contains(r.msg, "killed") {
		t.Errorf("failed %v, want a failure that says Chromium was killed: %s", r.failed, r.msg)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("took %s to give up after 3s", took)
	}
	// Chromium's crash handler is not in its process group but quits on
	// its own once Chromium is gone.
	var left []string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if left = processesWith(t, tmp); len(left) == 0 {
			return
		}
	}
	t.Errorf("processes left behind:\n%s", strings.Join(left, "\n"))
}

// processesWith lists the processes whose command line holds s.
func processesWith(t *testing.T, s string) []string {
	t.Helper()
	cmdlines, err := filepath.Glob("/proc/[0-9]*/cmdline")
	if err != nil || len(cmdlines) == 0 {
		t.Skip("no /proc to look for processes left behind")
	}
	var found []string
	for _, f := range cmdlines {
		b, err := os.ReadFile(f)
		if err != nil || !bytes.Contains(b, []byte(s)) {
			continue
		}
		found = append(found, filepath.Base(filepath.Dir(f))+": "+string(bytes.ReplaceAll(b, []byte{0}, []byte{' '})))
	}
	return found
}
