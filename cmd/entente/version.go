package main

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"
)

var versionCommand = &command{
	name:    "version",
	summary: "print the version of entente",
	usage:   "version",
	example: "entente version",
	flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) int {
		return func(ctx context.Context, e *env, args []string) int {
			if len(args) > 0 {
				fmt.Fprintln(e.stderr, "entente version: takes no arguments")
				return exitInvalid
			}
			fmt.Fprintln(e.stdout, versionString())
			return exitOK
		}
	},
}

// versionString is the module version and, for a build from a checkout, the
// commit it was built from.
func versionString() string {
	version, commit, dirty := "(devel)", "", false
	if info, ok := debug.ReadBuildInfo(); ok {
		if info.Main.Version != "" {
			version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	s := "entente " + version
	if commit != "" {
		if len(commit) > 12 {
			commit = commit[:12]
		}
		s += " commit " + commit
		if dirty {
			s += "-dirty"
		}
	}
	return fmt.Sprintf("%s %s %s/%s", s, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
