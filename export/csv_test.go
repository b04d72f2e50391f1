package export

import (
	"bytes"
	"encoding/csv"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"

	"iomt/model"
)

const wantHeader = "scenario,dimension,segment,parent,year,value_usd_bn,share_pct,growth_pct"

// rowPath rebuilds the node path of a CSV record.
func rowPath(rec []string) string {
	switch {
	case rec[1] == "Total":
		return "Total"
	case rec[3] == "":
		return rec[1] + "/" + rec[2]
	}
	return rec[1] + "/" + rec[3] + "/" + rec[2]
}

func TestCSVHeaderExact(t *testing.T) {
	raw, _ := readCSV(t, baseInput(loadEmbedded(t), "Base"))
	first, _, _ := strings.Cut(raw, "\n")
	if first != wantHeader {
		t.Errorf("header = %q, want %q", first, wantHeader)
	}
}

// TestCSVSmallByHand checks every row of the small dataset against
// figures worked out by hand (see smallYAML).
func TestCSVSmallByHand(t *testing.T) {
	nan := math.NaN()
	type want struct {
		dim, seg, parent string
		values, shares   [3]float64
		growth           [3]float64
	}
	wants := []want{
		{"Total", "Total", "", [3]float64{100, 110, 121}, [3]float64{100, 100, 100}, [3]float64{nan, 10, 10}},
		{"Kind", "Alpha, Beta", "", [3]float64{60, 66, 72.6}, [3]float64{60, 60, 60}, [3]float64{nan, 10, 10}},
		{"Kind", "A1", "Alpha, Beta", [3]float64{30, 33, 36.3}, [3]float64{50, 50, 50}, [3]float64{nan, 10, 10}},
		{"Kind", "A|2", "Alpha, Beta", [3]float64{30, 33, 36.3}, [3]float64{50, 50, 50}, [3]float64{nan, 10, 10}},
		{"Kind", `Gamma "G"`, "", [3]float64{40, 44, 48.4}, [3]float64{40, 40, 40}, [3]float64{nan, 10, 10}},
		{"Place", "North", "", [3]float64{50, 110.0 / 3, 24.2}, [3]float64{50, 100.0 / 3, 20}, [3]float64{nan, -80.0 / 3, -34}},
		{"Place", "South", "", [3]float64{50, 220.0 / 3, 96.8}, [3]float64{50, 200.0 / 3, 80}, [3]float64{nan, 140.0 / 3, 32}},
	}
	_, recs := readCSV(t, baseInput(loadSmall(t), "Hand, made"))
	if len(recs) != 1+len(wants)*3 {
		t.Fatalf("%d records, want %d", len(recs), 1+len(wants)*3)
	}
	for i, w := range wants {
		for yi := range 3 {
			rec := recs[1+i*3+yi]
			if len(rec) != 8 {
				t.Fatalf("record %v has %d fields, want 8", rec, len(rec))
			}
			if rec[0] != "Hand, made" || rec[1] != w.dim || rec[2] != w.seg || rec[3] != w.parent || rec[4] != strconv.Itoa(2020+yi) {
				t.Errorf("record %d = %q, want scenario %q, %s / %s (parent %q), year %d", 1+i*3+yi, rec, "Hand, made", w.dim, w.seg, w.parent, 2020+yi)
			}
			for j, x := range []float64{w.values[yi], w.shares[yi], w.growth[yi]} {
				if got := field(t, rec[5+j]); !approx(got, x, 1e-9) {
					t.Errorf("%s %d %s = %q, want %v", w.seg, 2020+yi, strings.Split(wantHeader, ",")[5+j], rec[5+j], x)
				}
			}
		}
	}
}

func TestCSVRowCountAndTotalFirst(t *testing.T) {
	ds := loadEmbedded(t)
	_, recs := readCSV(t, baseInput(ds, "Base"))
	if want := 1 + len(ds.Nodes)*ds.Years(); len(recs) != want {
		t.Fatalf("%d records, want header + %d nodes × %d years = %d", len(recs), len(ds.Nodes), ds.Years(), want)
	}
	for yi := range ds.Years() {
		rec := recs[1+yi]
		if rec[1] != "Total" || rec[2] != "Total" || rec[3] != "" || rec[4] != strconv.Itoa(ds.BaseYear+yi) || rec[6] != "100" {
			t.Errorf("record %d = %q, want the Total row of %d with share 100", 1+yi, rec, ds.BaseYear+yi)
		}
	}
	if recs[1+ds.Years()][1] == "Total" {
		t.Errorf("more Total rows than years")
	}
}

// TestCSVOrder checks the embedded dataset's rows: each node's years are
// consecutive and ascending, dimensions come in dataset order, and every
// child comes right after its parent or an earlier sibling.
func TestCSVOrder(t *testing.T) {
	ds := loadEmbedded(t)
	_, recs := readCSV(t, baseInput(ds, "Base"))
	var blocks [][]string // one record per node: its first year
	for i, rec := range recs[1:] {
		yi := i % ds.Years()
		if rec[4] != strconv.Itoa(ds.BaseYear+yi) {
			t.Fatalf("record %d is year %s, want %d", i+1, rec[4], ds.BaseYear+yi)
		}
		if yi == 0 {
			blocks = append(blocks, rec)
		} else if prev := blocks[len(blocks)-1]; rowPath(prev) != rowPath(rec) {
			t.Fatalf("record %d (%s) interrupts the years of %s", i+1, rowPath(rec), rowPath(prev))
		}
	}
	var dims []string
	for _, b := range blocks {
		if len(dims) == 0 || dims[len(dims)-1] != b[1] {
			dims = append(dims, b[1])
		}
	}
	wantDims := []string{"Total", "Component", "Application", "End-User", "Region"}
	if strings.Join(dims, ",") != strings.Join(wantDims, ",") {
		t.Errorf("dimensions in order %q, want %q, each once", dims, wantDims)
	}
	seen := map[string]bool{}
	for i, b := range blocks {
		p := rowPath(b)
		if seen[p] {
			t.Errorf("%s listed twice", p)
		}
		seen[p] = true
		if b[3] == "" {
			continue
		}
		prev := blocks[i-1]
		if !(prev[1] == b[1] && (prev[3] == "" && prev[2] == b[3] || prev[3] == b[3])) {
			t.Errorf("%s follows %s, want right after its parent %q or a sibling", p, rowPath(prev), b[3])
		}
	}
	if len(seen) != len(ds.Nodes) {
		t.Errorf("%d nodes listed, want %d", len(seen), len(ds.Nodes))
	}
	// Medical Devices' children follow it before Systems and Software.
	var order []string
	for _, b := range blocks[1:6] {
		order = append(order, b[2])
	}
	want := []string{"Medical Devices", "Wearable External Medical Devices", "Implanted Medical Devices", "Stationary Medical Devices", "Systems and Software"}
	if strings.Join(order, "|") != strings.Join(want, "|") {
		t.Errorf("first segments %q, want %q", order, want)
	}
}

func TestCSVQuotesNames(t *testing.T) {
	ds := loadSmall(t)
	raw, recs := readCSV(t, baseInput(ds, `Base "v2", final`))
	for _, s := range []string{`"Alpha, Beta"`, `"Gamma ""G"""`, `"Base ""v2"", final"`} {
		if !strings.Contains(raw, s) {
			t.Errorf("output lacks the RFC 4180 quoted field %s", s)
		}
	}
	var got []string
	for i, rec := range recs[1:] {
		if rec[0] != `Base "v2", final` {
			t.Fatalf("record %d scenario %q", i+1, rec[0])
		}
		if i%3 == 0 {
			got = append(got, rowPath(rec))
		}
	}
	if strings.Join(got, "\n") != strings.Join(smallOrder, "\n") {
		t.Errorf("paths parsed back:\n%q\nwant\n%q", got, smallOrder)
	}
}

// checkSums verifies, from the CSV alone, that every set of siblings adds
// up to its parent in value and to 100 in share.
func checkSums(t *testing.T, recs [][]string) {
	t.Helper()
	type key struct{ dim, parent, year string }
	sum := map[key]float64{}
	shares := map[key]float64{}
	parents := map[key]float64{} // value of (dim, segment, year), top level
	var total = map[string]float64{}
	for _, rec := range recs[1:] {
		v, s := field(t, rec[5]), field(t, rec[6])
		switch {
		case rec[1] == "Total":
			total[rec[4]] = v
			continue
		case rec[3] == "":
			parents[key{rec[1], rec[2], rec[4]}] = v
		}
		k := key{rec[1], rec[3], rec[4]}
		sum[k] += v
		shares[k] += s
	}
	for k, got := range sum {
		want := total[k.year]
		if k.parent != "" {
			want = parents[key{k.dim, k.parent, k.year}]
		}
		if !approx(got, want, 1e-9) {
			t.Errorf("%s/%s %s: children add up to %v, parent is %v", k.dim, k.parent, k.year, got, want)
		}
		if !approx(shares[k], 100, 1e-9) {
			t.Errorf("%s/%s %s: shares add up to %v", k.dim, k.parent, k.year, shares[k])
		}
	}
	if len(sum) == 0 {
		t.Fatal("no segments")
	}
}

func TestCSVSiblingsSumToParent(t *testing.T) {
	ds := loadEmbedded(t)
	na := node(t, ds, "Region/North America")
	for name, in := range map[string]Input{
		"base":      baseInput(ds, "Base"),
		"edited":    edited(t, ds, "Edited", model.Edit{Kind: model.SetShare, Node: na, Value: 40}, model.Edit{Kind: model.SetGrowth, Node: na, Value: 30}),
		"bottom-up": edited(t, ds, "Bottom-up", model.Edit{Kind: model.SetMode, Mode: model.BottomUp, Driver: 3}),
	} {
		t.Run(name, func(t *testing.T) {
			_, recs := readCSV(t, in)
			checkSums(t, recs)
		})
	}
}

// TestCSVNumbers checks that every number parses back to the Result's
// within the precision promised, without float noise, and that growth is
// empty in the base year.
func TestCSVNumbers(t *testing.T) {
	ds := loadEmbedded(t)
	in := baseInput(ds, "Base")
	_, recs := readCSV(t, in)
	for i, rec := range recs[1:] {
		n, yi := node(t, ds, rowPath(rec)), i%ds.Years()
		want := []float64{in.Result.Value(n, yi), in.Result.Share(n, yi), in.Result.Growth(n, yi)}
		for j, w := range want {
			s := rec[5+j]
			if !approx(field(t, s), w, numRel) {
				t.Errorf("%s %s column %d = %q, want %v", rowPath(rec), rec[4], 5+j, s, w)
			}
			if digits := strings.TrimLeft(strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return r
				}
				return -1
			}, strings.SplitN(strings.ToLower(s), "e", 2)[0]), "0"); len(digits) > 12 {
				t.Errorf("%s %s column %d = %q: more than 12 significant digits (float noise)", rowPath(rec), rec[4], 5+j, s)
			}
		}
		if yi == 0 && rec[7] != "" {
			t.Errorf("%s base-year growth = %q, want empty", rowPath(rec), rec[7])
		}
		if yi > 0 && rec[7] == "" {
			t.Errorf("%s %s growth is empty", rowPath(rec), rec[4])
		}
	}
	// Report figures come out as the report prints them.
	for _, c := range []struct {
		path string
		col  int
		want string
	}{
		{"Total", 5, "51.2"},
		{"Region/North America", 5, "16.6"},
		{"Component/Medical Devices", 6, "36.6"},
		{"End-User/Hospitals, Surgical Centers, and Clinics", 6, "74.9"},
	} {
		for _, rec := range recs[1:] {
			if rowPath(rec) == c.path && rec[4] == "2019" && rec[c.col] != c.want {
				t.Errorf("%s 2019 column %d = %q, want %q", c.path, c.col, rec[c.col], c.want)
			}
		}
	}
}

func TestCSVBaseTotal2027(t *testing.T) {
	_, recs := readCSV(t, baseInput(loadEmbedded(t), "Base"))
	want := 51.2 * math.Pow(1.185, 8) // 2020 at 18.5 %, 2021–2027 at the report's CAGR of 18.5 %
	for _, rec := range recs[1:] {
		if rec[1] == "Total" && rec[4] == "2027" {
			if got := field(t, rec[5]); !approx(got, want, 1e-9) {
				t.Errorf("Total 2027 = %v, want 51.2 × 1.185^8 = %v", got, want)
			}
			return
		}
	}
	t.Fatal("no Total 2027 row")
}

func TestCSVCompare(t *testing.T) {
	ds := loadSmall(t)
	a := baseInput(ds, "A")
	a1 := node(t, ds, "Kind/Alpha, Beta/A1")
	// B: the market grows 20 % a year and A1 is cut to nothing, so its
	// diff_pct is undefined.
	b := edited(t, ds, "B", model.Edit{Kind: model.SetGrowth, Node: 0, Value: 20}, model.Edit{Kind: model.SetShare, Node: a1, Value: 0})
	a.Compare = &Comparison{Scenario: "B", Result: b.Result}
	raw, recs := readCSV(t, a)
	if first, _, _ := strings.Cut(raw, "\n"); first != wantHeader+",compare_scenario,compare_value_usd_bn,diff_usd_bn,diff_pct" {
		t.Fatalf("compare header = %q", first)
	}
	if len(recs) != 1+len(ds.Nodes)*ds.Years() {
		t.Fatalf("%d records", len(recs))
	}
	for i, rec := range recs[1:] {
		if len(rec) != 12 || rec[8] != "B" {
			t.Fatalf("record %d has %d fields (compare_scenario %q), want 12 naming B", i+1, len(rec), rec[8])
		}
		n, yi := node(t, ds, rowPath(rec)), i%ds.Years()
		va, vb := a.Result.Value(n, yi), b.Result.Value(n, yi)
		wantPct := math.NaN()
		if vb != 0 {
			wantPct = (va - vb) / vb * 100
		}
		if got := field(t, rec[5]); !approx(got, va, numRel) {
			t.Errorf("%s %s value %v, want A's %v", rowPath(rec), rec[4], got, va)
		}
		if got := field(t, rec[9]); !approx(got, vb, numRel) {
			t.Errorf("%s %s compare value %v, want %v", rowPath(rec), rec[4], got, vb)
		}
		if got := field(t, rec[10]); !approx(got, va-vb, numRel) && math.Abs(got-(va-vb)) > 1e-12 {
			t.Errorf("%s %s diff %v, want %v", rowPath(rec), rec[4], got, va-vb)
		}
		if got := field(t, rec[11]); !approx(got, wantPct, numRel) && math.Abs(got-wantPct) > 1e-12 {
			t.Errorf("%s %s diff_pct %q, want %v", rowPath(rec), rec[4], rec[11], wantPct)
		}
		if n == a1 && rec[11] != "" {
			t.Errorf("A1 %s diff_pct = %q, want empty (B is 0)", rec[4], rec[11])
		}
	}
	// By hand: in 2022 A's market is 121, B's 144.
	for _, rec := range recs[1:] {
		if rec[1] == "Total" && rec[4] == "2022" {
			if field(t, rec[9]) != 144 || !approx(field(t, rec[10]), -23, 1e-9) || !approx(field(t, rec[11]), -23.0/144*100, 1e-9) {
				t.Errorf("Total 2022 compare = %q, want 144, -23, %v", rec[8:], -23.0/144*100)
			}
		}
	}
}

func TestCSVUndefinedGrowthIsEmpty(t *testing.T) {
	ds := loadSmall(t)
	a1 := node(t, ds, "Kind/Alpha, Beta/A1")
	_, recs := readCSV(t, edited(t, ds, "Zero", model.Edit{Kind: model.SetShare, Node: a1, Value: 0}))
	found := false
	for _, rec := range recs[1:] {
		if rowPath(rec) == "Kind/Alpha, Beta/A1" {
			found = true
			if rec[5] != "0" || rec[6] != "0" || rec[7] != "" {
				t.Errorf("A1 %s = %q, want value 0, share 0, growth empty", rec[4], rec[5:])
			}
		}
	}
	if !found {
		t.Fatal("no A1 rows")
	}
}

func TestCSVRejectsMismatchedInput(t *testing.T) {
	small, big := loadSmall(t), loadEmbedded(t)
	in := baseInput(small, "A")
	cases := map[string]Input{
		"no dataset":     {Result: in.Result},
		"no result":      {Dataset: small},
		"other dataset":  {Dataset: big, Result: in.Result},
		"compare other":  {Dataset: small, Result: in.Result, Compare: &Comparison{Scenario: "B", Result: baseInput(big, "B").Result}},
		"compare no res": {Dataset: small, Result: in.Result, Compare: &Comparison{Scenario: "B"}},
	}
	for name, c := range cases {
		var buf strings.Builder
		if err := CSV(&buf, c); err == nil {
			t.Errorf("%s: no error", name)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: wrote %d bytes before failing", name, buf.Len())
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestWritersReportWriteErrors(t *testing.T) {
	in := baseInput(loadEmbedded(t), "Base")
	for _, f := range Formats() {
		if err := Write(failWriter{}, f, in); err == nil {
			t.Errorf("%s: write error not reported", f)
		}
	}
}

func BenchmarkCSV(b *testing.B) {
	in := baseInput(loadEmbedded(b), "Base")
	b.ReportAllocs()
	for b.Loop() {
		if err := CSV(io.Discard, in); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCSVWide: the table's layout, one row per node and one column per
// year, parsed back equal to the projection; with a comparison, the
// compared scenario's rows and the differences follow.
func TestCSVWide(t *testing.T) {
	ds := loadSmall(t)
	a := baseInput(ds, "A")
	// B starts Alpha, Beta at another share: its share change is not the
	// gap between the two at the end.
	b := edited(t, ds, "B", model.Edit{Kind: model.SetGrowth, Node: 0, Value: 20},
		model.Edit{Kind: model.SetShare, Node: node(t, ds, "Kind/Alpha, Beta"), Value: 70})
	a.Compare = &Comparison{Scenario: "B", Result: b.Result}
	var out bytes.Buffer
	if err := CSVWith(&out, a, CSVOptions{Wide: true}); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(recs[0], ","); got != "scenario,dimension,segment,parent,2020,2021,2022,realised_cagr_pct,share_change_pp" {
		t.Fatalf("wide header %q", got)
	}
	if len(recs) != 1+3*len(ds.Nodes) {
		t.Fatalf("%d rows, want the header and three blocks of %d", len(recs), len(ds.Nodes))
	}
	// By hand: A's market 100, 110, 121; B's 100, 120, 144.
	for _, c := range []struct {
		row  int
		name string
		want []float64
	}{
		{1, "A", []float64{100, 110, 121, 10}},
		{1 + len(ds.Nodes), "B", []float64{100, 120, 144, 20}},
		{1 + 2*len(ds.Nodes), "A minus B", []float64{0, -10, -23, -10}},
	} {
		rec := recs[c.row]
		if rec[0] != c.name || rec[2] != "Total" {
			t.Errorf("row %d: %q, want %s's Total", c.row, rec[:3], c.name)
			continue
		}
		for i, w := range c.want {
			if got := field(t, rec[4+i]); !approx(got, w, 1e-9) && math.Abs(got-w) > 1e-9 {
				t.Errorf("%s Total column %s: %v, want %v", c.name, recs[0][4+i], got, w)
			}
		}
	}
	// Every number of the difference block is A's row minus B's, the
	// share change too.
	for r := 1; r <= len(ds.Nodes); r++ {
		ra, rb, rd := recs[r], recs[r+len(ds.Nodes)], recs[r+2*len(ds.Nodes)]
		for col := 4; col < len(rd); col++ {
			if d := field(t, ra[col]) - field(t, rb[col]); math.Abs(field(t, rd[col])-d) > 1e-9 {
				t.Errorf("%s %s: difference %s, want %v − %v", rd[2], recs[0][col], rd[col], ra[col], rb[col])
			}
		}
	}
	for i, n := range []string{"Kind/Alpha, Beta", "Kind/Alpha, Beta/A1"} {
		rec := recs[2+i]
		if rowPath([]string{"", rec[1], rec[2], rec[3]}) != n {
			t.Errorf("row %d is %q, want %s", 2+i, rec[:4], n)
		}
	}
}

// TestCSVDialects: the Excel dialects start with a UTF-8 byte order mark
// and end lines with CRLF; the semicolon one writes decimal commas; each
// parses back to the same numbers as the default.
func TestCSVDialects(t *testing.T) {
	ds := loadSmall(t)
	in := baseInput(ds, "Ünïcode, \"quoted\"")
	var plain bytes.Buffer
	if err := CSV(&plain, in); err != nil {
		t.Fatal(err)
	}
	want, _ := csv.NewReader(bytes.NewReader(plain.Bytes())).ReadAll()
	if bytes.HasPrefix(plain.Bytes(), []byte("\uFEFF")) || bytes.Contains(plain.Bytes(), []byte("\r\n")) {
		t.Error("the default CSV changed: a BOM or CRLF")
	}
	for _, d := range []Dialect{Excel, ExcelSemicolon} {
		var out bytes.Buffer
		if err := CSVWith(&out, in, CSVOptions{Dialect: d}); err != nil {
			t.Fatal(err)
		}
		raw := out.Bytes()
		if !bytes.HasPrefix(raw, []byte("\uFEFF")) || bytes.Count(raw, []byte("\r\n")) != len(want) {
			t.Errorf("%s: no BOM, or not every line ends in CRLF", d)
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\uFEFF"))))
		if d == ExcelSemicolon {
			r.Comma = ';'
		}
		got, err := r.ReadAll()
		if err != nil || len(got) != len(want) {
			t.Fatalf("%s: %d rows (%v), want %d", d, len(got), err, len(want))
		}
		for i := range want {
			for j := range want[i] {
				g := got[i][j]
				if d == ExcelSemicolon {
					if strings.Contains(g, ".") && i > 0 && j >= 5 {
						t.Errorf("%s: %q has a decimal point", d, g)
					}
					g = strings.Replace(g, ",", ".", 1)
					if j < 5 {
						g = got[i][j] // names keep their commas
					}
				}
				if g != want[i][j] {
					t.Errorf("%s row %d col %d: %q, want %q", d, i, j, got[i][j], want[i][j])
				}
			}
		}
	}
	if err := CSVWith(&bytes.Buffer{}, in, CSVOptions{Dialect: "tsv"}); err == nil || !strings.Contains(err.Error(), "rfc4180, excel, excel-semicolon") {
		t.Errorf("an unknown dialect: %v", err)
	}
}
