//go:build !linux

package server

// lowerPriority does nothing where threads have no nice value of their
// own: the pool's bound on workers still leaves a core for the demo.
func lowerPriority() {}
