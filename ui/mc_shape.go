package ui

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"iomt/forecast"
	"iomt/internal/numtext"
	"iomt/internal/textbar"
	"iomt/model"
)

// mcField is the Monte Carlo screen's field being typed in: tab moves
// from one to the next.
type mcField int

const (
	mcAbove       mcField = iota // the value whose probability of being beaten is asked
	mcLow                        // the low of the row's range
	mcHigh                       // its high
	mcCorrelation                // the correlation between the rates
)

// mcShape is how the Monte Carlo screen shapes a run: what varies, the
// correlation, and the fields of the row's range and the correlation.
type mcShape struct {
	field       mcField
	draws       forecast.Draws
	low, high   textinput.Model
	correlation textinput.Model
}

func newMCShape(e env) mcShape {
	sh := mcShape{low: newInput(e, 12), high: newInput(e, 12), correlation: newInput(e, 6)}
	for _, in := range []*textinput.Model{&sh.low, &sh.high, &sh.correlation} {
		in.Prompt = ""
		in.SetWidth(6)
	}
	sh.correlation.Placeholder = "0"
	return sh
}

// fill offers the row's range as it stands in the range fields.
func (sh *mcShape) fill(a *model.Assumptions, n int) {
	lo, hi := a.Growth[n]-model.DefaultSpread, a.Growth[n]+model.DefaultSpread
	if r := a.Ranges[n]; r.IsSet() {
		lo, hi = r.Lo, r.Hi
	}
	sh.low.Placeholder, sh.high.Placeholder = fmtNum(lo, 2), fmtNum(hi, 2)
	sh.low.SetValue("")
	sh.high.SetValue("")
}

// nextField moves the typing to the next field.
func (sh *mcShape) nextField(threshold *textinput.Model) tea.Cmd {
	sh.field = (sh.field + 1) % 4
	fields := []*textinput.Model{threshold, &sh.low, &sh.high, &sh.correlation}
	for i, in := range fields {
		if mcField(i) != sh.field {
			in.Blur()
		}
	}
	return fields[sh.field].Focus()
}

// update gives msg (a key, a paste) to the range or correlation field
// being typed in.
func (sh *mcShape) update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch sh.field {
	case mcLow:
		sh.low, cmd = sh.low.Update(msg)
	case mcHigh:
		sh.high, cmd = sh.high.Update(msg)
	case mcCorrelation:
		sh.correlation, cmd = sh.correlation.Update(msg)
	}
	return cmd
}

// toggleVary switches between every rate and the row's own.
func (sh *mcShape) toggleVary() {
	if sh.draws.Vary == forecast.VaryNode {
		sh.draws.Vary = forecast.VaryAll
	} else {
		sh.draws.Vary = forecast.VaryNode
	}
}

// typedNumber reads a field: what is typed, else what it offers; a
// field that holds no number says so with an example of one it takes.
func typedNumber(in *textinput.Model, what, example string) (float64, error) {
	text := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(in.Value()), "%"))
	if text == "" {
		text = in.Placeholder
	}
	v, err := numtext.Parse(text)
	switch {
	case errors.Is(err, numtext.ErrDecimalComma):
		return 0, fmt.Errorf("%s %q: %w", what, text, err)
	case err != nil:
		return 0, fmt.Errorf("%s %q is not a number: type one such as %s", what, text, example)
	}
	return v, nil
}

// typedRange is the range typed for node n, low and high.
func (sh *mcShape) typedRange(a *model.Assumptions, n int) (model.Range, error) {
	lo, err := typedNumber(&sh.low, "range low", fmtNum(a.Growth[n]-model.DefaultSpread, 1))
	if err != nil {
		return model.Range{}, err
	}
	hi, err := typedNumber(&sh.high, "range high", fmtNum(a.Growth[n]+model.DefaultSpread, 1))
	if err != nil {
		return model.Range{}, err
	}
	return model.Range{Lo: lo, Hi: hi}, nil
}

// typedCorrelation is the correlation typed, from 0 to 1.
func (sh *mcShape) typedCorrelation() (float64, error) {
	c, err := typedNumber(&sh.correlation, "correlation", "0.4, from 0 to 1")
	if err != nil {
		return 0, err
	}
	if err := (forecast.Draws{Correlation: c}).Check(); err != nil {
		return 0, fmt.Errorf("correlation %g: type one from 0 (rates drawn on their own) to 1 (all as one)", c)
	}
	return c, nil
}

func (sh *mcShape) setStyles(s *Styles) {
	for _, in := range []*textinput.Model{&sh.low, &sh.high, &sh.correlation} {
		in.SetStyles(s.input())
	}
}

// view is the row's range and the correlation, with their fields: one
// line when it fits, else two (the keys are on the status line).
func (sh *mcShape) view(e env, inner int, a *model.Assumptions, n int) []string {
	s := e.look.styles
	field := func(in *textinput.Model, f mcField, w int) string {
		if sh.field == f {
			return in.View()
		}
		return s.Muted.Render(padRight(cmpOr(in.Value(), in.Placeholder), w))
	}
	kind := "default ±" + fmtNum(model.DefaultSpread, 0) + " pp"
	if a.Ranges[n].IsSet() {
		kind = "cagr_range_pct"
	}
	rest := fmt.Sprintf(" drawn from %s to %s %% (%s, entered %s %%)", field(&sh.low, mcLow, 7), field(&sh.high, mcHigh, 7), kind, fmtNum(a.Growth[n], 2))
	name := ansi.Truncate(clean(nodeName(e.ds, n)), max(inner-ansi.StringWidth(rest), 8), "…")
	corr := "correlation " + field(&sh.correlation, mcCorrelation, 6)
	if line := name + rest + " · " + corr; ansi.StringWidth(line) <= inner {
		return []string{line}
	}
	return []string{name + rest, corr}
}

// cmpOr is a if it is not empty, else b.
func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// histogram is the chosen year's outcomes in w×h cells: a header, then
// a bin per line, the highest values at the top as on the fan's axis,
// each its lowest value, a bar of its paths, and the percentiles that
// fall in it.
func (d *monteCarloDialog) histogram(w, h int) []string {
	e, s := d.e, d.e.look.styles
	yi := d.year - e.ds.BaseYear
	if yi < 0 || yi >= len(d.cols) || h < 3 {
		return nil
	}
	bins := min(h-2, forecast.MaxBins)
	hist, err := forecast.NewHistogram(d.cols[yi], d.year, bins)
	if err != nil {
		return nil
	}
	prec := valuePrec(max(math.Abs(hist.Lo), math.Abs(hist.Hi)), 2)
	labelW := 0
	for i := range hist.Counts {
		lo, _ := hist.Bin(i)
		labelW = max(labelW, len(fmtNum(lo, prec)))
	}
	marks := make([]string, len(hist.Counts))
	for _, p := range []struct {
		name string
		v    float64
	}{{"P10", hist.P10}, {"P50", hist.P50}, {"P90", hist.P90}} {
		i := hist.BinOf(p.v)
		marks[i] = strings.TrimSpace(marks[i] + " " + p.name)
	}
	markW := 0 // "◂ P10 P50" and a blank before it
	for _, m := range marks {
		if m != "" {
			markW = max(markW, len(m)+3)
		}
	}
	barW := max(w-labelW-2-markW, 4)
	largest := 0
	for _, c := range hist.Counts {
		largest = max(largest, c)
	}
	out := []string{s.Header.Render(fmt.Sprintf("%d, paths by value", d.year))}
	for i := len(hist.Counts) - 1; i >= 0; i-- {
		lo, _ := hist.Bin(i)
		bar := textbar.Bar(hist.Counts[i], largest, barW)
		line := fmt.Sprintf("%*s ▕%s", labelW, fmtNum(lo, prec), padRight(bar, barW))
		if marks[i] != "" {
			mark := "◂ " + marks[i]
			if strings.Contains(marks[i], "P50") {
				mark = s.Accent.Render(mark)
			}
			line += " " + mark
		}
		out = append(out, line)
	}
	out = append(out, s.Muted.Render(fmt.Sprintf("%*s  bins of %s %s", labelW, "", fmtNum((hist.Hi-hist.Lo)/float64(len(hist.Counts)), prec), unitLabel(e.ds))))
	return out
}
