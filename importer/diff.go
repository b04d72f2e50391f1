package importer

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"iomt/internal/safetext"
	"iomt/model"
)

// ScenarioImport is a workbook's inputs made into a scenario: the
// scenario, the file it is saved as, and what changed against the
// scenario the workbook was exported from.
type ScenarioImport struct {
	Scenario *model.Scenario
	YAML     []byte
	// From is the scenario the changes are against: the one the
	// workbook was exported from, found by its name among the built-in
	// and saved ones, else the dataset's own figures; FromNote says
	// which when it is not plain.
	From     string
	FromNote string
	Changes  []Change
	// Scaled lists the sets of siblings whose shares did not add up to
	// 100 in the workbook, scaled to 100 as its formulas scale them.
	Scaled []string
	// Notes say how a cell was read where a partner may have meant
	// otherwise (a rate in a cell formatted as a percentage).
	Notes []string
}

// Change is one assumption that differs: the input (as the workbook's
// Inputs names it), its value before and after, and the workbook's row
// of it (0 for what the workbook does not hold).
type Change struct {
	Input    string
	From, To string
	Row      int
}

// String is the change as a line of a list: "Total/cagr_pct: 21 → 22
// (row 3)".
func (c Change) String() string {
	s := c.Input + ": " + c.From + " → " + c.To
	if c.Row > 0 {
		s += fmt.Sprintf(" (row %d)", c.Row)
	}
	return s
}

// ImportScenario makes the scenario of wb's inputs over ds, named name
// (empty: the exported scenario's name, with " (edited)" when anything
// changed). ws, when not nil, is where the scenario the workbook was
// exported from is looked for by name.
func ImportScenario(wb *Workbook, ds *model.Dataset, ws *model.Workspace, name string) (*ScenarioImport, error) {
	r, err := wb.read(ds)
	if err != nil {
		return nil, err
	}
	from, fromName, note := exportedFrom(wb, ds, ws)
	out := &ScenarioImport{From: fromName, FromNote: note, Scaled: r.scaled, Notes: r.notes}
	changes := Diff(ds, &from, &r.a)
	if name == "" {
		name = wb.Scenario
		if len(changes) > 0 && !strings.HasSuffix(name, " (edited)") {
			name += " (edited)"
		}
		if p := model.ScenarioNameProblem(name); p != "" {
			return nil, Problems{{Where: wb.File + ": sheet " + InputsSheet, Msg: "the workbook's scenario name will not do as a name: " + p, Hint: "give --name"}}
		}
	} else if p := model.ScenarioNameProblem(name); p != "" {
		return nil, Problems{{Where: "--name", Msg: p}}
	}
	sc := &model.Scenario{Name: name, Dataset: ds.Market, Assumptions: r.a,
		Description: "The Inputs of " + safetext.Escape(filepath.Base(wb.File)) + ", a workbook of " + safetext.Escape(wb.Scenario) + "."}
	if model.ScenarioNameProblem(wb.Scenario) != "" || len(sc.Description) > 500 {
		sc.Description = ""
	}
	out.YAML = ds.MarshalScenario(sc)
	loaded, err := model.LoadScenario(wb.File, out.YAML, ds)
	if err != nil {
		return nil, wb.mapScenarioErrors(err, out.YAML)
	}
	out.Scenario = loaded
	out.Changes = Diff(ds, &from, &loaded.Assumptions)
	for i := range out.Changes {
		out.Changes[i].Row = wb.rowOf(out.Changes[i].Input)
	}
	// In the workbook's order: what it does not hold first (the mode),
	// then by row.
	slices.SortStableFunc(out.Changes, func(a, b Change) int { return a.Row - b.Row })
	return out, nil
}

// exportedFrom finds the scenario the workbook was exported from: by its
// name among ws's built-in and saved scenarios of ds's market; a name
// an export of unsaved edits carries ("X (edited)") as X; else the
// dataset's own figures.
func exportedFrom(wb *Workbook, ds *model.Dataset, ws *model.Workspace) (model.Assumptions, string, string) {
	if ws != nil {
		entries, _ := ws.List()
		for _, name := range []string{wb.Scenario, strings.TrimSuffix(wb.Scenario, " (edited)")} {
			for i := range entries {
				e := &entries[i]
				if !e.ForMarket(ds) || !strings.EqualFold(e.Name, name) {
					continue
				}
				if sc, err := e.Open(ds); err == nil {
					note := ""
					if name != wb.Scenario {
						note = "the workbook was exported with unsaved edits of " + e.Name + "; changes are against " + e.Name + " as saved"
					}
					return sc.Assumptions, e.Name, note
				}
			}
		}
	}
	return ds.Base(), "the dataset's own figures", fmt.Sprintf("%q, which the workbook was exported from, is not among the built-in or saved scenarios", wb.Scenario)
}

// rowOf is the sheet row of an input, 0 when the workbook has none.
func (w *Workbook) rowOf(path string) int {
	for _, in := range w.inputs {
		if in.path == path {
			return w.t.Rows[in.ri].N
		}
	}
	return 0
}

// mapScenarioErrors tells the checks of the scenario file at the rows of
// the inputs it was made from: a segment's line at its rows, the total's
// and the levers' at theirs.
func (w *Workbook) mapScenarioErrors(err error, yaml []byte) error {
	var list model.ErrorList
	if !errors.As(err, &list) {
		return err
	}
	lines := strings.Split(string(yaml), "\n")
	var out Problems
	for _, e := range list {
		where := w.File + ": sheet " + InputsSheet
		if e.Line >= 1 && e.Line <= len(lines) {
			text := strings.TrimSpace(lines[e.Line-1])
			prefix := ""
			switch {
			case strings.HasPrefix(text, "total:"):
				prefix = "Total/cagr_pct"
			case strings.HasPrefix(text, `"`):
				key, _, _ := strings.Cut(strings.TrimPrefix(text, `"`), `"`)
				prefix = key
				if w.rowOf(key+"/"+model.FieldCAGR) == 0 {
					prefix = "Levers/" + key
				}
			}
			for _, in := range w.inputs {
				if in.path == prefix || strings.HasPrefix(in.path, prefix+"/") && prefix != "" {
					where = w.t.where(place{cells: []cellRef{{in.ri, in.col}}})
					break
				}
			}
		}
		out = append(out, &Problem{Where: where, Msg: e.Msg, Hint: e.Hint})
	}
	return out
}

// Diff lists what differs from one scenario's assumptions to another's,
// in the order of the workbook's Inputs: mode and window, the market's
// size and rates, the levers, then each segment's rate, growth path and
// share; and what a
// workbook cannot hold (locks, Monte Carlo ranges), where from had it.
func Diff(ds *model.Dataset, from, to *model.Assumptions) []Change {
	var out []Change
	add := func(input, a, b string) { out = append(out, Change{Input: input, From: a, To: b}) }
	if from.Mode != to.Mode || to.Mode == model.BottomUp && from.Driver != to.Driver {
		add("mode", modeText(ds, from), modeText(ds, to))
	}
	fa, fb := from.Window.Span(ds)
	ta, tb := to.Window.Span(ds)
	if fa != ta || fb != tb {
		add("CAGR window", fmt.Sprintf("%d–%d", fa, fb), fmt.Sprintf("%d–%d", ta, tb))
	}
	num := func(input string, a, b float64) {
		if !sameFig(a, b) {
			add(input, figText(a), figText(b))
		}
	}
	num("Total/value", from.BaseValue, to.BaseValue)
	num("Total/cagr_pct", from.Growth[0], to.Growth[0])
	for i, g := range to.YearGrowth {
		if f := from.YearGrowth[i]; math.IsNaN(f) != math.IsNaN(g) || !math.IsNaN(g) && !sameFig(f, g) {
			add(fmt.Sprintf("Total/%s/%d", model.FieldGrowthByYear, ds.BaseYear+1+i), yearText(f), yearText(g))
		}
	}
	for i, l := range ds.Levers {
		num("Levers/"+l.Name, from.Drivers[i], to.Drivers[i])
	}
	for n := 1; n < len(ds.Nodes); n++ {
		p := ds.Nodes[n].Path
		num(p+"/"+model.FieldCAGR, from.Growth[n], to.Growth[n])
		for yi := 1; yi < ds.Years(); yi++ {
			f, fok := from.YearRate(n, yi)
			g, gok := to.YearRate(n, yi)
			if fok != gok || gok && !sameFig(f, g) {
				add(fmt.Sprintf("%s/%s/%d", p, model.FieldGrowthByYear, ds.BaseYear+yi), pathText(f, fok), pathText(g, gok))
			}
		}
		num(p+"/"+model.FieldShare, from.Share[n], to.Share[n])
		if from.Locked[n] && !to.Locked[n] {
			add(p+" lock", "locked", "unlocked (a workbook holds no locks)")
		}
		if r := from.Ranges[n]; r.IsSet() && !to.Ranges[n].IsSet() {
			add(p+"/cagr_range_pct", fmt.Sprintf("[%s, %s]", figText(r.Lo), figText(r.Hi)), "none (a workbook holds no ranges)")
		}
	}
	if r := from.Ranges[0]; r.IsSet() && !to.Ranges[0].IsSet() {
		add("Total/cagr_range_pct", fmt.Sprintf("[%s, %s]", figText(r.Lo), figText(r.Hi)), "none (a workbook holds no ranges)")
	}
	return out
}

func modeText(ds *model.Dataset, a *model.Assumptions) string {
	if a.Mode == model.BottomUp {
		return "bottom-up (" + ds.Dims[a.Driver].Name + ")"
	}
	return "top-down"
}

// sameFig reports whether two figures are the same up to what a
// workbook's 12 significant digits and the scaling of shares leave.
func sameFig(a, b float64) bool { return math.Abs(a-b) <= 1e-9*max(1, math.Abs(a), math.Abs(b)) }

// figText writes a figure for a list of changes: nine significant
// digits, no float noise.
func figText(x float64) string { return yamlNum(roundSig(x, 9)) }

func yearText(x float64) string {
	if math.IsNaN(x) {
		return "the CAGR"
	}
	return figText(x)
}

// pathText is a segment's year in a list of changes: its own rate, or
// its CAGR.
func pathText(x float64, own bool) string {
	if !own {
		return "the CAGR"
	}
	return figText(x)
}

// Summary is the changes in one line for a list of scenarios: "3
// changes against Base (report): Total/cagr_pct 18.5 → 20, …".
func (s *ScenarioImport) Summary() string {
	if len(s.Changes) == 0 {
		return "no changes against " + s.From
	}
	parts := make([]string, 0, 3)
	for _, c := range s.Changes[:min(len(s.Changes), 3)] {
		parts = append(parts, c.Input+" "+c.From+" → "+c.To)
	}
	if len(s.Changes) > 3 {
		parts = append(parts, "…")
	}
	noun := "changes"
	if len(s.Changes) == 1 {
		noun = "change"
	}
	return fmt.Sprintf("%d %s against %s: %s", len(s.Changes), noun, s.From, strings.Join(parts, ", "))
}

// MaxWorkbooks bounds the workbooks of a workspace the scenario picker
// reads: each is opened and checked when the picker lists it.
const MaxWorkbooks = 20

// WorkbookEntries lists the workbooks (.xlsx) in ws's folder as the
// scenarios their Inputs make over ds, for the dashboard's picker: each
// described by its changes against the scenario it was exported from, or
// with the reason it cannot be opened. At most MaxWorkbooks are read, by
// file name.
func WorkbookEntries(ws *model.Workspace, ds *model.Dataset) []model.Entry {
	if ws == nil || ws.Dir == "" {
		return nil
	}
	files, err := os.ReadDir(ws.Dir)
	if err != nil {
		return nil
	}
	var out []model.Entry
	for _, f := range files {
		name := f.Name()
		if f.IsDir() || strings.HasPrefix(name, ".") || !strings.EqualFold(filepath.Ext(name), ".xlsx") {
			continue
		}
		if len(out) == MaxWorkbooks {
			break
		}
		out = append(out, WorkbookEntry(filepath.Join(ws.Dir, name), ds, ws))
	}
	slices.SortFunc(out, func(a, b model.Entry) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// WorkbookEntry is one workbook as the picker lists it; opening the
// entry loads the scenario its Inputs make.
func WorkbookEntry(path string, ds *model.Dataset, ws *model.Workspace) model.Entry {
	e := model.Entry{Name: filepath.Base(path), Path: path}
	wb, err := ReadWorkbook(path)
	if err != nil {
		e.Err = err
		return e
	}
	if wb.Market != ds.Market {
		// Made for another market: listed as such, as a scenario file of
		// another market is.
		e.Dataset = wb.Market
		if model.ScenarioNameProblem(wb.Market) != "" {
			e.Dataset = "another market"
		}
		return e
	}
	imp, err := ImportScenario(wb, ds, ws, "")
	if err != nil {
		e.Err = err
		return e
	}
	e.Name, e.Dataset, e.Data = imp.Scenario.Name, ds.Market, imp.YAML
	e.Description = "workbook: " + imp.Summary()
	return e
}
