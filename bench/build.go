package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// moduleRoot is the directory of entente's go.mod, found by the go
// command from the working directory.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("run the harness from a clone of entente: go run ./bench")
	}
	root := filepath.Dir(gomod)
	if _, err := os.Stat(filepath.Join(root, "cmd", "entente")); err != nil {
		return "", fmt.Errorf("%s is not a clone of entente (no cmd/entente)", root)
	}
	return root, nil
}

// buildBinaries builds entente and the stock opa of go.mod into dir. The
// go command reuses its build cache, and leaves a binary that is up to
// date alone.
func buildBinaries(ctx context.Context, root, dir string) (entente, opa string, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", err
	}
	entente, opa = filepath.Join(dir, "entente"), filepath.Join(dir, "opa")
	for _, b := range []struct{ out, pkg string }{
		{entente, "./cmd/entente"},
		{opa, "github.com/open-policy-agent/opa"},
	} {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", b.out, b.pkg)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", "", fmt.Errorf("go build %s: %v\n%s", b.pkg, err, out)
		}
	}
	return entente, opa, nil
}

// machine describes where the figures come from.
type machine struct {
	CPUs       int
	CPU        string
	Memory     string
	Kernel     string
	Go         string
	Entente    string
	OPA        string
	Prometheus string
	Promtool   string
}

func (m machine) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "  machine:    %d CPUs (nproc), %s, %s memory, Linux %s\n", m.CPUs, m.CPU, m.Memory, m.Kernel)
	fmt.Fprintf(&b, "  go:         %s\n", m.Go)
	fmt.Fprintf(&b, "  entente:    %s\n", m.Entente)
	fmt.Fprintf(&b, "  opa:        %s\n", m.OPA)
	fmt.Fprintf(&b, "  prometheus: %s\n", m.Prometheus)
	fmt.Fprintf(&b, "  promtool:   %s\n", m.Promtool)
	return b.String()
}

func describeMachine(ctx context.Context, h *harness) (machine, error) {
	m := machine{CPUs: runtime.NumCPU(), CPU: "unknown CPU", Memory: "unknown", Kernel: "unknown"}
	if raw, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		m.CPU = procField(raw, "model name")
	}
	if raw, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		fmt.Sscan(procField(raw, "MemTotal"), &kb)
		m.Memory = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
	}
	if raw, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(raw))
	}
	first := func(name string, args ...string) (string, error) {
		out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
		return line, nil
	}
	var err error
	if m.Go, err = first("go", "version"); err != nil {
		return m, err
	}
	if m.Entente, err = first(h.entente, "version"); err != nil {
		return m, err
	}
	if m.OPA, err = first(h.opa, "version"); err != nil {
		return m, err
	}
	m.OPA = strings.TrimSpace(strings.TrimPrefix(m.OPA, "Version:"))
	prometheus, promtool, err := prometheusBinaries()
	if err != nil {
		return m, err
	}
	if m.Prometheus, err = first(prometheus, "--version"); err != nil {
		return m, err
	}
	if m.Promtool, err = first(promtool, "--version"); err != nil {
		return m, err
	}
	return m, nil
}

// procField is the value of the first "name : value" line of a /proc file.
func procField(raw []byte, name string) string {
	s := bufio.NewScanner(bytes.NewReader(raw))
	for s.Scan() {
		k, v, ok := strings.Cut(s.Text(), ":")
		if ok && strings.TrimSpace(k) == name {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// prometheusBinaries finds prometheus and promtool (Debian: apt-get
// install prometheus).
func prometheusBinaries() (prometheus, promtool string, err error) {
	var missing []string
	find := func(name string) string {
		path, err := exec.LookPath(name)
		if err != nil {
			missing = append(missing, name)
		}
		return path
	}
	prometheus, promtool = find("prometheus"), find("promtool")
	if len(missing) > 0 {
		return "", "", fmt.Errorf("%s not found in PATH: the harness needs a real Prometheus (Debian/Ubuntu: apt-get install prometheus)", strings.Join(missing, " and "))
	}
	return prometheus, promtool, nil
}
