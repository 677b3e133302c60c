// Command entente checks service level agreements written in HCL.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// stopGrace is how long a command may take to stop after the first SIGINT
// or SIGTERM: serve drains for up to 30 seconds; a command busy with work
// it cannot interrupt exits when the grace is over.
const stopGrace = 35 * time.Second

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	// The first SIGINT or SIGTERM asks the command to stop cleanly (serve
	// drains, and removes what it wrote); a second one, or the end of the
	// grace, exits at once.
	stop := make(chan os.Signal, 2)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-stop
		cancel()
		select {
		case <-stop:
			fmt.Fprintln(os.Stderr, "entente: interrupted again: exiting now")
		case <-time.After(stopGrace):
			fmt.Fprintf(os.Stderr, "entente: still busy %s after the interrupt: exiting now\n", stopGrace)
		}
		os.Exit(exitInterrupted)
	}()
	// SIGHUP reloads serve; it ends any other command, as a hangup does.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	code := runWith(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, hup)
	cancel()
	os.Exit(code)
}
