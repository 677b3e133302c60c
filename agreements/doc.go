// Package agreements loads service level agreements written in HCL into a typed
// model and validates them.
//
// Load reads every *.hcl file under the given paths; Parse does the same for
// sources held in memory. Both return the agreements they could read together
// with hcl.Diagnostics for everything that is wrong, in every file, in one pass.
// The model keeps the source range of each block so that later stages can point
// at the line of a failing objective.
package agreements
