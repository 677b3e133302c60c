//go:build ignore

// generate writes the metric history of the example agreements into
// examples/metrics. Run it from the root of the repository:
//
//	go run examples/metrics/generate.go
package main

import (
	"fmt"
	"os"

	"github.com/entente-dev/entente/internal/examplemetrics"
)

func main() {
	if err := examplemetrics.Write("examples/metrics"); err != nil {
		fmt.Fprintln(os.Stderr, "generate:", err)
		os.Exit(1)
	}
}
