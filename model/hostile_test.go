package model

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"
)

// noHang runs f and fails the test if it does not return: a reader that
// waits on a FIFO must fail the test, not hang the run. A hung reader is
// released by opening the FIFO for writing.
func noHang(t *testing.T, fifo string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
		t.Fatalf("reading %s blocked", fifo)
	}
}

func mkfifo(t *testing.T, path string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("no FIFOs in the file system here")
	}
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestReadersRefuseFIFOs: every way model reads a file refuses a FIFO at
// once, naming it, where it used to wait for a writer forever.
func TestReadersRefuseFIFOs(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.yaml")
	mkfifo(t, fifo)
	ds := embedded(t)
	want := fifo + ": is a FIFO (named pipe), not a regular file"
	noHang(t, fifo, func() {
		if _, err := ReadDataset(fifo); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ReadDataset: %v; want %q", err, want)
		}
	})
	noHang(t, fifo, func() {
		if _, err := ReadScenario(fifo, ds); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ReadScenario: %v; want %q", err, want)
		}
	})
	// A FIFO among saved scenarios is listed with the reason; the real
	// scenario beside it still opens.
	ws := &Workspace{Dir: dir}
	if _, err := ws.Save(ds, &Scenario{Name: "Real", Assumptions: ds.Base()}); err != nil {
		t.Fatal(err)
	}
	noHang(t, fifo, func() {
		entries, err := ws.List()
		if err != nil {
			t.Fatal(err)
		}
		var sawFIFO, sawReal bool
		for _, e := range entries {
			switch e.Path {
			case fifo:
				sawFIFO = e.Err != nil && strings.Contains(e.Err.Error(), want)
			case filepath.Join(dir, "real.yaml"):
				sawReal = e.Err == nil && e.Name == "Real"
			}
		}
		if !sawFIFO || !sawReal {
			t.Errorf("List: FIFO listed with its reason %v, real scenario listed %v: %+v", sawFIFO, sawReal, entries)
		}
	})
}

// TestMessagesCapped: a file with 15,000 siblings used to make a message
// of 244 KB; messages that list or quote a file stay short, and a file
// with thousands of problems prints a bounded number of lines.
func TestMessagesCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("market: Wide\nbase_year: 2019\nend_year: 2027\ntotal: {value_bn: 100, cagr_pct: 5}\ndimensions:\n  - name: D\n    segments:\n")
	for i := range 15000 {
		fmt.Fprintf(&b, "      - {name: segment number %d, share_pct: 0.006, cagr_pct: 1}\n", i)
	}
	_, err := LoadDataset("wide.yaml", []byte(b.String()))
	if err == nil {
		t.Fatal("15,000 shares of 0.006 % loaded")
	}
	msg := err.Error()
	if len(msg) > 1000 || !strings.Contains(msg, "add up to 90 %") || !strings.Contains(msg, "(14992 more)") {
		t.Errorf("message of %d bytes: %.400s", len(msg), msg)
	}

	// Every sibling wrong: thousands of problems, fifty lines.
	b.Reset()
	b.WriteString("market: Wide\nbase_year: 2019\nend_year: 2027\ntotal: {value_bn: 100, cagr_pct: 5}\ndimensions:\n  - name: D\n    segments:\n")
	for i := range 5000 {
		fmt.Fprintf(&b, "      - {name: s%d, share_pct: 0.02, cagr_pct: 5000}\n", i)
	}
	_, err = LoadDataset("many.yaml", []byte(b.String()))
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != maxProblems+1 || !strings.HasSuffix(lines[maxProblems], "… and 4950 more problems") {
		t.Errorf("%d lines, the last %q", len(lines), lines[len(lines)-1])
	}

	// Whatever a message quotes, it is one line of bounded length.
	e := &Error{File: "f\x1b[2J.yaml", Line: 1, Col: 1, Msg: strings.Repeat("ab\x1b]0;x\a", 20000), Hint: strings.Repeat("é", 5000)}
	text := e.Error()
	if strings.ContainsAny(text, "\x1b\a\n") || utf8.RuneCountInString(text) > 2*maxMessage+200 {
		t.Errorf("Error() is %d characters and holds control characters: %.100q", utf8.RuneCountInString(text), text)
	}
}
