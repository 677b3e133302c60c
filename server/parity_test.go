package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/entente-dev/entente/evaluator"
	"github.com/entente-dev/entente/internal/opatest"
	"github.com/entente-dev/entente/policies"
)

func postData(t *testing.T, url, body string) map[string]any {
	t.Helper()
	resp, err := http.Post(url+"/v1/data/entente/agreements/payments-hosting/verdict", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s: %s", err, raw)
	}
	return out
}

// TestTheDataAPIAnswersAsStockOPA loads the same bundle into entente serve
// and into a stock opa run --server, and asks both the same questions.
func TestTheDataAPIAnswersAsStockOPA(t *testing.T) {
	raw := bundleOf(t, "../examples/agreements")
	file := filepath.Join(t.TempDir(), "bundle.tar.gz")
	os.WriteFile(file, raw, 0o644)
	b, err := policies.ReadBundle(bytes.NewReader(raw), nil)
	if err != nil {
		t.Fatal(err)
	}
	es, err := evaluator.FromBundle(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	ours := httptest.NewServer(New(Config{Set: es}).Handler())
	defer ours.Close()
	opa, err := opatest.Start(t, "--bundle", file)
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"a breach":            `{"input": ` + breach + `}`,
		"a failed source":     `{"input": {"at": "2026-10-15T12:00:00Z", "measurements": {"slos": {"availability": {"error": "timeout"}}}}}`,
		"before effective":    `{"input": {"at": "2025-01-01T00:00:00Z"}}`,
		"an at that is wrong": `{"input": {"at": "yesterday"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			a, b := postData(t, ours.URL, body), postData(t, opa, body)
			if !reflect.DeepEqual(a["result"], b["result"]) {
				x, _ := json.Marshal(a["result"])
				y, _ := json.Marshal(b["result"])
				t.Errorf("entente: %s\nopa:     %s", x, y)
			}
		})
	}
}

// TestTheTreeAnswersAsStockOPA: data/entente and data/entente/agreements
// answered {} where OPA answers every agreement's documents.
func TestTheTreeAnswersAsStockOPA(t *testing.T) {
	raw := bundleOf(t, "../examples/agreements")
	file := filepath.Join(t.TempDir(), "bundle.tar.gz")
	os.WriteFile(file, raw, 0o644)
	b, err := policies.ReadBundle(bytes.NewReader(raw), nil)
	if err != nil {
		t.Fatal(err)
	}
	es, err := evaluator.FromBundle(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	ours := httptest.NewServer(New(Config{Set: es}).Handler())
	defer ours.Close()
	opa, err := opatest.Start(t, "--bundle", file)
	if err != nil {
		t.Fatal(err)
	}
	post := func(url, path string) map[string]any {
		resp, err := http.Post(url+"/v1/data/"+path, "application/json", strings.NewReader(`{"input": `+breach+`}`))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return out
	}
	for _, path := range []string{"entente", "entente/agreements", "entente/lib/contract", "entente/nothing", "other"} {
		a, b := post(ours.URL, path), post(opa, path)
		if !reflect.DeepEqual(a["result"], b["result"]) {
			x, _ := json.Marshal(a["result"])
			y, _ := json.Marshal(b["result"])
			t.Errorf("%s:\nentente: %.300s\nopa:     %.300s", path, x, y)
		}
		if path == "entente" && a["result"] == nil {
			t.Errorf("%s is undefined", path)
		}
	}
}
