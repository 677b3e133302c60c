package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// entries are the entries of the cache of compiled agreements in dir.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	list, err := filepath.Glob(filepath.Join(dir, "compiled", "*", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// checkRevision runs entente check on the examples with no measurements
// and returns the revision it says it decided with.
func checkRevision(t *testing.T, args ...string) string {
	t.Helper()
	measurements := filepath.Join(t.TempDir(), "m.json")
	os.WriteFile(measurements, []byte("{}"), 0o644)
	var out, errOut bytes.Buffer
	code := run(context.Background(), append([]string{"check", "--measurements", measurements, "--at", "2026-10-22T12:00:00Z"}, args...), nil, &out, &errOut)
	if code != exitInconclusive {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	m := regexp.MustCompile(`\(revision ([0-9a-z-]+)\)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no revision in %s", out.String())
	}
	return m[1]
}

// A check keeps its compiled agreements in the cache and the next check of
// the same files decides with them: an entry changed by hand (here, its
// revision) shows in the verdict. A changed file, --no-cache and a set
// with a warning compile again.
func TestChecksShareTheCacheOfCompiledAgreements(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("ENTENTE_CACHE_DIR", cache)
	dir := t.TempDir()
	if err := copyDir("../../examples/agreements", dir); err != nil {
		t.Fatal(err)
	}
	compiled := checkRevision(t, dir)
	list := entries(t, cache)
	if len(list) != 1 {
		t.Fatalf("%d entries after a check, want 1", len(list))
	}
	raw, _ := os.ReadFile(list[0])
	os.WriteFile(list[0], bytes.Replace(raw, []byte(`"digest":"`+compiled+`"`), []byte(`"digest":"from-the-cache"`), 1), 0o600)
	if got := checkRevision(t, dir); got != "from-the-cache" {
		t.Errorf("the second check decided with revision %s, not the cached entry's", got)
	}
	if got := checkRevision(t, "--no-cache", dir); got != compiled {
		t.Errorf("--no-cache decided with revision %s, want %s", got, compiled)
	}

	// A changed file is another entry.
	file := filepath.Join(dir, "geo-api.hcl")
	src, _ := os.ReadFile(file)
	os.WriteFile(file, bytes.Replace(src, []byte(`version   = "1.2.0"`), []byte(`version   = "1.2.1"`), 1), 0o644)
	if got := checkRevision(t, dir); got == "from-the-cache" || got == compiled {
		t.Errorf("after a change, revision %s", got)
	}
	if n := len(entries(t, cache)); n != 2 {
		t.Errorf("%d entries after a change, want 2", n)
	}

	// A set with a warning is not cached: it is printed every time.
	os.WriteFile(file, []byte(strings.Replace(string(src), `objective   = 99.95`, `objective   = 0.9995`, 1)), 0o644)
	checkRevision(t, dir)
	checkRevision(t, dir)
	if n := len(entries(t, cache)); n != 2 {
		t.Errorf("%d entries after a set with a warning, want 2", n)
	}

	// --no-cache writes nothing.
	empty := t.TempDir()
	t.Setenv("ENTENTE_CACHE_DIR", empty)
	checkRevision(t, "--no-cache", "../../examples/agreements")
	if n := len(entries(t, empty)); n != 0 {
		t.Errorf("--no-cache wrote %d entries", n)
	}
}
