package model

import (
	"fmt"
	"strings"

	"iomt/internal/safetext"
)

// Error is one problem found in an input file, at a place a user can jump to.
type Error struct {
	File string
	Line int // 1-based; 0 when the problem concerns the whole file
	Col  int // 1-based
	Msg  string
	Hint string // optional advice, such as "did you mean …"
}

// Error formats the problem as FILE:LINE:COL: message (hint), on one line
// safe to print: a message that quotes a file cannot run to megabytes nor
// carry escape sequences to the user's terminal, and neither can a file
// name.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(safetext.Escape(e.File))
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, max(e.Col, 1))
	}
	b.WriteString(": ")
	b.WriteString(safetext.Escape(safetext.Truncate(e.Msg, maxMessage)))
	if e.Hint != "" {
		b.WriteString(" (")
		b.WriteString(safetext.Escape(safetext.Truncate(e.Hint, maxMessage)))
		b.WriteString(")")
	}
	return b.String()
}

// Bounds of what an error prints: a message that lists siblings or
// suggestions stays readable on a terminal, and a file with thousands of
// mistakes does not print thousands of lines.
const (
	maxMessage  = 300 // characters of a message or a hint
	maxProblems = 50  // problems listed of one file
)

// ErrorList holds every problem found in one file, in file order, so a user
// can fix them all in one pass instead of one per run.
type ErrorList []*Error

// Error joins the problems one per line, the first maxProblems of them.
func (l ErrorList) Error() string {
	n := min(len(l), maxProblems)
	parts := make([]string, n, n+1)
	for i, e := range l[:n] {
		parts[i] = e.Error()
	}
	if len(l) > n {
		more := "problems"
		if len(l)-n == 1 {
			more = "problem"
		}
		parts = append(parts, fmt.Sprintf("%s: … and %d more %s", safetext.Escape(l[n].File), len(l)-n, more))
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
