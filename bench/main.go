// Command bench measures entente side by side with what users would run
// instead: stock OPA for decisions and the CI gate, direct queries to a
// real Prometheus, and promtool for offline histories. It builds entente
// and the stock opa of go.mod, runs every comparison in one run on this
// machine, and prints both figures of each and their ratio.
//
// Run it from a clone of the repository:
//
//	go run ./bench          # the full run, about ten minutes
//	go run ./bench -smoke   # tiny sizes, seconds: checks the harness works
//
// Figures are never assertions: the run fails only when the harness
// breaks (a binary does not build, a server does not start, entente and
// OPA give different verdicts), never because a figure is slow.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
