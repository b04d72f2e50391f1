package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// confirmDialog asks a yes/no question on the status line before an
// action that would lose edits. yes is the message the root acts on when
// the answer is y.
type confirmDialog struct {
	e        env
	question string
	names    []string // parts of question that may be shortened to fit
	yes      tea.Msg
	width    int
}

// newConfirm asks question; names are the scenario names in it, which
// give way first when the line is too narrow.
func newConfirm(e env, question string, yes tea.Msg, names ...string) *confirmDialog {
	cleaned := make([]string, len(names))
	for i, n := range names {
		cleaned[i] = clean(n)
	}
	return &confirmDialog{e: e, question: clean(question), names: cleaned, yes: yes}
}

func (d *confirmDialog) Update(msg tea.Msg) (step, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	switch {
	case !ok:
	case key.Matches(k, d.e.look.keys.Yes):
		return done(d.yes), nil
	case key.Matches(k, d.e.look.keys.No):
		return done(said("Nothing changed.")), nil
	}
	return stay(d), nil
}

func (d *confirmDialog) SetSize(w, _ int)     { d.width = w }
func (d *confirmDialog) Placement() placement { return placeLine }
func (d *confirmDialog) Bindings() []key.Binding {
	yes, no := d.e.look.keys.Yes, d.e.look.keys.No
	yes.SetHelp("y", "yes")
	no.SetHelp("n", "no")
	return []key.Binding{yes, no}
}

// View shortens the names in the question, then the question, rather
// than the " y/n" after it, which the status line would cut at 80
// columns ("Unsaved changes to Accelerated adoption will be lost. Open
// Security headwinds?").
func (d *confirmDialog) View() string {
	return askLine(d.e.look.styles, d.question, d.width, d.names...)
}

// askLine renders a yes/no question in width columns: the longest of
// names in it is shortened first (to no less than minName), then the
// question's tail, so that what is asked and " y/n" stay in sight.
func askLine(s *Styles, question string, width int, names ...string) string {
	const minName = 12
	room := max(width-len(" y/n"), 1)
	for over := ansi.StringWidth(question) - room; over > 0; over = ansi.StringWidth(question) - room {
		longest := -1
		for i, n := range names {
			if ansi.StringWidth(n) > minName && (longest < 0 || ansi.StringWidth(n) > ansi.StringWidth(names[longest])) {
				longest = i
			}
		}
		if longest < 0 {
			break
		}
		n := names[longest]
		short := ansi.Truncate(n, max(ansi.StringWidth(n)-over, minName), "…")
		question = strings.Replace(question, n, short, 1)
		names[longest] = short
	}
	q := ansi.Truncate(question, room, "…")
	return ansi.Truncate(s.Error.Render(q+" y/n"), width, "…")
}
