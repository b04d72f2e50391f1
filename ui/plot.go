package ui

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/guptarohit/asciigraph"
)

// plotter draws line charts exactly as asciigraph.PlotMany draws them,
// byte for byte, for the options the chart pane uses (plotSpec). It is
// hand-written because asciigraph builds a grid of cells afresh on every
// call and formats an escape sequence with fmt.Sprintf at every change of
// colour: a third of a keypress at 200×60, and 250 of its 1,460
// allocations, for a chart that is redrawn on every edit. This one keeps
// its grid, series and escape sequences between frames.
// TestPlotterIsAsciigraph holds it to asciigraph's output on random
// charts; spec.options() gives asciigraph the same chart.
type plotter struct {
	data [][]float64 // the series, interpolated to the plot's width
	grid []plotCell  // rows × columns, reused
	// texts are what the grid's cells hold, each once: a cell holds its
	// index (0 is a blank), so the grid holds no pointers to clear and
	// the garbage collector no strings to scan.
	texts []string
	// ys are the y axis' labels, top row first, and last the frame
	// before's: a label is formatted again only when its value moved.
	ys, lastYs []yLabel
	escapes    [256]string // each colour's escape sequence, as met
	line       []rune      // the x axis' lines
}

// yLabel is the label of one row of the y axis.
type yLabel struct {
	value  float64
	prec   int
	text   string // as formatted
	padded string // padded on the left to padTo characters
	padTo  int
}

// plotCell is one cell of the grid: its text (one character, or a whole
// y label in the label's cell), as an index into the plotter's texts,
// and colour.
type plotCell struct {
	text  uint16
	color asciigraph.AnsiColor
}

// blankCell is a grid cell before anything is drawn in it.
var blankCell = plotCell{color: asciigraph.Default}

// text is the index in p.texts of s, added when new.
func (p *plotter) text(s string) uint16 {
	for i, t := range p.texts {
		if t == s {
			return uint16(i)
		}
	}
	p.texts = append(p.texts, s)
	return uint16(len(p.texts) - 1)
}

// seriesText are a series' characters as indices into the plotter's
// texts.
type seriesText struct {
	horizontal, vertical, downRight, downLeft, upRight, upLeft, endCap, startCap uint16
}

func (p *plotter) seriesText(cs asciigraph.CharSet) seriesText {
	return seriesText{horizontal: p.text(cs.Horizontal), vertical: p.text(cs.VerticalLine),
		downRight: p.text(cs.ArcDownRight), downLeft: p.text(cs.ArcDownLeft),
		upRight: p.text(cs.ArcUpRight), upLeft: p.text(cs.ArcUpLeft),
		endCap: p.text(cs.EndCap), startCap: p.text(cs.StartCap)}
}

// plotSpec is a chart as the chart pane asks for it: asciigraph's
// Height, Width, a YAxisValueFormatter writing fmtNum(v, prec),
// XAxisRange, XAxisTickCount, an XAxisValueFormatter writing whole years,
// LowerBound and UpperBound (when bounded), SeriesChars, and SeriesColors,
// AxisColor and LabelColor (when colors is not nil). Nothing else of
// asciigraph's is drawn.
type plotSpec struct {
	height, width int
	prec          int
	xFrom, xTo    float64
	ticks         int
	bounded       bool
	lower, upper  float64
	chars         []asciigraph.CharSet
	colors        []asciigraph.AnsiColor
	axisColor     asciigraph.AnsiColor
	labelColor    asciigraph.AnsiColor
}

// options are spec as asciigraph's options.
func (sp *plotSpec) options() []asciigraph.Option {
	opts := []asciigraph.Option{
		asciigraph.Height(sp.height), asciigraph.Width(sp.width),
		asciigraph.YAxisValueFormatter(sp.yLabel),
		asciigraph.XAxisRange(sp.xFrom, sp.xTo), asciigraph.XAxisTickCount(sp.ticks),
		asciigraph.XAxisValueFormatter(yearLabel),
		asciigraph.SeriesChars(sp.chars...),
	}
	if sp.bounded {
		opts = append(opts, asciigraph.LowerBound(sp.lower), asciigraph.UpperBound(sp.upper))
	}
	if sp.colors != nil {
		opts = append(opts, asciigraph.SeriesColors(sp.colors...), asciigraph.AxisColor(sp.axisColor),
			asciigraph.LabelColor(sp.labelColor))
	}
	return opts
}

// yLabel writes a value of the y axis: grouped as the table writes
// numbers, at the spec's precision.
func (sp *plotSpec) yLabel(v float64) string { return fmtNum(v, sp.prec) }

// yearLabel writes a year of the x axis.
func yearLabel(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) }

// escape is asciigraph's c.String(), formatted once per plotter.
func (p *plotter) escape(c asciigraph.AnsiColor) string {
	if p.escapes[c] == "" {
		p.escapes[c] = c.String()
	}
	return p.escapes[c]
}

// charSet is asciigraph's getCharSet: series i's characters, the
// default's where it has none.
func charSet(sets []asciigraph.CharSet, i int) asciigraph.CharSet {
	if i >= len(sets) {
		return asciigraph.DefaultCharSet
	}
	cs, d := sets[i], asciigraph.DefaultCharSet
	fill := func(v *string, def string) {
		if *v == "" {
			*v = def
		}
	}
	fill(&cs.Horizontal, d.Horizontal)
	fill(&cs.VerticalLine, d.VerticalLine)
	fill(&cs.ArcDownRight, d.ArcDownRight)
	fill(&cs.ArcDownLeft, d.ArcDownLeft)
	fill(&cs.ArcUpRight, d.ArcUpRight)
	fill(&cs.ArcUpLeft, d.ArcUpLeft)
	fill(&cs.EndCap, d.EndCap)
	fill(&cs.StartCap, d.StartCap)
	fill(&cs.UpRight, d.UpRight)
	fill(&cs.DownHorizontal, d.DownHorizontal)
	return cs
}

// roundHalfAway is asciigraph's round: halves away from zero.
func roundHalfAway(x float64) float64 {
	if math.IsNaN(x) {
		return math.NaN()
	}
	sign := 1.0
	if x < 0 {
		sign, x = -1, -x
	}
	if _, frac := math.Modf(x); frac >= 0.5 {
		return math.Ceil(x) * sign
	}
	return math.Floor(x) * sign
}

// interpolate is asciigraph's interpolateArray, into dst.
func interpolate(dst, data []float64, fit int) []float64 {
	dst = append(dst[:0], data[0])
	spring := float64(len(data)-1) / float64(fit-1)
	for i := 1; i < fit-1; i++ {
		at := float64(i) * spring
		before, after := math.Floor(at), math.Ceil(at)
		a, b := data[int(before)], data[int(after)]
		dst = append(dst, a+(b-a)*(at-before))
	}
	return append(dst, data[len(data)-1])
}

// plot draws series as asciigraph.PlotMany(series, sp.options()...) does.
func (p *plotter) plot(series [][]float64, sp plotSpec) string {
	// A plot of more rows than a cell's text index can tell labels
	// apart (no terminal has them) is asciigraph's too.
	if sp.width <= 0 || sp.height <= 0 || sp.height > 1<<15 || len(series) == 0 {
		return asciigraph.PlotMany(series, sp.options()...) // not the chart pane's: asciigraph's own way
	}
	const offset = 3
	if sp.colors == nil {
		sp.axisColor, sp.labelColor = asciigraph.Default, asciigraph.Default
	}
	lenMax := 0
	for _, s := range series {
		lenMax = max(lenMax, len(s))
		if len(s) == 0 {
			return asciigraph.PlotMany(series, sp.options()...)
		}
	}
	for len(p.data) < len(series) {
		p.data = append(p.data, nil)
	}
	data := p.data[:len(series)]
	var padded []float64
	for i, s := range series {
		if len(s) < lenMax {
			padded = append(append(padded[:0], s...), make([]float64, lenMax-len(s))...)
			for j := len(s); j < lenMax; j++ {
				padded[j] = math.NaN()
			}
			s = padded
		}
		data[i] = interpolate(data[i], s, sp.width)
	}
	lenMax = sp.width

	minimum, maximum := math.Inf(1), math.Inf(-1)
	for _, s := range data {
		for _, v := range s {
			if v < minimum {
				minimum = v
			}
			if v > maximum {
				maximum = v
			}
		}
	}
	if sp.bounded && sp.lower < minimum {
		minimum = sp.lower
	}
	if sp.bounded && sp.upper > maximum {
		maximum = sp.upper
	}
	interval := math.Abs(maximum - minimum)
	ratio := 1.0
	if interval != 0 {
		ratio = float64(sp.height) / interval
	}
	min2, max2 := roundHalfAway(minimum*ratio), roundHalfAway(maximum*ratio)
	intmin2, intmax2 := int(min2), int(max2)
	rows := intmax2 - intmin2
	if rows < 0 {
		rows = -rows
	}
	width := lenMax + offset

	// The grid, blank.
	n := (rows + 1) * width
	if cap(p.grid) < n {
		p.grid = make([]plotCell, n)
	}
	grid := p.grid[:n]
	for i := range grid {
		grid[i] = blankCell
	}
	p.texts = append(p.texts[:0], " ")
	tLeft, tCross := p.text("┤"), p.text("┼")
	cell := func(r, c int) *plotCell { return &grid[r*width+c] }

	// The y axis' values and labels.
	p.lastYs, p.ys = p.ys, p.lastYs[:0]
	maxLen := 0
	for y := intmin2; y < intmax2+1; y++ {
		var mag float64
		switch {
		case rows > 0 && interval > 0:
			mag = maximum - (float64(y-intmin2) * interval / float64(rows))
		case interval == 0:
			mag = minimum
		default:
			mag = float64(y)
		}
		l := yLabel{value: mag}
		if i := len(p.ys); i < len(p.lastYs) && math.Float64bits(p.lastYs[i].value) == math.Float64bits(mag) && p.lastYs[i].prec == sp.prec {
			l = p.lastYs[i]
		} else {
			l.text, l.prec = sp.yLabel(mag), sp.prec
		}
		p.ys = append(p.ys, l)
		maxLen = max(maxLen, utf8.RuneCountInString(l.text))
	}
	leftPad := offset + maxLen
	for w := range p.ys {
		l := &p.ys[w]
		if l.padded == "" || l.padTo != maxLen+1 {
			l.padded, l.padTo = strings.Repeat(" ", maxLen+1-utf8.RuneCountInString(l.text))+l.text, maxLen+1
		}
		h := max(offset-utf8.RuneCountInString(l.padded), 0)
		*cell(w, h) = plotCell{text: p.text(l.padded), color: sp.labelColor}
		*cell(w, offset-1) = plotCell{text: tLeft, color: sp.axisColor}
	}

	// The lines, each over those before it.
	for i, s := range data {
		color := asciigraph.Default
		if i < len(sp.colors) {
			color = sp.colors[i]
		}
		cs := p.seriesText(charSet(sp.chars, i))
		set := func(y, x int, text uint16) { cell(rows-y, x+offset).text = text }
		paint := func(y, x int) { cell(rows-y, x+offset).color = color }
		if !math.IsNaN(s[0]) {
			y0 := int(roundHalfAway(s[0]*ratio) - min2)
			*cell(rows-y0, offset-1) = plotCell{text: tCross, color: sp.axisColor}
		}
		for x := 0; x < len(s)-1; x++ {
			d0, d1 := s[x], s[x+1]
			nan0, nan1 := math.IsNaN(d0), math.IsNaN(d1)
			switch {
			case nan0 && nan1:
				continue
			case nan1:
				y0 := int(roundHalfAway(d0*ratio) - float64(intmin2))
				set(y0, x, cs.endCap)
				paint(y0, x)
				continue
			case nan0:
				y1 := int(roundHalfAway(d1*ratio) - float64(intmin2))
				set(y1, x, cs.startCap)
				paint(y1, x)
				continue
			}
			y0 := int(roundHalfAway(d0*ratio) - float64(intmin2))
			y1 := int(roundHalfAway(d1*ratio) - float64(intmin2))
			switch {
			case y0 == y1:
				set(y0, x, cs.horizontal)
			case y0 > y1:
				set(y1, x, cs.upRight)
				set(y0, x, cs.downLeft)
			default:
				set(y1, x, cs.downRight)
				set(y0, x, cs.upLeft)
			}
			if y0 != y1 {
				for y := min(y0, y1) + 1; y < max(y0, y1); y++ {
					set(y, x, cs.vertical)
				}
			}
			for y := min(y0, y1); y <= max(y0, y1); y++ {
				paint(y, x)
			}
		}
	}

	// The rows, without trailing blanks, a colour written where it changes.
	var out strings.Builder
	out.Grow((rows + 3) * (width + 24))
	for r := 0; r <= rows; r++ {
		if r != 0 {
			out.WriteByte('\n')
		}
		row := grid[r*width : (r+1)*width]
		last := 0
		for i := width - 1; i >= 0; i-- {
			if p.texts[row[i].text] != " " {
				last = i
				break
			}
		}
		c := asciigraph.Default
		for _, v := range row[:last+1] {
			if v.color != c {
				c = v.color
				out.WriteString(p.escape(c))
			}
			out.WriteString(p.texts[v.text])
		}
		if c != asciigraph.Default {
			out.WriteString(p.escape(asciigraph.Default))
		}
	}
	p.xAxis(&out, sp, lenMax, leftPad)
	return out.String()
}

// xAxis is asciigraph's addXAxis with a formatter given: the axis line
// with its ticks, and the labels centred under them where they fit.
func (p *plotter) xAxis(out *strings.Builder, sp plotSpec, lenMax, leftPad int) {
	if lenMax <= 0 {
		return
	}
	tickCount := sp.ticks
	if tickCount < 2 {
		tickCount = 5
	}
	if lenMax == 1 {
		tickCount = 1
	}
	tickCount = min(tickCount, lenMax)
	type tick struct {
		col   int
		label string
	}
	var buf [16]tick
	ticks := buf[:0]
	for i := range tickCount {
		var t tick
		v := sp.xFrom
		if tickCount > 1 {
			v = sp.xFrom + float64(i)/float64(tickCount-1)*(sp.xTo-sp.xFrom)
			t.col = int(math.Round(float64(lenMax-1) * float64(i) / float64(tickCount-1)))
		}
		t.label = yearLabel(v)
		ticks = append(ticks, t)
	}

	total := leftPad + lenMax
	line := p.line[:0]
	for range total {
		line = append(line, ' ')
	}
	line[leftPad-1] = '└'
	for i := range lenMax {
		line[leftPad+i] = '─'
	}
	for _, t := range ticks {
		line[leftPad+t.col] = '┬'
	}
	out.WriteByte('\n')
	if sp.axisColor != asciigraph.Default {
		out.WriteString(p.escape(sp.axisColor))
	}
	writeRunesTrimmed(out, line)
	if sp.axisColor != asciigraph.Default {
		out.WriteString(p.escape(asciigraph.Default))
	}

	extent := total
	for _, t := range ticks {
		n := utf8.RuneCountInString(t.label)
		extent = max(extent, leftPad+t.col+(n-n/2))
	}
	line = line[:0]
	for range extent {
		line = append(line, ' ')
	}
	lastEnd := -1
	for _, t := range ticks {
		n := utf8.RuneCountInString(t.label)
		start := max(leftPad+t.col-n/2, 0)
		if start <= lastEnd {
			continue
		}
		j := 0
		for _, r := range t.label {
			if start+j < len(line) {
				line[start+j] = r
			}
			j++
		}
		lastEnd = start + n
	}
	p.line = line
	end := len(line)
	for end > 0 && line[end-1] == ' ' {
		end--
	}
	if end == 0 {
		return
	}
	out.WriteByte('\n')
	if sp.labelColor != asciigraph.Default {
		out.WriteString(p.escape(sp.labelColor))
	}
	writeRunesTrimmed(out, line[:end])
	if sp.labelColor != asciigraph.Default {
		out.WriteString(p.escape(asciigraph.Default))
	}
}

// writeRunesTrimmed writes rs without its trailing spaces.
func writeRunesTrimmed(out *strings.Builder, rs []rune) {
	end := len(rs)
	for end > 0 && rs[end-1] == ' ' {
		end--
	}
	for _, r := range rs[:end] {
		out.WriteRune(r)
	}
}
