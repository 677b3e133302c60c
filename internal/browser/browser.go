// Package browser drives a real headless Chromium for tests of the HTML
// pages the server renders: the DOM after the page's scripts have run, a
// screenshot, the print layout as a PDF.
//
// It needs Chromium (Debian: apt-get install chromium). Without it a test is
// skipped, or fails when CI is set. Each call starts a fresh Chromium with its
// own profile, so tests can run in parallel and share no state.
//
// Each function takes extra Chromium flags last. The useful one is
// --virtual-time-budget=MS: Chromium then waits until the page's timers
// have had MS milliseconds of page time, which it skips through without
// waiting. Keep it below the delay of a page's <meta http-equiv="refresh">
// (the dashboard has one): a reload within the budget starts the budget
// again, and Chromium reloads the page until the call times out.
package browser

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const (
	// timeout bounds one run of Chromium: about a second when warm, a few
	// on a cold cache or a loaded machine.
	timeout = 60 * time.Second
	// removeTimeout bounds the retries to remove a profile that Chromium's
	// crash handler, which outlives Chromium briefly, may still be writing.
	removeTimeout = 5 * time.Second
)

// EnvBinary names the environment variable that, when set, gives the
// Chromium (or Chrome) binary to use instead of looking in PATH.
const EnvBinary = "ENTENTE_CHROMIUM"

// names are the binaries looked up in PATH, in order.
var names = []string{"chromium", "chromium-browser", "google-chrome"}

// Binary returns the path of Chromium: $ENTENTE_CHROMIUM if set, else the
// first of chromium, chromium-browser and google-chrome in PATH. Without
// one the test is skipped, or fails when CI is set.
//
// Ubuntu's chromium-browser runs a snap, whose private /tmp hides the files
// Screenshot and PrintPDF ask it to write; point ENTENTE_CHROMIUM at another
// build there.
func Binary(t testing.TB) string {
	t.Helper()
	if name := os.Getenv(EnvBinary); name != "" {
		path, err := exec.LookPath(name)
		if err != nil {
			t.Fatalf("%s=%s: %v", EnvBinary, name, err)
		}
		return path
	}
	for _, name := range names {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	msg := fmt.Sprintf("none of %s in PATH: this test needs a real browser; install Chromium: apt-get install -y chromium (or set %s)", strings.Join(names, ", "), EnvBinary)
	if os.Getenv("CI") != "" {
		t.Fatal(msg + "; CI is set, so it cannot be skipped")
	}
	t.Skip(msg)
	return ""
}

// DumpDOM loads url and returns the DOM as serialized HTML once the page
// has loaded (its load event: inline scripts have run, timers not unless
// flags give a virtual time budget): the page as a user sees it, not as the
// server sent it. It does not see the HTTP status: an error page renders
// like any other.
func DumpDOM(t testing.TB, url string, flags ...string) string {
	t.Helper()
	out := run(t, url, append([]string{"--dump-dom"}, flags...)...)
	if len(bytes.TrimSpace(out.stdout)) == 0 {
		t.Fatalf("chromium --dump-dom %s printed nothing%s", url, out)
	}
	return string(out.stdout)
}

// Screenshot loads url in a window of width x height pixels, writes what it
// shows to file as a PNG and returns the image, checked to be of that size.
//
// Chromium captures the window, not the whole page: for a full-page
// screenshot pass a height at least the page's (say 10000 for a long
// report); below the page the capture shows the page's background. Tall
// captures cost time: here 1280x10000 takes about 2 s, 1280x30000 12 s.
func Screenshot(t testing.TB, url, file string, width, height int, flags ...string) image.Image {
	t.Helper()
	file = absolute(t, file)
	out := run(t, url, append([]string{
		"--screenshot=" + file,
		fmt.Sprintf("--window-size=%d,%d", width, height),
		"--hide-scrollbars",
	}, flags...)...)
	f, err := os.Open(file)
	if err != nil {
		t.Fatalf("chromium --screenshot %s wrote no PNG: %v%s", url, err, out)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("chromium --screenshot %s: %s is not a PNG: %v%s", url, file, err, out)
	}
	if got := img.Bounds().Size(); got != image.Pt(width, height) {
		t.Fatalf("chromium --screenshot %s: %s is %dx%d, want %dx%d%s", url, file, got.X, got.Y, width, height, out)
	}
	return img
}

// PrintPDF prints url to file as Chromium prints it to paper (print media
// styles, default paper size, no header or footer) and checks that a PDF
// was written.
func PrintPDF(t testing.TB, url, file string, flags ...string) {
	t.Helper()
	file = absolute(t, file)
	out := run(t, url, append([]string{"--print-to-pdf=" + file, "--no-pdf-header-footer"}, flags...)...)
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("chromium --print-to-pdf %s wrote no PDF: %v%s", url, err, out)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.Contains(b[max(0, len(b)-1024):], []byte("%%EOF")) {
		t.Fatalf("chromium --print-to-pdf %s: %s is not a whole PDF (%d bytes)%s", url, file, len(b), out)
	}
}

// absolute makes file absolute: Chromium resolves a relative one against
// its own working directory, not the test's.
func absolute(t testing.TB, file string) string {
	t.Helper()
	abs, err := filepath.Abs(file)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// output is what one run of Chromium printed. Its String, for failure
// messages, is stderr without the lines about the missing D-Bus, which
// Chromium prints by the dozen on a machine without a desktop session.
type output struct {
	stdout, stderr []byte
}

func (o output) String() string {
	var b strings.Builder
	noise := 0
	for line := range strings.Lines(string(o.stderr)) {
		if strings.Contains(line, "dbus/") {
			noise++
			continue
		}
		b.WriteString(line)
	}
	if b.Len() == 0 && noise == 0 {
		return ""
	}
	return fmt.Sprintf("\n--- chromium stderr (%d D-Bus lines left out) ---\n%s", noise, b.String())
}

// run runs Chromium headless on url with flags, in a fresh profile, and
// fails the test unless it exits with status 0 within timeout.
func run(t testing.TB, url string, flags ...string) output {
	t.Helper()
	bin := Binary(t)
	dir := profile(t)

	args := []string{
		"--headless",
		// Chromium refuses to start as root (CI) with its sandbox.
		"--no-sandbox",
		"--disable-gpu",
		// A container's /dev/shm is often 64 MB, too small for Chromium.
		"--disable-dev-shm-usage",
		// Nothing but url is fetched: machines with no network (CI) must
		// not wait on Google's services.
		"--disable-background-networking",
		"--disable-component-update",
		"--disable-sync",
		"--disable-quic",
		"--no-first-run",
		"--no-default-browser-check",
		"--user-data-dir=" + filepath.Join(dir, "profile"),
	}
	args = append(append(args, flags...), url)

	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	// Chromium writes its crash database and settings under HOME and the
	// XDG directories, and its singleton socket under TMPDIR: keep them in
	// the throwaway profile too. (The socket's path must stay under 108
	// bytes: a long TMPDIR makes Chromium abort with "Socket path too long".)
	cmd.Env = append(os.Environ(),
		"HOME="+dir,
		"TMPDIR="+dir,
		"XDG_CONFIG_HOME="+filepath.Join(dir, "config"),
		"XDG_CACHE_HOME="+filepath.Join(dir, "cache"),
	)
	// Files, not pipes: Chromium's crash handler, which detaches and
	// outlives it for a moment, inherits them, and Wait would wait for it
	// to close a pipe.
	stdout, stderr := outputFile(t, dir, "stdout"), outputFile(t, dir, "stderr")
	defer stdout.Close()
	defer stderr.Close()
	cmd.Stdout, cmd.Stderr = stdout, stderr
	killGroup(cmd)

	start := time.Now()
	err := cmd.Run()
	var out output
	out.stdout, _ = os.ReadFile(stdout.Name())
	out.stderr, _ = os.ReadFile(stderr.Name())
	if ctx.Err() != nil {
		t.Fatalf("chromium %s: no answer after %s, killed%s", url, time.Since(start).Round(time.Millisecond), out)
	}
	if err != nil {
		t.Fatalf("chromium %s: %v%s", url, err, out)
	}
	return out
}

// profile makes a directory for one run of Chromium and removes it when
// the test ends, retrying while a lingering crash handler writes there.
// t.TempDir would fail the test when that removal fails.
func profile(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "entente-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		deadline := time.Now().Add(removeTimeout)
		for {
			err := os.RemoveAll(dir)
			if err == nil {
				return
			}
			if time.Now().After(deadline) {
				t.Logf("could not remove Chromium's profile: %v", err)
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	return dir
}

func outputFile(t testing.TB, dir, name string) *os.File {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return f
}
