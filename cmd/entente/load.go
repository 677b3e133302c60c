package main

import (
	"github.com/entente-dev/entente/agreements"
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

// compileSet loads agreements and compiles them.
func compileSet(e *env, paths []string) (*policies.Tree, int) {
	set, ok := loadSet(e, paths)
	if !ok {
		return nil, exitInvalid
	}
	tree, err := policies.Compile(set)
	if err != nil {
		e.errorf("%s", err)
		return nil, exitInvalid
	}
	return tree, exitOK
}
