// Package evaluator measures agreements and returns their verdicts.
//
// It works out the window of each SLO at the evaluation time (rolling or
// calendar, in the agreement's time zone, clipped at the effective date),
// removes the exclusions that apply, asks a metrics source for the events
// or values over what remains, and hands the measurements to the compiled
// policies, which decide the verdict.
package evaluator
