package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"iomt/assets"
)

// designSegments is docs/DESIGN.md §1's list of segments, in its order, with
// the report's exact names.
var designSegments = []string{
	"Component/Medical Devices",
	"Component/Medical Devices/Wearable External Medical Devices",
	"Component/Medical Devices/Implanted Medical Devices",
	"Component/Medical Devices/Stationary Medical Devices",
	"Component/Systems and Software",
	"Component/Systems and Software/Remote Device Management",
	"Component/Systems and Software/Network Bandwidth Management",
	"Component/Systems and Software/Data Analytics",
	"Component/Systems and Software/Application Security",
	"Component/Systems and Software/Network Security",
	"Component/Services",
	"Component/Services/Deployment and Integration",
	"Component/Services/Consulting",
	"Component/Services/Support and Maintenance",
	"Component/Connecting Technology",
	"Application/Telemedicine",
	"Application/Clinical Operations and Workflow Management",
	"Application/Connected Imaging",
	"Application/Inpatient Monitoring",
	"Application/Medication Management",
	"Application/Other Applications",
	"End-User/Hospitals, Surgical Centers, and Clinics",
	"End-User/Clinical Research Organizations",
	"End-User/Other End-Users",
	"Region/North America",
	"Region/North America/United States",
	"Region/North America/Canada",
	"Region/North America/Rest of North America",
	"Region/Europe",
	"Region/Europe/Germany",
	"Region/Europe/France",
	"Region/Europe/Italy",
	"Region/Europe/Spain",
	"Region/Europe/United Kingdom",
	"Region/Europe/Rest of Europe",
	"Region/Asia-Pacific",
	"Region/Asia-Pacific/China",
	"Region/Asia-Pacific/Japan",
	"Region/Asia-Pacific/India",
	"Region/Asia-Pacific/Australia",
	"Region/Asia-Pacific/Rest of Asia-Pacific",
	"Region/Middle East & Africa",
	"Region/South America",
}

func TestEmbeddedDataset(t *testing.T) {
	ds := embedded(t)
	if ds.Market != "Internet of Medical Things" || ds.Currency != "USD" || ds.Unit != "billion" ||
		ds.BaseYear != 2019 || ds.EndYear != 2027 || ds.Years() != 9 || ds.File != assets.DatasetName {
		t.Errorf("market %q %s %s, years %d–%d (%d), file %q", ds.Market, ds.Currency, ds.Unit, ds.BaseYear, ds.EndYear, ds.Years(), ds.File)
	}
	if !strings.Contains(ds.Source, "UnivDatos") {
		t.Errorf("source %q does not name the report", ds.Source)
	}
	got, want := slices.Sorted(slices.Values(ds.Paths())), slices.Sorted(slices.Values(designSegments))
	if !slices.Equal(got, want) {
		t.Errorf("segments differ from docs/DESIGN.md §1:\ngot  %q\nwant %q", got, want)
	}
	// Siblings come in the design's (the report's) order.
	for _, g := range ds.Groups {
		last := -1
		for _, m := range g.Members {
			i := slices.Index(designSegments, ds.Nodes[m].Path)
			if i < last {
				t.Errorf("%s is out of order among its siblings", ds.Nodes[m].Path)
			}
			last = i
		}
	}
	for _, p := range designSegments {
		n, ok := ds.Lookup(p)
		if !ok {
			t.Errorf("no segment %q", p)
			continue
		}
		node := ds.Nodes[n]
		if node.Path != p || !strings.HasSuffix(p, "/"+node.Name) || node.Depth != strings.Count(p, "/") {
			t.Errorf("%q: node path %q, name %q, depth %d", p, node.Path, node.Name, node.Depth)
		}
		if parent := ds.Nodes[node.Parent]; node.Depth == 2 && parent.Path+"/"+node.Name != p || node.Depth == 1 && node.Parent != 0 {
			t.Errorf("%q: parent %q", p, parent.Path)
		}
	}
	var dims []string
	for _, d := range ds.Dims {
		dims = append(dims, d.Name)
	}
	if !slices.Equal(dims, []string{"Component", "Application", "End-User", "Region"}) {
		t.Errorf("dimensions %q", dims)
	}
	if len(ds.Context.Drivers) == 0 || len(ds.Context.Challenges) == 0 || len(ds.Context.KeyPlayers) == 0 || ds.Context.Summary == "" {
		t.Errorf("context incomplete: %+v", ds.Context)
	}
	if err := checkState(ds, ds.Base()); err != nil {
		t.Error(err)
	}
}

// TestReportedFigures checks docs/DESIGN.md §1: the six figures of the report
// are reproduced exactly and marked reported, and they are the only
// figures marked so.
func TestReportedFigures(t *testing.T) {
	ds := embedded(t)
	base := ds.Base()
	type figure struct{ path, field string }
	want := map[figure]float64{
		{"Total", FieldValue}:                                             51.2,
		{"Total", FieldCAGR}:                                              18.5,
		{"Component/Medical Devices", FieldShare}:                         36.6,
		{"Application/Telemedicine", FieldShare}:                          31.2,
		{"End-User/Hospitals, Surgical Centers, and Clinics", FieldShare}: 74.9,
		{"Region/North America", FieldValue}:                              16.6,
	}
	for f, v := range want {
		n := 0
		if f.path != "Total" {
			n = mustLookup(t, ds, f.path)
		}
		node := &ds.Nodes[n]
		var got float64
		switch f.field {
		case FieldValue:
			got = node.InputValueBn
		case FieldCAGR:
			got = base.Growth[n]
		case FieldShare:
			got = base.Share[n]
		}
		if got != v {
			t.Errorf("%s %s: %v, want exactly %v", f.path, f.field, got, v)
		}
		if !node.IsReported(f.field) {
			t.Errorf("%s %s is not marked reported", f.path, f.field)
		}
	}
	// North America's value is 16.6 of 51.2 billion.
	if na := mustLookup(t, ds, "Region/North America"); math.Abs(base.Share[na]-16.6/51.2*100) > 1e-12 {
		t.Errorf("North America share %v, want 16.6/51.2", base.Share[na])
	}
	for i, node := range ds.Nodes {
		for _, f := range node.Reported {
			if _, ok := want[figure{node.Path, f}]; !ok {
				t.Errorf("%s %s is marked reported, but the report does not state it (node %d)", node.Path, f, i)
			}
		}
	}
}

// TestEstimatesHaveNotes checks docs/DESIGN.md §1: every figure that is not the
// report's is an estimate with a one-line rationale.
func TestEstimatesHaveNotes(t *testing.T) {
	ds := embedded(t)
	base := ds.Base()
	var missing []string
	for _, node := range ds.Nodes {
		var figures []string
		if node.Depth == 0 {
			figures = []string{FieldValue, FieldCAGR}
			if slices.ContainsFunc(base.YearGrowth, func(r float64) bool { return !math.IsNaN(r) }) {
				figures = append(figures, FieldGrowthByYear)
			}
		} else if math.IsNaN(node.InputValueBn) {
			figures = []string{FieldShare, FieldCAGR}
		} else {
			figures = []string{FieldValue, FieldCAGR}
		}
		for _, f := range figures {
			if node.IsReported(f) {
				continue
			}
			note := node.Notes[f]
			if strings.TrimSpace(note) == "" || strings.Contains(note, "\n") {
				missing = append(missing, node.Path+" "+f)
			}
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d estimates without a one-line note:\n  %s", len(missing), strings.Join(missing, "\n  "))
	}
}

// toJSON converts a YAML dataset to the equivalent indented JSON.
func toJSON(t testing.TB, data []byte) []byte {
	t.Helper()
	j, err := yaml.YAMLToJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, j, "", "  "); err != nil {
		t.Fatalf("%v\n%s", err, j)
	}
	return out.Bytes()
}

// sameDataset reports the first difference between two datasets, other
// than the file name.
func sameDataset(a, b *Dataset) error {
	if a.Market != b.Market || a.Currency != b.Currency || a.Unit != b.Unit || a.Source != b.Source ||
		a.BaseYear != b.BaseYear || a.EndYear != b.EndYear {
		return fmt.Errorf("headers differ")
	}
	if len(a.Nodes) != len(b.Nodes) {
		return fmt.Errorf("%d nodes, %d nodes", len(a.Nodes), len(b.Nodes))
	}
	for i := range a.Nodes {
		x, y := a.Nodes[i], b.Nodes[i]
		if x.Name != y.Name || x.Path != y.Path || x.Dim != y.Dim || x.Parent != y.Parent || x.Group != y.Group ||
			x.Depth != y.Depth || !slices.Equal(x.Children, y.Children) || !slices.Equal(x.Reported, y.Reported) ||
			!sameBits(x.InputValueBn, y.InputValueBn) || len(x.Notes) != len(y.Notes) {
			return fmt.Errorf("node %d: %+v\n%+v", i, x, y)
		}
		for k, v := range x.Notes {
			if y.Notes[k] != v {
				return fmt.Errorf("node %s: note %s differs", x.Path, k)
			}
		}
	}
	if fmt.Sprint(a.Groups) != fmt.Sprint(b.Groups) || fmt.Sprint(a.Dims) != fmt.Sprint(b.Dims) {
		return fmt.Errorf("groups or dimensions differ")
	}
	if fmt.Sprintf("%q", a.Context) != fmt.Sprintf("%q", b.Context) {
		return fmt.Errorf("context differs")
	}
	if !a.Base().Equal(b.Base()) {
		return fmt.Errorf("base assumptions differ")
	}
	return nil
}

// TestJSONDataset checks that the JSON form of the embedded dataset loads
// to the same dataset (docs/DESIGN.md §3: YAML, or the same structure in JSON).
func TestJSONDataset(t *testing.T) {
	ds := embedded(t)
	j := toJSON(t, assets.Dataset())
	if !bytes.HasPrefix(j, []byte("{\n  \"market\": ")) {
		t.Fatalf("not indented JSON:\n%.200s", j)
	}
	dj, err := LoadDataset("iomt.json", j)
	if err != nil {
		t.Fatal(err)
	}
	if err := sameDataset(ds, dj); err != nil {
		t.Error(err)
	}
	if dj.File != "iomt.json" {
		t.Errorf("file %q", dj.File)
	}
	// Positions in JSON are real lines too: break the 2020 rate.
	bad := bytes.Replace(j, []byte(`"2020": 18.5`), []byte(`"2020": 1e9`), 1)
	line := 1 + bytes.Count(bad[:bytes.Index(bad, []byte(`"2020": 1e9`))], []byte("\n"))
	_, err = LoadDataset("iomt.json", bad)
	var list ErrorList
	if !errors.As(err, &list) || len(list) != 1 || list[0].Line != line || !strings.Contains(list[0].Msg, "out of range") {
		t.Errorf("error %v, want one rate out of range on line %d", err, line)
	}
}

// TestSmallDataset checks the loading rules on a hand-written dataset:
// values become shares of the total, shares within ±0.05 are normalised,
// names that need quoting survive.
func TestSmallDataset(t *testing.T) {
	ds := small(t)
	base := ds.Base()
	for _, c := range []struct {
		path          string
		share, growth float64
	}{
		{"Kind/A", 50, 4},
		{"Kind/A/A1", 100, 4},
		{"Kind/B/B1", 0, 1},
		{"Kind/B/B2", 100, 7},
		{"Place/Here: there", 60, 3},           // 6 of 10 billion
		{`Place/Élsewhere #2 "quoted"`, 25, 9}, // 2.5 of 10
		{"Place/Far", 15, -2},                  // 1.5 of 10
	} {
		n := mustLookup(t, ds, c.path)
		if math.Abs(base.Share[n]-c.share) > 1e-12 || base.Growth[n] != c.growth {
			t.Errorf("%s: share %v growth %v, want %v %v", c.path, base.Share[n], base.Growth[n], c.share, c.growth)
		}
	}
	if base.Growth[0] != 5 || base.YearGrowth[1] != -3 || !math.IsNaN(base.YearGrowth[0]) || !math.IsNaN(base.YearGrowth[2]) {
		t.Errorf("total growth %v, year rates %v", base.Growth[0], base.YearGrowth)
	}
	if base.TotalGrowth(1) != 5 || base.TotalGrowth(2) != -3 {
		t.Errorf("TotalGrowth(1) %v, TotalGrowth(2) %v", base.TotalGrowth(1), base.TotalGrowth(2))
	}
	if n := mustLookup(t, ds, "Place/Far"); ds.Nodes[n].InputValueBn != 1.5 {
		t.Errorf("Far's input value %v", ds.Nodes[n].InputValueBn)
	}
	if n := mustLookup(t, ds, "Kind/A"); !math.IsNaN(ds.Nodes[n].InputValueBn) || len(ds.Nodes[n].Children) != 1 {
		t.Errorf("Kind/A: input value %v (want NaN), children %v", ds.Nodes[n].InputValueBn, ds.Nodes[n].Children)
	}

	// Within the ±0.05 tolerance shares load, normalised to add up to 100.
	data, err := os.ReadFile(filepath.Join("testdata", "good", "small.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	off := bytes.Replace(data, []byte("{name: A, share_pct: 50,"), []byte("{name: A, share_pct: 50.04,"), 1)
	d2, err := LoadDataset("off.yaml", off)
	if err != nil {
		t.Fatal(err)
	}
	a, b := mustLookup(t, d2, "Kind/A"), mustLookup(t, d2, "Kind/B")
	if got := d2.Base(); math.Abs(got.Share[a]-50.04/100.04*100) > 1e-12 || math.Abs(got.Share[a]+got.Share[b]-100) > 1e-12 {
		t.Errorf("shares 50.04 + 50 load as %v + %v", got.Share[a], got.Share[b])
	}
	over := bytes.Replace(data, []byte("{name: A, share_pct: 50,"), []byte("{name: A, share_pct: 50.06,"), 1)
	if _, err := LoadDataset("over.yaml", over); err == nil || !strings.Contains(err.Error(), "add up to 100.06 %") {
		t.Errorf("shares 50.06 + 50: %v", err)
	}
}

// TestDatasetLimits covers the limits that no committed file can show: a
// file over 1 MiB, an empty file, and the edges of the year span.
func TestDatasetLimits(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "good", "small.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// The dataset, then one long comment line up to exactly 1 MiB.
	exact := slices.Concat(data, []byte("#"), bytes.Repeat([]byte("x"), MaxFileSize-len(data)-2), []byte("\n"))
	if len(exact) != MaxFileSize {
		t.Fatalf("built %d bytes", len(exact))
	}
	if _, err := LoadDataset("exact.yaml", exact); err != nil {
		t.Errorf("a file of exactly 1 MiB: %v", err)
	}
	big := append(slices.Clone(exact), '\n')
	for _, load := range []func([]byte) error{
		func(b []byte) error { _, err := LoadDataset("big.yaml", b); return err },
		func(b []byte) error { _, err := LoadScenario("big.yaml", b, small(t)); return err },
	} {
		err := load(big)
		var list ErrorList
		if !errors.As(err, &list) || len(list) != 1 || list[0].Line != 0 ||
			list[0].Error() != fmt.Sprintf("big.yaml: file is %d bytes; the limit is %d (1 MiB) (is this the right file?)", MaxFileSize+1, MaxFileSize) {
			t.Errorf("file over 1 MiB: %v", err)
		}
	}
	path := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(path, big, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadDataset(path); err == nil || !strings.Contains(err.Error(), path+": file is over the 1048576-byte (1 MiB) limit") {
		t.Errorf("ReadDataset of a file over 1 MiB: %v", err)
	}

	for _, empty := range []string{"", "\n\n", "   \n", "---\n", "# only a comment\n"} {
		_, err := LoadDataset("empty.yaml", []byte(empty))
		if err == nil || err.Error() != "empty.yaml:1:1: file is empty" {
			t.Errorf("%q: %v", empty, err)
		}
	}

	// 50 years are allowed, 51 not; the base year must come first.
	for _, c := range []struct {
		base, end int
		ok        bool
	}{{2019, 2069, true}, {2019, 2070, false}, {2019, 2020, true}, {2019, 2019, false}} {
		y := bytes.Replace(data, []byte("base_year: 2020\nend_year: 2023"), fmt.Appendf(nil, "base_year: %d\nend_year: %d", c.base, c.end), 1)
		y = bytes.Replace(y, []byte("growth_by_year_pct: {2022: -3}"), []byte("growth_by_year_pct: {}"), 1)
		ds, err := LoadDataset("years.yaml", y)
		if (err == nil) != c.ok {
			t.Errorf("%d–%d: %v", c.base, c.end, err)
		} else if err == nil && ds.Years() != c.end-c.base+1 {
			t.Errorf("%d–%d: %d years", c.base, c.end, ds.Years())
		}
	}
}

// TestDetectKind checks how `iomt validate` tells datasets from scenarios.
func TestDetectKind(t *testing.T) {
	for _, c := range []struct {
		data string
		want FileKind
		err  string
	}{
		{string(assets.Dataset()), DatasetFile, ""},
		{`{"market": "X"}`, DatasetFile, ""},
		{"scenario: X\n", ScenarioFile, ""},
		{"\ufeffmarket: X\r\n", DatasetFile, ""},
		{"description: d\nscenario: X\n", ScenarioFile, ""},
		{"other: 1\n", UnknownFile, "f:1:1: neither a dataset nor a scenario"},
		{"", UnknownFile, "f:1:1: file is empty"},
		{"a: [1\n", UnknownFile, "f:1:4"},
	} {
		got, err := DetectKind("f", []byte(c.data))
		if got != c.want || (err == nil) != (c.err == "") || err != nil && !strings.HasPrefix(err.Error(), c.err) {
			t.Errorf("%.30q: kind %v, error %v; want %v, %q", c.data, got, err, c.want, c.err)
		}
	}
}

// TestNormalisingKeepsValues: shares that add up to 100 within the
// tolerance are normalised through the siblings given as shares, so a
// value the file gives in money stays exactly that value, and stays the
// source's; when every sibling is a value, they move, and lose the mark.
func TestNormalisingKeepsValues(t *testing.T) {
	doc := func(region string) []byte {
		return []byte("market: M\nbase_year: 2020\nend_year: 2022\ntotal: {value: 1000, cagr_pct: 5}\ndimensions:\n  - name: Region\n    segments:\n" + region)
	}
	ds, err := LoadDataset("m.yaml", doc("      - {name: A, value: 620, reported: [value], cagr_pct: 5}\n      - {name: B, share_pct: 38.02, cagr_pct: 5}\n"))
	if err != nil {
		t.Fatal(err)
	}
	a := ds.Base()
	n := mustLookup(t, ds, "Region/A")
	if got := a.Share[n] / 100 * 1000; got != 620 {
		t.Errorf("A's base value %v after normalising, want the file's 620", got)
	}
	if !ds.StillReported(&a, n, FieldValue) {
		t.Error("A's value is no longer marked the source's")
	}
	ds, err = LoadDataset("m.yaml", doc("      - {name: A, value: 620, reported: [value], cagr_pct: 5}\n      - {name: B, value: 380.2, cagr_pct: 5}\n"))
	if err != nil {
		t.Fatal(err)
	}
	a = ds.Base()
	n = mustLookup(t, ds, "Region/A")
	if got := a.Share[n] / 100 * 1000; math.Abs(got-620) < 1e-9 || ds.StillReported(&a, n, FieldValue) {
		t.Errorf("with every sibling a value, A is %v and reported %v: it must move, and lose the mark", got, ds.StillReported(&a, n, FieldValue))
	}
}
