package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"iomt/forecast"
	"iomt/internal/numtext"
	"iomt/internal/safetext"
	"iomt/model"
)

// goalText writes a goal seek's answer as a consultant quotes it: the
// rate to enter and the growth the node then shows (the headline, as the
// client asks for the growth), its share, the siblings it moves, and the
// warnings.
func goalText(w io.Writer, ds *model.Dataset, a model.Assumptions, q *forecast.Quote) error {
	name := "the total"
	if q.Node != 0 {
		name = ds.Nodes[q.Node].Name
	}
	as := "its own CAGR"
	if q.Lever == 0 {
		as = "the market's CAGR"
	}
	target := ds.Amount(numtext.Group(strconv.FormatFloat(q.Target, 'f', -1, 64)))
	now := fmt.Sprintf("now %.2f %%", a.Growth[q.Lever])
	if l := a.DriverSum(); q.Lever == 0 && l != 0 {
		now = fmt.Sprintf("%.2f %% with the levers (now %.2f %% entered, %.2f %% with them)", q.MarketGrowth, a.Growth[0], a.Growth[0]+l)
	}
	fmt.Fprintf(w, "Enter %.2f %% a year as %s (%s); %s then grows %.2f %% a year %d–%d (now %.2f %%) and reaches %s in %d.\n",
		q.Rate, as, now, name, q.Realised, q.From, q.To, q.RealisedNow, target, q.Year)
	b, err := ds.Apply(a, a, model.Edit{Kind: model.SetGrowth, Node: q.Lever, Value: q.Rate})
	if err != nil {
		return err
	}
	before, after := forecast.Project(ds, &a), forecast.Project(ds, &b)
	if wf, wt := a.Window.Span(ds); wf != q.From || wt != q.To {
		fmt.Fprintf(w, "Realised CAGR %d–%d, the scenario's window: %.2f %% (now %.2f %%).\n", wf, wt,
			after.CAGR(q.Node, wf-ds.BaseYear, wt-ds.BaseYear), before.CAGR(q.Node, wf-ds.BaseYear, wt-ds.BaseYear))
	}
	if q.Node != 0 {
		fmt.Fprintf(w, "Share of %s in %d: %.2f %% (now %.2f %%).\n", parentName(ds, q.Node), q.Year, q.Share, q.ShareNow)
	}
	if len(q.Siblings) > 0 {
		fmt.Fprintf(w, "\nIts siblings in %d, %s, before and after:\n", q.Year, ds.UnitLabel())
		largest := 0.0
		for _, k := range q.Siblings {
			largest = max(largest, k.Before, k.After)
		}
		prec := numtext.Prec(largest, 2)
		rows := make([][3]string, len(q.Siblings))
		var wn, wb, wa int
		for i, k := range q.Siblings {
			rows[i] = [3]string{safetext.Escape(ds.Nodes[k.Node].Name), numtext.Format(k.Before, prec), numtext.Format(k.After, prec)}
			wn, wb, wa = max(wn, utf8.RuneCountInString(rows[i][0])), max(wb, len(rows[i][1])), max(wa, len(rows[i][2]))
		}
		for i, k := range q.Siblings {
			fmt.Fprintf(w, "  %-*s  %*s → %*s  %+.2f %%\n", wn, rows[i][0], wb, rows[i][1], wa, rows[i][2], (k.After/k.Before-1)*100)
		}
	}
	if len(q.Warnings) > 0 {
		fmt.Fprintln(w)
		for _, warn := range q.Warnings {
			fmt.Fprintf(w, "Warning: %s.\n", safetext.Escape(warn))
		}
	}
	return nil
}

// goalJSON writes a goal seek's answer as JSON (see the goalseek
// command's help).
func goalJSON(w io.Writer, ds *model.Dataset, q *forecast.Quote, vary string, levers float64) error {
	type sibling struct {
		Node   string  `json:"node"`
		Before float64 `json:"before"`
		After  float64 `json:"after"`
	}
	out := struct {
		Node    string  `json:"node"`
		Year    int     `json:"year"`
		Target  float64 `json:"target"`
		Vary    string  `json:"vary"`
		CAGRPct float64 `json:"cagr_pct"`
		// MarketGrowthPct is the answer with the levers' impacts, when
		// the market's CAGR is varied and they add up to other than 0:
		// what the market grows at.
		MarketGrowthPct *float64 `json:"market_growth_pct,omitempty"`
		// RealisedCAGRPct is the growth the node shows at the answer,
		// from RealisedFrom to RealisedTo.
		RealisedCAGRPct float64   `json:"realised_cagr_pct"`
		RealisedFrom    int       `json:"realised_from"`
		RealisedTo      int       `json:"realised_to"`
		Siblings        []sibling `json:"siblings,omitempty"`
		Warnings        []string  `json:"warnings,omitempty"`
	}{Node: nodeName(ds, q.Node), Year: q.Year, Target: q.Target, Vary: vary, CAGRPct: q.Rate,
		RealisedCAGRPct: q.Realised, RealisedFrom: q.From, RealisedTo: q.To, Warnings: q.Warnings}
	if q.Lever == 0 && levers != 0 {
		g := q.MarketGrowth
		out.MarketGrowthPct = &g
	}
	for _, k := range q.Siblings {
		out.Siblings = append(out.Siblings, sibling{Node: nodeName(ds, k.Node), Before: k.Before, After: k.After})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // "Middle East & Africa", not "\u0026"
	return enc.Encode(out)
}
