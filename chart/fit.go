package chart

import (
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Text that must fit the slide. gonum draws a string on one line where
// it is asked to and clips nothing, and its legend gives every entry the
// height of the tallest; a market's name or a segment's may run to 120
// characters. So titles shrink a little, then wrap, and the legend is
// laid out here, each name wrapped in its column.

// minShrink is how far a title's type shrinks before it wraps instead.
const minShrink = 0.8

// fitText lays s out in the style st for w points: on one line when it
// fits, else in type shrunk down to minShrink of st's, else at that
// size broken at spaces over at most maxLines lines, the last cut with
// "…". It returns the style to draw the lines in.
func fitText(st text.Style, s string, w vg.Length, maxLines int) (text.Style, []string) {
	if s == "" || st.Width(s) <= w {
		return st, []string{s}
	}
	size := st.Font.Size
	if shrunk := size * w / st.Width(s) * 0.995; shrunk >= size*minShrink {
		st.Font.Size = shrunk
		return st, []string{s}
	}
	st.Font.Size = size * minShrink
	return st, wrapWidth(st, s, w, maxLines)
}

// wrapWidth breaks s at spaces into lines of at most w points, at most
// maxLines of them: a word too long for a line, and what is left for
// the last line, are cut with "…".
func wrapWidth(st text.Style, s string, w vg.Length, maxLines int) []string {
	words := strings.Fields(s)
	if maxLines <= 1 || len(words) == 0 {
		return []string{cutWidth(st, strings.Join(words, " "), w)}
	}
	var lines []string
	cur := ""
words:
	for i, word := range words {
		switch {
		case cur == "":
			cur = word
		case st.Width(cur+" "+word) <= w:
			cur += " " + word
		default:
			lines = append(lines, cur)
			if len(lines) == maxLines-1 {
				cur = strings.Join(words[i:], " ")
				break words
			}
			cur = word
		}
	}
	lines = append(lines, cur)
	for i := range lines {
		lines[i] = cutWidth(st, lines[i], w)
	}
	return lines
}

// cutWidth cuts s with "…" to at most w points.
func cutWidth(st text.Style, s string, w vg.Length) string {
	if st.Width(s) <= w {
		return s
	}
	r := []rune(s)
	lo, hi := 0, len(r) // the most runes kept that fit is in [lo, hi)
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if st.Width(strings.TrimSpace(string(r[:mid]))+"…") <= w {
			lo = mid
		} else {
			hi = mid
		}
	}
	return strings.TrimSpace(string(r[:lo])) + "…"
}

// maxLegendLines is how many lines a legend name wraps over; a longer
// name loses its middle, so names that differ at the end (a segment's
// last word) stay apart.
const maxLegendLines = 3

// legendLines is name laid out in a legend column w points wide.
func legendLines(st text.Style, name string, w vg.Length) []string {
	if lines := wrapWidth(st, name, w, maxLegendLines+1); len(lines) <= maxLegendLines {
		return lines
	}
	r := []rune(name)
	fits := func(keep int) bool {
		return len(wrapWidth(st, middleCut(r, keep), w, maxLegendLines+1)) <= maxLegendLines
	}
	lo, hi := 0, len(r)/2 // runes kept at each end
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if fits(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return wrapWidth(st, middleCut(r, lo), w, maxLegendLines)
}

// middleCut keeps keep runes at each end of r, "…" between them.
func middleCut(r []rune, keep int) string {
	return strings.TrimSpace(string(r[:keep])) + " … " + strings.TrimSpace(string(r[len(r)-keep:]))
}

// legendEntry is a name in the legend and the keys drawn beside it.
type legendEntry struct {
	name   string
	thumbs []plot.Thumbnailer
}

// addLegend puts an entry in the legend.
func (d *drawing) addLegend(name string, thumbs ...plot.Thumbnailer) {
	d.legend = append(d.legend, legendEntry{name: name, thumbs: thumbs})
}

// legendStyle is the legend's type at the factor shrink of its size.
func (d *drawing) legendStyle(shrink float64) text.Style {
	return d.text(19*shrink, false, ink)
}

// legendWidth is the room the legend takes, of a chart w points wide:
// its longest name on one line and its key, at most 28 % of the width
// (names wrap within it).
func (d *drawing) legendWidth(w vg.Length) vg.Length {
	if len(d.legend) == 0 {
		return 0
	}
	st := d.legendStyle(1)
	widest := vg.Length(0)
	for _, e := range d.legend {
		widest = max(widest, st.Width(e.name))
	}
	return min(widest+d.keyWidth()+d.s(12), w*0.28)
}

// keyWidth is the width of a legend entry's key.
func (d *drawing) keyWidth() vg.Length { return d.s(36) }

// drawLegend draws the legend in c from its top, each key beside the
// first line of its name: in smaller type when the entries are too many
// for the height, and beyond that, the last ones counted on a line.
func (d *drawing) drawLegend(c draw.Canvas) {
	gap, pad := d.s(10), d.s(8)
	textW := c.Max.X - c.Min.X - d.keyWidth() - gap
	var st text.Style
	var laid [][]string
	for _, shrink := range []float64{1, 0.85, 0.7} {
		st = d.legendStyle(shrink)
		laid, _ = d.layLegend(st, textW, c.Max.Y-c.Min.Y, pad)
		if len(laid) == len(d.legend) {
			break
		}
	}
	lineH := st.Height("Ag")
	y := c.Max.Y
	for i, lines := range laid {
		key := &draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{Min: vg.Point{X: c.Min.X, Y: y - lineH}, Max: vg.Point{X: c.Min.X + d.keyWidth(), Y: y}}}
		for _, t := range d.legend[i].thumbs {
			t.Thumbnail(key)
		}
		for _, l := range lines {
			y -= lineH
			c.FillText(st, vg.Point{X: c.Min.X + d.keyWidth() + gap, Y: y}, l)
		}
		y -= pad
	}
	if more := len(d.legend) - len(laid); more > 0 {
		c.FillText(d.text(19*0.7, false, grey), vg.Point{X: c.Min.X, Y: y - lineH}, "… and "+strconv.Itoa(more)+" more")
	}
}

// layLegend lays the entries out in st, names textW wide, in a column h
// high: the lines of each entry that fits, a line kept free for saying
// how many more there are when some do not.
func (d *drawing) layLegend(st text.Style, textW, h, pad vg.Length) ([][]string, vg.Length) {
	lineH := st.Height("Ag")
	var out [][]string
	used := vg.Length(0)
	for i, e := range d.legend {
		lines := legendLines(st, e.name, textW)
		need := vg.Length(len(lines))*lineH + pad
		room := h
		if i < len(d.legend)-1 {
			room -= lineH // for "… and N more"
		}
		if used+need > room {
			break
		}
		out = append(out, lines)
		used += need
	}
	return out, used
}
