package ui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"iomt/export"
	"iomt/model"
)

// Comparing several scenarios: the compare picker marks up to
// maxCompared of them (space), in the order marked, which is the order
// they are shown in; enter compares with them.

// maxCompared is the most scenarios compared with the one on screen.
const maxCompared = export.MaxCompare

// compareMsg reports the scenarios marked in the compare picker, in
// order; none stops comparing.
type compareMsg struct{ entries []model.Entry }

// compareMarks are the marks of a compare picker: the entries marked, by
// path, in the order marked; was tells a picker opened on a comparison
// (enter with every mark taken off stops it) from a fresh one (enter on
// no mark compares with the highlighted scenario alone).
type compareMarks struct {
	order []string
	was   bool
}

// preMark marks the entries of the scenarios compared now, in their
// order, matched by name.
func (c *compareMarks) preMark(e env, items []choice) {
	for _, cs := range e.scen.Compared() {
		for _, it := range items {
			if it.entry != nil && strings.EqualFold(strings.TrimSpace(it.entry.Name), strings.TrimSpace(cs.name)) && !slices.Contains(c.order, it.entry.Path) {
				c.order = append(c.order, it.entry.Path)
				break
			}
		}
	}
	c.was = len(e.scen.Compared()) > 0
	c.label(items)
}

// label writes each item's mark: its place in the order, or an empty box.
func (c *compareMarks) label(items []choice) {
	for i := range items {
		items[i].mark = "[ ] "
		if en := items[i].entry; en != nil {
			if k := slices.Index(c.order, en.Path); k >= 0 {
				items[i].mark = "[" + strconv.Itoa(k+1) + "] "
			}
		}
	}
}

// toggle marks or unmarks the highlighted scenario; it says why not
// when it cannot be marked.
func (d *scenarioPicker) toggle() {
	it, ok := d.selected()
	if !ok || it.entry == nil {
		return
	}
	c := d.marks
	switch k := slices.Index(c.order, it.entry.Path); {
	case k >= 0:
		c.order = slices.Delete(c.order, k, k+1)
	case it.refused != "":
		d.e.status.error(clean(it.entry.Name) + " cannot be compared: " + it.refused + ".")
		return
	case len(c.order) >= maxCompared:
		d.e.status.error(fmt.Sprintf("At most %d scenarios to compare: space on a marked one takes its mark off.", maxCompared))
		return
	default:
		c.order = append(c.order, it.entry.Path)
	}
	d.e.status.clear()
	items := d.items()
	c.label(items)
	idx := d.list.Index()
	d.setItems(items)
	d.list.Select(idx)
}

// items are the picker's choices as listed.
func (d *scenarioPicker) items() []choice {
	var out []choice
	for _, li := range d.list.Items() {
		if ch, ok := li.(choice); ok {
			out = append(out, ch)
		}
	}
	return out
}

// chosen is what enter compares with: the marked scenarios in order;
// with none marked, the highlighted one (a fresh picker) or nothing
// (marks taken off a comparison: it stops).
func (d *scenarioPicker) chosen(highlighted *choice) compareMsg {
	var msg compareMsg
	for _, p := range d.marks.order {
		for _, it := range d.items() {
			if it.entry != nil && it.entry.Path == p {
				msg.entries = append(msg.entries, *it.entry)
			}
		}
	}
	if len(msg.entries) == 0 && !d.marks.was && highlighted != nil && highlighted.entry != nil {
		msg.entries = []model.Entry{*highlighted.entry}
	}
	return msg
}

// compareCmd opens the scenarios marked, in a command, each against ds;
// the first that will not open is the one reported.
func compareCmd(ds *model.Dataset, entries []model.Entry) tea.Cmd {
	return func() tea.Msg {
		msg := openedMsg{purpose: chooseCompare}
		for _, e := range entries {
			sc, err := e.Open(ds)
			if err != nil {
				msg.err, msg.path = err, e.Path
				if e.Builtin {
					msg.path = ""
				}
				return msg
			}
			msg.all = append(msg.all, sc)
		}
		return msg
	}
}

// compareSaid is what the status line says when a comparison starts.
func compareSaid(scs []*model.Scenario) string {
	names := make([]string, len(scs))
	for i, sc := range scs {
		names[i] = sc.Name
	}
	return "Comparing with " + strings.Join(names, ", ") + ": side by side in the table (V: differences), B explains a row's gap, S sums up. c changes them."
}

// comparedNames lists the names of the scenarios compared, for a title.
func comparedNames(cmps []*compareState) string {
	names := make([]string, len(cmps))
	for i, c := range cmps {
		names[i] = clean(c.name)
	}
	return strings.Join(names, ", ")
}
