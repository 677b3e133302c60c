package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	// readyTimeout bounds a server's start: loading 1,000 agreements
	// compiles them all.
	readyTimeout = 3 * time.Minute
	stopTimeout  = 10 * time.Second
	// portAttempts bounds the retries when another process takes the free
	// port between the moment it is found and the moment the server binds.
	portAttempts = 3
)

// child is a server run as a child process of the harness, so that the
// harness's own load generator never shares its process.
type child struct {
	name    string
	url     string
	cmd     *exec.Cmd
	log     string // its output, in the work directory
	exited  chan struct{}
	waitErr error
	// startup is the time from starting the process to its first healthy
	// answer.
	startup time.Duration
}

// startChild runs the command that args gives for a free loopback address
// and waits until GET health answers 200.
func (h *harness) startChild(ctx context.Context, name, health string, args func(addr string) []string) (*child, error) {
	for attempt := 1; ; attempt++ {
		c, err := h.tryStart(ctx, name, health, args)
		if err == nil {
			return c, nil
		}
		if !errors.Is(err, errPortTaken) || attempt == portAttempts {
			return nil, err
		}
		h.logf("%s could not listen on its port, trying another", name)
	}
}

var errPortTaken = errors.New("address already in use")

func (h *harness) tryStart(ctx context.Context, name, health string, args func(addr string) []string) (*child, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	a := args(addr)
	logPath := filepath.Join(h.work, fmt.Sprintf("%s-%d.log", strings.ReplaceAll(name, " ", "-"), time.Now().UnixNano()))
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	c := &child{name: name, url: "http://" + addr, log: logPath, exited: make(chan struct{})}
	c.cmd = exec.Command(a[0], a[1:]...)
	c.cmd.Dir = h.work
	c.cmd.Stdout, c.cmd.Stderr = logFile, logFile
	start := time.Now()
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go func() {
		c.waitErr = c.cmd.Wait()
		close(c.exited)
	}()
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(readyTimeout)
	for {
		select {
		case <-c.exited:
			out, _ := os.ReadFile(logPath)
			if bytes.Contains(out, []byte("address already in use")) {
				return nil, errPortTaken
			}
			return nil, fmt.Errorf("%s exited before it was ready: %v\n%s", name, c.waitErr, tail(out))
		case <-ctx.Done():
			c.stop()
			return nil, ctx.Err()
		default:
		}
		if resp, err := client.Get(c.url + health); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				c.startup = time.Since(start)
				return c, nil
			}
		}
		if time.Now().After(deadline) {
			c.stop()
			out, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("%s was not ready after %s\n%s", name, readyTimeout, tail(out))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop ends the child with SIGTERM, then SIGKILL if it lingers.
func (c *child) stop() {
	select {
	case <-c.exited:
		return
	default:
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.exited:
	case <-time.After(stopTimeout):
		_ = c.cmd.Process.Kill()
		<-c.exited
	}
}

// alive reports an error when the child has exited.
func (c *child) alive() error {
	select {
	case <-c.exited:
		out, _ := os.ReadFile(c.log)
		return fmt.Errorf("%s exited: %v\n%s", c.name, c.waitErr, tail(out))
	default:
		return nil
	}
}

// memory is what /proc says of a process's resident memory.
type memory struct {
	rss, hwm int64 // bytes: now, and the peak
}

func (c *child) memory() (memory, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	if err != nil {
		return memory{}, fmt.Errorf("memory of %s: %w", c.name, err)
	}
	kb := func(field string) int64 {
		v := strings.TrimSuffix(procField(raw, field), " kB")
		n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		return n * 1024
	}
	m := memory{rss: kb("VmRSS"), hwm: kb("VmHWM")}
	if m.rss == 0 {
		return m, fmt.Errorf("memory of %s: no VmRSS in /proc/%d/status", c.name, c.cmd.Process.Pid)
	}
	return m, nil
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// tail is the end of a log, enough to see why a process failed.
func tail(out []byte) string {
	const max = 4000
	if len(out) > max {
		out = out[len(out)-max:]
	}
	return string(out)
}

// process is one whole run of a command, as CI runs it.
type process struct {
	wall   time.Duration
	cpu    time.Duration // user + system
	maxRSS int64         // bytes, the peak resident memory
	code   int
	stdout []byte
	stderr []byte
}

// runProcess runs name with args in dir and waits for it. An exit status
// other than 0 is in code, not an error: the caller knows which are right.
func runProcess(ctx context.Context, dir, name string, args ...string) (process, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	p := process{wall: time.Since(start), stdout: stdout.Bytes(), stderr: stderr.Bytes()}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && ctx.Err() == nil:
		p.code = exit.ExitCode()
	default:
		return p, fmt.Errorf("%s: %w\n%s", filepath.Base(name), err, tail(stderr.Bytes()))
	}
	st := cmd.ProcessState
	p.cpu = st.UserTime() + st.SystemTime()
	if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
		p.maxRSS = ru.Maxrss * 1024 // kilobytes on Linux
	}
	return p, nil
}

// mustExit checks a process's exit status against those that are right.
func (p process) mustExit(what string, codes ...int) error {
	for _, c := range codes {
		if p.code == c {
			return nil
		}
	}
	return fmt.Errorf("%s exited %d, want %v\n%s%s", what, p.code, codes, tail(p.stdout), tail(p.stderr))
}

// alternate runs a then b on even runs, b then a on odd ones, so that
// neither side always runs first (after a pause, on a cold cache, in a
// neighbour's burst of work).
func alternate(run int, a, b func() error) error {
	first, second := a, b
	if run%2 == 1 {
		first, second = b, a
	}
	if err := first(); err != nil {
		return err
	}
	return second()
}

// runs are the figures of a command run many times.
type runs struct {
	wall, cpu []time.Duration
	rss       []int64
}

func (r *runs) add(p process) {
	r.wall, r.cpu, r.rss = append(r.wall, p.wall), append(r.cpu, p.cpu), append(r.rss, p.maxRSS)
}

// rows are the wall time, CPU time and peak RSS of entente beside a peer,
// the medians of their runs.
func (r runs) rows(peer runs, prefix, suffix string, wallGoal goal) []result {
	return []result{
		{measure: prefix + "wall time" + suffix, unit: seconds, entente: median(r.wall).Seconds(), peer: median(peer.wall).Seconds(), goal: wallGoal},
		{measure: prefix + "CPU time (user + system)" + suffix, unit: seconds, entente: median(r.cpu).Seconds(), peer: median(peer.cpu).Seconds(), goal: noGoal},
		{measure: prefix + "peak RSS" + suffix, unit: byteSize, entente: float64(median(r.rss)), peer: float64(median(peer.rss)), goal: noGoal},
	}
}
