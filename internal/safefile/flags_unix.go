//go:build unix

package safefile

import (
	"os"
	"syscall"
)

// openFlags open a FIFO without waiting for a writer; for a regular file
// O_NONBLOCK changes nothing.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK | syscall.O_NOCTTY
