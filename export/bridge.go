package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"iomt/forecast"
	"iomt/internal/numtext"
	"iomt/internal/safetext"
	"iomt/model"
)

// A bridge written out: as CSV (assumption,from,to,contribution, then a
// total line), and as a waterfall of text for a terminal. The dashboard
// draws the same rows (WaterfallRows) in its own styles.

// BridgeCSV writes the bridge b: a row per assumption that differs, its
// value in A and in B (a figure with twelve significant digits, or the
// words of one that is none: "CAGR", "top-down") and its contribution,
// in the bridge's order; then "total,,,B − A".
func BridgeCSV(w io.Writer, b *forecast.Bridge) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"assumption", "from", "to", "contribution"}); err != nil {
		return err
	}
	value := func(x float64, text string) string {
		if text != "" {
			return safetext.Cell(text)
		}
		return num(x)
	}
	for _, s := range b.Steps {
		if err := cw.Write([]string{safetext.Cell(s.Path), value(s.From, s.FromText), value(s.To, s.ToText), num(s.Contribution)}); err != nil {
			return err
		}
	}
	if err := cw.Write([]string{"total", "", "", num(b.Delta())}); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// Bar kinds of a waterfall row.
const (
	BarTotal   = iota // A's or B's value: a mark where it lies
	BarRising         // a contribution that adds
	BarFalling        // a contribution that takes away
	BarNone           // a contribution of 0
)

// WaterfallRow is one line of a bridge drawn as a waterfall: A's value,
// each assumption's contribution, B's value.
type WaterfallRow struct {
	// Label is the scenario's name (first and last rows), or the
	// assumption and its change: "Total/cagr_pct 18.5 → 21".
	Label string
	// Amount is A's or B's value, or the signed contribution ("+6.02",
	// "+0.41 ±0.02" when sampled).
	Amount string
	// From and To are the cells of its bar in a bar area the width asked
	// for: the running total before and after it, on a scale from the
	// lowest to the highest running total. A total's mark is at From.
	From, To int
	Kind     int
}

// WaterfallRows lays out the bridge b from the scenario named a to b's
// named bName, with bars in a barW cells wide area. Names are escaped.
func WaterfallRows(b *forecast.Bridge, aName, bName string, barW int) []WaterfallRow {
	barW = max(barW, 1)
	lo, hi, cum := math.Min(b.From, b.To), math.Max(b.From, b.To), b.From
	for _, s := range b.Steps {
		cum += s.Contribution
		lo, hi = math.Min(lo, cum), math.Max(hi, cum)
	}
	largest := math.Max(math.Abs(b.From), math.Abs(b.To))
	prec := numtext.SigPrec(largest, 2)
	for _, s := range b.Steps {
		if c := math.Abs(s.Contribution); c > 0 && c < 0.5*math.Pow10(-prec) {
			// A contribution too small for the values' decimals still
			// reads as itself, not as 0.00.
			prec = min(max(prec, int(math.Ceil(-math.Log10(c)))+1), 8)
		}
	}
	x := func(v float64) int {
		if hi <= lo || math.IsNaN(v) || math.IsInf(v, 0) {
			return 0
		}
		return int(math.Round((v - lo) / (hi - lo) * float64(barW-1)))
	}
	rows := []WaterfallRow{{Label: safetext.Escape(aName), Amount: fmtFixed(b.From, prec), From: x(b.From), To: x(b.From), Kind: BarTotal}}
	cum = b.From
	for _, s := range b.Steps {
		next := cum + s.Contribution
		r := WaterfallRow{Label: safetext.Escape(s.Label(shortFigure)), Amount: fmtSigned(s.Contribution, prec), Kind: BarNone}
		if s.StdErr > 0 {
			r.Amount += " ±" + numtext.Format(s.StdErr, prec)
		}
		if s.Contribution != 0 {
			r.From, r.To = x(math.Min(cum, next)), x(math.Max(cum, next))
			r.Kind = BarRising
			if s.Contribution < 0 {
				r.Kind = BarFalling
			}
		}
		rows = append(rows, r)
		cum = next
	}
	return append(rows, WaterfallRow{Label: safetext.Escape(bName), Amount: fmtFixed(b.To, prec), From: x(b.To), To: x(b.To), Kind: BarTotal})
}

// shortFigure writes an assumption's figure in a label: at most two
// decimals, no trailing zeros (18.5, 21, 27.24).
func shortFigure(x float64) string {
	if math.IsNaN(x) {
		return "–"
	}
	s := strconv.FormatFloat(x, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		s = "0"
	}
	return numtext.Group(s)
}

// fmtFixed writes a value with prec decimals, grouped.
func fmtFixed(x float64, prec int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	return numtext.Format(x, prec)
}

// fmtSigned is fmtFixed with a "+" on gains.
func fmtSigned(x float64, prec int) string {
	s := fmtFixed(x, prec)
	if x > 0 && strings.Trim(s, "0.,") != "" {
		s = "+" + s
	}
	return s
}

// BarRune is the character a bar of the kind is drawn with, so that
// rising and falling bars differ without colour too.
func BarRune(kind int) string {
	switch kind {
	case BarRising:
		return "█"
	case BarFalling:
		return "░"
	case BarTotal:
		return "│"
	}
	return ""
}

// BridgeTitle is a bridge's heading: what, when, from which scenario to
// which.
func BridgeTitle(ds *model.Dataset, b *forecast.Bridge, aName, bName string) string {
	what := model.TotalName
	if b.Node > 0 {
		what = ds.Nodes[b.Node].Path
	}
	return fmt.Sprintf("%s in %d, %s: %s → %s", safetext.Escape(what), b.Year, ds.UnitLabel(), safetext.Escape(aName), safetext.Escape(bName))
}

// BridgeText writes the bridge as a waterfall for a terminal width
// columns wide: the title, how the contributions were found, then a line
// per row: label, amount and bar. Rising bars are drawn █, falling ░.
func BridgeText(w io.Writer, ds *model.Dataset, b *forecast.Bridge, aName, bName string, width int) error {
	var out strings.Builder
	out.WriteString(BridgeTitle(ds, b, aName, bName) + "\n")
	sentence := b.Method()
	switch {
	case b.Same():
		sentence = fmt.Sprintf("The scenarios do not differ in any assumption: the bridge is 0 (%s in both).", fmtFixed(b.From, 2))
	case b.Players > 0:
		sentence = strings.ToUpper(sentence[:1]) + sentence[1:] + "; they add up to the difference, " + fmtSigned(b.Delta(), 2) + "."
	default:
		sentence = strings.ToUpper(sentence[:1]) + sentence[1:] + "."
	}
	out.WriteString(wrapText(sentence, width) + "\n\n")
	for _, line := range WaterfallLines(b, aName, bName, width, func(_ int, s string) string { return s }) {
		out.WriteString(line + "\n")
	}
	if still := len(b.Steps) - b.Players; still > 0 && b.Players > 0 {
		out.WriteString("\n" + wrapText(fmt.Sprintf("%d of the assumptions that differ cannot move it (another dimension's, a later year's, a lock or a range): 0 each.", still), width) + "\n")
	}
	_, err := io.WriteString(w, out.String())
	return err
}

// WaterfallLines lays the rows out in width columns: the label (cut from
// its left when too long, so that the segment and the change stay), the
// amount, the bar; paint draws a row's bar in its kind's style.
func WaterfallLines(b *forecast.Bridge, aName, bName string, width int, paint func(kind int, bar string) string) []string {
	width = max(width, 40)
	probe := WaterfallRows(b, aName, bName, 1)
	labelW, amountW := 0, 0
	for _, r := range probe {
		labelW, amountW = max(labelW, ansi.StringWidth(r.Label)), max(amountW, ansi.StringWidth(r.Amount))
	}
	// The bars get a quarter of the width at least; the labels the rest.
	labelW = min(labelW, max(width-amountW-4-max(width/4, 12), 12))
	barW := max(width-labelW-amountW-4, 1)
	var out []string
	for _, r := range WaterfallRows(b, aName, bName, barW) {
		label := r.Label
		if lw := ansi.StringWidth(label); lw > labelW {
			label = "…" + ansi.TruncateLeft(label, lw-labelW+1, "")
		}
		bar := ""
		if r.Kind != BarNone {
			bar = strings.Repeat(" ", r.From) + paint(r.Kind, strings.Repeat(BarRune(r.Kind), r.To-r.From+1))
		}
		line := label + strings.Repeat(" ", labelW-ansi.StringWidth(label)) + "  " + padLeft(r.Amount, amountW) + "  " + bar
		out = append(out, strings.TrimRight(line, " "))
	}
	return out
}

// wrapText breaks a sentence into lines of at most width columns.
func wrapText(s string, width int) string {
	return strings.Join(wrapWords(s, max(width, 20)), "\n")
}
