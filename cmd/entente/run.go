package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sort"
	"strings"

	"github.com/agext/levenshtein"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/internal/compilecache"
	"github.com/entente-dev/entente/policies"
	"golang.org/x/term"
)

// env is what a command sees of the world: its streams, and whether they are
// terminals.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	noColor        bool
	command        string
	logger         *slog.Logger
	// hup delivers SIGHUP; nil when nobody sends it.
	hup <-chan os.Signal
	// limits bound what is read of agreement files, maxBundle of bundles.
	limits    agreements.Limits
	maxBundle int64
	// noCache and cacheMax are the flags of the cache of compiled
	// agreements (internal/compilecache).
	noCache  bool
	cacheMax int64
}

// errorf prints a message about a failure to stderr, prefixed with the
// command, as "entente fmt: ...".
func (e *env) errorf(format string, args ...any) {
	fmt.Fprintf(e.stderr, "entente %s: %s\n", e.command, fmt.Sprintf(format, args...))
}

// command is one subcommand of entente.
type command struct {
	name    string
	summary string
	usage   string // the synopsis, after "entente "
	example string
	flags   func(fs *flag.FlagSet) func(ctx context.Context, e *env, args []string) int
	// reads says that the command reads agreement files, bundles that it
	// reads bundles: it takes the flags of their limits. caches says that
	// it compiles agreements to decide on, through the cache.
	reads, bundles, caches bool
}

var commands = []*command{
	validateCommand, fmtCommand, checkCommand, reportCommand, diffCommand, serveCommand, rulesCommand, compileCommand, testCommand,
	importCommand, importOpenSLOCommand, importSlothCommand, exportCommand, exportOpenSLOCommand,
	bundleCommand, bundleBuildCommand, bundleVerifyCommand, bundleInspectCommand, bundleDiffCommand,
	versionCommand,
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// run is the whole CLI: it parses args, runs a command and returns its exit
// code. main only wires it to the process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runWith(ctx, args, stdin, stdout, stderr, nil)
}

// runWith is run with the process's SIGHUP: serve reloads on it, any other
// command stops.
func runWith(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, hup <-chan os.Signal) int {
	e := &env{
		stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv, hup: hup,
		logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	if len(args) == 0 {
		usage(stderr)
		return exitInvalid
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		if len(args) > 1 {
			if c, rest := find(args[1:]); c != nil && len(rest) == 0 {
				commandUsage(stdout, c, nil)
				return exitOK
			}
			fmt.Fprintf(stderr, "entente: unknown command %q\n\n", strings.Join(args[1:], " "))
			usage(stderr)
			return exitInvalid
		}
		usage(stdout)
		return exitOK
	case "-v", "-version", "--version":
		args = append([]string{"version"}, args[1:]...)
	}
	c, rest := find(args)
	if c == nil {
		hint := ""
		if s := closest(args[0]); s != "" {
			hint = fmt.Sprintf(" Did you mean %q?", s)
		}
		fmt.Fprintf(stderr, "entente: unknown command %q.%s\n\n", args[0], hint)
		usage(stderr)
		return exitInvalid
	}
	if c.flags == nil {
		// A group such as "bundle": its subcommands do the work.
		if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
			fmt.Fprintf(stderr, "entente: unknown command %q\n\n", c.name+" "+rest[0])
		}
		if len(rest) == 1 && (rest[0] == "-h" || rest[0] == "--help" || rest[0] == "-help") {
			commandUsage(stdout, c, nil)
			return exitOK
		}
		commandUsage(stderr, c, nil)
		return exitInvalid
	}

	fs := flag.NewFlagSet("entente "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	runCmd := c.flags(fs)
	e.limits = agreements.DefaultLimits()
	if c.reads {
		fs.Var((*byteSize)(&e.limits.MaxFileSize), "max-file-size", "refuse an agreement file larger than `SIZE`")
		fs.IntVar(&e.limits.MaxNesting, "max-nesting", agreements.DefaultMaxNesting, "refuse brackets, braces and parentheses nested deeper than `N`")
	}
	e.cacheMax = compilecache.DefaultMaxBytes
	if c.caches {
		fs.BoolVar(&e.noCache, "no-cache", false, "compile the agreements, even when the cache holds them compiled")
		fs.Var((*byteSize)(&e.cacheMax), "cache-max-size", "keep at most `SIZE` of compiled agreements in the cache ($ENTENTE_CACHE_DIR, else entente/ in the user's cache directory)")
	}
	e.maxBundle = policies.DefaultMaxBundleBytes
	if c.bundles {
		fs.Var((*byteSize)(&e.maxBundle), "max-bundle-size", "refuse a bundle larger than `SIZE`, compressed or unpacked")
	}
	positional, err := parseInterspersed(fs, rest)
	if errors.Is(err, flag.ErrHelp) {
		commandUsage(stdout, c, fs)
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "entente %s: %s\n\n", c.name, err)
		commandUsage(stderr, c, fs)
		return exitInvalid
	}
	e.command = c.name
	if e.hup != nil && c.name != "serve" {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		defer cancel()
		go func() {
			select {
			case <-e.hup:
				cancel()
			case <-ctx.Done():
			}
		}()
	}
	return runCmd(ctx, e, positional)
}

// find returns the command that args start with ("bundle build" before
// "bundle") and the arguments after its name.
func find(args []string) (*command, []string) {
	if len(args) >= 2 {
		if c := lookup(args[0] + " " + args[1]); c != nil {
			return c, args[2:]
		}
	}
	if c := lookup(args[0]); c != nil {
		return c, args[1:]
	}
	return nil, args
}

// parseInterspersed parses flags wherever they stand among the arguments, so
// that "entente fmt examples --check" works as users type it. "--" ends the
// flags.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		// fs.Parse stops at the first argument that is not a flag, or just
		// after a "--".
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), nil
		}
		if len(rest) == 0 {
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	return positional, nil
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "entente makes service level agreements checkable by machines.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage:")
	fmt.Fprintln(w, "  entente <command> [flags] [paths]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands {
		if c.flags != nil {
			fmt.Fprintf(w, "  %-16s %s\n", c.name, c.summary)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Exit status:")
	fmt.Fprintf(w, "  %d  success: valid, formatted, or every agreement compliant, at risk or inactive\n", exitOK)
	fmt.Fprintf(w, "  %d  a check failed: an agreement breached, a test failed, files to rewrite\n     or stale (fmt/compile --check), a bad signature,\n     terms changed without a new version (diff)\n", exitFailure)
	fmt.Fprintf(w, "  %d  usage or configuration error: nothing was evaluated\n", exitInvalid)
	fmt.Fprintf(w, "  %d  nothing breached, but something could not be measured\n", exitInconclusive)
	fmt.Fprintln(w)
	fmt.Fprintln(w, `Run "entente <command> --help" for its flags and an example.`)
}

func commandUsage(w io.Writer, c *command, fs *flag.FlagSet) {
	if c.flags == nil {
		fmt.Fprintf(w, "Usage: entente %s\n\n%s.\n\nCommands:\n", c.usage, capitalizeFirst(c.summary))
		for _, sub := range commands {
			if strings.HasPrefix(sub.name, c.name+" ") {
				fmt.Fprintf(w, "  %-16s %s\n", sub.name, sub.summary)
			}
		}
		return
	}
	if fs == nil {
		fs = flag.NewFlagSet("entente "+c.name, flag.ContinueOnError)
		c.flags(fs)
	}
	fmt.Fprintf(w, "Usage: entente %s\n\n%s\n", c.usage, capitalizeFirst(c.summary)+".")
	var flags []string
	fs.VisitAll(func(f *flag.Flag) { flags = append(flags, f.Name) })
	if len(flags) > 0 {
		fmt.Fprintln(w, "\nFlags:")
		sort.Strings(flags)
		for _, name := range flags {
			f := fs.Lookup(name)
			arg, help := flag.UnquoteUsage(f)
			left := "--" + name
			if arg != "" {
				left += " " + arg
			}
			def := ""
			if f.DefValue != "" && f.DefValue != "false" {
				def = fmt.Sprintf(" (default %q)", f.DefValue)
			}
			fmt.Fprintf(w, "  %-22s %s%s\n", left, help, def)
		}
	}
	if c.example != "" {
		fmt.Fprintf(w, "\nExample:\n%s\n", indent(c.example, "  "))
	}
}

// closest returns the command whose name is nearest to a mistyped one.
func closest(name string) string {
	best, bestDist := "", 3
	for _, c := range commands {
		if d := levenshtein.Distance(name, c.name, nil); d < bestDist {
			best, bestDist = c.name, d
		}
	}
	return best
}

func capitalizeFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}

// isTerminal tells whether w is a terminal, for colour and width.
func isTerminal(w io.Writer) (bool, int) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return false, 0
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		width = 0
	}
	return true, width
}

// gcPercent is the garbage collector's target once a command has loaded
// its agreements. Evaluating policies allocates much and keeps little: a
// check's or a server's live heap is then tens of megabytes, and collecting
// four times less often than Go's default makes a check about a third
// quicker and a server answer about a quarter more decisions per second,
// for that much more memory (docs/benchmarks.md). Loading and compiling
// keep Go's default, as the heap grows then. GOGC, when set, wins.
const gcPercent = 400

// fitGC sets the target once the agreements are loaded, lower for a set
// that takes much memory: the heap may grow to about 512 MiB, or to twice
// what is live, whichever is more.
func fitGC(getenv func(string) string) {
	if getenv("GOGC") != "" {
		return
	}
	runtime.GC()
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	live := float64(sample[0].Value.Uint64())
	const budget = 512 << 20
	percent := gcPercent
	if live > 0 && live*(1+gcPercent/100.0) > budget {
		percent = max(100, int(100*(budget-live)/live))
	}
	debug.SetGCPercent(percent)
}
