//go:build unix

package safefile

import (
	"errors"
	"os"
	"syscall"
)

// openFlags open a FIFO without waiting for a writer; for a regular file
// O_NONBLOCK changes nothing.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK | syscall.O_NOCTTY

// processAlive reports whether a process with this ID exists. Signal 0
// checks without signalling; EPERM means it exists under another user.
func processAlive(pid int) bool {
	if pid <= 0 {
		return true // not ours to judge
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
