package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
)

// answerLines are a reached goal's lines, as a consultant quotes them:
// the rate to enter and the growth the node then shows (the client asks
// for the second), its share, the siblings it moves, the warnings.
func (d *goalSeekDialog) answerLines(a *goalAnswer, levers float64, add func(lipgloss.Style, string)) {
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
		prec := valuePrec(largest, 2)
		parts := make([]string, len(q.Siblings))
		for i, k := range q.Siblings {
			parts[i] = fmt.Sprintf("%s %s → %s", clean(e.ds.Nodes[k.Node].Name), fmtNum(k.Before, prec), fmtNum(k.After, prec))
		}
		add(plain, fmt.Sprintf("  its siblings in %d, %s: %s", d.year, unitLabel(e.ds), strings.Join(parts, " · ")))
	}
	if q != nil {
		for _, w := range q.Warnings {
			add(s.Error, "  Warning: "+clean(w))
		}
	}
	add(s.Muted, fmt.Sprintf("  found in %d projections", a.sol.Evals))
}
