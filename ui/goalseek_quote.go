package ui

import (
	"fmt"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"iomt/forecast"
)

// answerLines are a reached goal's lines, as a consultant quotes them:
// the rate to enter and the growth the node then shows (the client asks
// for the second), its share, the siblings it moves, the warnings. add
// wraps a sentence at the pane's width; addAsIs adds a line laid out to fit.
func (d *goalSeekDialog) answerLines(a *goalAnswer, levers float64, add, addAsIs func(lipgloss.Style, string)) {
	e, s := d.e, d.e.look.styles
	plain := lipgloss.NewStyle()
	q := a.quote
	answer := fmt.Sprintf("Answer: enter %s %% a year", fmtNum(a.sol.Rate, 2))
	if levers != 0 {
		answer = fmt.Sprintf("Answer: enter %s %% a year (%s %% with the levers)", fmtNum(a.sol.Rate, 2), fmtNum(a.sol.Rate+levers, 2))
	}
	add(s.Title, answer)
	name := "the total"
	if d.node != 0 {
		name = clean(e.ds.Nodes[d.node].Name)
	}
	if q != nil {
		add(plain, fmt.Sprintf("  %s then grows %s %% a year %d–%d (now %s %%)", name, fmtNum(q.Realised, 2), q.From, q.To, fmtNum(q.RealisedNow, 2)))
	}
	if from, last, span := e.scen.Window(); q == nil || from != 0 || last != d.year-e.ds.BaseYear {
		add(plain, fmt.Sprintf("  realised CAGR %s: %s %% (now %s %%)", span, fmtNum(a.realised[1], 2), fmtNum(a.realised[0], 2)))
	}
	if d.node != 0 {
		add(plain, fmt.Sprintf("  share of %s in %d: %s %% (now %s %%)", clean(parentLabel(e, d.node)), d.year, fmtNum(a.share[1], 2), fmtNum(a.share[0], 2)))
	}
	if q != nil && len(q.Siblings) > 0 {
		largest := 0.0
		for _, k := range q.Siblings {
			largest = max(largest, k.Before, k.After)
		}
		add(plain, fmt.Sprintf("  its siblings in %d, %s, before → after:", d.year, unitLabel(e.ds)))
		for _, l := range d.siblingLines(q.Siblings, valuePrec(largest, 2)) {
			addAsIs(plain, l) // laid out to fit: wrapping would close up the columns
		}
	}
	if q != nil {
		for _, w := range q.Warnings {
			add(s.Error, "  Warning: "+clean(w))
		}
	}
	add(s.Muted, fmt.Sprintf("  found in %d projections", a.sol.Evals))
}

// answerRows are about the rows a goal seek's screen takes besides the
// siblings: the question, the answer, three warnings wrapped, the keys.
const answerRows = 18

// siblingLines lay the siblings' values before and after out in aligned
// columns, the names padded to the longest and each number right-aligned
// in its own column, a sibling a line where the pane's height has room,
// else as many a line as its width takes:
// wrapped as words, "53.94 → 3.65" and "50.06 → 3.38" fell anywhere.
func (d *goalSeekDialog) siblingLines(sibs []forecast.Knock, prec int) []string {
	const indent, gap = "    ", "   "
	inner := d.width - 2 - len(indent)
	names := make([]string, len(sibs))
	var wn, wb, wa int
	for i, k := range sibs {
		names[i] = ansi.Truncate(clean(d.e.ds.Nodes[k.Node].Name), max(inner/2, 8), "…")
		wn = max(wn, ansi.StringWidth(names[i]))
		wb, wa = max(wb, len(fmtNum(k.Before, prec))), max(wa, len(fmtNum(k.After, prec)))
	}
	entryW := wn + 1 + wb + 3 + wa
	perLine := max((inner+len(gap))/(entryW+len(gap)), 1)
	if d.height-2 >= len(sibs)+answerRows {
		perLine = 1 // room for a table: a sibling a line
	}
	var out []string
	line := ""
	for i, k := range sibs {
		if i%perLine > 0 {
			line += gap
		}
		line += padRight(names[i], wn) + fmt.Sprintf(" %*s → %*s", wb, fmtNum(k.Before, prec), wa, fmtNum(k.After, prec))
		if i%perLine == perLine-1 || i == len(sibs)-1 {
			out = append(out, indent+line)
			line = ""
		}
	}
	return out
}
