package ui

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"iomt/model"
)

// infoDialog is the report information (i): source, reported figures,
// context and which numbers are estimates, in a scrolling viewport. The
// text is wrapped to the width it has, again on every resize.
type infoDialog struct {
	e             env
	vp            viewport.Model
	width, height int
}

func newInfoDialog(e env) *infoDialog { return &infoDialog{e: e} }

func (d *infoDialog) Update(msg tea.Msg) (step, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		if key.Matches(k, d.e.look.keys.Cancel, d.e.look.keys.Info, d.e.look.keys.Quit) {
			return done(nil), nil
		}
	}
	var cmd tea.Cmd
	d.vp, cmd = d.vp.Update(msg)
	return stay(d), cmd
}

// SetSize rewraps the text to the new width, keeping the scroll position
// as near as the new wrapping allows.
func (d *infoDialog) SetSize(w, h int) {
	d.width, d.height = w, h
	off := d.vp.YOffset()
	d.vp.SetWidth(w - 2)
	d.vp.SetHeight(h - 2)
	d.vp.SetContent(infoText(d.e, w-4))
	d.vp.SetYOffset(off)
}

func (d *infoDialog) Placement() placement { return placeBody }

// setStyles redraws the text in the new palette.
func (d *infoDialog) setStyles(*Styles) { d.SetSize(d.width, d.height) }

func (d *infoDialog) Bindings() []key.Binding {
	closeIt := d.e.look.keys.Cancel
	closeIt.SetHelp("esc", "close")
	return []key.Binding{d.e.look.keys.Up, d.e.look.keys.Down, closeIt}
}

func (d *infoDialog) View() string {
	return pane(d.e.look.styles, true, "Report information · ↑↓ scroll · esc close", d.vp.View(), d.width, d.height)
}

// infoText is the report information wrapped at w columns; "" when the
// dataset has none to give.
func infoText(e env, w int) string {
	s := e.look.styles
	ds := e.ds
	var b strings.Builder
	w = max(w, 20)
	para := func(text string) {
		b.WriteString(wrap(clean(text), w, ""))
		b.WriteString("\n")
	}
	item := func(mark, text string) {
		b.WriteString(wrap(mark+" "+clean(text), w, "  "))
		b.WriteString("\n")
	}
	head := func(text string) { b.WriteString("\n" + s.Title.Render(text) + "\n") }
	b.WriteString(s.Title.Render(clean(ds.Market)) + "\n")
	if ds.Source != "" {
		para("Source: " + ds.Source)
	}
	units := unitLabel(e.ds)
	if full := clean(ds.Currency) + " " + clean(ds.Unit); full != units {
		units += " (" + full + ")" // "US$ bn (USD billion)", not "JPY thousand (JPY thousand)"
	}
	para(fmt.Sprintf("Base year %d, forecast to %d; values in %s.", ds.BaseYear, ds.EndYear, units))
	if ds.Context.Summary != "" {
		para(ds.Context.Summary)
	}
	// The selected row first: where each of its figures comes from, and
	// the dataset's reason for it, in full.
	n := e.sel.selected()
	head("Selected: " + clean(nodeName(e.ds, n)))
	for _, f := range figures(e.ds, e.scen.Assumptions(), n) {
		line := f.label + " " + f.value + ": " + f.source
		switch {
		case f.note != "":
			line += ". " + f.note
		case f.source == "estimate":
			line += ", no rationale given"
		}
		item("•", line)
	}
	var stated strings.Builder // the figures the source states, one item each
	base := ds.Base()
	estimates, reasoned := 0, 0
	for n := range ds.Nodes {
		node := &ds.Nodes[n]
		for _, f := range figuresOf(node, n) {
			if !node.IsReported(f) {
				estimates++
				if node.Notes[f] != "" {
					reasoned++
				}
				continue
			}
			var v string
			switch f {
			case model.FieldValue:
				v = fmt.Sprintf("%s in %d", clean(ds.Amount(fmtAmount(node.InputValueBn))), ds.BaseYear)
			case model.FieldShare:
				v = fmt.Sprintf("%g %% share in %d", base.Share[n], ds.BaseYear)
			case model.FieldCAGR:
				v = fmt.Sprintf("CAGR %g %%", base.Growth[n])
			}
			stated.WriteString(wrap("* "+clean(node.Path+": "+v), w, "  ") + "\n")
		}
	}
	if stated.Len() > 0 {
		head("Figures the source states")
		b.WriteString(stated.String())
	} else {
		head("Figures")
	}
	other := "Every other figure"
	if stated.Len() == 0 {
		other = "Every figure"
	}
	switch {
	case estimates == 0:
		para("Every figure is the source's own.")
	case reasoned == estimates:
		para(fmt.Sprintf(other+" (%d base-year shares, values and growth rates) is an estimate, each with its rationale in the dataset (under the tree for the selected row); exports mark which is which.", estimates))
	case reasoned == 0:
		para(fmt.Sprintf(other+" (%d base-year shares, values and growth rates) is an estimate; the dataset gives no rationale for them. Exports mark which is which.", estimates))
	default:
		para(fmt.Sprintf(other+" (%d base-year shares, values and growth rates) is an estimate; %d of them have a rationale in the dataset (under the tree for the selected row), the rest none. Exports mark which is which.", estimates, reasoned))
	}
	list := func(title string, items []string) {
		if len(items) == 0 {
			return
		}
		head(title)
		for _, it := range items {
			item("•", it)
		}
	}
	list("Market drivers", ds.Context.Drivers)
	list("Challenges", ds.Context.Challenges)
	list("Opportunities", ds.Context.Opportunities)
	list("Key players", ds.Context.KeyPlayers)
	if e.scen.Description() != "" {
		head("This scenario: " + clean(e.scen.Name()))
		para(e.scen.Description())
	}
	return b.String()
}

// figuresOf lists the figures a node carries in the dataset: the total its
// value and rate, a segment its share (or base value) and rate.
func figuresOf(node *model.Node, n int) []string {
	switch {
	case n == 0:
		return []string{model.FieldValue, model.FieldCAGR}
	case node.InputValueBn == node.InputValueBn: // given as a value, not NaN
		return []string{model.FieldValue, model.FieldCAGR}
	}
	return []string{model.FieldShare, model.FieldCAGR}
}

// wrap breaks text into lines of at most w columns at spaces, indenting
// continuation lines by indent. A word longer than a line (a path) is
// broken where the line ends, never cut off.
func wrap(text string, w int, indent string) string {
	var words []string
	for _, word := range strings.Fields(text) {
		// A unit stays with its number: "6.2 %" never breaks before "%",
		// nor "4.2 %:" before "%:".
		if unit := strings.TrimRight(word, ",.:;)"); (unit == "%" || unit == "pp") && len(words) > 0 {
			words[len(words)-1] += " " + word
			continue
		}
		for room := max(w-len(indent), 1); textWidth(word) > room; {
			head := ansi.Truncate(word, room, "")
			if head == "" { // a wide character in a one-column room
				_, size := utf8.DecodeRuneInString(word)
				head = word[:size]
			}
			words = append(words, head)
			word = word[len(head):]
		}
		words = append(words, word)
	}
	var out strings.Builder
	col := 0
	for i, word := range words {
		ww := textWidth(word)
		switch {
		case i == 0:
		case col+1+ww > w:
			out.WriteString("\n" + indent)
			col = len(indent)
		default:
			out.WriteByte(' ')
			col++
		}
		out.WriteString(word)
		col += ww
	}
	return out.String()
}
