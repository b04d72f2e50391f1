package chart

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"
	"strings"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"iomt/internal/numtext"
)

// Formats are the files a chart is written as.
func Formats() []string { return []string{"svg", "png"} }

// IsFormat reports whether format is a chart's.
func IsFormat(format string) bool { return format == "svg" || format == "png" }

// Sizes of a chart, in pixels: a 16:9 slide at full HD by default; at
// most 4096 either way, which bounds a PNG's memory (64 MiB of pixels).
const (
	DefaultWidth  = 1920
	DefaultHeight = 1080
	MinSide       = 320
	MaxSide       = 4096
)

// ParseSize reads "1600x900" and checks it is within MinSide and MaxSide.
func ParseSize(s string) (w, h int, err error) {
	a, b, ok := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "x")
	w, errW := strconv.Atoi(a)
	h, errH := strconv.Atoi(b)
	if !ok || errW != nil || errH != nil {
		return 0, 0, fmt.Errorf("%q is not a size: give WIDTHxHEIGHT in pixels, such as 1600x900", s)
	}
	if w < MinSide || h < MinSide || w > MaxSide || h > MaxSide {
		return 0, 0, fmt.Errorf("%dx%d is out of range: each side from %d to %d pixels", w, h, MinSide, MaxSide)
	}
	return w, h, nil
}

// palette is Tableau 10: distinct on a slide, and for most colour
// blindness; a compared line takes its segment's colour.
var palette = [...]color.RGBA{
	{0x4E, 0x79, 0xA7, 0xFF}, {0xF2, 0x8E, 0x2B, 0xFF}, {0xE1, 0x57, 0x59, 0xFF}, {0x76, 0xB7, 0xB2, 0xFF},
	{0x59, 0xA1, 0x4F, 0xFF}, {0xED, 0xC9, 0x48, 0xFF}, {0xB0, 0x7A, 0xA1, 0xFF}, {0xFF, 0x9D, 0xA7, 0xFF},
	{0x9C, 0x75, 0x5F, 0xFF}, {0xBA, 0xB0, 0xAC, 0xFF},
}

var (
	ink  = color.RGBA{0x22, 0x22, 0x22, 0xFF}
	grey = color.RGBA{0x66, 0x66, 0x66, 0xFF}
	grid = color.RGBA{0xDD, 0xDD, 0xDD, 0xFF}
)

func colour(i int) color.RGBA { return palette[((i%len(palette))+len(palette))%len(palette)] }

// drawing is one chart being drawn: its plot, its legend, and the
// scale of its type and lines.
type drawing struct {
	p      *plot.Plot
	legend plot.Legend
	scale  float64 // 1 at 1600×900
	chart  *Chart
}

// sans is the chart's typeface at size pt: Liberation Sans, embedded
// with gonum's fonts.
func sans(size vg.Length, bold bool) font.Font {
	f := font.Font{Typeface: "Liberation", Variant: "Sans", Size: size}
	if bold {
		f.Weight = xfont.WeightBold
	}
	return f
}

func (d *drawing) text(size float64, bold bool, c color.Color) text.Style {
	return text.Style{Color: c, Font: sans(vg.Length(size*d.scale), bold), Handler: &text.Plain{Fonts: font.DefaultCache}}
}

// Render writes c as format ("svg" or "png") at width×height pixels: the
// title and subtitle above, the legend to the right, the source line
// below. An SVG carries its font, so it reads the same everywhere.
func Render(w io.Writer, c *Chart, format string, width, height int) error {
	if width < MinSide || height < MinSide || width > MaxSide || height > MaxSide {
		return fmt.Errorf("chart: size %dx%d out of range", width, height)
	}
	var canvas vg.CanvasWriterTo
	// An SVG is measured in points: 0.75 pt a pixel makes it as wide
	// as the PNG of the same size is on a screen.
	ptW, ptH := vg.Length(width), vg.Length(height)
	switch format {
	case "png":
		canvas = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(ptW, ptH), vgimg.UseDPI(72), vgimg.UseBackgroundColor(color.White))}
	case "svg":
		ptW, ptH = ptW*0.75, ptH*0.75
		canvas = vgsvg.NewWith(vgsvg.UseWH(ptW, ptH), vgsvg.EmbedFonts(true))
	default:
		return fmt.Errorf("chart: unknown format %q", format)
	}
	if err := c.draw(draw.New(canvas), ptW, ptH); err != nil {
		return err
	}
	_, err := canvas.WriteTo(w)
	return err
}

// draw lays the chart out on dc, of size w×h points.
func (c *Chart) draw(dc draw.Canvas, w, h vg.Length) error {
	d := &drawing{p: plot.New(), legend: plot.NewLegend(), chart: c}
	d.scale = math.Min(float64(w)/1600, float64(h)/900)
	s := func(x float64) vg.Length { return vg.Length(x * d.scale) }
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())

	d.setupPlot()
	for _, l := range c.Layers {
		if err := l.draw(d); err != nil {
			return err
		}
	}
	d.fitValueAxis()
	margin := s(40)
	title, sub, src := d.text(34, true, ink), d.text(22, false, grey), d.text(15, false, grey)
	top := dc.Max.Y - margin
	dc.FillText(title, vg.Point{X: margin, Y: top - title.Height(c.Title)}, c.Title)
	top -= title.Height(c.Title) + s(10)
	dc.FillText(sub, vg.Point{X: margin, Y: top - sub.Height(c.Subtitle)}, c.Subtitle)
	top -= sub.Height(c.Subtitle) + s(24)
	dc.FillText(src, vg.Point{X: margin, Y: margin}, c.Source)
	bottom := margin + src.Height(c.Source) + s(18)

	legendW := d.legendWidth()
	area := draw.Crop(dc, margin, -(margin + legendW + s(24)), bottom, -(dc.Max.Y - top))
	d.p.Draw(area)
	legend := draw.Crop(dc, dc.Max.X-margin-legendW, -margin, bottom, -(dc.Max.Y - top))
	d.legend.Draw(legend)
	return nil
}

// setupPlot styles the plot: axes and ticks in the chart's type, years
// on x, grouped thousands on y, a light horizontal grid.
func (d *drawing) setupPlot() {
	p, c := d.p, d.chart
	s := func(x float64) vg.Length { return vg.Length(x * d.scale) }
	p.BackgroundColor = color.Transparent
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		// Keep gonum's alignments and rotation; set the type and colour.
		ax.Label.TextStyle.Font, ax.Label.TextStyle.Color = sans(s(19), false), grey
		ax.Tick.Label.Font, ax.Tick.Label.Color = sans(s(18), false), ink
		ax.LineStyle = draw.LineStyle{Color: grey, Width: s(1.2)}
		ax.Tick.LineStyle = draw.LineStyle{Color: grey, Width: s(1.2)}
		ax.Tick.Length = s(6)
		ax.Padding = s(6)
	}
	p.Y.Label.Text = c.YLabel
	p.Y.Label.Padding = s(8)
	p.X.Min, p.X.Max = float64(c.FirstYear)-0.3, float64(c.LastYear)+0.3
	p.X.Tick.Marker = yearTicks{}
	p.Y.Tick.Marker = groupedTicks{}
	g := plotter.NewGrid()
	g.Vertical.Width = 0
	g.Horizontal = draw.LineStyle{Color: grid, Width: s(1)}
	p.Add(g)
	d.legend.TextStyle = d.text(19, false, ink)
	d.legend.Top, d.legend.Left = true, true
	d.legend.ThumbnailWidth = s(36)
	d.legend.Padding = s(8)
}

// legendWidth is the room the legend takes: its longest entry.
func (d *drawing) legendWidth() vg.Length {
	widest := vg.Length(0)
	for _, name := range d.legendNames() {
		widest = max(widest, d.legend.TextStyle.Width(name))
	}
	return min(widest+d.legend.ThumbnailWidth+vg.Length(14*d.scale), vg.Length(560*d.scale))
}

// maxLegendName is the longest name a legend shows whole: a segment's
// name may run to 120 characters, which would leave no room to plot.
const maxLegendName = 40

// legendName is a name as the legend shows it, cut with "…" past
// maxLegendName characters.
func legendName(s string) string {
	r := []rune(s)
	if len(r) <= maxLegendName {
		return s
	}
	return strings.TrimSpace(string(r[:maxLegendName-1])) + "…"
}

// legendNames are the names the layers gave the legend.
func (d *drawing) legendNames() []string {
	var out []string
	for _, l := range d.chart.Layers {
		switch l := l.(type) {
		case Lines:
			for _, ln := range l.Lines {
				if !ln.NoLegend {
					out = append(out, legendName(ln.Name))
				}
			}
			for _, name := range l.DashedNames {
				out = append(out, legendName(name))
			}
		case Band:
			out = append(out, legendName(l.Name))
		}
	}
	return out
}

// fitValueAxis starts the value axis at 0 where the chart asks (values
// and shares: a line's height is then its size), leaves a little room
// above the highest point, and gives a flat chart a range to draw in.
func (d *drawing) fitValueAxis() {
	y := &d.p.Y
	if math.IsInf(y.Min, 0) || math.IsInf(y.Max, 0) {
		y.Min, y.Max = 0, 1
	}
	if d.chart.FromZero && y.Min > 0 {
		y.Min = 0
	}
	if y.Max-y.Min < 1e-9*math.Max(1, math.Abs(y.Max)) {
		y.Max = y.Min + math.Max(1, math.Abs(y.Min)*0.1)
	}
	// End the axis on labelled ticks, a little room above the highest
	// point.
	y.Max += (y.Max - y.Min) * 0.02
	step := niceStep(y.Min, y.Max)
	y.Max = math.Ceil(y.Max/step-1e-9) * step
	y.Min = math.Floor(y.Min/step+1e-9) * step
}

// points are a series' finite values against their years.
func (d *drawing) points(values []float64) plotter.XYs {
	var xy plotter.XYs
	for i, v := range values {
		if finite(v) {
			xy = append(xy, plotter.XY{X: float64(d.chart.FirstYear + i), Y: v})
		}
	}
	return xy
}

func (ls Lines) draw(d *drawing) error {
	s := func(x float64) vg.Length { return vg.Length(x * d.scale) }
	for _, l := range ls.Lines {
		xy := d.points(l.Values)
		if len(xy) == 0 {
			continue
		}
		line, err := plotter.NewLine(xy)
		if err != nil {
			return fmt.Errorf("chart: %s: %w", l.Name, err)
		}
		line.LineStyle = draw.LineStyle{Color: colour(l.Color), Width: s(3.5)}
		if l.Dashed {
			line.LineStyle.Width = s(3)
			line.LineStyle.Dashes = dashes(l.Dash, s)
		}
		d.p.Add(line)
		if !l.NoLegend {
			d.legend.Add(legendName(l.Name), line)
		}
	}
	for i, name := range ls.DashedNames {
		key := &plotter.Line{LineStyle: draw.LineStyle{Color: grey, Width: s(3), Dashes: dashes(i, s)}}
		d.legend.Add(legendName(name), key)
	}
	return nil
}

// dashes is dash pattern i of the compared scenarios (up to four, as the
// dashboard compares): long dashes, short ones, dots, dash-dot.
func dashes(i int, s func(float64) vg.Length) []vg.Length {
	switch i % 4 {
	case 1:
		return []vg.Length{s(6), s(6)}
	case 2:
		return []vg.Length{s(2), s(5)}
	case 3:
		return []vg.Length{s(12), s(5), s(2), s(5)}
	}
	return []vg.Length{s(12), s(7)}
}

func (b Band) draw(d *drawing) error {
	lo, hi := d.points(b.Lo), d.points(b.Hi)
	if len(lo) == 0 || len(lo) != len(hi) {
		return errors.New("chart: a band needs as many finite low and high values")
	}
	ring := append(plotter.XYs{}, lo...)
	for i := len(hi) - 1; i >= 0; i-- {
		ring = append(ring, hi[i])
	}
	poly, err := plotter.NewPolygon(ring)
	if err != nil {
		return fmt.Errorf("chart: %s: %w", b.Name, err)
	}
	// A third of the colour over the white: color.RGBA is premultiplied,
	// so the translucent colour is an NRGBA.
	c := colour(b.Color)
	poly.Color = color.NRGBA{R: c.R, G: c.G, B: c.B, A: 0x55}
	poly.LineStyle.Width = 0
	d.p.Add(poly)
	d.legend.Add(legendName(b.Name), poly)
	return nil
}

// yearTicks marks every year on the x axis, labelled at a step that keeps
// labels apart (every year up to 12 of them).
type yearTicks struct{}

func (yearTicks) Ticks(lo, hi float64) []plot.Tick {
	first, last := int(math.Ceil(lo)), int(math.Floor(hi))
	step := max(1, (last-first+11)/12)
	var out []plot.Tick
	for y := first; y <= last; y++ {
		t := plot.Tick{Value: float64(y)}
		if (y-first)%step == 0 {
			t.Label = strconv.Itoa(y)
		}
		out = append(out, t)
	}
	return out
}

// niceStep is the round step (1, 2, 2.5 or 5 times a power of ten) that
// cuts lo to hi into about six.
func niceStep(lo, hi float64) float64 {
	raw := (hi - lo) / 6
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5} {
		if m*pow >= raw {
			return m * pow
		}
	}
	return 10 * pow
}

// groupedTicks label the value axis as iomt writes numbers: thousands
// grouped (21,791), as many decimals as the step needs, at a round step
// (1, 2, 2.5 or 5 times a power of ten) that gives five to ten labels.
type groupedTicks struct{}

func (groupedTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || !finite(lo) || !finite(hi) {
		return []plot.Tick{{Value: lo, Label: numtext.Format(lo, 2)}}
	}
	step := niceStep(lo, hi)
	prec := max(0, int(math.Ceil(-math.Log10(step)-1e-9)))
	if frac := step / math.Pow(10, -float64(prec)); math.Abs(frac-math.Round(frac)) > 1e-9 {
		prec++ // 2.5 × 10^k needs a decimal more
	}
	var out []plot.Tick
	for v := math.Ceil(lo/step-1e-9) * step; v <= hi+step*1e-9; v += step {
		out = append(out, plot.Tick{Value: v, Label: numtext.Format(v, min(prec, 8))})
		if len(out) > 100 {
			break
		}
	}
	return out
}
