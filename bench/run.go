package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Exit codes of the harness.
const (
	// exitOK: every comparison ran; whatever the figures, they are news,
	// not failures.
	exitOK = 0
	// exitBroken: the harness could not measure something: a build, a
	// server or a process failed, or entente and its peer disagree.
	exitBroken = 1
	// exitUsage: bad flags.
	exitUsage = 2
)

// comparisons are the comparisons of issue 7, in the order they run.
var comparisons = []string{"decisions", "gate", "queries", "scale", "offline"}

// sizes are how much each comparison does: the full run, or the smoke run
// that only checks the harness still works.
type sizes struct {
	clients  int           // concurrent clients of the load generator
	warmup   time.Duration // load before measuring, per round
	duration time.Duration // measured load, per round
	rounds   int           // rounds of load, the servers taking turns

	gateRuns int // whole processes of each side of the CI gate

	queryAgreements int // agreements checked against Prometheus
	queryReplicas   int // replicas their queries spread over
	queryRuns       int

	scaleAgreements []int // each size is measured
	scaleRuns       int
	latencyDuration time.Duration // load at one client, for latency

	offlineSeries  int
	offlineSamples int // per series, one a minute
	offlineRuns    int
}

var (
	fullSizes = sizes{
		clients: 8, warmup: time.Second, duration: 5 * time.Second, rounds: 3,
		gateRuns:        30,
		queryAgreements: 100, queryReplicas: 10, queryRuns: 5,
		scaleAgreements: []int{1000, 10000}, scaleRuns: 3, latencyDuration: 3 * time.Second,
		offlineSeries: 100, offlineSamples: 30 * 24 * 60, offlineRuns: 3,
	}
	smokeSizes = sizes{
		clients: 4, warmup: 100 * time.Millisecond, duration: 300 * time.Millisecond, rounds: 1,
		gateRuns:        3,
		queryAgreements: 10, queryReplicas: 2, queryRuns: 1,
		scaleAgreements: []int{10}, scaleRuns: 1, latencyDuration: 200 * time.Millisecond,
		offlineSeries: 4, offlineSamples: 24 * 60, offlineRuns: 1,
	}
)

// harness holds what every comparison shares.
type harness struct {
	root     string // the repository
	work     string // a temporary directory for everything the run writes
	entente  string // the binaries built for the run
	opa      string
	sizes    sizes
	log      io.Writer // progress, on stderr
	sections []section
	results  []result
}

func (h *harness) logf(format string, args ...any) {
	fmt.Fprintf(h.log, "bench: "+format+"\n", args...)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	smoke := fs.Bool("smoke", false, "tiny sizes, a few seconds: check that the harness works")
	only := fs.String("only", strings.Join(comparisons, ","), "run only these `comparisons` (comma-separated)")
	binDir := fs.String("bin", "", "build entente and opa into `DIR` and keep them (default: a temporary directory)")
	keep := fs.Bool("keep", false, "keep the temporary directory of the run (logs of the servers, generated files)")
	markdown := fs.String("markdown", "", "also write the results as a Markdown table to `FILE`")
	clients := fs.Int("clients", 0, "concurrent clients of the load generator (default 8, smoke 4)")
	duration := fs.Duration("duration", 0, "measured load per round (default 5s, smoke 300ms)")
	rounds := fs.Int("rounds", 0, "rounds of load, the servers taking turns (default 3, smoke 1)")
	replayFile := fs.String("replay", "", "internal: send the requests in `FILE` to -target and exit (the peer of the queries comparison)")
	target := fs.String("target", "", "internal: the base URL -replay sends to")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: go run ./bench [-smoke] [-only %s] [-markdown FILE] [-bin DIR] [-keep]\n\n", strings.Join(comparisons, ","))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "bench: unexpected arguments %q\n", fs.Args())
		return exitUsage
	}
	if *replayFile != "" {
		c := *clients
		if c <= 0 {
			c = fullSizes.clients
		}
		if err := replayMain(ctx, *replayFile, *target, c); err != nil {
			fmt.Fprintf(stderr, "bench -replay: %s\n", err)
			return exitBroken
		}
		return exitOK
	}

	selected := map[string]bool{}
	for name := range strings.SplitSeq(*only, ",") {
		name = strings.TrimSpace(name)
		if !slices.Contains(comparisons, name) {
			fmt.Fprintf(stderr, "bench: -only %q: the comparisons are %s\n", name, strings.Join(comparisons, ", "))
			return exitUsage
		}
		selected[name] = true
	}

	h := &harness{sizes: fullSizes, log: stderr}
	if *smoke {
		h.sizes = smokeSizes
	}
	if *clients > 0 {
		h.sizes.clients = *clients
	}
	if *duration > 0 {
		h.sizes.duration = *duration
	}
	if *rounds > 0 {
		h.sizes.rounds = *rounds
	}

	if err := h.setUp(ctx, *binDir); err != nil {
		fmt.Fprintf(stderr, "bench: %s\n", err)
		return exitBroken
	}
	defer func() {
		if *keep {
			h.logf("kept %s", h.work)
			return
		}
		os.RemoveAll(h.work)
	}()

	m, err := describeMachine(ctx, h)
	if err != nil {
		fmt.Fprintf(stderr, "bench: %s\n", err)
		return exitBroken
	}
	mode := "full"
	if *smoke {
		mode = "smoke"
	}
	fmt.Fprintf(stdout, "entente benchmarks (%s run, %s)\n%s\n", mode, time.Now().UTC().Format("2006-01-02 15:04 MST"), m)

	steps := map[string]func(context.Context) error{
		"decisions": h.decisions,
		"gate":      h.gate,
		"queries":   h.queries,
		"scale":     h.scale,
		"offline":   h.offline,
	}
	start := time.Now()
	failed := false
	for _, name := range comparisons {
		if !selected[name] {
			continue
		}
		h.logf("== %s", name)
		t := time.Now()
		if err := steps[name](ctx); err != nil {
			fmt.Fprintf(stderr, "bench: %s: %s\n", name, err)
			failed = true
			if ctx.Err() != nil {
				break
			}
			continue
		}
		h.logf("%s done in %s", name, time.Since(t).Round(time.Millisecond))
	}
	printResults(stdout, h.sections, h.results)
	fmt.Fprintf(stdout, "\n%s in %s\n", mode, time.Since(start).Round(100*time.Millisecond))
	if *markdown != "" {
		if err := writeMarkdown(*markdown, m, h.sections, h.results); err != nil {
			fmt.Fprintf(stderr, "bench: %s\n", err)
			failed = true
		}
	}
	if failed {
		return exitBroken
	}
	return exitOK
}

// setUp finds the repository, makes the work directory and builds the
// binaries.
func (h *harness) setUp(ctx context.Context, binDir string) error {
	root, err := moduleRoot(ctx)
	if err != nil {
		return err
	}
	h.root = root
	if h.work, err = os.MkdirTemp("", "entente-bench-"); err != nil {
		return err
	}
	if binDir == "" {
		binDir = filepath.Join(h.work, "bin")
	}
	if binDir, err = filepath.Abs(binDir); err != nil {
		return err
	}
	t := time.Now()
	if h.entente, h.opa, err = buildBinaries(ctx, root, binDir); err != nil {
		os.RemoveAll(h.work)
		return err
	}
	h.logf("built entente and opa in %s", time.Since(t).Round(time.Millisecond))
	return nil
}
