package model

// History is the undo/redo stack of one scenario. It stores whole
// Assumptions snapshots, so undo and redo restore bit-identical states
// without inverse operations; a snapshot shares with the one before it
// every slice its edit did not change (Apply copies on write), so a step
// costs about one slice, not the whole state.
type History struct {
	ds     *Dataset
	origin Assumptions
	states []Assumptions
	pos    int
	limit  int
}

// DefaultHistoryLimit bounds memory per session: a long demo never grows
// the stack without end.
const DefaultHistoryLimit = 1000

// NewHistory starts a history at origin, the state resets return to.
func NewHistory(ds *Dataset, origin Assumptions) *History {
	return &History{ds: ds, origin: origin.Clone(), states: []Assumptions{origin.Clone()}, limit: DefaultHistoryLimit}
}

// Current returns the present state. Callers must not modify it.
func (h *History) Current() Assumptions { return h.states[h.pos] }

// Origin returns the state resets return to.
func (h *History) Origin() Assumptions { return h.origin }

// Do applies e. A refused edit returns the reason and changes nothing; an
// edit that changes nothing is not recorded.
func (h *History) Do(e Edit) error {
	next, err := h.ds.Apply(h.origin, h.Current(), e)
	if err != nil {
		return err
	}
	if next.Equal(h.Current()) {
		return nil
	}
	h.states = append(h.states[:h.pos+1], next)
	if len(h.states) > h.limit {
		h.states = h.states[len(h.states)-h.limit:]
	}
	h.pos = len(h.states) - 1
	return nil
}

// Undo steps back one edit; it reports false when there is none.
func (h *History) Undo() bool {
	if h.pos == 0 {
		return false
	}
	h.pos--
	return true
}

// Redo steps forward one undone edit; it reports false when there is none.
func (h *History) Redo() bool {
	if h.pos == len(h.states)-1 {
		return false
	}
	h.pos++
	return true
}

// CanUndo reports whether Undo would do something.
func (h *History) CanUndo() bool { return h.pos > 0 }

// CanRedo reports whether Redo would do something.
func (h *History) CanRedo() bool { return h.pos < len(h.states)-1 }

// Rebase makes the current state the new origin and clears the stack, as
// after opening a scenario.
func (h *History) Rebase(origin Assumptions) {
	h.origin = origin.Clone()
	h.states = []Assumptions{origin.Clone()}
	h.pos = 0
}
