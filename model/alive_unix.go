//go:build unix

package model

import (
	"errors"
	"syscall"
)

// processAlive reports whether a process with this ID exists. Signal 0
// checks without signalling; EPERM means it exists under another user.
func processAlive(pid int) bool {
	if pid <= 0 {
		return true // not ours to judge
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
