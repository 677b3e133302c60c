// Command entente checks service level agreements written in HCL.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	// The first SIGINT or SIGTERM asks the command to stop cleanly (serve
	// drains, and removes what it wrote); a second one exits at once.
	stop := make(chan os.Signal, 2)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-stop
		cancel()
		<-stop
		fmt.Fprintln(os.Stderr, "entente: interrupted again: exiting now")
		os.Exit(exitInterrupted)
	}()
	// SIGHUP reloads serve; it ends any other command, as a hangup does.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	code := runWith(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, hup)
	cancel()
	os.Exit(code)
}
