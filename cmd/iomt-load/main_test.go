package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// smallRun runs the harness with 4 sessions and 3 keys each against a
// server in this process, and fails the test on any error, or when the
// goroutines do not come back down. It returns the summary and report.
func smallRun(t *testing.T, follow bool) (summary, string) {
	t.Helper()
	o := options{
		n: 4, keys: 3, think: 0, quiet: 30 * time.Millisecond, width: 100, height: 30,
		dials: 2, waitTimeout: 10 * time.Second, deadline: time.Minute, follow: follow,
	}
	var out bytes.Buffer
	sum, err := run(o, &out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if len(sum.errors) != 0 {
		t.Errorf("errors: %q\n%s", sum.errors, out.String())
	}
	if !sum.goroutinesBack {
		t.Errorf("goroutines not back to the baseline\n%s", out.String())
	}
	return sum, out.String()
}

// TestRunInProcess: every session opens, every key is measured, and the
// report has every figure.
func TestRunInProcess(t *testing.T) {
	sum, out := smallRun(t, false)
	if sum.keys != 4*3 {
		t.Errorf("%d keypresses measured, want %d\n%s", sum.keys, 4*3, out)
	}
	for _, want := range []string{"sessions: 4 open", "errors: 0", "latency, keypress to first output: p50", "output per keypress", "VmRSS", "goroutines:"} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
}

// TestRunFollow is a small demo run: one presenter types, every follower
// shows each of its keys, and each follower's latency is measured.
func TestRunFollow(t *testing.T) {
	sum, out := smallRun(t, true)
	if sum.keys != 3 {
		t.Errorf("%d presenter keypresses measured, want 3\n%s", sum.keys, out)
	}
	if want := "(3 followers × 3 keys)"; !strings.Contains(out, want) {
		t.Errorf("the report lacks %q:\n%s", want, out)
	}
}

// TestRunFollowAnalysts: a demo run where two followers fork and press
// m, esc, t, esc in a loop while the presenter types; the others are
// timed, and the report says what the analysts pressed.
func TestRunFollowAnalysts(t *testing.T) {
	o := options{
		n: 5, keys: 3, think: 0, quiet: 30 * time.Millisecond, width: 100, height: 30,
		dials: 2, waitTimeout: 10 * time.Second, deadline: time.Minute, follow: true,
		analysts: 2, analysis: 20 * time.Millisecond,
	}
	var out bytes.Buffer
	sum, err := run(o, &out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if len(sum.errors) != 0 || !sum.goroutinesBack {
		t.Errorf("errors %q, goroutines back %v\n%s", sum.errors, sum.goroutinesBack, out.String())
	}
	for _, want := range []string{"analysts: 2 forked followers pressed m", "(2 followers × 3 keys)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "pressed m 0 times") {
		t.Errorf("the analysts pressed nothing:\n%s", out.String())
	}
}
