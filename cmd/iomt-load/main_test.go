package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestRunInProcess is a small run of the harness against a server in
// this process: every session opens, every key is measured, nothing
// fails, and the goroutines come back down.
func TestRunInProcess(t *testing.T) {
	o := options{
		n: 4, keys: 3, think: 0, quiet: 30 * time.Millisecond, width: 100, height: 30,
		dials: 2, waitTimeout: 10 * time.Second, deadline: time.Minute,
	}
	var out bytes.Buffer
	sum, err := run(o, &out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if len(sum.errors) != 0 {
		t.Errorf("errors: %q\n%s", sum.errors, out.String())
	}
	if sum.keys != o.n*o.keys {
		t.Errorf("%d keypresses measured, want %d\n%s", sum.keys, o.n*o.keys, out.String())
	}
	if !sum.goroutinesBack {
		t.Errorf("goroutines not back to the baseline\n%s", out.String())
	}
	for _, want := range []string{"sessions: 4 open", "errors: 0", "latency, keypress to first output: p50", "output per keypress", "VmRSS", "goroutines:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}
}

// TestRunFollow is a small demo run: one presenter types, every follower
// shows each of its keys, and each follower's latency is measured.
func TestRunFollow(t *testing.T) {
	o := options{
		n: 4, keys: 3, think: 0, quiet: 30 * time.Millisecond, width: 100, height: 30,
		dials: 2, waitTimeout: 10 * time.Second, deadline: time.Minute, follow: true,
	}
	var out bytes.Buffer
	sum, err := run(o, &out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if len(sum.errors) != 0 {
		t.Errorf("errors: %q\n%s", sum.errors, out.String())
	}
	if sum.keys != o.keys {
		t.Errorf("%d presenter keypresses measured, want %d\n%s", sum.keys, o.keys, out.String())
	}
	if want := "(3 followers × 3 keys)"; !strings.Contains(out.String(), want) {
		t.Errorf("the report lacks %q:\n%s", want, out.String())
	}
	if !sum.goroutinesBack {
		t.Errorf("goroutines not back to the baseline\n%s", out.String())
	}
}
