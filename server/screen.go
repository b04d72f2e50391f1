package server

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
)

// A served session draws its own frames instead of leaving it to Bubble
// Tea's renderer. The renderer redraws on a clock, 60 times a second per
// session whether anything changed or not: 200 idle sessions cost 0.1 CPU
// just ticking. Drawn here, a frame is made only when the dashboard's view
// changes, and followers that show the same screen share one frame's
// bytes (see audience.go). The painter (rows.go) draws what changed;
// ultraviolet, the renderer Bubble Tea uses, a frame it cannot.

// frames turns screen contents into terminal bytes: the changes from the
// frame it made before, or, after erase, the whole screen. Rows that stand
// alone are drawn by a painter (rows.go); a frame with any other row is
// drawn by ultraviolet's renderer, whole.
type frames struct {
	out   bytes.Buffer
	scr   *uv.TerminalRenderer
	cells uv.ScreenBuffer
	w, h  int
	pens  *pens
	// rows are the content's rows of the frame drawn last, and shown the
	// cells the terminal shows for them, when the painter drew it (valid);
	// else the next frame is drawn whole.
	rows, spare  []string
	shown, fresh []cell
	valid        bool
	changed      []bool
}

func newFrames(w, h int, profile colorprofile.Profile, env []string) *frames {
	f := &frames{pens: newPens(profile)}
	f.scr = uv.NewTerminalRenderer(&f.out, env)
	f.scr.SetColorProfile(profile)
	f.scr.SetFullscreen(true) // the alternate screen, addressed absolutely
	f.scr.SetRelativeCursor(false)
	f.scr.SetTabStops(-1)
	// The session's emulated terminal turns "\n" into "\r\n" (ONLCR), so
	// a line feed must not be used to move the cursor down a column.
	f.scr.SetMapNewline(true)
	f.scr.SetScrollOptim(true)
	f.resize(w, h)
	return f
}

// next returns the bytes that turn the previous frame into content.
func (f *frames) next(content string) []byte {
	if b, ok := f.paint(content); ok {
		return b
	}
	// Drawn by ultraviolet, whole: the painter's cells are not the
	// terminal's any more, nor ultraviolet's its own.
	f.valid, f.rows = false, nil
	f.scr.Erase()
	f.cells.Clear()
	uv.NewStyledString(content).Draw(f.cells, f.cells.Bounds())
	f.scr.Render(f.cells.RenderBuffer)
	// Every frame leaves the cursor home (the pen is reset by Render): a
	// group's next diff then applies to a terminal that got this frame as
	// a diff or whole alike, wherever each put the cursor.
	f.scr.MoveTo(0, 0)
	_ = f.scr.Flush() // writes into f.out, a bytes.Buffer: it cannot fail
	b := bytes.Clone(f.out.Bytes())
	f.out.Reset()
	f.scr.Erase() // the painter draws the next frame; ultraviolet, whole, if not
	return b
}

// paint draws content with the painter: only the rows that changed, or
// every row after erase; ok is false, with nothing drawn, when a row
// does not stand alone or the painter cannot place it.
func (f *frames) paint(content string) (b []byte, ok bool) {
	rows := f.spare[:0]
	for y := 0; y < f.h; y++ {
		row, rest, more := strings.Cut(content, "\n")
		if !standsAlone(row) {
			return nil, false
		}
		rows = append(rows, row)
		if !more {
			break
		}
		content = rest
	}
	for len(rows) < f.h {
		rows = append(rows, "")
	}
	whole := !f.valid || len(f.rows) != f.h
	for y := range f.h {
		f.changed[y] = whole || rows[y] != f.rows[y]
		if f.changed[y] && !f.pens.cells(rows[y], f.fresh[y*f.w:(y+1)*f.w]) {
			if len(f.pens.raw) >= maxPens {
				f.pens.reset()
			}
			return nil, false
		}
	}
	d := painter{p: f.pens, w: f.w, gap: 3}
	if whole {
		d.out = append(d.out, "\x1b[H\x1b[2J"...)
		d.anything = true
		for i := range f.shown {
			f.shown[i] = blankCell
		}
	}
	for y := range f.h {
		if f.changed[y] {
			line := f.shown[y*f.w : (y+1)*f.w]
			d.row(line, f.fresh[y*f.w:(y+1)*f.w], y)
			copy(line, f.fresh[y*f.w:(y+1)*f.w])
		}
	}
	d.finish()
	f.rows, f.spare = rows, f.rows
	f.valid = true
	return d.out, true
}

// standsAlone reports whether row leaves the pen as it found it and
// needs nothing from the row before: valid UTF-8 without control
// characters (C1 included), whose only escape sequences are SGR ones, the
// last a reset. Anything else is drawn with the whole content, as
// before.
func standsAlone(row string) bool {
	if !utf8.ValidString(row) {
		return false
	}
	styled := false
	for i := 0; i < len(row); i++ {
		c := row[i]
		switch {
		case c == ansi.ESC:
			j := i + 1
			if j >= len(row) || row[j] != '[' {
				return false
			}
			j++
			for j < len(row) && row[j] >= 0x30 && row[j] <= 0x3f {
				j++
			}
			if j >= len(row) || row[j] != 'm' {
				return false
			}
			params := row[i+2 : j]
			styled = params != "" && params != "0"
			i = j
		case c < 0x20 || c == 0x7f:
			return false
		case c == 0xc2 && i+1 < len(row) && row[i+1] < 0xa0:
			return false // U+0080–U+009F, the C1 controls
		}
	}
	return !styled
}

// erase makes the next frame a whole screen: the terminal shows something
// else now (another screen's frames, or a resize scrolled it).
func (f *frames) erase() {
	f.valid = false
	f.scr.MoveTo(0, 0)
	f.scr.Erase()
}

// resize sets a new size; the next frame is a whole screen.
func (f *frames) resize(w, h int) {
	f.w, f.h = w, h
	f.cells = uv.NewScreenBuffer(w, h)
	f.scr.Resize(w, h)
	f.shown, f.fresh = make([]cell, w*h), make([]cell, w*h)
	f.changed = make([]bool, h)
	f.rows, f.spare = nil, nil
	f.erase()
}

// wholeFrame is content as a whole screen, from a terminal in any state.
func wholeFrame(content string, w, h int, profile colorprofile.Profile, env []string) []byte {
	return newFrames(w, h, profile, env).next(content)
}

// syncWriter serialises the writes to one session: its own frames, its
// group's frames and Bubble Tea's out-of-band output (terminal queries,
// the clipboard) never interleave.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// Terminal modes of a dashboard session, set once at its start and undone
// at its end: the alternate screen, a hidden cursor, bracketed paste, mouse
// clicks, and the keyboard disambiguation Bubble Tea's renderer asks for
// (so keys arrive as they would without this package).
const (
	modesOn = ansi.SetModeAltScreenSaveCursor + ansi.ResetModeTextCursorEnable +
		ansi.SetModeBracketedPaste + ansi.SetModeMouseButtonEvent + ansi.SetModeMouseExtSgr +
		ansi.SetModifyOtherKeys2
	modesOff = ansi.ResetModifyOtherKeys + ansi.ResetModeMouseButtonEvent + ansi.ResetModeMouseAnyEvent +
		ansi.ResetModeMouseExtSgr + ansi.ResetModeBracketedPaste + ansi.SetModeTextCursorEnable +
		ansi.ResetModeAltScreenSaveCursor
)

// kittyOn and kittyOff push and pop the kitty keyboard protocol's basic
// disambiguation, as Bubble Tea does.
var (
	kittyOn  = ansi.PushKittyKeyboard(1) + ansi.RequestKittyKeyboard
	kittyOff = ansi.PopKittyKeyboard(1)
)

// synced wraps a frame in synchronized output (mode 2026), so a terminal
// that knows it shows the frame at once; others ignore the mode.
func synced(b []byte) []byte {
	out := make([]byte, 0, len(b)+len(ansi.SetModeSynchronizedOutput)+len(ansi.ResetModeSynchronizedOutput))
	out = append(out, ansi.SetModeSynchronizedOutput...)
	out = append(out, b...)
	return append(out, ansi.ResetModeSynchronizedOutput...)
}
