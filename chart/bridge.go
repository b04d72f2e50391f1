package chart

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"iomt/export"
	"iomt/forecast"
	"iomt/internal/numtext"
	"iomt/model"
)

// BridgeInput is a bridge to chart: why a node's value in a year differs
// between scenario From (A) and To (B).
type BridgeInput struct {
	Dataset  *model.Dataset
	Bridge   *forecast.Bridge
	From, To string
}

// MaxBridgeBars is how many assumptions a bridge's chart gives a bar
// each, the largest; the others share one ("12 other assumptions"), so
// a bridge of sixty stays readable on a slide.
const MaxBridgeBars = 14

// Bridge is a bridge's chart for a slide, the waterfall the dashboard
// and iomt bridge draw, lying on its side: A's value, a bar per
// assumption that moves the node (largest first, rising and falling in
// colours of their own, each with its amount), B's value.
func Bridge(in BridgeInput) (*Chart, error) {
	ds, b := in.Dataset, in.Bridge
	if ds == nil || b == nil || b.Node < 0 || b.Node >= len(ds.Nodes) {
		return nil, errors.New("chart: no bridge to draw")
	}
	what := model.TotalName
	if b.Node > 0 {
		what = ds.Nodes[b.Node].Path
	}
	// The amounts and labels as the terminal's waterfall writes them
	// (its decimals, an estimate's error); row i+1 is step i.
	rows := export.WaterfallRows(b, in.From, in.To, 1)
	prec := amountPrec(rows[0].Amount)
	c := &Chart{
		Title:    ds.Market + " — " + in.From + " → " + in.To,
		Subtitle: fmt.Sprintf("Bridge: %s in %d, %s · %s", what, b.Year, ds.UnitLabel(), b.Method()),
		YLabel:   ds.UnitLabel(),
	}
	w := Waterfall{Bars: []Bar{{To: b.From, Total: true, Amount: rows[0].Amount}}}
	c.Rows = []string{rows[0].Label}
	cum := b.From
	moving := 0
	for _, s := range b.Steps {
		if s.Moves && s.Contribution != 0 {
			moving++
		}
	}
	var rest float64
	restN, still := 0, 0
	for i, s := range b.Steps {
		switch {
		case !s.Moves || s.Contribution == 0:
			still++
		case len(w.Bars) <= MaxBridgeBars || moving == MaxBridgeBars+1:
			w.Bars = append(w.Bars, Bar{From: cum, To: cum + s.Contribution, Amount: rows[i+1].Amount})
			c.Rows = append(c.Rows, rows[i+1].Label)
			cum += s.Contribution
		default:
			rest += s.Contribution
			restN++
		}
	}
	if restN > 0 {
		w.Bars = append(w.Bars, Bar{From: cum, To: cum + rest, Amount: signed(rest, prec)})
		c.Rows = append(c.Rows, strconv.Itoa(restN)+" other assumptions")
	}
	w.Bars = append(w.Bars, Bar{To: b.To, Total: true, Amount: rows[len(rows)-1].Amount})
	c.Rows = append(c.Rows, rows[len(rows)-1].Label)
	c.Source = "Source: " + sourceOf(ds) + ". Scenarios: " + in.From + " → " + in.To + ". Contributions are Shapley values: they add up to the difference."
	if still > 0 {
		c.Source += fmt.Sprintf(" %d of the assumptions that differ cannot move it: 0 each, not drawn.", still)
	}
	c.Source += " Chart: iomt."
	lo, hi := math.Min(b.From, b.To), math.Max(b.From, b.To)
	for _, bar := range w.Bars {
		lo, hi = math.Min(lo, bar.To), math.Max(hi, bar.To)
	}
	// From zero when the change is a good part of the value (a bar's
	// length is then its size); else from just below the lowest running
	// total, as the terminal's waterfall, so small contributions show.
	c.FromZero = lo >= 0 && hi-lo > 0.3*hi
	c.Layers = []Layer{w}
	return c, nil
}

// sourceOf is the dataset's source, or its market's name.
func sourceOf(ds *model.Dataset) string {
	if ds.Source == "" {
		return "the dataset " + ds.Market
	}
	return ds.Source
}

// amountPrec is the decimals of an amount the terminal wrote ("53.94").
func amountPrec(s string) int {
	if i := strings.LastIndex(s, "."); i >= 0 {
		return len(s) - i - 1
	}
	return 0
}

// signed writes a contribution with prec decimals, "+" on a gain.
func signed(x float64, prec int) string {
	s := numtext.Format(x, prec)
	if x > 0 && strings.Trim(s, "0.,") != "" {
		s = "+" + s
	}
	return s
}

// Waterfall is a bridge's bars, a row each from the top: a total from
// the value axis to its value, a contribution from the running total
// before it to the one after, a thin line joining each to the next.
type Waterfall struct {
	Bars []Bar
}

// Bar is one row of a waterfall.
type Bar struct {
	From, To float64 // a contribution's running totals; a total's value is To
	Total    bool
	Amount   string // written beside the bar
}

// The waterfall's colours: the totals in the palette's blue, rises
// green, falls red, each also told by the sign of its amount.
var (
	totalColour = palette[0]
	riseColour  = palette[4]
	fallColour  = palette[2]
)

func (w Waterfall) draw(d *drawing) error {
	if len(w.Bars) != len(d.chart.Rows) {
		return errors.New("chart: a waterfall needs a row for each bar")
	}
	d.p.Add(waterfallPlotter{w: w, d: d})
	d.addLegend("the scenarios' values", swatch{totalColour})
	kinds := map[bool]bool{}
	for _, b := range w.Bars {
		if !b.Total {
			kinds[b.To >= b.From] = true
		}
	}
	if kinds[true] {
		d.addLegend("adds", swatch{riseColour})
	}
	if kinds[false] {
		d.addLegend("takes away", swatch{fallColour})
	}
	return nil
}

// waterfallPlotter draws a Waterfall on gonum's plot, which has no
// floating bars.
type waterfallPlotter struct {
	w Waterfall
	d *drawing
}

// DataRange is the running totals' range across, with room on the right
// for the amounts, and the rows' down.
func (p waterfallPlotter) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = math.Inf(1), math.Inf(-1)
	for _, b := range p.w.Bars {
		for _, v := range []float64{b.From, b.To} {
			if finite(v) && (!b.Total || v == b.To) {
				xmin, xmax = math.Min(xmin, v), math.Max(xmax, v)
			}
		}
	}
	span := xmax - xmin
	if !(span > 0) {
		span = math.Max(math.Abs(xmax), 1) * 0.1
	}
	return xmin - 0.05*span, xmax + 0.14*span, -0.5, float64(len(p.w.Bars)) - 0.5
}

// Plot draws the bars, the lines joining them and their amounts.
func (p waterfallPlotter) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	d, n := p.d, len(p.w.Bars)
	const half = 0.34 // of a row's height
	label := d.text(17, false, ink)
	label.YAlign = text.YCenter
	join := draw.LineStyle{Color: grey, Width: d.s(1.2), Dashes: []vg.Length{d.s(3), d.s(3)}}
	for i, b := range p.w.Bars {
		y := float64(n - 1 - i)
		lo, hi, col := math.Min(b.From, b.To), math.Max(b.From, b.To), riseColour
		switch {
		case b.Total:
			lo, hi, col = plt.X.Min, b.To, totalColour
		case b.To < b.From:
			col = fallColour
		}
		x0, x1 := trX(lo), trX(hi)
		if x1-x0 < d.s(2) {
			x1 = x0 + d.s(2) // a contribution too small to see still shows
		}
		c.SetColor(col)
		c.Fill(vg.Rectangle{Min: vg.Point{X: x0, Y: trY(y - half)}, Max: vg.Point{X: x1, Y: trY(y + half)}}.Path())
		c.FillText(label, vg.Point{X: x1 + d.s(8), Y: trY(y)}, b.Amount)
		if i+1 < n {
			x := trX(b.To)
			c.StrokeLine2(join, x, trY(y-half), x, trY(y-1+half))
		}
	}
}

// swatch is a legend key of a filled colour.
type swatch struct{ c color.Color }

func (s swatch) Thumbnail(c *draw.Canvas) {
	h := c.Max.Y - c.Min.Y
	c.SetColor(s.c)
	c.Fill(vg.Rectangle{Min: vg.Point{X: c.Min.X, Y: c.Min.Y + h*0.15}, Max: vg.Point{X: c.Max.X, Y: c.Max.Y - h*0.15}}.Path())
}

// rowTicks label a chart's rows, the first at the top.
type rowTicks []string

func (r rowTicks) Ticks(lo, hi float64) []plot.Tick {
	out := make([]plot.Tick, len(r))
	for i, l := range r {
		out[i] = plot.Tick{Value: float64(len(r) - 1 - i), Label: l}
	}
	return out
}

// rowLabels are the rows' labels as the axis shows them: cut from the
// left with "…" to a third of the chart's width, so that the segment and
// the change stay (the terminal's waterfall cuts them so too).
func (d *drawing) rowLabels() []string {
	st := d.p.Y.Tick.Label
	room := d.w / 3
	out := make([]string, len(d.chart.Rows))
	for i, l := range d.chart.Rows {
		out[i] = cutLeft(st, l, room)
	}
	return out
}

// cutLeft cuts s from its left with "…" to at most w points.
func cutLeft(st text.Style, s string, w vg.Length) string {
	if st.Width(s) <= w {
		return s
	}
	r := []rune(s)
	lo, hi := 0, len(r) // runes dropped: the fewest that fit is in (lo, hi]
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if st.Width("…"+strings.TrimSpace(string(r[mid:]))) <= w {
			hi = mid
		} else {
			lo = mid
		}
	}
	return "…" + strings.TrimSpace(string(r[hi:]))
}
