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

	// compiled holds the library and the policies as Compile compiled
	// them, so that Prepare does not parse and compile them again; nil for
	// a tree read back from files.
	compiled *ast.Compiler
	modules  map[string]*ast.Module
	// digest is the revision of a tree Compile made, computed from the
	// generated files before they are formatted.
	digest string
}

// TreeOf is the tree of files already generated for the agreements names,
// with its revision: what a cache of compiled agreements gives back. Its
// policies are compiled when it is prepared.
func TreeOf(files []File, names []string, digest string) *Tree {
	return &Tree{Files: files, Agreements: names, digest: digest}
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
// and tests. The policies are parsed and compiled in strict mode, once,
// together with the library (the compilation Prepare then decides with),
// and every file is formatted as opa fmt would; the same agreements give
// byte-identical files. The tests are generated, not compiled: CheckTests
// compiles them, and entente test runs them.
func Compile(set *agreements.Set) (*Tree, error) { return compile(set, formatAll) }

// ForDecisions compiles a set of agreements to decide on, as Compile does
// but for the formatting: nothing is written, the Rego of its Files is as
// generated, and its revision is the same.
func ForDecisions(set *agreements.Set) (*Tree, error) { return compile(set, formatNone) }

// ForBundle compiles a set of agreements for a bundle, as Compile does but
// for the tests, which a bundle leaves out: they are generated, not
// formatted.
func ForBundle(set *agreements.Set) (*Tree, error) { return compile(set, formatPolicies) }

// What compile formats: only what is written.
const (
	formatNone = iota
	formatPolicies
	formatAll
)

func compile(set *agreements.Set, formatting int) (*Tree, error) {
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
	var policies []string
	for _, p := range paths {
		if !strings.HasSuffix(p, "_test.rego") {
			policies = append(policies, p)
		}
	}
	modules, err := parseModules(policies, func(p string) []byte { return sources[p] })
	if err != nil {
		return nil, err
	}
	compiler := newCompiler()
	if compiler.Compile(modules); compiler.Failed() {
		return nil, fmt.Errorf("compile: generated Rego does not compile: %w", compiler.Errors)
	}
	tree.compiled, tree.modules = compiler, modules

	files := make([]File, len(paths))
	for i, p := range paths {
		files[i] = File{Path: p, Data: sources[p]}
	}
	files = append(files, data...)
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	// The revision is a digest of what is generated, before formatting:
	// the same whether the files are formatted or not.
	tree.Files = files
	tree.digest = tree.filesDigest()
	if formatting != formatNone {
		tree.Files = slices.Clone(files)
		err = parallel(len(tree.Files), func(i int) error {
			f := tree.Files[i]
			if path.Ext(f.Path) != ".rego" || (f.IsTest() && formatting != formatAll) {
				return nil
			}
			out, err := format.SourceWithOpts(f.Path, f.Data, format.Opts{RegoVersion: ast.RegoV1})
			if err != nil {
				return fmt.Errorf("compile: format %s: %w", f.Path, err)
			}
			tree.Files[i].Data = out
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return tree, nil
}

// parseModules parses the Rego files at paths, in parallel.
func parseModules(paths []string, source func(string) []byte) (map[string]*ast.Module, error) {
	parsed := make([]*ast.Module, len(paths))
	err := parallel(len(paths), func(i int) error {
		m, err := ast.ParseModuleWithOpts(paths[i], string(source(paths[i])), ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
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
	return modules, nil
}

// CheckTests compiles the tree's tests in strict mode: the library's with
// the library, each agreement's with its policy and the library. Written
// for review (entente compile), they must compile, not only the policies.
func (t *Tree) CheckTests() error {
	modules, err := t.Modules(true)
	if err != nil {
		return err
	}
	return checkModules(modules)
}

// checkModules compiles, in strict mode, the library with its tests, and
// each agreement's policy and tests with the library. Agreements never
// refer to each other, and compiling them apart keeps the time linear:
// OPA's type checker looks for "with" overrides in every module of a
// compilation, for many of its rules, and the tests hold many.
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
