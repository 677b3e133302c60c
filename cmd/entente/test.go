package main

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/entente-dev/entente/policies"
)

var testCommand = &command{
	name:    "test",
	summary: "run the Rego tests of agreements: generated, library and your own",
	usage:   "test [-v] [PATHS...]",
	example: `entente test agreements/

Compiles the agreements and runs, with OPA's tester, the tests generated for
each SLO, the library's tests, and every *_test.rego file under PATHS (write
them in package entente.agreements["NAME"] to test an agreement's rules).
Exit status: 0 all pass, 1 a test failed, 2 invalid agreements or Rego.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) int {
		verbose := fs.Bool("v", false, "list every test, not only failures")
		noColor := noColorFlag(fs)
		return func(ctx context.Context, e *env, paths []string) int {
			e.noColor = *noColor
			if len(paths) == 0 {
				paths = []string{"."}
			}
			tree, code := compileSet(e, paths)
			if code != exitOK {
				return code
			}
			modules, err := tree.Modules(true)
			if err != nil {
				e.errorf("%s", err)
				return exitInvalid
			}
			if code := addUserTests(e, paths, modules); code != exitOK {
				return code
			}
			data, err := tree.Data()
			if err != nil {
				e.errorf("%s", err)
				return exitInvalid
			}
			results, err := policies.RunTests(ctx, modules, data)
			if err != nil {
				e.errorf("%s", err)
				return exitInvalid
			}
			failed := 0
			for _, r := range results {
				if !r.Pass() {
					failed++
				}
				if !r.Pass() || *verbose {
					fmt.Fprintf(e.stdout, "%s.%s: %s\n", r.Package, r.Name, outcome(r.Pass(), r.Error))
				}
			}
			if failed > 0 || *verbose {
				fmt.Fprintln(e.stdout, strings.Repeat("-", 80))
			}
			if failed > 0 {
				fmt.Fprintf(e.stdout, "PASS: %d/%d\nFAIL: %d/%d\n", len(results)-failed, len(results), failed, len(results))
				return exitFailure
			}
			fmt.Fprintf(e.stdout, "PASS: %d/%d\n", len(results), len(results))
			return exitOK
		}
	},
}

func outcome(pass bool, err error) string {
	switch {
	case err != nil:
		return "ERROR: " + err.Error()
	case pass:
		return "PASS"
	}
	return "FAIL"
}

// addUserTests parses every *_test.rego file under paths into modules.
func addUserTests(e *env, paths []string, modules map[string]*ast.Module) int {
	for _, root := range paths {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && p != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(p, "_test.rego") {
				return nil
			}
			src, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			m, err := ast.ParseModuleWithOpts(p, string(src), ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
			if err != nil {
				return err
			}
			modules["user/"+filepath.ToSlash(p)] = m
			return nil
		})
		if err != nil {
			e.errorf("%s", err)
			return exitInvalid
		}
	}
	return exitOK
}
