package policies

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/format"

	"github.com/entente-dev/entente/agreements"
)

// File is one file of a compiled tree, at a slash-separated path.
type File struct {
	Path string
	Data []byte
}

// IsTest tells whether the file holds Rego tests, which bundles leave out.
func (f File) IsTest() bool { return strings.HasSuffix(f.Path, "_test.rego") }

// Tree is a compiled set of agreements: per agreement, under
// entente/agreements/NAME/, policy.rego, policy_test.rego and data.json;
// and the library under entente/lib/. Files are sorted by path.
type Tree struct {
	Files []File
	// Agreements are the names compiled, in the order of the set.
	Agreements []string
}

// File returns the file at path, or nil.
func (t *Tree) File(path string) *File {
	for i := range t.Files {
		if t.Files[i].Path == path {
			return &t.Files[i]
		}
	}
	return nil
}

// Dir is the folder of an agreement in a compiled tree.
func Dir(name string) string { return "entente/agreements/" + name }

// Compile turns a valid set of agreements into Rego modules, data documents
// and tests. Every module is parsed and compiled in strict mode together
// with the library, and formatted as opa fmt would; the same agreements
// give byte-identical files.
func Compile(set *agreements.Set) (*Tree, error) {
	tree := &Tree{}
	sources := map[string][]byte{
		libraryPath:      libraryModule,
		libraryTestsPath: libraryTests,
	}
	var data []File
	for _, a := range set.Agreements {
		dir := Dir(a.Name)
		sources[dir+"/policy.rego"] = []byte(policySource(a))
		sources[dir+"/policy_test.rego"] = []byte(testSource(a))
		// The plan says how to measure; the terms are the agreement as
		// written, from which diff tells what a new version changes.
		doc, err := json.MarshalIndent(map[string]any{"plan": plan(a), "terms": a}, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("compile %s: data document: %w", a.Name, err)
		}
		data = append(data, File{Path: dir + "/data.json", Data: append(doc, '\n')})
		tree.Agreements = append(tree.Agreements, a.Name)
	}

	paths := slices.Sorted(maps.Keys(sources))
	parsed := make([]*ast.Module, len(paths))
	err := parallel(len(paths), func(i int) error {
		m, err := ast.ParseModuleWithOpts(paths[i], string(sources[paths[i]]), ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
		if err != nil {
			return fmt.Errorf("compile: parse generated %s: %w", paths[i], err)
		}
		parsed[i] = m
		return nil
	})
	if err != nil {
		return nil, err
	}
	modules := make(map[string]*ast.Module, len(paths))
	for i, p := range paths {
		modules[p] = parsed[i]
	}
	if err := checkModules(modules); err != nil {
		return nil, err
	}

	formatted := make([]File, len(paths))
	err = parallel(len(paths), func(i int) error {
		out, err := format.SourceWithOpts(paths[i], sources[paths[i]], format.Opts{RegoVersion: ast.RegoV1})
		if err != nil {
			return fmt.Errorf("compile: format %s: %w", paths[i], err)
		}
		formatted[i] = File{Path: paths[i], Data: out}
		return nil
	})
	if err != nil {
		return nil, err
	}
	tree.Files = append(tree.Files, formatted...)
	tree.Files = append(tree.Files, data...)
	slices.SortFunc(tree.Files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return tree, nil
}

// checkModules compiles, in strict mode, the library with its tests, and
// each agreement's policy and tests with the library. Agreements never
// refer to each other, and compiling them apart keeps the time linear:
// OPA's type checker looks for "with" overrides in every module of a
// compilation, for many of its rules.
func checkModules(modules map[string]*ast.Module) error {
	var sets []map[string]*ast.Module
	for p, m := range modules {
		if path.Base(p) != "policy.rego" && p != libraryTestsPath {
			continue
		}
		set := map[string]*ast.Module{p: m, libraryPath: modules[libraryPath]}
		test := strings.TrimSuffix(p, ".rego") + "_test.rego"
		if p == libraryTestsPath {
			test = p
		}
		if modules[test] != nil {
			set[test] = modules[test]
		}
		sets = append(sets, set)
	}
	return parallel(len(sets), func(i int) error { return compileStrict(sets[i]) })
}

// parallel runs f(0) ... f(n-1) on every core and returns the first error.
func parallel(n int, f func(i int) error) error {
	var wg sync.WaitGroup
	errs := make([]error, n)
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for i := range next {
				errs[i] = f(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

func compileStrict(modules map[string]*ast.Module) error {
	compiler := newCompiler()
	if compiler.Compile(modules); compiler.Failed() {
		return fmt.Errorf("compile: generated Rego does not compile: %w", compiler.Errors)
	}
	return nil
}

// Modules returns the Rego files of the tree, parsed, keyed by path; with
// tests, the test files too.
func (t *Tree) Modules(tests bool) (map[string]*ast.Module, error) {
	modules := map[string]*ast.Module{}
	for _, f := range t.Files {
		if path.Ext(f.Path) != ".rego" || (f.IsTest() && !tests) {
			continue
		}
		m, err := ast.ParseModuleWithOpts(f.Path, string(f.Data), ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", f.Path, err)
		}
		modules[f.Path] = m
	}
	return modules, nil
}

// Data returns the data documents of the tree merged into one document, as
// a bundle holds them.
func (t *Tree) Data() (map[string]any, error) {
	root := map[string]any{}
	for _, f := range t.Files {
		if path.Base(f.Path) != "data.json" {
			continue
		}
		var doc map[string]any
		dec := json.NewDecoder(bytes.NewReader(f.Data))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			return nil, fmt.Errorf("read %s: %w", f.Path, err)
		}
		node := root
		for _, key := range strings.Split(path.Dir(f.Path), "/") {
			next, ok := node[key].(map[string]any)
			if !ok {
				next = map[string]any{}
				node[key] = next
			}
			node = next
		}
		for k, v := range doc {
			node[k] = v
		}
	}
	return root, nil
}
