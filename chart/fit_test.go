package chart

import (
	"bytes"
	"fmt"
	"image/png"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"
)

// longChart is a chart of a market with a long name and thirteen
// segments whose long names differ only in their last word.
func longChart() (*Chart, []string) {
	c := &Chart{Title: "Internet of Medical Things in Hospitals, Clinics, Home Care and Ambulatory Settings across North America and Europe — Accelerated adoption with payer reimbursement",
		Subtitle: "Region: value, US$ bn, 2019–2027", YLabel: "US$ bn", Source: "Source: a report", FirstYear: 2019, LastYear: 2027, FromZero: true}
	var ls Lines
	var names []string
	for i := range 13 {
		v := make([]float64, 9)
		for y := range v {
			v[y] = float64(i+1) * (1 + 0.1*float64(y))
		}
		name := "Remote Patient Monitoring and Telehealth Platforms for Chronic Disease, segment " + string(rune('A'+i))
		names = append(names, name)
		ls.Lines = append(ls.Lines, Line{Name: name, Values: v, Color: i})
	}
	c.Layers = []Layer{ls}
	return c, names
}

// TestChartLongTitleStaysOnTheSlide: a title longer than the slide is
// wide wraps within the margins: every word of it is drawn, and nothing
// is drawn in the right margin.
func TestChartLongTitleStaysOnTheSlide(t *testing.T) {
	c, _ := longChart()
	texts, _ := svgTexts(t, render(t, c, "svg", 1600, 900))
	drawn := strings.Fields(strings.Join(texts, " "))
	for _, w := range strings.Fields(c.Title) {
		if !slices.Contains(drawn, w) {
			t.Errorf("the title's word %q is not drawn; the texts are %q", w, texts)
		}
	}
	img, err := png.Decode(bytes.NewReader(render(t, c, "png", 1600, 900)))
	if err != nil {
		t.Fatal(err)
	}
	for y := range 200 {
		for x := 1600 - 25; x < 1600; x++ {
			if r, g, b, _ := img.At(x, y).RGBA(); r < 0xF000 || g < 0xF000 || b < 0xF000 {
				t.Fatalf("ink at (%d, %d), in the right margin: the title runs off the slide", x, y)
			}
		}
	}
}

// TestChartLegendNamesStayApart: long names that differ only at the end
// each keep their last word in the legend, whole.
func TestChartLegendNamesStayApart(t *testing.T) {
	c, names := longChart()
	texts, _ := svgTexts(t, render(t, c, "svg", 1600, 900))
	for _, n := range names {
		last := n[strings.LastIndex(n, " ")+1:]
		found := false
		for _, tx := range texts {
			if strings.HasSuffix(tx, "segment "+last) {
				found = true
			}
		}
		if !found {
			t.Errorf("the legend does not name %q to its end; the texts are %q", n, texts)
		}
	}
}

// TestChartSeriesLookApart: ninety series each have a look of their own
// (colour and mark); past ten, colours come round with marks.
func TestChartSeriesLookApart(t *testing.T) {
	type look struct {
		c    [4]uint8
		mark string
	}
	seen := map[look]int{}
	for i := range 90 {
		c := colour(i)
		l := look{[4]uint8{c.R, c.G, c.B, c.A}, strings.TrimPrefix(typeName(mark(i)), "draw.")}
		if j, ok := seen[l]; ok {
			t.Fatalf("series %d looks as series %d: %v", i, j, l)
		}
		seen[l] = i
	}
	if mark(3) != nil {
		t.Error("the first ten series carry marks; a plain line is enough for them")
	}
}

func typeName(v any) string { return strings.TrimPrefix(fmtType(v), "*") }

func fmtType(v any) string { return fmt.Sprintf("%T", v) }

// TestChartLegendOfMany: a legend of more entries than the slide has
// room for counts the rest on its last line, within the chart.
func TestChartLegendOfMany(t *testing.T) {
	c := &Chart{Title: "Many", FirstYear: 2019, LastYear: 2020}
	var ls Lines
	for i := range 60 {
		ls.Lines = append(ls.Lines, Line{Name: "Segment number " + strconv.Itoa(i), Values: []float64{1, float64(i)}, Color: i})
	}
	c.Layers = []Layer{ls}
	texts, _ := svgTexts(t, render(t, c, "svg", 1600, 900))
	more := slices.IndexFunc(texts, func(s string) bool { return strings.HasPrefix(s, "… and ") && strings.HasSuffix(s, " more") })
	if more < 0 || !slices.Contains(texts, "Segment number 0") {
		t.Errorf("a legend of 60 does not say how many more: %q", texts)
	}
}

// TestWrapWidth: every line fits the width, and what fits in the lines
// allowed is every word of the text, in order.
func TestWrapWidth(t *testing.T) {
	d := &drawing{scale: 1}
	st := d.text(20, false, ink)
	for _, s := range []string{"", "one", "Internet of Medical Things — Accelerated adoption with payer reimbursement and more words after them",
		"Averyveryverylongwordwithoutanyspacesthatcannotwrapatallbecauseithasnospacesinside and then short"} {
		for _, w := range []float64{60, 200, 600} {
			lines := wrapWidth(st, s, vg.Length(w), 9)
			for _, l := range lines {
				if st.Width(l) > vg.Length(w) {
					t.Errorf("%q at %v: line %q is %v wide", s, w, l, st.Width(l))
				}
			}
			joined := strings.Join(lines, " ")
			if !strings.Contains(joined, "…") && joined != strings.Join(strings.Fields(s), " ") {
				t.Errorf("%q at %v: lines %q are not its words", s, w, lines)
			}
		}
	}
}
