package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The fault-injection suite: the built binary, as users run it, against
// what a broken or hostile world gives it. For each case: the exit status
// or HTTP status, a message that says what happened, never a pass, and a
// peak memory under peakLimit.

const peakLimit = 512 << 20

// faultAgreement has a ratio SLO and a value SLO over a month.
const faultAgreement = `agreement "hosting" {
  title     = "Hosting"
  version   = "1.0.0"
  effective = "2026-01-01"
  indicator "requests" {
    ratio {
      good  = "sum(increase(http_requests_total{code!~'5..'}[${window}]))"
      total = "sum(increase(http_requests_total[${window}]))"
    }
  }
  indicator "latency" {
    value = "max(max_over_time(latency_seconds[${window}]))"
  }
  slo "availability" {
    indicator = indicator.requests
    objective = 99.9
    calendar  = "month"
  }
  slo "latency" {
    indicator = indicator.latency
    max       = 0.5
    calendar  = "month"
  }
}
`

// ran is what a command did.
type ran struct {
	code           int
	stdout, stderr string
	peak           int64 // bytes
}

func runBinary(t *testing.T, bin, dir string, args ...string) ran {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		<-done
		t.Fatalf("entente %s still runs after 2 minutes", strings.Join(args, " "))
	}
	r := ran{code: cmd.ProcessState.ExitCode(), stdout: out.String(), stderr: errb.String()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.peak = ru.Maxrss << 10 // kilobytes on Linux
	}
	return r
}

func (r ran) checkPeak(t *testing.T) {
	t.Helper()
	if r.peak > peakLimit {
		t.Errorf("peak memory %d MiB, over %d MiB", r.peak>>20, peakLimit>>20)
	}
}

// vector answers as the Prometheus API does.
func vector(value string) string {
	return `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1790000000,"` + value + `"]}]}}`
}

// everyStep is an answer with the value at every step of a range query,
// and once for an instant query.
func everyStep(value string) string { return "every step: " + value }

func steps(r *http.Request, value string) string {
	if !strings.HasSuffix(r.URL.Path, "query_range") {
		return vector(value)
	}
	start, _ := strconv.ParseFloat(r.FormValue("start"), 64)
	end, _ := strconv.ParseFloat(r.FormValue("end"), 64)
	step, err := strconv.ParseFloat(r.FormValue("step"), 64)
	if err != nil || step <= 0 {
		step = 300
	}
	var points []string
	for t := start; t <= end; t += step {
		points = append(points, fmt.Sprintf(`[%.0f,"%s"]`, t, value))
	}
	return `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[` + strings.Join(points, ",") + `]}]}}`
}

func TestFaultsOfTheSource(t *testing.T) {
	bin := buildEntente(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "hosting.hcl"), []byte(faultAgreement), 0o644)
	answer := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if r.FormValue("query") == "count_over_time(vector(1)[1m:1m])" {
				io.WriteString(w, vector("1"))
				return
			}
			if v, ok := strings.CutPrefix(body, "every step: "); ok {
				io.WriteString(w, steps(r, v))
				return
			}
			io.WriteString(w, body)
		}
	}
	// per answers the total, good and latency queries each their own way.
	per := func(total, good, latency string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			q := r.FormValue("query")
			switch {
			case strings.Contains(q, "latency"):
				answer(latency)(w, r)
			case strings.Contains(q, "code!~"):
				answer(good)(w, r)
			default:
				answer(total)(w, r)
			}
		}
	}
	for _, c := range []struct {
		name    string
		handler http.HandlerFunc
		says    string
		// healthy is the SLO whose data is sound: it must pass.
		healthy string
	}{
		{"a server error", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", http.StatusInternalServerError) }, "answered 500 Internal Server Error three times: boom", ""},
		{"429 again and again", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "too many outstanding requests", http.StatusTooManyRequests)
		}, "answered 429 Too Many Requests three times", ""},
		{"invalid JSON", answer(`{"status":"success","data":{"resultType":"vector","result":[{`), "malformed answer", ""},
		{"a string for a number", answer(`{"status":"success","data":{"resultType":"string","result":[1790000000,"up"]}}`), "not a number", ""},
		{"two series", answer(`{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"1"},"value":[1,"1"]},{"metric":{"a":"2"},"value":[1,"1"]}]}}`), "aggregate it", ""},
		{"NaN", answer(everyStep("NaN")), "has no data", ""},
		{"+Inf", answer(everyStep("+Inf")), "infinite value", ""},
		{"negative counts", per(everyStep("-1000"), everyStep("-10"), everyStep("0.2")), "a count of events is never negative", "latency"},
		{"more good than total", per(everyStep("1000"), everyStep("2000"), everyStep("0.2")), "impossible counts", "latency"},
		{"a huge body", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"status":"success","data":{"resultType":"vector","result":[`)
			chunk := []byte(strings.Repeat(`{"metric":{"instance":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},"value":[1,"1"]},`, 1000))
			for range 300 << 20 / len(chunk) {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}, "the answer is larger than 16 MiB (--max-answer-size)", ""},
		{"a body trickled a byte at a time", func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			w.Header().Set("Content-Type", "application/json")
			for _, b := range []byte(vector("1")) {
				if _, err := w.Write([]byte{b}); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-time.After(200 * time.Millisecond):
				}
			}
		}, "timed out after 2s", ""},
		{"no answer", func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm() // the connection is watched once the body is read
			<-r.Context().Done()
		}, "timed out after 2s", ""},
		{"a redirect to itself", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, r.URL.String(), http.StatusTemporaryRedirect)
		}, "redirected more than 10 times (a redirect loop? give the URL it ends at)):", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(c.handler)
			defer srv.Close()
			r := runBinary(t, bin, dir, "check", "--prometheus", srv.URL, "--query-timeout", "2s", "--evaluation-timeout", "20s",
				"--at", "2026-10-15T12:00:00Z", "--format", "json", "hosting.hcl")
			r.checkPeak(t)
			if r.code != exitInconclusive && r.code != exitFailure {
				t.Errorf("exit status %d, want 3 (or 1): %s", r.code, r.stderr)
			}
			var v map[string]any
			if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
				t.Fatalf("%v: %.300s %s", err, r.stdout, r.stderr)
			}
			said := false
			var messages []string
			for _, a := range v["agreements"].([]any) {
				for _, s := range a.(map[string]any)["slos"].([]any) {
					slo := s.(map[string]any)
					passed := slo["status"] == "pass" || slo["status"] == "warn"
					if passed != (slo["name"] == c.healthy) {
						t.Errorf("%s: %s: %v", slo["name"], slo["status"], slo["message"])
					}
					said = said || strings.Contains(slo["message"].(string), c.says)
					messages = append(messages, fmt.Sprintf("%s: %s: %s", slo["name"], slo["status"], slo["message"]))
				}
			}
			if !said {
				t.Errorf("no SLO says %q:\n%s", c.says, strings.Join(messages, "\n"))
			} else {
				t.Logf("exit %d, peak %d MiB:\n%s", r.code, r.peak>>20, strings.Join(messages, "\n"))
			}
		})
	}
}

func TestHostileAgreementFiles(t *testing.T) {
	bin := buildEntente(t)
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return name
	}
	random := make([]byte, 512<<10)
	rand.Read(random)
	pipe := filepath.Join(dir, "pipe", "pipe.hcl")
	os.MkdirAll(filepath.Dir(pipe), 0o755)
	if err := syscall.Mkfifo(pipe, 0o644); err != nil {
		t.Fatal(err)
	}
	loop := filepath.Join(dir, "loop")
	os.MkdirAll(loop, 0o755)
	os.Symlink(filepath.Join(loop, "b.hcl"), filepath.Join(loop, "a.hcl"))
	os.Symlink(filepath.Join(loop, "a.hcl"), filepath.Join(loop, "b.hcl"))
	for _, c := range []struct {
		name, path, says string
	}{
		{"nesting a hundred thousand deep", write("deep/a.hcl", []byte("agreement \"a\" {\n  title = "+strings.Repeat("(", 100_000)+"1"+strings.Repeat(")", 100_000)+"\n}\n")), "Nesting too deep"},
		{"a string of nearly 512 KiB", write("huge/a.hcl", []byte("agreement \"a\" {\n  title = \""+strings.Repeat("x", 512<<10-100)+"\"\n}\n")), "Missing required argument"},
		{"a file larger than the limit", write("larger/a.hcl", bytes.Repeat([]byte("# x\n"), 256<<10)), "the most an agreement file may"},
		{"512 KiB of random bytes", write("binary/a.hcl", random), "Not a text file"},
		{"512 KiB of a character HCL does not use", write("junk/a.hcl", bytes.Repeat([]byte("@"), 512<<10)), "Too many errors"},
		{"512 KiB of closing braces", write("braces/a.hcl", bytes.Repeat([]byte("}\n"), 256<<10)), "Argument or block definition required"},
		{"a named pipe", "pipe", "is a named pipe, not a regular file"},
		{"links that point at each other", "loop", "too many levels of symbolic links"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := runBinary(t, bin, dir, "validate", c.path)
			r.checkPeak(t)
			if r.code != exitInvalid || !strings.Contains(r.stderr, c.says) || strings.Contains(r.stderr, "goroutine ") {
				t.Errorf("exit status %d, want 2 saying %q:\n%.600s", r.code, c.says, r.stderr)
			}
		})
	}
}

// bundleFile writes a gzipped tar of the files given, in order.
func bundleFile(t *testing.T, dir, name string, files ...[2]string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, f := range files {
		if f[1] == "->" { // a link
			tw.WriteHeader(&tar.Header{Name: f[0], Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd", Mode: 0o777})
			continue
		}
		tw.WriteHeader(&tar.Header{Name: f[0], Mode: 0o644, Size: int64(len(f[1]))})
		tw.Write([]byte(f[1]))
	}
	tw.Close()
	zw.Close()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestHostileBundles(t *testing.T) {
	bin := buildEntente(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "hosting.hcl"), []byte(faultAgreement), 0o644)
	if r := runBinary(t, bin, dir, "bundle", "build", "-o", "good.tar.gz", "hosting.hcl"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	good := unpack(t, filepath.Join(dir, "good.tar.gz"))
	with := func(extra ...[2]string) [][2]string { return append(append([][2]string{}, good...), extra...) }

	// A gigabyte of zeros, gzipped to a megabyte.
	var bomb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
	tw := tar.NewWriter(zw)
	tw.WriteHeader(&tar.Header{Name: "/data.json", Mode: 0o644, Size: 1 << 30})
	zeros := make([]byte, 1<<20)
	for range 1 << 10 {
		tw.Write(zeros)
	}
	tw.Close()
	zw.Close()
	os.WriteFile(filepath.Join(dir, "bomb.tar.gz"), bomb.Bytes(), 0o644)

	for _, c := range []struct {
		name, file, says string
	}{
		{"a gzip bomb", "bomb.tar.gz", "it unpacks to more than 256 MiB (--max-bundle-size)"},
		{"a name that climbs out", bundleFile(t, dir, "traversal.tar.gz", with([2]string{"../../../tmp/evil.rego", "package evil\n"})...), "read bundle"},
		{"a link", bundleFile(t, dir, "link.tar.gz", with([2]string{"/entente/link.rego", "->"})...), "read bundle"},
		{"two manifests", bundleFile(t, dir, "manifests.tar.gz", with([2]string{"/.manifest", `{"roots":["other"]}`})...), "read bundle"},
		{"a module that breaks the verdict", bundleFile(t, dir, "breaks.tar.gz", with([2]string{"/entente/agreements/hosting/evil.rego", "package entente.agreements.hosting\n\nverdict := 1\n"})...), "hosting"},
		{"a module that reads the environment", bundleFile(t, dir, "runtime.tar.gz", with([2]string{"/entente/leak.rego", "package entente.leak\n\nenv := opa.runtime().env\n"})...), "opa.runtime"},
		{"a module that calls out", bundleFile(t, dir, "send.tar.gz", with([2]string{"/entente/send.rego", "package entente.send\n\nr := http.send({\"method\": \"GET\", \"url\": \"http://169.254.169.254/\"})\n"})...), "http.send"},
		{"a library without its contract", bundleFile(t, dir, "old.tar.gz", replaced(good, "contract := 2", "")...), "older than this entente"},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, args := range [][]string{{"bundle", "verify", c.file}, {"check", "--measurements", "m.json", c.file}} {
				os.WriteFile(filepath.Join(dir, "m.json"), []byte(`{}`), 0o644)
				r := runBinary(t, bin, dir, args...)
				r.checkPeak(t)
				t.Logf("entente %s: exit %d: %.400s", strings.Join(args, " "), r.code, r.stderr)
				if r.code == 0 || !strings.Contains(r.stderr, c.says) || strings.Contains(r.stderr, "goroutine ") {
					t.Errorf("entente %s: exit status %d, want a failure saying %q:\n%.600s", strings.Join(args, " "), r.code, c.says, r.stderr)
				}
			}
		})
	}
}

// unpack reads a bundle's files.
func unpack(t *testing.T, file string) [][2]string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var out [][2]string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		out = append(out, [2]string{h.Name, string(b)})
	}
}

func replaced(files [][2]string, old, new string) [][2]string {
	out := make([][2]string, len(files))
	for i, f := range files {
		out[i] = [2]string{f[0], strings.Replace(f[1], old, new, 1)}
	}
	return out
}

// peakOf is the peak resident memory of a running process.
func peakOf(t *testing.T, pid int) int64 {
	t.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skip("no /proc: cannot measure the server's memory")
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func TestHostileClients(t *testing.T) {
	t.Parallel() // its slow clients wait 10 seconds: beside the rules' end-to-end test
	bin := buildEntente(t)
	url, cmd, _ := startServe(t, bin, "../../examples/agreements")
	post := func(path, body string) (int, string) {
		resp, err := http.Post(url+path, "application/json", strings.NewReader(body))
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, c := range []struct {
		name, body string
		status     int
		says       string
	}{
		{"a body over the limit", `{"measurements": {"x": "` + strings.Repeat("x", 2<<20) + `"}}`, 413, "larger than the limit"},
		{"JSON nested a hundred thousand deep", strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000), 400, "not valid JSON"},
		{"a number of a hundred thousand digits", `{"at": "2026-10-15T12:00:00Z", "measurements": {"slos": {"availability": {"good": ` + strings.Repeat("9", 100_000) + `, "total": 1}}}}`, 400, "not one a measurement can be"},
		{"1e100000", `{"at": "2026-10-15T12:00:00Z", "measurements": {"slos": {"availability": {"good": 1e100000, "total": 1}}}}`, 400, "not one a measurement can be"},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, body := post("/v1/agreements/payments-hosting/evaluate", c.body)
			if status != c.status || !strings.Contains(body, c.says) {
				t.Errorf("%d %.300s, want %d saying %q", status, body, c.status, c.says)
			}
		})
	}
	t.Run("two hundred clients that send their headers a byte at a time", func(t *testing.T) {
		addr := strings.TrimPrefix(url, "http://")
		var conns []net.Conn
		for range 200 {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.Write([]byte("POST /v1/agreements/payments-hosting/evaluate HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n"))
			conns = append(conns, c)
		}
		// While they hang, others are answered.
		for range 5 {
			if status, body := post("/v1/agreements/payments-hosting/evaluate", `{"at": "2026-10-15T12:00:00Z", "measurements": {}}`); status != 200 {
				t.Fatalf("with slow clients connected, a request gets %d %.200s", status, body)
			}
		}
		// And the server lets them go: headers have 10 seconds.
		conns[0].SetReadDeadline(time.Now().Add(time.Minute))
		if _, err := io.ReadAll(conns[0]); err != nil {
			t.Errorf("a client that never ends its headers is kept: %v", err)
		}
	})
	t.Run("a flood of a thousand megabyte bodies", func(t *testing.T) {
		body := `{"at": "2026-10-15T12:00:00Z", "facts": {"pad": "` + strings.Repeat("x", 1<<20-200) + `"}, "measurements": {"slos": {"availability": {"good": 9941000, "total": 10000000}}}}`
		var wg sync.WaitGroup
		var mu sync.Mutex
		codes := map[int]int{}
		for range 1000 {
			wg.Go(func() {
				status, msg := post("/v1/agreements/payments-hosting/evaluate", body)
				mu.Lock()
				defer mu.Unlock()
				// A server that answers 503 without reading a large body
				// closes the connection: a client still sending it may see
				// the reset before the answer. That is a refusal too.
				if status == 0 && (strings.Contains(msg, "connection reset") || strings.Contains(msg, "broken pipe")) {
					status = http.StatusServiceUnavailable
				} else if status == 0 {
					t.Errorf("a request failed: %s", msg)
				}
				codes[status]++
			})
		}
		wg.Wait()
		if codes[200] == 0 || codes[200]+codes[503] != 1000 {
			t.Errorf("answers %v, want 200s and, beyond the turns, 503s", codes)
		}
		if peak := peakOf(t, cmd.Process.Pid); peak > peakLimit {
			t.Errorf("the server peaked at %d MiB, over %d MiB", peak>>20, peakLimit>>20)
		} else {
			t.Logf("answers %v; the server peaked at %d MiB", codes, peak>>20)
		}
	})
	if status, _ := post("/v1/agreements/payments-hosting/evaluate", `{"at": "2026-10-15T12:00:00Z", "measurements": {}}`); status != 200 {
		t.Errorf("after the hostile clients, the server answers %d", status)
	}
}
