// Package compilecache keeps the compiled form of sets of agreements
// between processes, so that a CI gate that checks unchanged agreements
// does not load, validate and generate them again: it reads their policies
// and data, and only compiles the Rego, as opa eval does with a bundle.
//
// An entry is keyed by everything its content depends on: the agreement
// files (names and bytes), the limits they were read within, and the
// entente binary that compiled them. Only sets that load without any
// diagnostic are kept (a warning must be printed every time). Entries are
// written to a temporary file and renamed, so that two processes sharing
// the cache never read half an entry; a damaged entry is a miss. The cache
// holds at most MaxBytes: the entries used least recently go first.
package compilecache

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"time"

	"github.com/entente-dev/entente/policies"
)

// DefaultMaxBytes bounds the cache: some eighty sets of 100 agreements.
const DefaultMaxBytes = 256 << 20

// format is the version of the entries' layout.
const format = "entente-compiled-v1"

// Cache is a directory of compiled sets of agreements.
type Cache struct {
	Dir      string
	MaxBytes int64
}

// Dir is where the cache lives: $ENTENTE_CACHE_DIR, else entente/ under
// the user's cache directory ($XDG_CACHE_HOME, ~/.cache).
func Dir(getenv func(string) string) (string, error) {
	if d := getenv("ENTENTE_CACHE_DIR"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "entente"), nil
}

// entry is what an entry holds: a tree of generated files and its
// revision.
type entry struct {
	Format     string          `json:"format"`
	Agreements []string        `json:"agreements"`
	Digest     string          `json:"digest"`
	Files      []policies.File `json:"files"`
}

// Key is the key of the agreement files names, read within limits: their
// names and bytes, the limits and the binary's identity. It returns an
// error when a file cannot be read or is larger than maxFileSize (the
// caller then loads the agreements as usual, which says why).
func Key(names []string, limits string, maxFileSize int64) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00", format, binary(), limits)
	names = slices.Clone(names)
	slices.Sort(names)
	for _, name := range names {
		st, err := os.Stat(name)
		if err != nil {
			return "", err
		}
		if maxFileSize > 0 && st.Size() > maxFileSize {
			return "", fmt.Errorf("%s is larger than %d bytes", name, maxFileSize)
		}
		b, err := os.ReadFile(name)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// binary identifies the entente that compiles: its version and commit when
// it was built from a module or a clone, else its executable's path, size
// and time (a development build that changes is a new binary).
func binary() string {
	id := ""
	if info, ok := debug.ReadBuildInfo(); ok {
		id = info.Main.Version
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" || s.Key == "vcs.modified" {
				id += "\x00" + s.Value
			}
		}
	}
	if exe, err := os.Executable(); err == nil {
		if st, err := os.Stat(exe); err == nil {
			id += "\x00" + exe + "\x00" + strconv.FormatInt(st.Size(), 10) + "\x00" + st.ModTime().UTC().Format(time.RFC3339Nano)
		}
	}
	return id
}

func (c *Cache) path(key string) string {
	return filepath.Join(c.Dir, "compiled", key[:2], key+".json")
}

// Get returns the tree of the entry key, or false. A hit marks the entry
// as used now.
func (c *Cache) Get(key string) (*policies.Tree, bool) {
	p := c.path(key)
	raw, err := os.ReadFile(p)
	if err != nil {
		return nil, false
	}
	var e entry
	if err := json.Unmarshal(raw, &e); err != nil || e.Format != format || e.Digest == "" {
		os.Remove(p) // damaged: the next writer replaces it
		return nil, false
	}
	now := time.Now()
	os.Chtimes(p, now, now)
	return policies.TreeOf(e.Files, e.Agreements, e.Digest), true
}

// Put keeps tree under key, then trims the cache to MaxBytes.
func (c *Cache) Put(key string, tree *policies.Tree) error {
	if err := c.check(); err != nil {
		return err
	}
	data, err := json.Marshal(entry{Format: format, Agreements: tree.Agreements, Digest: tree.Digest(), Files: tree.Files})
	if err != nil {
		return err
	}
	if c.MaxBytes > 0 && int64(len(data)) > c.MaxBytes {
		return fmt.Errorf("the compiled agreements (%d bytes) are larger than the cache (%d bytes)", len(data), c.MaxBytes)
	}
	p := c.path(key)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".entry-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return c.trim()
}

// check creates the cache directory, readable by its owner alone, and
// refuses one that others may write: whoever writes an entry decides the
// verdicts of the agreements it is keyed by.
func (c *Cache) check() error {
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return err
	}
	st, err := os.Stat(c.Dir)
	if err != nil {
		return err
	}
	if st.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("the cache directory %s may be written by others (mode %v): entente does not use it; make it 0700 or give --no-cache", c.Dir, st.Mode().Perm())
	}
	return nil
}

// trim removes the entries used least recently until the cache holds at
// most MaxBytes.
func (c *Cache) trim() error {
	if c.MaxBytes <= 0 {
		return nil
	}
	type file struct {
		path string
		size int64
		used time.Time
	}
	var files []file
	var total int64
	err := filepath.WalkDir(filepath.Join(c.Dir, "compiled"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		files = append(files, file{p, info.Size(), info.ModTime()})
		total += info.Size()
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	slices.SortFunc(files, func(a, b file) int { return a.used.Compare(b.used) })
	for _, f := range files {
		if total <= c.MaxBytes {
			break
		}
		if os.Remove(f.path) == nil {
			total -= f.size
		}
	}
	return nil
}
