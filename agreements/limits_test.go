package agreements

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const small = "agreement \"a\" {\n  title     = \"A\"\n  version   = \"1.0.0\"\n  effective = \"2026-01-01\"\n}\n"

// TestBracketsNestedDeepAreAnErrorNotACrash: HCL's parser descends once per
// level; a hundred thousand levels exhausted its stack and killed the
// process. They are refused before it parses.
func TestBracketsNestedDeepAreAnErrorNotACrash(t *testing.T) {
	for _, c := range []struct {
		name, open, close string
		depth             int
	}{
		{"brackets", "[", "]", 100_000},
		{"parentheses", "(", ")", 10_000},
		{"braces of objects", "{a=", "}", 10_000},
		{"interpolations", "\"${", "}\"", 10_000},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := "agreement \"a\" {\n  title = " + strings.Repeat(c.open, c.depth) + "1" + strings.Repeat(c.close, c.depth) + "\n}\n"
			_, diags := Parse(Source{Name: "deep.hcl", Bytes: []byte(src)})
			if !diags.HasErrors() || diags[0].Summary != "Nesting too deep" || diags[0].Subject == nil || diags[0].Subject.Start.Line != 2 {
				t.Errorf("diagnostics %v, want Nesting too deep on line 2", diags)
			}
			if _, diags := Format([]byte(src), "deep.hcl"); !diags.HasErrors() || diags[0].Summary != "Nesting too deep" {
				t.Errorf("fmt: diagnostics %v, want Nesting too deep", diags)
			}
		})
	}
	// A hundred levels are still an agreement's business.
	src := "agreement \"a\" {\n  title = " + strings.Repeat("[", 98) + "1" + strings.Repeat("]", 98) + "\n}\n"
	if _, diags := Parse(Source{Name: "ok.hcl", Bytes: []byte(src)}); len(diags) == 0 || diags[0].Summary == "Nesting too deep" {
		t.Errorf("98 levels: %v, want the ordinary diagnostics of a title that is not a string", diags)
	}
}

// TestOnlyRegularFilesOfBoundedSizeAreRead: a named pipe would block the
// read forever, deaf to signals, and /dev/zero never ends.
func TestOnlyRegularFilesOfBoundedSizeAreRead(t *testing.T) {
	dir := t.TempDir()
	pipe := filepath.Join(dir, "pipe.hcl")
	if err := syscall.Mkfifo(pipe, 0o644); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.hcl")
	if err := os.WriteFile(big, bytes.Repeat([]byte("# x\n"), 1<<10), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "zero.hcl")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Fatal(err)
	}
	l := Limits{MaxFileSize: 1 << 10}
	for _, c := range []struct{ file, want string }{
		{pipe, "is a named pipe, not a regular file"},
		{link, "is a character device, not a regular file"},
		{big, "holds more than 1 KiB, the most an agreement file may (--max-file-size)"},
	} {
		done := make(chan struct{})
		var diags string
		go func() {
			_, d := l.Load(c.file)
			diags = d.Error()
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("loading %s hangs", c.file)
		}
		if !strings.Contains(diags, c.want) {
			t.Errorf("%s: %s, want %q", filepath.Base(c.file), diags, c.want)
		}
	}
}

// TestFormatKeepsEachLinesEnding: one CRLF line, in a heredoc where it is
// part of the string's value, stays CRLF, and the LF lines stay LF.
func TestFormatKeepsEachLinesEnding(t *testing.T) {
	src := "agreement \"a\" {\n  title = \"A\"\n  version=\"1.0.0\"\n  effective = \"2026-01-01\"\n  party \"p\" {\n    name = <<-EOT\n      Acme\r\n      Corp\n    EOT\n  }\n}\n"
	out, diags := Format([]byte(src), "a.hcl")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if n := bytes.Count(out, []byte("\r\n")); n != 1 || !bytes.Contains(out, []byte("Acme\r\n")) {
		t.Errorf("%d CRLF lines in %q, want the one after Acme", n, out)
	}
	if !bytes.Contains(out, []byte("version   = \"1.0.0\"\n")) {
		t.Errorf("not formatted: %q", out)
	}
	crlf := strings.ReplaceAll(small, "\n", "\r\n")
	if out, _ := Format([]byte(strings.Replace(crlf, "title     =", "title=", 1)), "a.hcl"); string(out) != crlf {
		t.Errorf("a CRLF file became %q, want %q", out, crlf)
	}
}
