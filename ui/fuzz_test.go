package ui

import (
	"fmt"
	"image/color"
	"math"
	"reflect"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"iomt/model"
)

// fuzzKeys are the keys FuzzUpdate presses: every key of DefaultKeyMap
// (TestFuzzKeysCoverBindings keeps it so), digits for the prompt, and the
// text input's editing keys.
var fuzzKeys = []string{
	"1", "2", "3", "4", "[", "]", "up", "k", "down", "j", "enter", "right", "l", "esc", "left", "h",
	"+", "=", "-", "_", ">", ".", "<", ",", "e", "space", "u", "ctrl+r", "r", "R", "v", "b", "tab",
	"?", "q", "ctrl+c", "y", "Y", "n", "N", "s", "o", "c", "x", "i", "M", "w", "/", "f", "g", "t", "m", "d",
	"p", "T", "0", "5", "6", "7", "8", "9", "%", "V", "S", "B",
	"backspace", "delete", "ctrl+u", "ctrl+k", "ctrl+w", "home", "end", "ctrl+a", "ctrl+e", "ctrl+v",
}

// oddRunes are typed now and then: wide, combining, control and invisible
// characters that must not break the layout.
var oddRunes = []rune{'é', '中', '😀', '\u0301', '\u200b', '\x00', '\x1b', '\x7f', '\u0085', '\t', '\n', '\u202e', 'Ｗ'}

// keyMsg builds the message a terminal sends for the key named s, in the
// notation of key.Binding.
func keyMsg(s string) tea.KeyPressMsg {
	named := map[string]rune{
		"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
		"enter": tea.KeyEnter, "esc": tea.KeyEscape, "tab": tea.KeyTab, "backspace": tea.KeyBackspace,
		"delete": tea.KeyDelete, "home": tea.KeyHome, "end": tea.KeyEnd,
	}
	switch {
	case s == "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case strings.HasPrefix(s, "ctrl+"):
		return tea.KeyPressMsg{Code: rune(s[len("ctrl+")]), Mod: tea.ModCtrl}
	}
	if c, ok := named[s]; ok {
		return tea.KeyPressMsg{Code: c}
	}
	return runeKey([]rune(s)[0])
}

// TestFuzzKeysCoverBindings checks that FuzzUpdate presses every bound
// key, and that keyMsg builds the key each name stands for.
func TestFuzzKeysCoverBindings(t *testing.T) {
	have := map[string]bool{}
	for _, s := range fuzzKeys {
		if got := keyMsg(s).String(); got != s {
			t.Errorf("keyMsg(%q) is %q", s, got)
		}
		have[s] = true
	}
	km := reflect.ValueOf(DefaultKeyMap())
	for i := range km.NumField() {
		b := km.Field(i).Interface().(key.Binding)
		for _, k := range b.Keys() {
			if !have[k] {
				t.Errorf("FuzzUpdate never presses %q (%s)", k, km.Type().Field(i).Name)
			}
		}
	}
}

// fuzzOps decodes fuzz input into messages. Each message starts with one
// byte: 0 a window size (3 more bytes: width 1..400, height 1..150),
// 1 a rune (1 byte: printable ASCII, or one of oddRunes), 2 a left click
// (2 bytes), 3 a background colour (light or dark by parity), and
// everything else one of fuzzKeys.
func fuzzOps(data []byte) []tea.Msg {
	const nOps = 4
	var msgs []tea.Msg
	next := func() int {
		if len(data) == 0 {
			return 0
		}
		b := data[0]
		data = data[1:]
		return int(b)
	}
	for len(data) > 0 && len(msgs) < 40 {
		op := next() % (nOps + len(fuzzKeys))
		switch op {
		case 0:
			w := (next()|next()<<8)%400 + 1
			h := next()%150 + 1
			msgs = append(msgs, tea.WindowSizeMsg{Width: w, Height: h})
		case 1:
			b := next()
			r := rune(0x20 + b%0x5f)
			if b >= 0xf0 {
				r = oddRunes[b%len(oddRunes)]
			}
			msgs = append(msgs, runeKey(r))
		case 2:
			x, y := next(), next()
			msgs = append(msgs, tea.MouseClickMsg{X: x + 256*(y&1), Y: y >> 1, Button: tea.MouseLeft})
		case 3:
			c := color.Color(color.Black)
			if next()%2 == 1 {
				c = color.White
			}
			msgs = append(msgs, tea.BackgroundColorMsg{Color: c})
		default:
			msgs = append(msgs, keyMsg(fuzzKeys[op-nOps]))
		}
	}
	return msgs
}

// fuzzSeed encodes messages in fuzzOps' format, for readable seeds.
func fuzzSeed(parts ...any) []byte {
	var out []byte
	for _, p := range parts {
		switch p := p.(type) {
		case [2]int: // a window size
			w := p[0] - 1
			out = append(out, 0, byte(w), byte(w>>8), byte(p[1]-1))
		case string: // key names separated by spaces
			for _, s := range strings.Fields(p) {
				i := indexOf(fuzzKeys, s)
				if i < 0 {
					panic("no fuzz key " + s)
				}
				out = append(out, byte(4+i))
			}
		case rune: // typed text
			out = append(out, 1, byte(p-0x20))
		}
	}
	return out
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// stepError checks the model after one message: the view fits the
// terminal and the scenario keeps its invariants.
func stepError(m *Model, w, h int) string {
	v := view(m)
	if w > 0 {
		lines := strings.Split(v, "\n")
		for i, l := range lines {
			if lw := ansi.StringWidth(l); lw > w {
				return fmt.Sprintf("line %d is %d cells wide in a %d×%d terminal: %q", i, lw, w, h, l)
			}
		}
		if len(lines) > h {
			return fmt.Sprintf("the view has %d lines in a %d×%d terminal", len(lines), w, h)
		}
	}
	a := m.Scenario()
	if msg := invariantError(a); msg != "" {
		return msg
	}
	for n, g := range a.Growth {
		if math.IsNaN(g) || math.IsInf(g, 0) {
			return fmt.Sprintf("growth of node %d is %v", n, g)
		}
	}
	rows := m.sel.rows()
	if cur := m.sel.cursor[m.sel.dim]; cur < 0 || cur >= len(rows) {
		return fmt.Sprintf("cursor %d outside the %d rows", cur, len(rows))
	}
	return ""
}

func FuzzUpdate(f *testing.F) {
	// More seeds, at other sizes, are in testdata/fuzz/FuzzUpdate.
	f.Add(fuzzSeed([2]int{80, 24}, "j + + > < space > e", '2', '1', '.', '5', "enter u ctrl+r r R v v b q n"))
	f.Add(fuzzSeed([2]int{79, 23}, "j + q", [2]int{1, 1}, "j", [2]int{400, 150}, "3 j > > > > > > > > > > > > > >"))
	f.Add(fuzzSeed([2]int{80, 24}, "1 j enter e ctrl+u", 'a', 'b', 'c', "enter esc tab right right left e", '9', '9', '9', '9', "enter"))
	f.Add(fuzzSeed("j + e", [2]int{100, 30}, "ctrl+u", '-', '9', '9', "enter", [2]int{80, 24}, "space j space j space j >"))
	f.Add([]byte{0, 79, 0, 23, 2, 10, 2, 2, 30, 4, 3, 1, 3, 0})
	// The screens of issue 21: the market's size and a path year with e,
	// Monte Carlo shaped (tab to the range, v, r), the data table.
	f.Add(fuzzSeed([2]int{80, 24}, "e tab tab", '0', "enter esc 4 j j j e tab tab tab up", '5', "enter m tab", '9', "tab", '9', "9 enter v r tab", '.', '5', "enter esc"))
	f.Add(fuzzSeed([2]int{80, 24}, "4 j j j T down + > > tab up - < left", [2]int{160, 48}, "T > > > > > > > > esc"))
	// Compare, bridge and summary screens, reached through the built-in
	// scenarios (a workspace without a folder: nothing is written).
	f.Add(fuzzSeed([2]int{80, 24}, "c j space j space enter 4 j B tab left down enter S right esc V v x esc", [2]int{160, 48}, "B S c space enter"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m := New(testDS, baseScenario(), Options{Dark: true, Workspace: &model.Workspace{Builtin: testBuiltins()}})
		w, h := 0, 0
		for i, msg := range fuzzOps(data) {
			m = send(t, m, msg)
			if s, ok := msg.(tea.WindowSizeMsg); ok {
				w, h = s.Width, s.Height
			}
			if e := stepError(m, w, h); e != "" {
				t.Fatalf("after message %d (%#v): %s\n%s", i, msg, e, view(m))
			}
		}
	})
}
