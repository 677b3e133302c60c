package policies

import (
	_ "embed"
)

// The library module and its tests, shared by every agreement.
var (
	//go:embed lib/lib.rego
	libraryModule []byte
	//go:embed lib/lib_test.rego
	libraryTests []byte
)

// Paths of the library in a compiled tree and in a bundle.
const (
	libraryPath      = "entente/lib/lib.rego"
	libraryTestsPath = "entente/lib/lib_test.rego"
)
