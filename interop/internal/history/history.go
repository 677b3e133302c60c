// Package history writes small metric histories for the tests of the
// imports, and checks imported agreements against them: the OpenMetrics
// files `entente check --metrics` reads, counters that grow by a fixed
// amount at each step, so that every ratio they give is known exactly.
package history

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/evaluator"
	"github.com/entente-dev/entente/policies"
)

// Counter is a counter series: it starts at 0 at From and grows by Step
// each Every until To; Rate, when set, gives the growth of a step instead.
type Counter struct {
	Name   string // the metric name
	Labels string // {a="b",...}
	From   time.Time
	To     time.Time
	Every  time.Duration
	Step   int64
	Rate   func(t time.Time) int64
}

// Write writes the counters into dir/history.om, and returns its path.
func Write(t *testing.T, dir string, counters []Counter) string {
	t.Helper()
	path := filepath.Join(dir, "history.om")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	byName := map[string][]Counter{}
	var names []string
	for _, c := range counters {
		if byName[c.Name] == nil {
			names = append(names, c.Name)
		}
		byName[c.Name] = append(byName[c.Name], c)
	}
	sort.Strings(names)
	for _, name := range names {
		// OpenMetrics counters end in _total; others, such as the
		// _count and _bucket of a histogram, are written untyped.
		if family, ok := strings.CutSuffix(name, "_total"); ok {
			fmt.Fprintf(w, "# TYPE %s counter\n", family)
		} else {
			fmt.Fprintf(w, "# TYPE %s unknown\n", name)
		}
		for _, c := range byName[name] {
			var v int64
			for at := c.From; !at.After(c.To); at = at.Add(c.Every) {
				fmt.Fprintf(w, "%s%s %d %d\n", c.Name, c.Labels, v, at.Unix())
				if c.Rate != nil {
					v += c.Rate(at)
				} else {
					v += c.Step
				}
			}
		}
	}
	w.WriteString("# EOF\n")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// Check evaluates the agreement files at at against the history, and
// returns each SLO's status and measured value, keyed "agreement slo
// NAME", as "pass 99.5" (the value with two decimals). An SLO that errs or
// has no data fails the test: the history is made to hold every window.
func Check(t *testing.T, files []agreements.Source, history string, at time.Time) map[string]string {
	t.Helper()
	ctx := context.Background()
	set, diags := agreements.Parse(files...)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	tree, err := policies.Compile(set)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := evaluator.FromTree(ctx, tree)
	if err != nil {
		t.Fatal(err)
	}
	src, err := evaluator.LoadFiles(ctx, []string{history}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	v, err := ev.Evaluate(ctx, src, evaluator.Options{At: at})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, a := range v.Agreements {
		for _, m := range a.SLOs {
			key := fmt.Sprintf("%s slo %s", a.Name, m.Name)
			if m.Status == "error" || m.Status == "no_data" {
				t.Errorf("%s: %s: %v", key, m.Status, m.Message)
			}
			if m.Measured == nil {
				got[key] = m.Status
				continue
			}
			got[key] = m.Status + " " + strconv.FormatFloat(m.Measured.Float64(), 'f', 2, 64)
		}
	}
	return got
}
