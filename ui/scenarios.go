package ui

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"iomt/export"
	"iomt/forecast"
	"iomt/model"
)

// firstLine keeps the first problem of a multi-line error for the one-line
// status bar; the rest is one `iomt validate` away.
func firstLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " (and more; see iomt validate)"
	}
	return s
}

// ask shows a yes/no question; yes runs then.
func (m *Model) ask(question string, then func(m *Model) tea.Cmd) {
	m.overlay = overlayConfirm
	// Cut the question rather than the " y/n" after it, which the status
	// line would cut at 80 columns ("Unsaved changes to Accelerated
	// adoption will be lost. Open Security headwinds?").
	m.confirm = ansi.Truncate(clean(question), max(m.width-len(" y/n"), 1), "…")
	m.onYes = then
}

func (m Model) handleConfirm(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.c.keys.Yes):
		m.overlay = overlayNone
		then := m.onYes
		m.onYes = nil
		var cmd tea.Cmd
		if then != nil {
			cmd = then(&m)
		}
		m.table.refresh()
		return m, cmd
	case key.Matches(k, m.c.keys.No):
		m.overlay = overlayNone
		m.onYes = nil
		m.status.info("Nothing changed.")
	}
	return m, nil
}

// save writes the scenario to its file, asking for a name the first time.
func (m *Model) save() tea.Cmd {
	if m.c.ws.Dir == "" {
		// Only a session served without a place for its files (open demo
		// mode, or no --data) has no workspace folder.
		m.status.error("Read-only session: saving is off here. x copies the table to your clipboard.")
		return nil
	}
	if m.c.savedPath == "" {
		m.inputFor = promptName
		m.overlay = overlayPrompt
		m.input.Prompt = "Save scenario as: "
		m.input.Placeholder = ""
		// Names may be as long as the model allows, counted the same way
		// (characters); the value prompt's limit of 32 cut longer ones
		// while typing, without a word.
		m.input.CharLimit = model.MaxNameLen
		// Width first: SetValue scrolls the text to fit the width it has,
		// and the value prompt's 12 columns hid the name's first letter.
		m.input.SetWidth(max(m.width/3, 24))
		// A built-in's name would pass edited assumptions off as, say,
		// the report itself: offer it only for the user's own scenarios.
		name := m.c.scenario
		if m.isBuiltinName(name) {
			name = ""
			m.input.Placeholder = "a name of your own" // fits the prompt at 80 columns
		}
		m.input.SetValue(name)
		m.input.CursorEnd()
		m.status.clear()
		return m.input.Focus()
	}
	// Save writes <slug>.yaml: a scenario opened from a file of another
	// name (a copy made by hand) would replace the file named after it.
	if path := m.c.ws.PathFor(m.c.scenario); path != m.c.savedPath {
		if _, err := os.Stat(path); err == nil {
			sc := m.c.current()
			m.ask(fmt.Sprintf("%s exists. Replace it (the old one is kept as .bak)?", filepath.Base(path)), func(m *Model) tea.Cmd {
				m.writeScenario(sc, path)
				return nil
			})
			return nil
		}
	}
	m.writeScenario(m.c.current(), m.c.savedPath)
	return nil
}

// saveAs saves under a new name typed in the prompt; saving over another
// scenario's file asks first.
func (m *Model) saveAs(name string) tea.Cmd {
	name = strings.TrimSpace(name)
	if name == "" {
		m.status.error("Type a name for the scenario.")
		return nil
	}
	if strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		m.status.error("A name cannot contain control characters.")
		return nil
	}
	if m.isBuiltinName(name) {
		m.status.error("That name is built in; choose another.")
		return nil
	}
	m.input.Blur()
	m.input.SetWidth(12)
	m.overlay = overlayNone
	sc := m.c.current()
	if name != sc.Name {
		// The description told the story of the scenario it came from;
		// under a new name it would no longer be true.
		sc.Description = ""
	}
	sc.Name = name
	path := m.c.ws.PathFor(name)
	if _, err := os.Stat(path); err == nil && path != m.c.savedPath {
		m.ask(fmt.Sprintf("%s exists. Replace it (the old one is kept as .bak)?", filepath.Base(path)), func(m *Model) tea.Cmd {
			m.writeScenario(sc, path)
			return nil
		})
		return nil
	}
	m.writeScenario(sc, path)
	return nil
}

// isBuiltinName reports whether name is a built-in scenario's.
func (m *Model) isBuiltinName(name string) bool {
	entries, _ := (&model.Workspace{Builtin: m.c.ws.Builtin}).List()
	for _, e := range entries {
		if strings.EqualFold(strings.TrimSpace(name), e.Name) {
			return true
		}
	}
	return false
}

func (m *Model) writeScenario(sc *model.Scenario, path string) {
	written, err := m.c.ws.Save(m.c.ds, sc)
	if err != nil {
		m.status.error("Not saved: " + firstLine(err))
		return
	}
	if written != path {
		// The slug of the name decides the file; tell the truth about it.
		path = written
	}
	m.c.scenario, m.c.description = sc.Name, sc.Description
	m.c.savedPath = path
	m.c.saved = sc.Assumptions.Clone()
	m.status.info("Saved " + sc.Name + " to " + m.c.ws.Show(path) + ".")
}

// scenarioChoices lists the workspace's scenarios for a picker.
func (m *Model) scenarioChoices() ([]choice, error) {
	entries, err := m.c.ws.List()
	out := make([]choice, 0, len(entries))
	for i := range entries {
		e := &entries[i]
		desc := clean(e.Description)
		where := "built in"
		if !e.Builtin {
			// A file name in a shared folder is not to be trusted either.
			where = clean(m.c.ws.Show(e.Path))
		}
		if desc == "" {
			desc = where
		} else {
			desc = where + " · " + desc
		}
		ch := choice{title: clean(e.Name), desc: desc, entry: e}
		switch {
		case e.Err != nil:
			ch.refused = firstLine(e.Err)
		case e.Dataset != "" && e.Dataset != m.c.ds.Market:
			ch.refused = "made for the market " + strconv.Quote(e.Dataset)
		}
		out = append(out, ch)
	}
	return out, err
}

func (m *Model) openPicker(p purpose) {
	items, err := m.scenarioChoices()
	if err != nil {
		m.status.error(firstLine(err))
	}
	if len(items) == 0 {
		m.status.error("No scenarios yet: save one with s.")
		return
	}
	title := "Open a scenario"
	if p == chooseCompare {
		title = "Compare " + clean(m.c.scenario) + " with"
	}
	m.chooser = newChooser(m.c, p, title, items)
	m.chooser.SetSize(m.width, m.height-3)
	m.overlay = overlayChooser
}

func (m *Model) openNewMenu() {
	items := []choice{
		{title: "From the dataset's Base", desc: "every figure as the dataset has it", action: actNewFromBase},
		{title: "Copy of " + clean(m.c.scenario), desc: "the current assumptions, under a new name", action: actNewCopy},
	}
	m.chooser = newChooser(m.c, chooseNew, "New scenario", items)
	m.chooser.SetSize(m.width, m.height-3)
	m.overlay = overlayChooser
}

func (m *Model) openExportMenu() {
	title := "Export " + clean(m.c.scenario)
	copyTable := choice{title: "Copy table as CSV", desc: "the table on screen, to the clipboard (OSC 52: works over SSH)", action: actCopyTable}
	items := []choice{copyTable}
	if m.c.ws.Dir == "" {
		// Offering files that cannot be written would only lead to a
		// refusal: say so once, in the title.
		title += " · this session cannot write files"
	} else {
		where := " into " + m.c.ws.ShowDir()
		slug := model.Slug(m.c.scenario)
		items = []choice{
			{title: "CSV file", desc: slug + ".csv" + where, action: actExportCSV},
			{title: "JSON file", desc: slug + ".json" + where, action: actExportJSON},
			{title: "Markdown file", desc: slug + ".md" + where, action: actExportMD},
			copyTable,
		}
	}
	m.chooser = newChooser(m.c, chooseExport, title, items)
	m.chooser.SetSize(m.width, m.height-3)
	m.overlay = overlayChooser
}

func (m Model) handleChooser(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if m.chooser.filtering() {
		var cmd tea.Cmd
		cmd = m.chooser.Update(k)
		return m, cmd
	}
	switch {
	case m.chooser.closesOn(k, m.c.keys):
		m.overlay = overlayNone
		m.status.info("Closed.")
		return m, nil
	case key.Matches(k, m.c.keys.Confirm):
		it, ok := m.chooser.selected()
		if !ok {
			return m, nil
		}
		m.overlay = overlayNone
		cmd := m.choose(it)
		m.table.refresh()
		return m, cmd
	}
	var cmd tea.Cmd
	cmd = m.chooser.Update(k)
	return m, cmd
}

// startedMsg says a new scenario started, and how it can be kept.
func (m *Model) startedMsg(name string) {
	if m.c.ws.Dir == "" {
		m.status.info("Started " + name + "; this session cannot save it, x copies its table.")
		return
	}
	m.status.info("Started " + name + "; s saves it under a name of your choice.")
}

// choose acts on a chooser's selection.
func (m *Model) choose(it choice) tea.Cmd {
	switch m.chooser.purpose {
	case chooseOpen:
		sc, err := it.entry.Open(m.c.ds)
		if err != nil {
			m.status.error("Not opened, kept " + m.c.scenario + ": " + firstLine(err))
			return nil
		}
		path := it.entry.Path
		if it.entry.Builtin {
			path = "" // saving a built-in asks for a name of its own
		}
		open := func(m *Model) tea.Cmd {
			m.c.load(sc, path)
			m.status.info("Opened " + sc.Name + ".")
			return nil
		}
		if m.c.dirty() {
			m.ask("Unsaved changes to "+m.c.scenario+" will be lost. Open "+sc.Name+"?", open)
			return nil
		}
		return open(m)
	case chooseCompare:
		sc, err := it.entry.Open(m.c.ds)
		if err != nil {
			m.status.error("Cannot compare: " + firstLine(err))
			return nil
		}
		cs := &compareState{name: sc.Name, a: sc.Assumptions}
		forecast.ProjectInto(&cs.res, m.c.ds, &sc.Assumptions)
		m.c.compare = cs
		m.status.info("Comparing with " + sc.Name + ": dotted lines in the chart, differences in the table. c stops.")
	case chooseNew:
		var sc *model.Scenario
		if it.action == actNewFromBase {
			sc = &model.Scenario{Name: "New scenario", Dataset: m.c.ds.Market, Assumptions: m.c.ds.Base()}
		} else {
			// A copy carries the current assumptions, unsaved edits
			// included: nothing is lost, so do not ask; but those edits
			// are saved nowhere, so the copy stays marked unsaved (and
			// quitting asks) until it is saved.
			sc = m.c.current()
			sc.Name = "Copy of " + m.c.scenario
			saved := m.c.saved
			m.c.load(sc, "")
			m.c.saved = saved
			m.startedMsg(sc.Name)
			return nil
		}
		start := func(m *Model) tea.Cmd {
			m.c.load(sc, "")
			m.startedMsg(sc.Name)
			return nil
		}
		if m.c.dirty() {
			m.ask("Unsaved changes to "+m.c.scenario+" will be lost. Start a new scenario?", start)
			return nil
		}
		return start(m)
	case chooseExport:
		return m.export(it.action)
	}
	return nil
}

func (m *Model) toggleCompare() {
	if m.c.compare != nil {
		m.status.info("Stopped comparing with " + m.c.compare.name + ".")
		m.c.compare = nil
		return
	}
	m.openPicker(chooseCompare)
}

// export writes the current scenario into the workspace, or copies the
// table to the clipboard.
func (m *Model) export(action int) tea.Cmd {
	c := m.c
	if action == actCopyTable {
		m.status.info("Copied the table (" + strconv.Itoa(len(c.rows())) + " rows) as CSV to the clipboard.")
		return tea.SetClipboard(m.tableCSV())
	}
	if c.ws.Dir == "" {
		m.status.error("This session cannot write files; copy the table with x instead.")
		return nil
	}
	format, ext := "csv", ".csv"
	switch action {
	case actExportJSON:
		format, ext = "json", ".json"
	case actExportMD:
		format, ext = "md", ".md"
	}
	a := c.assumptions()
	in := export.Input{Dataset: c.ds, Scenario: c.scenario, Assumptions: &a, Result: &c.res}
	if c.compare != nil {
		in.Compare = &export.Comparison{Scenario: c.compare.name, Result: &c.compare.res}
	}
	if err := os.MkdirAll(c.ws.Dir, 0o755); err != nil {
		m.status.error("Not exported: " + err.Error())
		return nil
	}
	path := filepath.Join(c.ws.Dir, model.Slug(c.scenario)+ext)
	err := model.WriteFileAtomic(path, false, func(w io.Writer) error { return export.Write(w, format, in) })
	if err != nil {
		m.status.error("Not exported: " + firstLine(err))
		return nil
	}
	m.status.info("Exported " + c.scenario + " to " + c.ws.Show(path) + ".")
	return nil
}

// tableCSV is the table on screen (the current level, every year, in the
// current metric) as CSV, for pasting into a spreadsheet.
func (m *Model) tableCSV() string {
	c := m.c
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	head := []string{"segment"}
	for yi := range c.res.Years {
		head = append(head, strconv.Itoa(c.res.Year(yi)))
	}
	head = append(head, "realised_cagr_pct", "share_change_pp")
	_ = w.Write(head)
	last := c.res.Years - 1
	for _, n := range c.rows() {
		rec := []string{c.nodeName(n)}
		for yi := range c.res.Years {
			rec = append(rec, csvNum(c.metricValue(n, yi)))
		}
		rec = append(rec, csvNum(c.res.CAGR(n, 0, last)), csvNum(c.res.ShareChange(n, 0, last)))
		_ = w.Write(rec)
	}
	w.Flush()
	return b.String()
}

func csvNum(x float64) string {
	if x != x { // NaN: no growth in the base year
		return ""
	}
	return strconv.FormatFloat(x, 'g', 12, 64)
}

func (m *Model) openInfo() {
	text := m.infoText()
	if text == "" {
		m.status.error("This dataset has no report information.")
		return
	}
	m.info.SetContent(text)
	m.info.GotoTop()
	m.overlay = overlayInfo
}

func (m Model) handleInfo(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if key.Matches(k, m.c.keys.Cancel) || key.Matches(k, m.c.keys.Info) || key.Matches(k, m.c.keys.Quit) {
		m.overlay = overlayNone
		return m, nil
	}
	var cmd tea.Cmd
	m.info, cmd = m.info.Update(k)
	return m, cmd
}

// infoText is the report information: source, reported figures, context
// and which numbers are estimates.
func (m *Model) infoText() string {
	c, s := m.c, m.c.styles
	ds := c.ds
	var b strings.Builder
	w := max(m.width-4, 20)
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
	para("Source: " + ds.Source)
	para(fmt.Sprintf("Base year %d, forecast to %d; values in %s %s.", ds.BaseYear, ds.EndYear, ds.Currency, ds.Unit))
	if ds.Context.Summary != "" {
		para(ds.Context.Summary)
	}
	head("Figures the report states")
	base := ds.Base()
	estimates := 0
	for n := range ds.Nodes {
		node := &ds.Nodes[n]
		for _, f := range figuresOf(node, n) {
			if !node.IsReported(f) {
				estimates++
				continue
			}
			var v string
			switch f {
			case model.FieldValue:
				v = fmt.Sprintf("%s %g bn in %d", ds.Currency, node.InputValueBn, ds.BaseYear)
			case model.FieldShare:
				v = fmt.Sprintf("%g %% share in %d", base.Share[n], ds.BaseYear)
			case model.FieldCAGR:
				v = fmt.Sprintf("CAGR %g %%", base.Growth[n])
			}
			item("*", node.Path+": "+v)
		}
	}
	para(fmt.Sprintf("Every other figure (%d base-year shares, values and growth rates) is an estimate, with a one-line rationale in the dataset; exports mark which is which.", estimates))
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
	if c.description != "" {
		head("This scenario: " + clean(c.scenario))
		para(c.description)
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
// continuation lines by indent.
func wrap(text string, w int, indent string) string {
	var out strings.Builder
	col := 0
	for i, word := range strings.Fields(text) {
		ww := ansi.StringWidth(word)
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
