package ui

import (
	"strconv"

	"iomt/forecast"
	"iomt/model"
)

// scenario is the scenario on screen: its name, its undo history and the
// projection of its current assumptions, the state it was last opened or
// saved in (for the unsaved mark) and where, and the scenario compared
// with it. Only the root changes it (apply, undo, load, …), so that every
// change goes through the history and undo stays exact; panes and dialogs
// read it through scenarioView.
type scenario struct {
	ds          *model.Dataset
	name        string
	description string
	hist        *model.History
	saved       model.Assumptions // state as last opened or saved, for the unsaved marker
	savedPath   string            // where it was last opened or saved in the workspace; "" asks for a name
	res         forecast.Result
	compare     []*compareState // the scenarios compared with it, in the order picked
	// loads counts the scenarios loaded, so a result that arrives for a
	// scenario no longer on screen (a save finishing after another was
	// opened) is not taken for the current one.
	loads int
}

// scenarioView is what panes and dialogs may read of the scenario: none
// of its methods changes it.
type scenarioView interface {
	Name() string
	Description() string
	Assumptions() model.Assumptions
	// Result is the projection of the current assumptions; read only.
	Result() *forecast.Result
	Dirty() bool
	// Compared are the scenarios compared with this one, in the order
	// picked (none when not comparing); read only.
	Compared() []*compareState
	// Window is the span the realised CAGR and the change in share are
	// read over, as indices of the projection's years, and as the
	// years, "2019–2027".
	Window() (from, to int, span string)
	SavedPath() string
	// Current is a copy of the scenario as it stands, for saving and
	// exporting.
	Current() *model.Scenario
}

// compareState is a second scenario shown beside the current one.
type compareState struct {
	name string
	a    model.Assumptions
	res  forecast.Result
}

func newScenario(ds *model.Dataset, sc *model.Scenario) *scenario {
	s := &scenario{ds: ds}
	s.load(sc, "", false)
	return s
}

func (s *scenario) Name() string                   { return s.name }
func (s *scenario) Description() string            { return s.description }
func (s *scenario) Assumptions() model.Assumptions { return s.hist.Current() }
func (s *scenario) Result() *forecast.Result       { return &s.res }
func (s *scenario) Dirty() bool                    { return !s.hist.Current().Equal(s.saved) }
func (s *scenario) Compared() []*compareState      { return s.compare }
func (s *scenario) SavedPath() string              { return s.savedPath }

func (s *scenario) Window() (from, to int, span string) {
	a := s.hist.Current()
	fy, ty := a.Window.Span(s.ds)
	return fy - s.ds.BaseYear, ty - s.ds.BaseYear, strconv.Itoa(fy) + "–" + strconv.Itoa(ty)
}

func (s *scenario) Current() *model.Scenario {
	return &model.Scenario{Name: s.name, Description: s.description, Dataset: s.ds.Market, Assumptions: s.hist.Current()}
}

// load makes sc the current scenario, with a fresh history; path is where
// it lives in the workspace ("" when it has not been saved there).
// keepSaved keeps the unsaved mark of what was on screen: a copy made of
// unsaved edits is saved nowhere either.
func (s *scenario) load(sc *model.Scenario, path string, keepSaved bool) {
	saved := s.saved
	s.name, s.description, s.savedPath = sc.Name, sc.Description, path
	s.loads++
	s.hist = model.NewHistory(s.ds, sc.Assumptions)
	s.saved = sc.Assumptions.Clone()
	if keepSaved {
		s.saved = saved
	}
	s.reproject()
}

// markSaved takes the name and file a save wrote sc under, unless
// another scenario has been loaded since (loads).
func (s *scenario) markSaved(sc *model.Scenario, path string, loads int) {
	if loads != s.loads {
		return
	}
	s.name, s.description, s.savedPath = sc.Name, sc.Description, path
	s.saved = sc.Assumptions.Clone()
}

// mirror shows a presenter's scenario. The history is rebuilt only when
// the presenter's assumptions or scenario changed, not when it only moved
// the selection; a history of the follower's own (a private copy's
// edits) is dropped too: following, there is nothing to undo.
func (s *scenario) mirror(snap *Snapshot) {
	if s.name != snap.Scenario || !s.hist.Current().Equal(snap.Assumptions) || !s.saved.Equal(snap.saved()) ||
		s.hist.CanUndo() || s.hist.CanRedo() {
		s.load(&model.Scenario{Name: snap.Scenario, Assumptions: snap.Assumptions}, "", false)
		s.saved = snap.saved().Clone()
	}
	if !sameCompared(s.compare, snap.Compared) {
		scs := make([]*model.Scenario, len(snap.Compared))
		for i, c := range snap.Compared {
			scs[i] = &model.Scenario{Name: c.Name, Assumptions: c.Assumptions}
		}
		s.compareWith(scs...)
	}
}

// sameCompared reports whether the scenarios compared are those of a
// presenter's snapshot.
func sameCompared(cs []*compareState, snap []Compared) bool {
	if len(cs) != len(snap) {
		return false
	}
	for i, c := range cs {
		if c.name != snap[i].Name || !c.a.Equal(snap[i].Assumptions) {
			return false
		}
	}
	return true
}

// compareWith shows scs beside the current scenario, in that order;
// none: the scenario alone.
func (s *scenario) compareWith(scs ...*model.Scenario) {
	s.compare = nil
	for _, sc := range scs {
		cs := &compareState{name: sc.Name, a: sc.Assumptions}
		forecast.ProjectInto(&cs.res, s.ds, &sc.Assumptions)
		s.compare = append(s.compare, cs)
	}
}

// stopCompare shows the scenario alone again.
func (s *scenario) stopCompare() { s.compare = nil }

// apply performs one edit through the history; a refused edit changes
// nothing and says why.
func (s *scenario) apply(e model.Edit) error {
	if err := s.hist.Do(e); err != nil {
		return err
	}
	s.reproject()
	return nil
}

// undo takes back the last edit; false when there is none.
func (s *scenario) undo() bool {
	if !s.hist.Undo() {
		return false
	}
	s.reproject()
	return true
}

// redo makes the last edit taken back again; false when there is none.
func (s *scenario) redo() bool {
	if !s.hist.Redo() {
		return false
	}
	s.reproject()
	return true
}

// reproject recomputes the forecast after any change of assumptions. The
// result's buffers are reused, so this allocates nothing once warm.
func (s *scenario) reproject() {
	a := s.hist.Current()
	forecast.ProjectInto(&s.res, s.ds, &a)
}
