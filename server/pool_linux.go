package server

import "syscall"

// lowerPriority makes the calling thread yield the CPU to the server's
// other threads when they compete for it (nice 10: about a tenth of
// their weight): on a busy machine, analysis work then waits for the
// presenter's keys and the audience's screens, not the other way round.
// Linux gives each thread its own nice value. A failure leaves the
// thread at the server's priority, as before.
func lowerPriority() {
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), 10)
}
