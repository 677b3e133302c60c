//go:build unix

package browser

import (
	"os/exec"
	"syscall"
)

// killGroup starts cmd in a process group of its own and makes the
// cancellation of its context kill the whole group: Chromium runs as a
// dozen processes (zygotes, renderers, GPU, network), which killing the
// first alone would leave behind.
func killGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
