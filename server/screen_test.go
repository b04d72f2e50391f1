package server

import (
	"bytes"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"iomt/ui"
)

// TestFramesDrawTheView: the bytes frames makes, fed to a terminal, show
// exactly the dashboard's view after each change, and a whole frame shows
// it on a terminal in any state.
func TestFramesDrawTheView(t *testing.T) {
	const w, h = 100, 30
	m := ui.New(testDS, testBase, ui.Options{Dark: true})
	next, _ := m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	m = next.(*ui.Model)
	f := newFrames(w, h, colorprofile.TrueColor, []string{"TERM=xterm-256color"})
	term := newVT(w, h)
	_, _ = term.Write([]byte(modesOn + kittyOn))
	for i, k := range []string{"", "2", "+", "j", "+", "v", "j", "j", "j", ">", "3", "v", "4", "j", "enter", "k", "+", "esc", "1", "+", "v", "-", "tab", "left", "left"} {
		if k != "" {
			next, _ = m.Update(keyMsg(k))
			m = next.(*ui.Model)
		}
		content := m.View().Content
		b := synced(append([]byte(ansi.SetWindowTitle("iomt — x")), f.next(content)...))
		b = bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")) // the session's ONLCR
		for len(b) > 0 {                                      // as an SSH channel may cut it
			n := min(len(b), 7)
			_, _ = term.Write(b[:n])
			b = b[n:]
		}
		want := strings.Split(ansi.Strip(content), "\n")
		got := strings.Split(term.String(), "\n")
		for y := range want {
			if y < len(got) && strings.TrimRight(got[y], " ") != strings.TrimRight(want[y], " ") {
				t.Fatalf("step %d (%q), line %d:\n got %q\nwant %q\nscreen:\n%s", i, k, y, got[y], want[y], term.String())
			}
		}
	}
}

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// BenchmarkSessionKeypress is a typing session's work per key at 100×30
// but SSH: the dashboard's Update and View, then the frame's bytes (the
// content parsed into cells and diffed against the terminal's).
func BenchmarkSessionKeypress(b *testing.B) {
	const w, h = 100, 30
	m := ui.New(testDS, testBase, ui.Options{Dark: true})
	next, _ := m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	next, _ = next.Update(keyMsg("j"))
	m = next.(*ui.Model)
	f := newFrames(w, h, colorprofile.ANSI256, []string{"TERM=xterm-256color"})
	f.next(m.View().Content)
	keys := [2]tea.KeyPressMsg{keyMsg("+"), keyMsg("-")}
	b.ReportAllocs()
	n := 0
	for i := 0; b.Loop(); i++ {
		next, _ = m.Update(keys[i%2])
		m = next.(*ui.Model)
		n += len(f.next(m.View().Content))
	}
	b.ReportMetric(float64(n)/float64(b.N), "B/frame")
}
