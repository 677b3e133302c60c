package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/entente-dev/entente/internal/examplemetrics"
	"github.com/entente-dev/entente/internal/verdictschema"
)

func TestMain(m *testing.M) {
	// The tests' compiled agreements go to a cache of their own, not the
	// user's.
	var tm testscript.TestingM = m
	if os.Getenv("ENTENTE_CACHE_DIR") == "" {
		if dir, err := os.MkdirTemp("", "entente-cache-"); err == nil {
			os.Setenv("ENTENTE_CACHE_DIR", dir)
			tm = removeAfter{m, dir}
		}
	}
	testscript.Main(tm, map[string]func(){
		"entente": func() {
			os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
		},
	})
}

// removeAfter runs the tests, then removes dir (testscript.Main exits).
type removeAfter struct {
	*testing.M
	dir string
}

func (r removeAfter) Run() int {
	code := r.M.Run()
	os.RemoveAll(r.dir)
	return code
}

// TestScripts runs the end-to-end scripts in testdata/script: the entente
// binary as users run it, with the examples copied into $WORK/examples.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: os.Getenv("UPDATE_SCRIPTS") != "",
		Setup: func(e *testscript.Env) error {
			// The cloud examples' histories (14 MB) are not for the scripts.
			if err := copyDir("../../examples/metrics", filepath.Join(e.WorkDir, "metrics"), examplemetrics.CloudFiles...); err != nil {
				return err
			}
			return copyDir("../../examples/agreements", filepath.Join(e.WorkDir, "examples"))
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// replace OLD NEW FILE replaces the first OLD with NEW in FILE;
			// \n in NEW is a new line.
			"replace": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 3 {
					ts.Fatalf("usage: replace OLD NEW FILE")
				}
				args[1] = strings.ReplaceAll(args[1], `\n`, "\n")
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
			// thanos VAR MODE starts a Thanos query stand-in whose stores
			// do not all answer, and sets VAR to its URL. Every query is
			// answered 1000 (a passing ratio). MODE "warns" answers with a
			// partial-response warning whatever is asked; "refuses"
			// answers 422 when asked not to answer partially, as Thanos
			// does with partial_response=false.
			"thanos": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 2 {
					ts.Fatalf("usage: thanos VAR warns|refuses")
				}
				srv := httptest.NewServer(thanos(args[1]))
				ts.Defer(srv.Close)
				ts.Setenv(args[0], srv.URL)
			},
			// nested FILE N writes an agreement whose title nests N brackets.
			"nested": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 2 {
					ts.Fatalf("usage: nested FILE N")
				}
				n, err := strconv.Atoi(args[1])
				ts.Check(err)
				src := "agreement \"deep\" {\n  title = " + strings.Repeat("[", n) + strings.Repeat("]", n) + "\n}\n"
				ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(src), 0o644))
			},
			// blackhole VAR sets VAR to the URL of a server that takes
			// connections and never answers.
			"blackhole": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 {
					ts.Fatalf("usage: blackhole VAR")
				}
				l, err := net.Listen("tcp", "127.0.0.1:0")
				ts.Check(err)
				var conns []net.Conn
				go func() {
					for {
						c, err := l.Accept()
						if err != nil {
							return
						}
						conns = append(conns, c)
					}
				}()
				ts.Defer(func() { l.Close() })
				ts.Setenv(args[0], "http://"+l.Addr().String())
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

// thanos answers the Prometheus API as a Thanos query whose stores do not
// all answer.
func thanos(mode string) http.Handler {
	const warning = "partial response: receive 10.0.3.7:10901 did not answer: rpc error: code = Unavailable"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		if mode == "refuses" && r.Form.Get("partial_response") == "false" {
			w.WriteHeader(http.StatusUnprocessableEntity)
			fmt.Fprintf(w, `{"status":"error","errorType":"execution","error":%q}`, "fetch series: "+warning)
			return
		}
		value := "1000"
		if strings.Contains(r.Form.Get("query"), "vector(1)") { // the probe of ranges
			value = "1"
		}
		switch r.URL.Path {
		case "/api/v1/query":
			fmt.Fprintf(w, `{"status":"success","warnings":[%q],"data":{"resultType":"vector","result":[{"metric":{},"value":[%s,%q]}]}}`, warning, r.Form.Get("time"), value)
		case "/api/v1/query_range":
			start, _ := strconv.ParseFloat(r.Form.Get("start"), 64)
			end, _ := strconv.ParseFloat(r.Form.Get("end"), 64)
			step, _ := strconv.ParseFloat(r.Form.Get("step"), 64)
			var points []string
			for t := start; t <= end; t += step {
				points = append(points, fmt.Sprintf(`[%s,%q]`, strconv.FormatFloat(t, 'f', -1, 64), value))
			}
			fmt.Fprintf(w, `{"status":"success","warnings":[%q],"data":{"resultType":"matrix","result":[{"metric":{},"values":[%s]}]}}`, warning, strings.Join(points, ","))
		default:
			http.NotFound(w, r)
		}
	})
}

func copyDir(from, to string, skip ...string) error {
	return filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if slices.Contains(skip, d.Name()) {
			return nil
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
