package ui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"iomt/internal/safetext"
	"iomt/model"
)

// pickedMsg reports the scenario chosen in a picker.
type pickedMsg struct {
	purpose purpose
	entry   model.Entry
}

// listedMsg carries a listing of the workspace to the picker that asked
// for it (gen tells it from a listing for an earlier picker).
type listedMsg struct {
	gen     int
	entries []model.Entry
	err     error
}

// scenarioPicker lists the built-in and saved scenarios, to open one or
// compare with one. It opens at once and fills in when the listing
// (read in a command, not in Update) arrives.
type scenarioPicker struct {
	chooser
	purpose purpose
	gen     int
	loaded  bool
	marks   *compareMarks // the compare picker's (dialog_compare.go)
}

func newScenarioPicker(e env, p purpose, gen int) *scenarioPicker {
	title := "Open a scenario"
	var marks *compareMarks
	if p == chooseCompare {
		title = "Compare " + clean(e.scen.Name()) + " with (space marks up to " + strconv.Itoa(maxCompared) + ", in order)"
		marks = &compareMarks{}
	}
	ch := newChooser(e, title, nil, true)
	ch.list.SetStatusBarItemName("scenario", "scenarios")
	return &scenarioPicker{chooser: ch, purpose: p, gen: gen, marks: marks}
}

func (d *scenarioPicker) Update(msg tea.Msg) (step, tea.Cmd) {
	switch msg := msg.(type) {
	case listedMsg:
		if msg.gen != d.gen {
			return stay(d), nil // for an earlier picker
		}
		return d.fill(msg)
	case tea.KeyPressMsg:
		if d.marks != nil && d.loaded && !d.filtering() && key.Matches(msg, d.e.look.keys.Mark) {
			d.toggle()
			return stay(d), nil
		}
		picked, closed, cmd := d.key(msg)
		switch {
		case closed:
			return done(said("Closed.")), nil
		case picked != nil && d.marks != nil:
			return done(d.chosen(picked)), nil
		case picked != nil:
			return done(pickedMsg{purpose: d.purpose, entry: *picked.entry}), nil
		}
		return stay(d), cmd
	}
	var cmd tea.Cmd
	d.chooser, cmd = d.chooser.Update(msg)
	return stay(d), cmd
}

// fill shows the listing; with nothing to list, the picker closes and
// says how to make a scenario.
func (d *scenarioPicker) fill(msg listedMsg) (step, tea.Cmd) {
	d.loaded = true
	switch {
	case len(msg.entries) == 0 && msg.err != nil:
		return done(refused(d.e.files.reason(msg.err, ""))), nil
	case len(msg.entries) == 0:
		return done(refused("No scenarios yet: save one with s.")), nil
	case msg.err != nil:
		d.e.status.error(d.e.files.reason(msg.err, ""))
	}
	// Scenarios made for another market are not offered: they cannot
	// open on this dataset. The title says how many there are.
	var here []model.Entry
	others := 0
	for _, e := range msg.entries {
		if e.Err == nil && e.Dataset != "" && e.Dataset != d.e.ds.Market {
			others++
			continue
		}
		here = append(here, e)
	}
	switch {
	case others == 1:
		d.title += " (1 for another market not shown)"
	case others > 1:
		d.title += fmt.Sprintf(" (%d for other markets not shown)", others)
	}
	if len(here) == 0 {
		return done(refused(fmt.Sprintf("No scenarios for %s yet (%d for other markets): save one with s.", clean(d.e.ds.Market), others))), nil
	}
	items := scenarioChoices(d.e, here)
	if d.marks != nil {
		markOnScreen(d.e, items)
		d.marks.preMark(d.e, items)
	}
	d.setItems(items)
	return stay(d), nil
}

func (d *scenarioPicker) Placement() placement { return placeBody }
func (d *scenarioPicker) Bindings() []key.Binding {
	if d.marks != nil {
		b := d.chooser.Bindings()
		b[2].SetHelp("enter", "compare marked")
		return append([]key.Binding{d.e.look.keys.Mark}, b...)
	}
	return d.chooser.Bindings()
}

func (d *scenarioPicker) View() string {
	if !d.loaded {
		return pane(d.e.look.styles, true, d.title, "Reading the workspace…", d.width, d.height)
	}
	return d.chooser.View()
}

// scenarioChoices lists scenarios for a picker, each with where it comes
// from and, when it cannot be used here, why.
func scenarioChoices(env env, entries []model.Entry) []choice {
	out := make([]choice, 0, len(entries))
	for i := range entries {
		e := &entries[i]
		desc := clean(e.Description)
		where := "built in"
		if !e.Builtin {
			// A file name in a shared folder is not to be trusted either:
			// shown with visible escapes (\x1b), so the user can find the
			// file, as the command line shows it.
			where = safetext.Escape(env.files.ws.Show(e.Path))
		}
		if desc == "" {
			desc = where
		} else {
			desc = where + " · " + desc
		}
		// A valid scenario's name has nothing to escape; a broken file's
		// entry is named after the file.
		ch := choice{title: safetext.Escape(e.Name), desc: desc, entry: e}
		switch {
		case e.Err != nil:
			ch.refused = reasonIn(e.Err)
			ch.title = "✗ " + ch.title // invalid: marked as iomt scenarios marks it
		case e.Dataset != "" && e.Dataset != env.ds.Market:
			ch.refused = "made for the market " + strconv.Quote(e.Dataset)
		}
		out = append(out, ch)
	}
	return out
}

// markOnScreen says, in the compare picker, which entry is the scenario
// on screen: compared with itself every difference is 0, and with unsaved
// edits it compares them with the scenario as saved.
func markOnScreen(e env, items []choice) {
	for i := range items {
		en := items[i].entry
		if en == nil || en.Err != nil || !strings.EqualFold(strings.TrimSpace(en.Name), strings.TrimSpace(e.scen.Name())) ||
			!en.Builtin && en.Path != e.scen.SavedPath() {
			continue
		}
		note := "on screen: every difference would be 0"
		if e.scen.Dirty() {
			note = "as saved: compares your unsaved edits with it"
		}
		items[i].desc = note + " · " + items[i].desc
	}
}
