package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/entente-dev/entente/internal/verdictschema"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"entente": func() {
			os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
		},
	})
}

// TestScripts runs the end-to-end scripts in testdata/script: the entente
// binary as users run it, with the examples copied into $WORK/examples.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: os.Getenv("UPDATE_SCRIPTS") != "",
		Setup: func(e *testscript.Env) error {
			if err := copyDir("../../examples/metrics", filepath.Join(e.WorkDir, "metrics")); err != nil {
				return err
			}
			return copyDir("../../examples/agreements", filepath.Join(e.WorkDir, "examples"))
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// replace OLD NEW FILE replaces the first OLD with NEW in FILE.
			"replace": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 3 {
					ts.Fatalf("usage: replace OLD NEW FILE")
				}
				b, err := os.ReadFile(ts.MkAbs(args[2]))
				ts.Check(err)
				if !strings.Contains(string(b), args[0]) {
					ts.Fatalf("%s does not contain %q", args[2], args[0])
				}
				ts.Check(os.WriteFile(ts.MkAbs(args[2]), []byte(strings.Replace(string(b), args[0], args[1], 1)), 0o644))
			},
			// validverdict FILE checks a verdict document against
			// docs/verdict.schema.json.
			"validverdict": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: validverdict FILE")
				}
				b, err := os.ReadFile(ts.MkAbs(args[0]))
				ts.Check(err)
				err = verdictschema.Validate(b)
				if neg && err == nil {
					ts.Fatalf("%s matches the schema", args[0])
				}
				if !neg && err != nil {
					ts.Fatalf("%s: %v", args[0], err)
				}
			},
			// genkey PRIVATE PUBLIC writes an RSA key pair as PEM files.
			"genkey": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 2 {
					ts.Fatalf("usage: genkey PRIVATE PUBLIC")
				}
				key, err := rsa.GenerateKey(rand.Reader, 2048)
				ts.Check(err)
				pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
				ts.Check(err)
				ts.Check(os.WriteFile(ts.MkAbs(args[0]), pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600))
				ts.Check(os.WriteFile(ts.MkAbs(args[1]), pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o644))
			},
			// status N cmd args... runs a command and checks its exit code.
			"status": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) < 2 {
					ts.Fatalf("usage: status CODE command [args...]")
				}
				err := ts.Exec(args[1], args[2:]...)
				code := 0
				if ee, ok := errors.AsType[*exec.ExitError](err); ok {
					code = ee.ExitCode()
				} else if err != nil {
					ts.Fatalf("%s: %v", args[1], err)
				}
				if strconv.Itoa(code) != args[0] {
					ts.Fatalf("%s exited with %d, want %s", args[1], code, args[0])
				}
			},
		},
	})
}

func copyDir(from, to string) error {
	return filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, p)
		if err != nil {
			return err
		}
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}
