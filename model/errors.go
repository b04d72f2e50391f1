package model

import (
	"fmt"
	"strings"
)

// Error is one problem found in an input file, at a place a user can jump to.
type Error struct {
	File string
	Line int // 1-based; 0 when the problem concerns the whole file
	Col  int // 1-based
	Msg  string
	Hint string // optional advice, such as "did you mean …"
}

// Error formats the problem as FILE:LINE:COL: message (hint).
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, max(e.Col, 1))
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if e.Hint != "" {
		b.WriteString(" (")
		b.WriteString(e.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// ErrorList holds every problem found in one file, in file order, so a user
// can fix them all in one pass instead of one per run.
type ErrorList []*Error

// Error joins the problems one per line.
func (l ErrorList) Error() string {
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Unwrap lets errors.As find the individual problems.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}
