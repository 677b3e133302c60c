//go:build !unix

package browser

import "os/exec"

// killGroup leaves cmd as it is: without process groups, cancelling its
// context kills Chromium's first process only.
func killGroup(*exec.Cmd) {}
