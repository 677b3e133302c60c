package server

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
)

// decisionQueue is how many decisions wait to be written: a disk that is
// slow for a while loses none, one that stays slow loses the latest, which
// are counted, never the server's time.
const decisionQueue = 4096

// DecisionLog writes the decision log, off the request path: a request
// queues its line and goes on; a writer of its own writes them in order. A
// line that finds the queue full is dropped and counted
// (entente_decision_logs_dropped_total). A log opened from a file is
// reopened with Reopen, for log rotation (serve reopens it on SIGHUP).
type DecisionLog struct {
	path    string
	mu      sync.Mutex // held while writing, and to swap the file
	w       io.Writer
	f       *os.File
	lines   chan []byte
	dropped atomic.Int64
	done    chan struct{}
	once    sync.Once
}

// NewDecisionLog writes the decision log to w.
func NewDecisionLog(w io.Writer) *DecisionLog {
	d := &DecisionLog{w: w, lines: make(chan []byte, decisionQueue), done: make(chan struct{})}
	go d.run()
	return d
}

// OpenDecisionLog appends the decision log to the file at path.
func OpenDecisionLog(path string) (*DecisionLog, error) {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("decision log: %w", err)
	}
	d := NewDecisionLog(f)
	d.path, d.f = path, f
	return d, nil
}

func (d *DecisionLog) run() {
	defer close(d.done)
	for line := range d.lines {
		d.mu.Lock()
		d.w.Write(line)
		d.mu.Unlock()
	}
}

// Write queues one line: it never waits for the disk.
func (d *DecisionLog) Write(line []byte) (int, error) {
	select {
	case d.lines <- line:
	default:
		d.dropped.Add(1)
	}
	return len(line), nil
}

// Dropped is the number of lines dropped because the queue was full.
func (d *DecisionLog) Dropped() int64 { return d.dropped.Load() }

// Reopen closes the log's file and opens its path again: after a log
// rotation moved it, the decisions go to the new file.
func (d *DecisionLog) Reopen() error {
	if d.path == "" {
		return nil
	}
	f, err := os.OpenFile(d.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("decision log: %w", err)
	}
	d.mu.Lock()
	old := d.f
	d.w, d.f = f, f
	d.mu.Unlock()
	return old.Close()
}

// Close writes the lines queued, then closes the file.
func (d *DecisionLog) Close() error {
	d.once.Do(func() { close(d.lines) })
	<-d.done
	if d.f != nil {
		return d.f.Close()
	}
	return nil
}
