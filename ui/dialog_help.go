package ui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// helpDialog is the `?` screen: every key, the focused pane's first, and
// how to read the numbers. Any key closes it; q quits.
type helpDialog struct {
	e             env
	help          help.Model
	groups        [][]key.Binding
	width, height int
	// following, for a viewer following a presenter, says first that
	// most keys listed work only in a private copy.
	following string
}

// newHelpDialog lists paneKeys, the keys of the focused pane, where the
// navigation keys go.
func newHelpDialog(e env, paneKeys []key.Binding, viewer, canPresent bool) *helpDialog {
	h := help.New()
	h.Styles = e.look.styles.help()
	return &helpDialog{e: e, help: h, groups: e.look.keys.FullHelp(paneKeys, viewer, canPresent)}
}

func (d *helpDialog) Update(msg tea.Msg) (step, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return stay(d), nil
	}
	if key.Matches(k, d.e.look.keys.Quit) {
		return done(requestQuitMsg{}), nil
	}
	return done(nil), nil
}

func (d *helpDialog) SetSize(w, h int)        { d.width, d.height = w, h }
func (d *helpDialog) Placement() placement    { return placeBody }
func (d *helpDialog) Bindings() []key.Binding { return nil }
func (d *helpDialog) setStyles(s *Styles)     { d.help.Styles = s.help() }

func (d *helpDialog) View() string {
	e, s := d.e, d.e.look.styles
	inner := d.width - 2
	full := helpKeys(d.help, d.groups, inner)
	_, _, span := e.scen.Window()
	notes := []string{
		s.Title.Render("Reading the numbers"),
		"Share: % of parent in " + strconv.Itoa(e.scen.Result().BaseYear) + " · CAGR: entered, %/yr · Real: realised CAGR " +
			span + " (w: another window)",
		"* the report states this figure; every other is an estimate (i: details).",
		"L a locked share: a sibling's change leaves it alone · ~ years of its own rate",
		"Top-down: the total grows at the market CAGR and each segment's growth moves its share.",
		"Bottom-up (b): the current tab's segments grow at their own rates and the total is their sum.",
	}
	for i, n := range notes {
		notes[i] = ansi.Wrap(n, inner, "") // the pane would cut long lines
	}
	keys := s.Title.Render("Keys")
	if d.following != "" {
		keys += "\n" + ansi.Wrap(s.Error.Render(d.following), inner, "")
	}
	body := keys + "\n" + full + "\n" + strings.Join(notes, "\n")
	// The closing hint is in the title, where 80×24 cannot cut it off.
	return pane(s, true, "Help · any key closes · q quits", body, d.width, d.height)
}

// helpKeys lays out the key help in columns when they fit in width w,
// else as a list that wraps, so that no binding is ever cut off.
func helpKeys(h help.Model, groups [][]key.Binding, w int) string {
	h.SetWidth(0)
	if full := h.FullHelpView(groups); lipgloss.Width(full) <= w {
		return full
	}
	sep := h.Styles.ShortSeparator.Render(h.ShortSeparator)
	sepW := lipgloss.Width(sep)
	var lines []string
	line, lineW := "", 0
	for _, g := range groups {
		for _, b := range g {
			if !b.Enabled() || b.Help().Key == "" {
				continue
			}
			item := h.Styles.ShortKey.Render(b.Help().Key) + " " + h.Styles.ShortDesc.Render(b.Help().Desc)
			iw := lipgloss.Width(item)
			if lineW > 0 && lineW+sepW+iw > w {
				lines = append(lines, line)
				line, lineW = "", 0
			}
			if lineW > 0 {
				line += sep
				lineW += sepW
			}
			line += item
			lineW += iw
		}
	}
	return strings.Join(append(lines, line), "\n")
}
