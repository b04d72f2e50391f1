package ui

import (
	"fmt"
	"iomt/model"
	"slices"

	tea "charm.land/bubbletea/v2"
)

// The dialog stack, and what the root does with what dialogs report.

// push opens a dialog on top of the others, sized for its placement.
// The stack is copied, not changed in place: an older copy of the Model
// (Bubble Tea hands Update a value) must not see its stack change.
func (m *Model) push(d Dialog) {
	m.size(d)
	m.dialogs = append(slices.Clip(m.dialogs), d)
}

// top is the dialog that takes keys, or nil.
func (m *Model) top() Dialog {
	if n := len(m.dialogs); n > 0 {
		return m.dialogs[n-1]
	}
	return nil
}

// toTop gives a message to the top dialog.
func (m *Model) toTop(msg tea.Msg) tea.Cmd {
	d := m.top()
	if d == nil {
		return nil
	}
	return m.toDialog(d, msg)
}

// toDialog gives a message to a dialog on the stack and, when the dialog
// is done, acts on what the user chose.
func (m *Model) toDialog(d Dialog, msg tea.Msg) tea.Cmd {
	next, cmd := d.Update(msg)
	r, finished := next.(result)
	if !finished {
		if i := slices.Index(m.dialogs, d); i >= 0 && next != d {
			m.dialogs = slices.Clone(m.dialogs)
			m.dialogs[i] = next
		}
		return cmd
	}
	keep, act := m.act(r.msg)
	if r.stay != nil {
		keep = true
		if i := slices.Index(m.dialogs, d); i >= 0 && r.stay != d {
			m.dialogs = slices.Clone(m.dialogs)
			m.dialogs[i] = r.stay
		}
	}
	if !keep {
		// The dialog may have opened another on top of itself by now
		// (act pushes a question): take off this one, wherever it is.
		m.remove(d)
	}
	return tea.Batch(cmd, act)
}

// remove takes a dialog off the stack.
func (m *Model) remove(d Dialog) {
	if i := slices.Index(m.dialogs, d); i >= 0 {
		m.dialogs = slices.Delete(slices.Clone(m.dialogs), i, i+1)
		stop(d)
	}
}

// closeAll takes every dialog off the stack.
func (m *Model) closeAll() {
	for _, d := range m.dialogs {
		stop(d)
	}
	m.dialogs = nil
}

// stop ends the work a dialog taken off the stack waits for (see
// pending).
func stop(d Dialog) {
	if s, ok := d.(interface{ stop() }); ok {
		s.stop()
	}
}

// act does what a dialog reported. keep is true when the dialog stays
// open: the action was refused, and the dialog shows why.
func (m *Model) act(msg tea.Msg) (keep bool, cmd tea.Cmd) {
	c := m.c
	switch msg := msg.(type) {
	case nil:
	case statusMsg:
		if msg.err {
			c.error(msg.text)
		} else {
			c.info(msg.text)
		}
	case requestQuitMsg:
		return false, m.quit()
	case quitMsg:
		m.quitting = true
		return false, tea.Quit
	case setValueMsg:
		switch msg.field {
		case fieldShare:
			return !c.setShare(msg.node, msg.value), nil
		case fieldValue:
			return !c.setBaseValue(msg.node, msg.value), nil
		case fieldYear:
			return !c.setYearGrowth(msg.year, msg.value), nil
		}
		return !c.setGrowthAs(msg.node, msg.value, !msg.exact), nil
	case windowMsg:
		_, _, before := c.window()
		ok := c.apply(model.Edit{Kind: model.SetWindow, Window: msg.w}, "")
		if ok {
			_, _, span := c.window()
			c.info(fmt.Sprintf("Real CAGR and Δshare now over %s (were %s); saved with the scenario.", span, before))
		}
		return !ok, nil
	case saveAsMsg:
		return m.saveAs(msg.name)
	case pickedMsg:
		return false, openCmd(c.ds, msg.entry, msg.purpose)
	case menuMsg:
		return false, m.menu(msg)
	case loadMsg:
		m.load(msg)
	case writeMsg:
		return false, writeCmd(c.ws, c.ds, msg.sc, msg.path, msg.loads)
	case followAgainMsg:
		m.followAgain()
	case takeOverMsg:
		return false, m.takeOverCmd()
	case editMsg:
		return !c.apply(msg.edit, msg.said), nil
	case selectMsg:
		c.show(msg.node)
	}
	return false, nil
}
