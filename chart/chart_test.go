package chart

import (
	"bytes"
	"encoding/xml"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"iomt/assets"
	"iomt/forecast"
	"iomt/model"
)

func iomt(t testing.TB) *model.Dataset {
	t.Helper()
	ds, err := model.LoadDataset(assets.DatasetName, assets.Dataset())
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// regions is the IoMT Region tab's chart of values, compared with a
// scenario two points faster.
func regions(t testing.TB, metric Metric) (*Chart, *model.Dataset) {
	t.Helper()
	ds := iomt(t)
	a := ds.Base()
	b := ds.Base()
	for n := range b.Growth {
		b.Growth[n] += 2
	}
	c, err := Forecast(Input{Dataset: ds, Scenario: "Base (report)", Result: forecast.Project(ds, &a),
		Compared: []Compared{{Name: "Faster", Result: forecast.Project(ds, &b)}}, Nodes: ds.Dims[3].Top, Level: "Region", Metric: metric})
	if err != nil {
		t.Fatal(err)
	}
	return c, ds
}

func render(t testing.TB, c *Chart, format string, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, c, format, w, h); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// svgTexts returns the text of every <text> element of an SVG, failing
// unless it parses as XML.
func svgTexts(t *testing.T, data []byte) (texts []string, styles string) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	var in string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the SVG does not parse: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			in = tok.Name.Local
		case xml.CharData:
			switch in {
			case "text":
				texts = append(texts, string(tok))
			case "style":
				styles += string(tok)
			}
		case xml.EndElement:
			in = ""
		}
	}
	return texts, styles
}

// TestChartSVGHoldsWhatASlideNeeds: the SVG parses and holds the title
// (market and scenario), the subtitle (tab, metric, unit, comparison),
// every legend name, every year, the value axis' unit and labels, the
// source line, the compared lines dashed, and the font it is set in.
func TestChartSVGHoldsWhatASlideNeeds(t *testing.T) {
	c, ds := regions(t, Value)
	data := render(t, c, "svg", DefaultWidth, DefaultHeight)
	texts, styles := svgTexts(t, data)
	want := []string{
		"Internet of Medical Things — Base (report)",
		"Region: value, US$ bn, 2019–2027 · compared with Faster (dashed)",
		"North America", "Europe", "Asia-Pacific", "Middle East & Africa", "South America", "Faster (compared)",
		"US$ bn", "0", "20", "40", "60",
		"Source: UnivDatos Market Insights, Internet of Medical Things Market (2020-2027). Scenario: Base (report). Chart: iomt.",
	}
	for y := ds.BaseYear; y <= ds.EndYear; y++ {
		want = append(want, itoa(y))
	}
	for _, w := range want {
		if !slices.Contains(texts, w) {
			t.Errorf("the SVG has no text %q; it has %q", w, texts)
		}
	}
	if !strings.Contains(styles, "@font-face") || !strings.Contains(styles, `font-family:"Liberation Sans"`) || !strings.Contains(styles, "base64,") {
		t.Error("the SVG does not carry its font")
	}
	// Five segments solid, five compared dashed.
	if n := strings.Count(string(data), "stroke-dasharray"); n < 5 {
		t.Errorf("%d dashed strokes, want the five compared lines dashed", n)
	}
	if !strings.Contains(string(data), `viewBox="0 0 1440 810"`) {
		t.Errorf("the SVG is not 16:9 at 1920×1080 px: %.200s", data)
	}
}

// TestChartGroupsThousands: a value axis past a thousand groups its
// digits as iomt writes numbers.
func TestChartGroupsThousands(t *testing.T) {
	ticks := groupedTicks{}.Ticks(0, 12345)
	var labels []string
	for _, tk := range ticks {
		labels = append(labels, tk.Label)
	}
	if !slices.Equal(labels, []string{"0", "2,500", "5,000", "7,500", "10,000", "12,500"}[:len(labels)]) || len(labels) < 5 {
		t.Errorf("labels %q", labels)
	}
	small := groupedTicks{}.Ticks(0, 0.9)
	if small[1].Label != "0.2" && small[1].Label != "0.1" && small[1].Label != "0.25" {
		t.Errorf("small ticks %+v", small)
	}
}

// TestChartPNG: the PNG is the size asked, 16:9 by default, and not
// blank: the title's ink at the top left, each segment's colour in the
// plot, white around them.
func TestChartPNG(t *testing.T) {
	c, _ := regions(t, Share)
	for _, size := range [][2]int{{DefaultWidth, DefaultHeight}, {1600, 900}, {800, 800}} {
		data := render(t, c, "png", size[0], size[1])
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != size[0] || b.Dy() != size[1] {
			t.Fatalf("PNG of %v is %v", size, b)
		}
		counts := colourCounts(img)
		for i := range 5 {
			if counts[palette[i]] < 200 {
				t.Errorf("%v: %d pixels of segment %d's colour", size, counts[palette[i]], i)
			}
		}
		if counts[color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}] < size[0]*size[1]/2 {
			t.Errorf("%v: not a white slide", size)
		}
		if !darkNear(img, size[0]/20, size[1]/12) {
			t.Errorf("%v: no title at the top left", size)
		}
	}
}

func colourCounts(img image.Image) map[color.RGBA]int {
	out := map[color.RGBA]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			out[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), uint8(a >> 8)}]++
		}
	}
	return out
}

// darkNear reports whether there is ink (a dark pixel) within a box
// around x, y.
func darkNear(img image.Image, x, y int) bool {
	for dy := -y / 2; dy < y/2; dy++ {
		for dx := -x; dx < 4*x; dx++ {
			r, g, b, _ := img.At(x+dx, y+dy).RGBA()
			if r < 0x4000 && g < 0x4000 && b < 0x4000 {
				return true
			}
		}
	}
	return false
}

// TestChartIsTheSameEveryTime: the same chart gives the same bytes,
// in both formats: its font is embedded, nothing depends on the machine.
func TestChartIsTheSameEveryTime(t *testing.T) {
	c, _ := regions(t, Growth)
	for _, f := range Formats() {
		if !bytes.Equal(render(t, c, f, 1280, 720), render(t, c, f, 1280, 720)) {
			t.Errorf("%s: two renderings differ", f)
		}
	}
}

// TestFanChart: a Monte Carlo run draws as its P10–P90 band, its median
// and the scenario as entered, titled with the node, paths and seed.
func TestFanChart(t *testing.T) {
	ds := iomt(t)
	a := ds.Base()
	n, _ := ds.Lookup("Region/Asia-Pacific")
	sim, err := forecast.MonteCarlo(t.Context(), ds, a, n, 500, 7, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	p10, p50, p90 := sim.Percentiles()
	res := forecast.Project(ds, &a)
	c, err := Fan(FanInput{Dataset: ds, Scenario: "Base (report)", Node: n, Entered: res.Series(n), P10: p10, P50: p50, P90: p90, Paths: 500, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	texts, _ := svgTexts(t, render(t, c, "svg", 1600, 900))
	for _, w := range []string{"Monte Carlo: Region/Asia-Pacific, value, US$ bn · 500 paths, seed 7", "P10–P90", "P50 (median)", "as entered", "2019", "2027"} {
		if !slices.Contains(texts, w) {
			t.Errorf("the fan has no text %q: %q", w, texts)
		}
	}
	data := render(t, c, "png", 1600, 900)
	if testing.Verbose() {
		_ = os.WriteFile(filepath.Join(os.TempDir(), "iomt-fan.png"), data, 0o644) // to look at
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	band := 0
	for c, k := range colourCounts(img) {
		// The band is palette[0] (4E79A7) at a third over white: C4D2E2.
		if near(c.R, 0xC4) && near(c.G, 0xD2) && near(c.B, 0xE2) {
			band += k
		}
	}
	if band < 5000 {
		t.Errorf("%d pixels of the filled band", band)
	}
}

func near(a, b uint8) bool { return math.Abs(float64(a)-float64(b)) <= 6 }

// TestChartSize: sizes are read as WIDTHxHEIGHT and bounded.
func TestChartSize(t *testing.T) {
	if w, h, err := ParseSize("1600x900"); err != nil || w != 1600 || h != 900 {
		t.Errorf("1600x900: %d %d %v", w, h, err)
	}
	for _, bad := range []string{"1600", "x900", "1600x", "100x100", "9000x900", "axb", "1600×900"} {
		if _, _, err := ParseSize(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if DefaultWidth*9 != DefaultHeight*16 {
		t.Error("the default size is not 16:9")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// FuzzParseSize: whatever --size says, a size read is within bounds.
func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"1600x900", "1920X1080", " 800x800 ", "x", "4097x100", "-1x-1", "1e3x900"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, h, err := ParseSize(s)
		if err == nil && (w < MinSide || h < MinSide || w > MaxSide || h > MaxSide) {
			t.Fatalf("%q read as %dx%d", s, w, h)
		}
	})
}

// TestChartSeveralCompared: the dashboard compares up to four scenarios,
// and so does its chart for a slide: each compared scenario's lines
// dashed in a pattern of its own, each named in the legend and the
// subtitle.
func TestChartSeveralCompared(t *testing.T) {
	ds := iomt(t)
	a, b, c := ds.Base(), ds.Base(), ds.Base()
	b.Growth[0] += 2
	c.Growth[0] -= 2
	ch, err := Forecast(Input{Dataset: ds, Scenario: "Base (report)", Result: forecast.Project(ds, &a),
		Compared: []Compared{{Name: "Faster", Result: forecast.Project(ds, &b)}, {Name: "Slower", Result: forecast.Project(ds, &c)}},
		Nodes:    ds.Dims[3].Top, Level: "Region", Metric: Value})
	if err != nil {
		t.Fatal(err)
	}
	data := render(t, ch, "svg", DefaultWidth, DefaultHeight)
	texts, _ := svgTexts(t, data)
	for _, w := range []string{"Faster (compared)", "Slower (compared)", "Region: value, US$ bn, 2019–2027 · compared with Faster, Slower (dashed)"} {
		if !slices.Contains(texts, w) {
			t.Errorf("the SVG has no text %q; it has %q", w, texts)
		}
	}
	patterns := map[string]bool{}
	for _, m := range regexp.MustCompile(`stroke-dasharray:([^;"]+)`).FindAllStringSubmatch(string(data), -1) {
		patterns[m[1]] = true
	}
	if len(patterns) < 2 {
		t.Errorf("the compared scenarios' lines share one dash pattern: %v", patterns)
	}
}
