package policies

import (
	"context"
	"fmt"
	"sort"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
)

// RunTests runs every Rego test among modules (test_ rules) with OPA's
// tester, against the data document, and returns the results sorted by
// package and name. As with opa test, the modules are not compiled in strict
// mode: users' tests need not be.
func RunTests(ctx context.Context, modules map[string]*ast.Module, data map[string]any) ([]*tester.Result, error) {
	ch, err := tester.NewRunner().
		SetCompiler(ast.NewCompiler()).
		SetStore(inmem.NewFromObject(data)).
		SetModules(modules).
		CapturePrintOutput(true).
		RunTests(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("run tests: %w", err)
	}
	var results []*tester.Result
	for r := range ch {
		results = append(results, r)
	}
	sort.Slice(results, func(i, j int) bool {
		if results[i].Package != results[j].Package {
			return results[i].Package < results[j].Package
		}
		return results[i].Name < results[j].Name
	})
	return results, nil
}
