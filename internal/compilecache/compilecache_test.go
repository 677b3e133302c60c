package compilecache

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/policies"
)

const examples = "../../examples/agreements"

func compiled(t *testing.T) (*policies.Tree, []string) {
	t.Helper()
	names, diags := agreements.Files(examples)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	set, diags := agreements.Load(examples)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	tree, err := policies.ForDecisions(set)
	if err != nil {
		t.Fatal(err)
	}
	return tree, names
}

// A tree read back from the cache decides as the one compiled: the same
// revision, the same plans and data, and the same verdict.
func TestACachedTreeDecidesAsTheCompiledOne(t *testing.T) {
	tree, names := compiled(t)
	c := &Cache{Dir: t.TempDir(), MaxBytes: DefaultMaxBytes}
	key, err := Key(names, "limits", 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Get(key); ok {
		t.Fatal("a hit in an empty cache")
	}
	if err := c.Put(key, tree); err != nil {
		t.Fatal(err)
	}
	got, ok := c.Get(key)
	if !ok {
		t.Fatal("no hit after Put")
	}
	if got.Digest() != tree.Digest() {
		t.Errorf("revision %s, compiled %s", got.Digest(), tree.Digest())
	}
	ctx := context.Background()
	input := map[string]any{"at": "2026-10-22T12:00:00Z", "measurements": map[string]any{}}
	var verdicts [2]string
	for i, tr := range []*policies.Tree{tree, got} {
		d, err := tr.Prepare(ctx)
		if err != nil {
			t.Fatal(err)
		}
		v, err := d.VerdictOf(ctx, "payments-hosting", input)
		if err != nil {
			t.Fatal(err)
		}
		verdicts[i] = strings.TrimSpace(toJSON(t, v))
	}
	if verdicts[0] != verdicts[1] {
		t.Errorf("the cached tree decides\n%s\nthe compiled one\n%s", verdicts[1], verdicts[0])
	}
}

// The key changes with a file's bytes, its name, the limits; a file over
// the size limit has no key (loading it says why).
func TestTheKeyFollowsEverythingTheTreeDependsOn(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.hcl")
	write := func(s string) {
		if err := os.WriteFile(a, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("one")
	k1, _ := Key([]string{a}, "l", 100)
	write("two")
	k2, _ := Key([]string{a}, "l", 100)
	k3, _ := Key([]string{a}, "other limits", 100)
	b := filepath.Join(dir, "b.hcl")
	os.WriteFile(b, []byte("two"), 0o644)
	k4, _ := Key([]string{b}, "l", 100)
	if k1 == k2 || k2 == k3 || k2 == k4 {
		t.Errorf("keys %s %s %s %s: a change of content, limits or name keeps the key", k1, k2, k3, k4)
	}
	if again, _ := Key([]string{a}, "l", 100); again != k2 {
		t.Errorf("the same files give %s, then %s", k2, again)
	}
	if _, err := Key([]string{a}, "l", 2); err == nil {
		t.Error("a file over the size limit has a key")
	}
}

// A damaged entry is a miss, never an error or half a tree.
func TestADamagedEntryIsAMiss(t *testing.T) {
	tree, names := compiled(t)
	c := &Cache{Dir: t.TempDir(), MaxBytes: DefaultMaxBytes}
	key, _ := Key(names, "l", 1<<20)
	if err := c.Put(key, tree); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(c.path(key))
	os.WriteFile(c.path(key), raw[:len(raw)/2], 0o600)
	if _, ok := c.Get(key); ok {
		t.Fatal("half an entry is a hit")
	}
	if err := c.Put(key, tree); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Get(key); !ok {
		t.Fatal("the entry written again is not a hit")
	}
}

// Two processes writing the same entry at once leave a whole one.
func TestWritersAtOnceLeaveAWholeEntry(t *testing.T) {
	tree, names := compiled(t)
	c := &Cache{Dir: t.TempDir(), MaxBytes: DefaultMaxBytes}
	key, _ := Key(names, "l", 1<<20)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if err := c.Put(key, tree); err != nil {
				t.Error(err)
			}
			c.Get(key)
		})
	}
	wg.Wait()
	if got, ok := c.Get(key); !ok || got.Digest() != tree.Digest() {
		t.Fatalf("after concurrent writes: hit %v", ok)
	}
	leftovers, _ := filepath.Glob(filepath.Join(c.Dir, "compiled", key[:2], ".entry-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

// The cache holds at most MaxBytes: the entries used least recently go.
func TestTheCacheKeepsToItsSize(t *testing.T) {
	tree, _ := compiled(t)
	dir := t.TempDir()
	one := &Cache{Dir: dir}
	if err := one.Put(strings.Repeat("a", 64), tree); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(one.path(strings.Repeat("a", 64)))
	if err != nil {
		t.Fatal(err)
	}
	// Room for three entries and a half.
	c := &Cache{Dir: dir, MaxBytes: st.Size()*7/2 + 1}
	keys := []string{strings.Repeat("a", 64), strings.Repeat("b", 64), strings.Repeat("c", 64)}
	base := time.Now().Add(-time.Hour)
	for i, k := range keys[1:] {
		if err := c.Put(k, tree); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(c.path(k), base.Add(time.Duration(i+1)*time.Minute), base.Add(time.Duration(i+1)*time.Minute))
	}
	os.Chtimes(c.path(keys[0]), base, base)
	c.Get(keys[0]) // used now: the newest
	if err := c.Put(strings.Repeat("d", 64), tree); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]bool{keys[0]: true, keys[1]: false, keys[2]: true, strings.Repeat("d", 64): true} {
		if _, err := os.Stat(c.path(k)); (err == nil) != want {
			t.Errorf("entry %s kept: %v, want %v", k[:1], err == nil, want)
		}
	}
	if c := (&Cache{Dir: t.TempDir(), MaxBytes: 10}); c.Put(keys[0], tree) == nil {
		t.Error("an entry larger than the cache is written")
	}
}

// A cache directory others may write is refused: an entry decides
// verdicts.
func TestACacheOthersMayWriteIsRefused(t *testing.T) {
	tree, _ := compiled(t)
	dir := filepath.Join(t.TempDir(), "shared")
	if err := os.Mkdir(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	err := (&Cache{Dir: dir, MaxBytes: DefaultMaxBytes}).Put(strings.Repeat("a", 64), tree)
	if err == nil || !strings.Contains(err.Error(), "may be written by others") {
		t.Errorf("a world-writable cache: %v", err)
	}
}

func toJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
