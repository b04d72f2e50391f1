package ui

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// keyRecorder runs the dashboard and notes every key and mouse message
// that reaches it.
type keyRecorder struct {
	m     *Model
	keys  *[]string
	mouse *[]tea.Mouse
}

func (r keyRecorder) Init() tea.Cmd  { return r.m.Init() }
func (r keyRecorder) View() tea.View { return r.m.View() }
func (r keyRecorder) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		*r.keys = append(*r.keys, msg.String())
	case tea.MouseMsg:
		*r.mouse = append(*r.mouse, msg.Mouse())
	}
	m, cmd := r.m.Update(msg)
	r.m = m.(*Model)
	return r, cmd
}

// runBytes runs the dashboard as a program reading input through in(),
// the real decoder and all, until the program ends (the last key is q).
func runBytes(t *testing.T, in io.Reader) (keys []string, mouse []tea.Mouse, final *Model) {
	t.Helper()
	// A bound, not a measure: a run that does not end fails here.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rec := keyRecorder{m: New(testDS, baseScenario(), Options{Dark: true}), keys: &keys, mouse: &mouse}
	p := tea.NewProgram(rec, tea.WithInput(in), tea.WithOutput(io.Discard), tea.WithContext(ctx),
		tea.WithoutRenderer(), tea.WithoutSignalHandler(), tea.WithWindowSize(100, 30),
		tea.WithEnvironment([]string{"TERM=xterm-256color"}))
	end, err := p.Run()
	if err != nil {
		t.Fatalf("the program did not end on q: %v (keys %q)", err, keys)
	}
	return keys, mouse, end.(keyRecorder).m
}

// TestMalformedMouseReportsDropped: mouse reports with a negative
// coordinate or button, as a terminal or a client may send them, reach
// the dashboard as nothing at all, not as the keys their bytes spell ("-"
// lowering a growth rate, "M" opening the messages); a well-formed report
// and the keys around them still arrive. Raw bytes go through FilterInput
// and the real decoder of a running program.
func TestMalformedMouseReportsDropped(t *testing.T) {
	data := "\x1b[<0;-5;-5M" + "\x1b[<-1;10;10M" + "\x1b[<0;-5;-5m" + "\x1b[<0;3;2M" + "j" +
		// y answers the quit question that a change would have raised.
		"\x1b[<0;-7;-7M" + "q" + "y"
	for _, size := range []int{len(data), 9, 1} {
		// Cut into reads of size bytes, as a slow link can deliver it.
		var parts []string
		for s := data; s != ""; {
			n := min(size, len(s))
			parts, s = append(parts, s[:n]), s[n:]
		}
		keys, mouse, final := runBytes(t, FilterInput(&chunks{parts: parts}))
		// y may come in the read with q, before the program ends.
		if got := strings.TrimSuffix(strings.Join(keys, " "), " y"); got != "j q" {
			t.Errorf("reads of %d bytes: keys that reached the dashboard: %q, want only j and q", size, keys)
		}
		if len(mouse) != 1 || mouse[0].X != 2 || mouse[0].Y != 1 {
			t.Errorf("reads of %d bytes: mouse messages %+v, want the one click at column 3, row 2", size, mouse)
		}
		if !final.Scenario().Equal(testDS.Base()) {
			t.Errorf("reads of %d bytes: the malformed reports changed the scenario", size)
		}
	}
}

// chunks reads its parts one per Read, as a link delivers them.
type chunks struct{ parts []string }

func (c *chunks) Read(p []byte) (int, error) {
	if len(c.parts) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.parts[0])
	c.parts[0] = c.parts[0][n:]
	if c.parts[0] == "" {
		c.parts = c.parts[1:]
	}
	return n, nil
}

// TestFilterInputPassesTheRest: the filter changes nothing but malformed
// control sequences: keys, UTF-8, well-formed sequences of every kind, a
// paste, an ESC at the end of a read (the Escape key), and URxvt's "$"
// keys pass byte for byte, however the input is cut into reads.
func TestFilterInputPassesTheRest(t *testing.T) {
	clean := "abc q-+ é€😀\x7f\r\t" +
		"\x1b[A\x1b[1;5C\x1b[<0;3;2M\x1b[<64;10;10M\x1b[200~pasted \x1b text\x1b[201~" +
		"\x1b]11;rgb:0000/0000/0000\x1b\\\x1bOP\x1bx\x1b\x1b[2$\x1b[?1;2c\x1b[M !!" +
		"\x1b"
	for _, size := range []int{1, 2, 3, 7, 4096} {
		var parts []string
		for s := clean; s != ""; {
			n := min(size, len(s))
			parts, s = append(parts, s[:n]), s[n:]
		}
		got, err := io.ReadAll(FilterInput(&chunks{parts: parts}))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != clean {
			t.Errorf("reads of %d bytes: %q\nwant %q", size, got, clean)
		}
	}
	// And drops what is malformed, whole, wherever the reads cut it.
	bad := "a\x1b[<0;-5;-5Mb\x1b[<-1;10;10Mc\x1b[1 2 3~d\x1b[<0;-5\x03e\x1b[12;34\x03f"
	want := "abcd\x03e\x03f"
	for _, size := range []int{1, 2, 5, len(bad) + 1} {
		var parts []string
		for s := bad; s != ""; {
			n := min(size, len(s))
			parts, s = append(parts, s[:n]), s[n:]
		}
		got, _ := io.ReadAll(FilterInput(&chunks{parts: parts}))
		// Where a read ended inside the sequence, the part that went out
		// is ended with "z", as a sequence the decoder reports as
		// unknown.
		if finished.ReplaceAllString(string(got), "") != want || size > len(bad) && string(got) != want {
			t.Errorf("reads of %d bytes: %q, want %q", size, got, want)
		}
	}
}

// finished matches a sequence the filter ended with "z".
var finished = regexp.MustCompile("\x1b\\[[\x30-\x3f]*[\x20-\x2f]*z")

// malformedCSI matches a control sequence with a parameter byte after an
// intermediate one: what FilterInput drops.
var malformedCSI = regexp.MustCompile("\x1b\\[[\x30-\x3f]*[\x20-\x2f]+[\x30-\x3f]")

// FuzzFilterInput: whatever a terminal or a client sends, read in one
// piece, the filter only deletes bytes, leaves no malformed sequence, and
// filtering twice changes nothing more; read a byte at a time, it leaves
// no malformed sequence either.
func FuzzFilterInput(f *testing.F) {
	for _, seed := range []string{
		"\x1b[<0;-5;-5M", "\x1b[<-1;10;10M", "a\x1b[<0;3;2Mb", "\x1b[1 2 3~", "\x1b[2$", "\x1b\x1b[A",
		"\x1b[200~\x1b[<0;-1;1M\x1b[201~", "\x1b]11;rgb:0/0/0\x1b\\", "é€\x1b[12;34\x03",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out := readWhole(t, in)
		if j := subsequence(out, in); j >= 0 {
			t.Fatalf("the filter wrote %q, not a part of what was read, %q (byte %d)", out, in, j)
		}
		if m := malformedCSI.Find(out); m != nil {
			t.Fatalf("a malformed sequence passed: %q in %q", m, out)
		}
		again := readWhole(t, out)
		if !bytes.Equal(again, out) {
			t.Fatalf("filtering again changed %q to %q", out, again)
		}
		// A byte a read: parts of sequences go out before they are
		// judged, and one found malformed is ended with "z".
		parts := make([]string, len(in))
		for i := range in {
			parts[i] = string(in[i : i+1])
		}
		slow, _ := io.ReadAll(FilterInput(&chunks{parts: parts}))
		// Except after ESC ESC: the first ESC, a key on its own, went out
		// before what follows was known, and text after a dropped
		// sequence can meet it; the decoder then reads an unknown
		// sequence and keys the input had anyway.
		if m := malformedCSI.Find(slow); m != nil && !bytes.Contains(in, []byte("\x1b\x1b")) {
			t.Fatalf("read a byte at a time, a malformed sequence passed: %q in %q", m, slow)
		}
	})
}

// subsequence is -1 when sub is in s in order, else the index in sub of
// the first byte that is not.
func subsequence(sub, s []byte) int {
	i := 0
	for _, c := range s {
		if i < len(sub) && sub[i] == c {
			i++
		}
	}
	if i == len(sub) {
		return -1
	}
	return i
}

// readWhole filters in read in one piece.
func readWhole(t *testing.T, in []byte) []byte {
	t.Helper()
	f := FilterInput(bytes.NewReader(in))
	buf := make([]byte, len(in)+1)
	var out []byte
	for {
		n, err := f.Read(buf)
		out = append(out, buf[:n]...)
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}
