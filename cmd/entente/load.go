package main

import (
	"fmt"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/internal/compilecache"
	"github.com/entente-dev/entente/policies"
)

// loadSet loads and validates agreements, printing diagnostics; ok is false
// when there are errors.
func loadSet(e *env, paths []string) (*agreements.Set, bool) {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	set, diags := e.limits.Load(paths...)
	writeDiagnostics(e, set.Files, diags)
	if diags.HasErrors() {
		e.errorf("%s.", errorSummary(diags))
		return nil, false
	}
	return set, true
}

// compileSet loads agreements and compiles them, formatted to be written.
func compileSet(e *env, paths []string) (*policies.Tree, int) {
	return compileWith(e, paths, policies.Compile)
}

// compileForDecisions loads agreements and compiles them to decide on:
// nothing is written, nothing is formatted. Unchanged agreements come from
// the cache of compiled agreements, unless --no-cache.
func compileForDecisions(e *env, paths []string) (*policies.Tree, int) {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	cache, key := e.cacheFor(paths)
	if cache != nil {
		if tree, ok := cache.Get(key); ok {
			return tree, exitOK
		}
	}
	set, diags := e.limits.Load(paths...)
	writeDiagnostics(e, set.Files, diags)
	if diags.HasErrors() {
		e.errorf("%s.", errorSummary(diags))
		return nil, exitInvalid
	}
	tree, err := policies.ForDecisions(set)
	if err != nil {
		e.errorf("%s", err)
		return nil, exitInvalid
	}
	// A set with a warning is compiled every time: the warning is printed
	// every time.
	if cache != nil && len(diags) == 0 {
		if err := cache.Put(key, tree); err != nil {
			e.logger.Debug("the compiled agreements are not cached", "err", err)
		}
	}
	return tree, exitOK
}

// cacheFor returns the cache and the key of the agreement files under
// paths, or nil when there is no cache to use: --no-cache, no cache
// directory, or files that cannot be listed or read (loading them says
// why).
func (e *env) cacheFor(paths []string) (*compilecache.Cache, string) {
	if e.noCache {
		return nil, ""
	}
	dir, err := compilecache.Dir(e.getenv)
	if err != nil {
		return nil, ""
	}
	names, diags := agreements.Files(paths...)
	if diags.HasErrors() || len(names) == 0 {
		return nil, ""
	}
	key, err := compilecache.Key(names, fmt.Sprintf("%d/%d", e.limits.MaxFileSize, e.limits.MaxNesting), e.limits.MaxFileSize)
	if err != nil {
		return nil, ""
	}
	return &compilecache.Cache{Dir: dir, MaxBytes: e.cacheMax}, key
}

func compileWith(e *env, paths []string, compile func(*agreements.Set) (*policies.Tree, error)) (*policies.Tree, int) {
	set, ok := loadSet(e, paths)
	if !ok {
		return nil, exitInvalid
	}
	tree, err := compile(set)
	if err != nil {
		e.errorf("%s", err)
		return nil, exitInvalid
	}
	return tree, exitOK
}
