package main

// Exit codes, as SPEC §5 defines them.
const (
	// exitOK: every agreement compliant, at risk or inactive; valid input.
	exitOK = 0
	// exitFailure: an agreement is breached, or fmt --check found files
	// to rewrite.
	exitFailure = 1
	// exitInvalid: a usage or configuration error; nothing was evaluated.
	exitInvalid = 2
	// exitInconclusive: nothing breached, but something could not be
	// measured; CI can retry.
	exitInconclusive = 3
	// exitInterrupted: interrupted a second time, the command exited at
	// once, as a shell reports SIGINT.
	exitInterrupted = 130
)
