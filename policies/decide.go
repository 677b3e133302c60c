package policies

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
)

// Decider holds the policies of a set of agreements compiled once, with a
// query prepared per agreement. It is safe for concurrent use.
type Decider struct {
	queries   map[string]rego.PreparedEvalQuery
	names     []string
	compilers map[string]*ast.Compiler
	store     storage.Store

	mu    sync.Mutex
	paths map[string]rego.PreparedEvalQuery // other documents, prepared on first use
}

// NewDecider compiles the modules and prepares the verdict query of each
// agreement named.
func NewDecider(ctx context.Context, modules map[string]*ast.Module, data map[string]any, names []string) (*Decider, error) {
	// One compiler holds the library and every agreement: the library is
	// compiled once, not once per agreement, which keeps a thousand
	// agreements to tens of megabytes.
	compiler := newCompiler()
	if compiler.Compile(modules); compiler.Failed() {
		return nil, compileError("compile the policies", compiler.Errors)
	}
	return newDecider(ctx, compiler, modules, data, names)
}

// newDecider prepares the verdict of each agreement on modules compiled by
// compiler.
func newDecider(ctx context.Context, compiler *ast.Compiler, modules map[string]*ast.Module, data map[string]any, names []string) (*Decider, error) {
	store := inmem.NewFromObject(data)
	if err := checkContract(ctx, compiler, store); err != nil {
		return nil, err
	}
	d := &Decider{
		queries:   make(map[string]rego.PreparedEvalQuery, len(names)),
		names:     names,
		compilers: make(map[string]*ast.Compiler, len(names)),
		store:     store,
		paths:     map[string]rego.PreparedEvalQuery{},
	}
	packages := map[string]bool{}
	for _, m := range modules {
		packages[m.Package.Path.String()] = true
	}
	for _, name := range names {
		// Packages compare as references: formatting may write
		// entente.agreements["x"] as entente.agreements.x.
		pkg, err := ast.ParseRef("data." + packagePath(name))
		if err != nil {
			return nil, fmt.Errorf("package of %s: %w", name, err)
		}
		if !packages[pkg.String()] {
			return nil, fmt.Errorf("%w %q: no policy in package %s", ErrUnknownAgreement, name, packagePath(name))
		}
		pq, err := rego.New(
			rego.Query(Query(name)),
			rego.Compiler(compiler),
			rego.Store(store),
		).PrepareForEval(ctx)
		if err != nil {
			return nil, fmt.Errorf("prepare the verdict of %s: %w", name, err)
		}
		d.queries[name] = pq
		d.compilers[name] = compiler
	}
	return d, nil
}

// Contract is the version of the library's contract with the evaluator
// that this entente needs (data.entente.lib.contract).
const Contract = 2

// ErrOldLibrary is the error of policies whose library is older than the
// evaluator.
var ErrOldLibrary = errors.New("the policies' library is older than this entente")

// checkContract refuses policies whose library does not keep the contract
// the evaluator needs: a bundle built by an older entente ignores the
// coverage of windows, and would pass the figure of part of one.
func checkContract(ctx context.Context, compiler *ast.Compiler, store storage.Store) error {
	rs, err := rego.New(rego.Query("data."+Root+".lib.contract"), rego.Compiler(compiler), rego.Store(store)).Eval(ctx)
	if err != nil {
		return fmt.Errorf("read the library's contract: %w", err)
	}
	var got json.Number
	if len(rs) == 1 && len(rs[0].Expressions) == 1 {
		got, _ = rs[0].Expressions[0].Value.(json.Number)
	}
	if n, err := got.Int64(); err != nil || n < Contract {
		return fmt.Errorf("%w (its contract is %s, this entente needs %d): it does not check how much of each window the data covers; rebuild the bundle with this entente (entente bundle build)", ErrOldLibrary, orNone(string(got)), Contract)
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// Prepare returns a Decider for a compiled tree.
// A tree that Compile made decides on the compilation Compile checked
// its policies with: they are compiled once per process.
func (t *Tree) Prepare(ctx context.Context) (*Decider, error) {
	data, err := t.Data()
	if err != nil {
		return nil, err
	}
	if t.compiled != nil {
		return newDecider(ctx, t.compiled, t.modules, data, t.Agreements)
	}
	modules, err := t.Modules(false)
	if err != nil {
		return nil, err
	}
	return NewDecider(ctx, modules, data, t.Agreements)
}

// Agreements returns the names of the agreements the Decider decides.
func (d *Decider) Agreements() []string { return d.names }

// ErrUnknownAgreement is returned for an agreement the Decider does not hold.
var ErrUnknownAgreement = errors.New("unknown agreement")

// ErrNoVerdict is returned when the policy gives no verdict for an input:
// its "at" is not a time, or it is not an object.
var ErrNoVerdict = errors.New("the policy gave no verdict for this input (is \"at\" an RFC 3339 time, and the input an object?)")

// Document evaluates a document inside an agreement's package, as OPA's
// data API does for data/entente/agreements/NAME/PATH...: the package
// itself (no path), a rule, or the plan. defined is false when the
// document is undefined.
func (d *Decider) Document(ctx context.Context, name string, path []string, input any) (result any, defined bool, err error) {
	compiler, ok := d.compilers[name]
	if !ok {
		return nil, false, fmt.Errorf("%w %q", ErrUnknownAgreement, name)
	}
	ref := "data." + packagePath(name)
	for _, p := range path {
		ref += "[" + term(p) + "]"
	}
	d.mu.Lock()
	pq, ok := d.paths[ref]
	if !ok {
		var err error
		pq, err = rego.New(rego.Query(ref), rego.Compiler(compiler), rego.Store(d.store)).PrepareForEval(ctx)
		if err != nil {
			d.mu.Unlock()
			return nil, false, fmt.Errorf("prepare %s: %w", ref, err)
		}
		// Paths come from clients: keep a bounded number prepared.
		if len(d.paths) < maxPreparedPaths {
			d.paths[ref] = pq
		}
	}
	d.mu.Unlock()
	v, err := ast.InterfaceToValue(input)
	if err != nil {
		return nil, false, fmt.Errorf("input: %w", err)
	}
	rs, err := pq.Eval(ctx, rego.EvalParsedInput(v))
	if err != nil {
		return nil, false, fmt.Errorf("evaluate %s: %w", ref, err)
	}
	if len(rs) == 0 || len(rs[0].Expressions) == 0 {
		return nil, false, nil
	}
	return rs[0].Expressions[0].Value, true, nil
}

// Tree evaluates a document of the tree that no one agreement holds, as
// OPA's data API does for data/entente, data/entente/agreements or
// data/entente/lib/...: path is under the root "entente". defined is
// false when the document is undefined.
func (d *Decider) Tree(ctx context.Context, path []string, input any) (result any, defined bool, err error) {
	var compiler *ast.Compiler
	for _, c := range d.compilers {
		compiler = c // one compiler holds every agreement
		break
	}
	if compiler == nil {
		return nil, false, nil
	}
	ref := "data." + Root
	for _, p := range path {
		ref += "[" + term(p) + "]"
	}
	d.mu.Lock()
	pq, ok := d.paths[ref]
	if !ok {
		var err error
		pq, err = rego.New(rego.Query(ref), rego.Compiler(compiler), rego.Store(d.store)).PrepareForEval(ctx)
		if err != nil {
			d.mu.Unlock()
			return nil, false, fmt.Errorf("prepare %s: %w", ref, err)
		}
		if len(d.paths) < maxPreparedPaths {
			d.paths[ref] = pq
		}
	}
	d.mu.Unlock()
	v, err := ast.InterfaceToValue(input)
	if err != nil {
		return nil, false, fmt.Errorf("input: %w", err)
	}
	rs, err := pq.Eval(ctx, rego.EvalParsedInput(v))
	if err != nil {
		return nil, false, fmt.Errorf("evaluate %s: %w", ref, err)
	}
	if len(rs) == 0 || len(rs[0].Expressions) == 0 {
		return nil, false, nil
	}
	return rs[0].Expressions[0].Value, true, nil
}

// maxPreparedPaths bounds the documents kept prepared for Document.
const maxPreparedPaths = 1000

// VerdictOf is Verdict for an input given as JSON-like Go values.
func (d *Decider) VerdictOf(ctx context.Context, name string, input any) (map[string]any, error) {
	v, err := ast.InterfaceToValue(input)
	if err != nil {
		return nil, fmt.Errorf("input: %w", err)
	}
	return d.Verdict(ctx, name, v)
}

// Verdict evaluates an agreement's policy on an input document (see the
// library for its shape) and returns the verdict as JSON-like values.
func (d *Decider) Verdict(ctx context.Context, name string, input ast.Value) (map[string]any, error) {
	pq, ok := d.queries[name]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownAgreement, name)
	}
	rs, err := pq.Eval(ctx, rego.EvalParsedInput(input))
	if err != nil {
		return nil, fmt.Errorf("evaluate %s: %w", name, err)
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return nil, fmt.Errorf("evaluate %s: %w", name, ErrNoVerdict)
	}
	v, ok := rs[0].Expressions[0].Value.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("evaluate %s: the verdict is a %T, not an object", name, rs[0].Expressions[0].Value)
	}
	return v, nil
}
