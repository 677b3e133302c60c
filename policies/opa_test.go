package policies

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/entente-dev/entente/internal/opatest"
)

func opaBinary(t *testing.T) string { return opatest.Binary(t) }

// opaServer is a stock "opa run --server" on a loopback port.
type opaServer struct {
	url string
}

func startOPA(t *testing.T, args ...string) (*opaServer, error) {
	t.Helper()
	url, err := opatest.Start(t, args...)
	if err != nil {
		return nil, err
	}
	return &opaServer{url: url}, nil
}

// verdict asks the server for an agreement's verdict through the data API.
func (s *opaServer) verdict(t *testing.T, name string, input map[string]any) any {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"input": input})
	resp, err := http.Post(s.url+"/v1/data/"+DecisionPath(name), "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Result any `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("opa answered %s", resp.Status)
	}
	return out.Result
}

func writeKeys(t *testing.T) (private, public string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	private, public = filepath.Join(dir, "private.pem"), filepath.Join(dir, "public.pem")
	pub, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	os.WriteFile(private, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600)
	os.WriteFile(public, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o644)
	return private, public
}

// parityInputs cover every status of an SLO, a responsibility, a credit,
// the review and the agreement, on payments-hosting.
func parityInputs() map[string]map[string]any {
	slos := func(avail, latency, uptime any) map[string]any {
		return map[string]any{"availability": avail, "latency": latency, "uptime": uptime}
	}
	ok := slos(
		map[string]any{"good": 999700, "total": 1000000, "elapsed": 0.5, "window": map[string]any{"start": "2026-06-01T00:00:00+02:00", "end": "2026-06-15T12:00:00Z", "calendar": "month"}, "excluded_seconds": 14400},
		map[string]any{"value": 0.2},
		map[string]any{"good": 8640, "total": 8640},
	)
	in := func(at string, s map[string]any, ack any, facts map[string]any) map[string]any {
		return map[string]any{
			"at":           at,
			"measurements": map[string]any{"slos": s, "responsibilities": map[string]any{"p1-acknowledgement": ack}},
			"facts":        facts,
		}
	}
	granted := map[string]any{"staging_access_granted": true}
	return map[string]map[string]any{
		"compliant": in("2026-06-15T12:00:00Z", ok, map[string]any{"value": 9}, granted),
		"at risk from a warning": in("2026-06-15T12:00:00Z",
			slos(map[string]any{"good": 999920, "total": 1000000}, map[string]any{"value": 0.27}, map[string]any{"good": 8640, "total": 8640}),
			map[string]any{"value": 9}, granted),
		"at risk from an overdue review":     in("2027-02-01T00:00:00Z", ok, map[string]any{"value": 9}, granted),
		"compliant with the review due soon": in("2027-01-01T00:00:00Z", ok, map[string]any{"value": 9}, granted),
		"breached": in("2026-11-01T00:00:00Z",
			slos(map[string]any{"good": 941000, "total": 1000000, "elapsed": 1}, map[string]any{"value": 0.5}, map[string]any{"good": 7000, "total": 8640}),
			map[string]any{"value": 30}, map[string]any{"staging_access_granted": false}),
		"inconclusive without data": in("2026-06-15T12:00:00Z",
			slos(map[string]any{"good": 10, "total": 10}, map[string]any{"value": nil}, map[string]any{"good": 0, "total": 0}),
			map[string]any{"value": nil}, map[string]any{}),
		"inconclusive when the source failed": in("2026-06-15T12:00:00Z",
			slos(map[string]any{"error": "prometheus: context deadline exceeded"}, map[string]any{"value": 0.2}, map[string]any{"good": 8640, "total": 8640}),
			map[string]any{"error": "timeout"}, granted),
		"inconclusive when the source holds a third of the window": in("2026-06-15T12:00:00Z",
			slos(map[string]any{"good": 999990, "total": 1000000, "coverage": map[string]any{"percent": 32.4, "from": "2026-06-11T00:00:00Z", "to": "2026-06-15T12:00:00Z", "step_seconds": 3600, "note": "the source may not retain the whole window (it keeps 10d, its storage retention)"}},
				map[string]any{"value": 0.2, "coverage": map[string]any{"percent": 100, "from": "2026-06-08T12:00:00Z", "to": "2026-06-15T12:00:00Z", "step_seconds": 3600, "note": nil}},
				map[string]any{"good": 8640, "total": 8640}),
			map[string]any{"value": 9, "coverage": map[string]any{"percent": 10}}, granted),
		"inconclusive when the bad query gives no number": in("2026-06-15T12:00:00Z",
			slos(map[string]any{"good": nil, "total": nil, "reason": "the bad query returns no number"}, map[string]any{"value": 0.2}, map[string]any{"good": 8640, "total": 8640}),
			map[string]any{"value": 9}, granted),
		"pending before a fact is due": in("2026-02-01T00:00:00Z", ok, map[string]any{"value": 9}, map[string]any{"staging_access_granted": false}),
		"inactive before effective":    in("2025-12-31T22:59:59Z", ok, map[string]any{"value": 9}, granted),
		"inactive once expired":        in("2027-12-31T00:00:00+01:00", ok, map[string]any{"value": 9}, granted),
	}
}

// TestStockOPAGivesTheSameVerdictsAsEntente loads the signed bundle of the
// examples into a stock OPA server with the public key, and compares its
// answers through the data API with entente's own evaluation.
func TestStockOPAGivesTheSameVerdictsAsEntente(t *testing.T) {
	tree := compileExamples(t)
	private, public := writeKeys(t)
	var buf bytes.Buffer
	if err := tree.WriteBundle(&buf, BuildOptions{Revision: "parity-1", Signing: &SigningOptions{Key: private}}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "bundle.tar.gz")
	os.WriteFile(file, buf.Bytes(), 0o644)

	b, err := ReadBundle(bytes.NewReader(buf.Bytes()), &VerifyOptions{Key: public})
	if err != nil {
		t.Fatalf("entente refuses its own signed bundle: %v", err)
	}
	decider, err := PrepareBundle(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	server, err := startOPA(t, "--bundle", file, "--verification-key", public)
	if err != nil {
		t.Fatalf("stock OPA refuses the signed bundle: %v", err)
	}

	statuses := map[string]bool{}
	for name, input := range parityInputs() {
		t.Run(name, func(t *testing.T) {
			value, err := ast.InterfaceToValue(input)
			if err != nil {
				t.Fatal(err)
			}
			ours, err := decider.Verdict(context.Background(), "payments-hosting", value)
			if err != nil {
				t.Fatal(err)
			}
			theirs := server.verdict(t, "payments-hosting", input)
			if !reflect.DeepEqual(normalize(ours), normalize(theirs)) {
				a, _ := json.MarshalIndent(ours, "", " ")
				b, _ := json.MarshalIndent(theirs, "", " ")
				t.Errorf("verdicts differ:\nentente: %s\nopa:     %s", a, b)
			}
			v := normalize(ours).(map[string]any)
			statuses["agreement "+v["status"].(string)] = true
			for _, kind := range []string{"slos", "responsibilities", "credits"} {
				for _, r := range v[kind].([]any) {
					statuses[kind+" "+r.(map[string]any)["status"].(string)] = true
				}
			}
			if r, ok := v["review"].(map[string]any); ok {
				statuses["review "+r["status"].(string)] = true
			}
		})
	}
	for _, want := range []string{
		"agreement compliant", "agreement at_risk", "agreement breached", "agreement inconclusive", "agreement inactive",
		"slos pass", "slos warn", "slos fail", "slos no_data", "slos error",
		"responsibilities met", "responsibilities breached", "responsibilities pending", "responsibilities unknown",
		"credits owed", "credits none", "credits unknown",
		"review current", "review due_soon", "review overdue",
	} {
		if !statuses[want] {
			t.Errorf("no input of the parity table gives %s", want)
		}
	}
}

// normalize passes a value through JSON, so that numbers compare as numbers.
func normalize(v any) any {
	b, _ := json.Marshal(v)
	var out any
	json.Unmarshal(b, &out)
	return out
}

func TestATamperedBundleIsRefusedByStockOPAAndByEntente(t *testing.T) {
	tree := compileExamples(t)
	private, public := writeKeys(t)
	var signed bytes.Buffer
	if err := tree.WriteBundle(&signed, BuildOptions{Signing: &SigningOptions{Key: private}}); err != nil {
		t.Fatal(err)
	}
	// Lower an objective after signing, and repack.
	tampered := tamper(t, signed.Bytes(), "entente/agreements/payments-hosting/policy.rego", `"objective": 99.9,`, `"objective": 90,`)
	file := filepath.Join(t.TempDir(), "tampered.tar.gz")
	os.WriteFile(file, tampered, 0o644)

	if _, err := ReadBundle(bytes.NewReader(tampered), &VerifyOptions{Key: public}); err == nil || !strings.Contains(err.Error(), "digest mismatch") {
		t.Errorf("entente accepts a tampered bundle: %v", err)
	}
	if _, err := startOPA(t, "--bundle", file, "--verification-key", public); err == nil {
		t.Error("stock OPA serves a tampered bundle")
	}
	_, otherPublic := writeKeys(t)
	if _, err := ReadBundle(bytes.NewReader(signed.Bytes()), &VerifyOptions{Key: otherPublic}); err == nil {
		t.Error("entente accepts a bundle signed with another key")
	}
	var unsigned bytes.Buffer
	tree.WriteBundle(&unsigned, BuildOptions{})
	if _, err := ReadBundle(bytes.NewReader(unsigned.Bytes()), &VerifyOptions{Key: public}); err != ErrUnsigned {
		t.Errorf("an unsigned bundle read with a key gives %v, want ErrUnsigned", err)
	}
}

func TestStockOPAChecksTheCompiledTreeInStrictMode(t *testing.T) {
	tree := compileExamples(t)
	dir := t.TempDir()
	for _, f := range tree.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, f.Data, 0o644)
	}
	if out, err := exec.Command(opaBinary(t), "check", "--strict", dir).CombinedOutput(); err != nil {
		t.Errorf("opa check --strict: %v\n%s", err, out)
	}
	out, err := exec.Command(opaBinary(t), "test", dir).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "PASS: ") {
		t.Errorf("opa test: %v\n%s", err, out)
	}
	if out, err := exec.Command(opaBinary(t), "fmt", "--list", "--fail", dir).CombinedOutput(); err != nil {
		t.Errorf("opa fmt finds files to reformat: %v\n%s", err, out)
	}
}

// tamper rewrites one file of a bundle, as someone might after it was
// signed.
func tamper(t *testing.T, bundleFile []byte, name, old, new string) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(bundleFile))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	tw := tar.NewWriter(zw)
	changed := false
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(tr)
		if strings.TrimPrefix(h.Name, "/") == name {
			data = []byte(strings.Replace(string(data), old, new, 1))
			changed = true
		}
		h.Size = int64(len(data))
		tw.WriteHeader(h)
		tw.Write(data)
	}
	tw.Close()
	zw.Close()
	if !changed {
		t.Fatalf("%s not found in the bundle", name)
	}
	return out.Bytes()
}
