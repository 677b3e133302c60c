package policies

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
)

// impure are the built-in functions a policy decides with that reach out of
// the decision: the network (http.send, net.lookup_ip_addr) and the
// process's environment (opa.runtime, which holds every environment
// variable). A verdict depends on the agreement and its measurements alone;
// a bundle that calls these, written by hand or tampered with, does not
// compile.
var impure = []string{"http.send", "net.lookup_ip_addr", "opa.runtime"}

// capabilities are OPA's, less the impure built-ins.
var capabilities = sync.OnceValue(func() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	caps.Builtins = slices.DeleteFunc(slices.Clone(caps.Builtins), func(b *ast.Builtin) bool {
		return slices.Contains(impure, b.Name)
	})
	caps.AllowNet = []string{}
	return caps
})

// newCompiler is the compiler of every decision: strict, without the
// impure built-ins.
func newCompiler() *ast.Compiler {
	return ast.NewCompiler().WithStrict(true).WithCapabilities(capabilities())
}

// compileError wraps the errors of a compiler, saying why an impure
// built-in is undefined.
func compileError(what string, errs ast.Errors) error {
	for _, name := range impure {
		if strings.Contains(errs.Error(), "undefined function "+name) {
			return fmt.Errorf("%s: %w (entente's policies may not reach the network or the environment: %s are not available)", what, errs, strings.Join(impure, ", "))
		}
	}
	return fmt.Errorf("%s: %w", what, errs)
}
