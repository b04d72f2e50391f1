package export

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"

	"iomt/model"
)

// jnum is a float64 that marshals with the same twelve significant digits
// as the CSV, and as null when it is NaN or infinite (growth in the base
// year, the CAGR of a segment that starts at zero), so the output is always
// valid JSON.
type jnum float64

// MarshalJSON implements json.Marshaler.
func (x jnum) MarshalJSON() ([]byte, error) {
	s := num(float64(x))
	if s == "" {
		return []byte("null"), nil
	}
	return []byte(s), nil
}

type jsonDoc struct {
	Market          string  `json:"market"`
	Currency        string  `json:"currency"`
	Unit            string  `json:"unit"`
	Source          string  `json:"source"`
	Scenario        string  `json:"scenario"`
	Mode            string  `json:"mode"`
	Driver          string  `json:"driver,omitempty"`
	CompareScenario *string `json:"compare_scenario,omitempty"`
	// CompareScenarios names every scenario compared, when there are
	// several; each node's comparisons follow this order.
	CompareScenarios []string `json:"compare_scenarios,omitempty"`
	BaseYear         int      `json:"base_year"`
	EndYear          int      `json:"end_year"`
	Years            []int    `json:"years"`
	// CAGRWindow is the years realised_cagr_pct and share_change_pp are
	// measured over: the whole forecast unless the scenario sets one.
	CAGRWindow [2]int          `json:"cagr_window"`
	Total      jsonTotal       `json:"total"`
	Dimensions []jsonDimension `json:"dimensions"`
	Levers     []jsonLever     `json:"levers,omitempty"`
}

// jsonLever is one of the report's drivers, challenges and opportunities
// with the impact the scenario gives it on the market's growth.
type jsonLever struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	ImpactPP jnum   `json:"impact_pp"`
}

type jsonTotal struct {
	Reported []string          `json:"reported"`
	Notes    map[string]string `json:"notes,omitempty"`
	// CAGRPct is the entered market rate; null in bottom-up mode, where
	// the total's growth is an output (see RealisedCAGRPct).
	CAGRPct *jnum `json:"cagr_pct"`
	// MarketGrowthPct is the entered rate with the levers' impacts, what
	// the years without a rate of their own grow at; absent when the
	// levers leave it unchanged.
	MarketGrowthPct *jnum           `json:"market_growth_pct,omitempty"`
	GrowthByYearPct map[string]jnum `json:"growth_by_year_pct,omitempty"`
	RealisedCAGRPct jnum            `json:"realised_cagr_pct"`
	series
}

type jsonDimension struct {
	Name     string        `json:"name"`
	Segments []jsonSegment `json:"segments"`
}

type jsonSegment struct {
	Name     string            `json:"name"`
	Path     string            `json:"path"`
	Reported []string          `json:"reported"`
	Notes    map[string]string `json:"notes,omitempty"`
	SharePct jnum              `json:"share_pct"`
	CAGRPct  jnum              `json:"cagr_pct"`
	// GrowthByYearPct is the segment's growth path: its years with a
	// rate of their own, by year.
	GrowthByYearPct map[string]jnum `json:"growth_by_year_pct,omitempty"`
	RealisedCAGRPct jnum            `json:"realised_cagr_pct"`
	ShareChangePP   jnum            `json:"share_change_pp"`
	series
	Segments []jsonSegment `json:"segments,omitempty"`
}

// series holds a node's yearly figures, and the comparison when there is
// one. Embedded, its fields appear inline.
type series struct {
	Values        []jnum `json:"values"`
	Shares        []jnum `json:"shares,omitempty"` // segments only: the total is 100 % of itself
	GrowthPct     []jnum `json:"growth_pct"`
	CompareValues []jnum `json:"compare_values,omitempty"`
	// DiffValues is written as diff_<currency>_<unit> (diff_usd_bn for
	// the IoMT dataset): see diffKey.
	DiffValues []jnum `json:"diff_VALUE_UNIT,omitempty"`
	DiffPct    []jnum `json:"diff_pct,omitempty"`
	// Comparisons holds every compared scenario's values and
	// differences, when there are several (the first is also in the
	// fields above, as with one).
	Comparisons []jsonComparison `json:"comparisons,omitempty"`
}

// jsonComparison is one compared scenario's figures of a node.
type jsonComparison struct {
	Scenario   string `json:"scenario"`
	Values     []jnum `json:"values"`
	DiffValues []jnum `json:"diff_VALUE_UNIT"`
	DiffPct    []jnum `json:"diff_pct"`
}

// JSON writes the forecast as one indented JSON document with the same
// numbers as the CSV, nested as the market tree: the header (market,
// currency, unit, source, scenario, mode, driver in bottom-up mode,
// base_year, end_year, years), the total (values, growth_pct, the entered
// cagr_pct and growth_by_year_pct, null and absent in bottom-up mode where
// the total is an output, and realised_cagr_pct) and
// every dimension's segments, each with its reported figures, the
// dataset's notes, its base-year share_pct, entered cagr_pct,
// realised_cagr_pct and share_change_pp over the whole period, and yearly
// values, shares and growth_pct, then its children under "segments".
//
// "reported" lists the figures of this export that are the report's own:
// a figure the scenario has changed is no longer listed. Undefined numbers
// (growth in the base year, growth or CAGR from zero) are null. With
// in.Compare set, compare_scenario is added, and every node gains
// compare_values, diff_<currency>_<unit> (diff_usd_bn for USD billion)
// and diff_pct. With several scenarios compared (in.More), those keys
// hold the first; compare_scenarios names them all, and every node's
// "comparisons" holds each one's scenario, values, difference and
// diff_pct, in that order. "levers" lists the report's
// drivers, challenges and opportunities with each one's impact on the
// market's growth (pp); when they add up to other than zero, the total
// gains market_growth_pct, the CAGR with them. The output is
// deterministic.
func JSON(w io.Writer, in Input) error {
	if err := in.check(true); err != nil {
		return err
	}
	ds, a, r := in.Dataset, in.Assumptions, in.Result
	mk := newMarks(&in)
	// The realised CAGR and the share change over the scenario's window.
	wFrom, wTo := a.Window.Span(ds)
	from, end := wFrom-ds.BaseYear, wTo-ds.BaseYear
	doc := jsonDoc{
		Market: ds.Market, Currency: ds.Currency, Unit: ds.Unit, Source: ds.Source,
		Scenario: in.Scenario, Mode: a.Mode.String(), CAGRWindow: [2]int{wFrom, wTo},
		BaseYear: ds.BaseYear, EndYear: ds.EndYear,
		Years:      make([]int, r.Years),
		Dimensions: make([]jsonDimension, 0, len(ds.Dims)),
	}
	for yi := range r.Years {
		doc.Years[yi] = r.Year(yi)
	}
	if a.Mode == model.BottomUp {
		doc.Driver = ds.Dims[a.Driver].Name
	}
	if in.Compare != nil {
		doc.CompareScenario = &in.Compare.Scenario
	}
	if cmps := in.compared(); len(cmps) > 1 {
		for _, c := range cmps {
			doc.CompareScenarios = append(doc.CompareScenarios, c.Scenario)
		}
	}

	doc.Total = jsonTotal{
		Reported:        mk.fields(0),
		Notes:           jsonNotes(ds, ds.Nodes[0].Notes),
		RealisedCAGRPct: jnum(r.CAGR(0, from, end)),
		series:          in.series(0),
	}
	for i, l := range ds.Levers {
		doc.Levers = append(doc.Levers, jsonLever{Name: l.Name, Kind: l.Kind, ImpactPP: jnum(a.Drivers[i])})
	}
	if a.Mode == model.TopDown {
		g := jnum(a.Growth[0])
		doc.Total.CAGRPct = &g
		if a.DriverSum() != 0 {
			mg := jnum(a.MarketGrowth())
			doc.Total.MarketGrowthPct = &mg
		}
		doc.Total.GrowthByYearPct = yearRates(ds, a.YearGrowth)
	}

	var segment func(n int) jsonSegment
	segment = func(n int) jsonSegment {
		node := &ds.Nodes[n]
		s := jsonSegment{
			Name: node.Name, Path: node.Path,
			Reported:        mk.fields(n),
			Notes:           jsonNotes(ds, node.Notes),
			SharePct:        jnum(r.Share(n, 0)),
			CAGRPct:         jnum(a.Growth[n]),
			GrowthByYearPct: yearRates(ds, a.PathOf(n)),
			RealisedCAGRPct: jnum(r.CAGR(n, from, end)),
			ShareChangePP:   jnum(r.ShareChange(n, from, end)),
			series:          in.series(n),
		}
		for _, c := range node.Children {
			s.Segments = append(s.Segments, segment(c))
		}
		return s
	}
	for _, d := range ds.Dims {
		jd := jsonDimension{Name: d.Name, Segments: make([]jsonSegment, 0, len(d.Top))}
		for _, n := range d.Top {
			jd.Segments = append(jd.Segments, segment(n))
		}
		doc.Dimensions = append(doc.Dimensions, jd)
	}

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // "Middle East & Africa", not "\u0026"
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := w.Write(bytes.ReplaceAll(buf.Bytes(), []byte(diffKey), []byte(`"diff_`+ds.UnitSlug()+`":`)))
	return err
}

// diffKey is the placeholder the encoder writes for the difference
// column, whose name depends on the dataset. Replacing it in the encoded
// bytes is exact: inside a JSON string every quote is escaped, so text
// from the dataset can never read as a quote, this key and a colon.
const diffKey = `"diff_VALUE_UNIT":`

// yearRates are the years of a path with a rate of their own, by year;
// nil when it has none.
func yearRates(ds *model.Dataset, rates []float64) map[string]jnum {
	var out map[string]jnum
	for i, y := range rates {
		if finite(y) {
			if out == nil {
				out = map[string]jnum{}
			}
			out[strconv.Itoa(ds.BaseYear+1+i)] = jnum(y)
		}
	}
	return out
}

// jsonNotes names the notes as the dataset's file does (value or
// value_bn for the base-year value).
func jsonNotes(ds *model.Dataset, notes map[string]string) map[string]string {
	if len(notes) == 0 {
		return nil
	}
	out := make(map[string]string, len(notes))
	for k, v := range notes {
		out[ds.FieldName(k)] = v
	}
	return out
}

// series returns node n's yearly figures, with the comparison if any.
func (in *Input) series(n int) series {
	r := in.Result
	s := series{
		Values:    jnums(r.Series(n)),
		GrowthPct: make([]jnum, r.Years),
	}
	if n != 0 {
		s.Shares = jnums(r.ShareSeries(n))
	}
	for yi := range r.Years {
		s.GrowthPct[yi] = jnum(r.Growth(n, yi))
	}
	cmps := in.compared()
	for i, c := range cmps {
		jc := jsonComparison{Scenario: c.Scenario, Values: jnums(c.Result.Series(n)),
			DiffValues: make([]jnum, r.Years), DiffPct: make([]jnum, r.Years)}
		for yi := range r.Years {
			a, b := r.Value(n, yi), c.Result.Value(n, yi)
			jc.DiffValues[yi] = jnum(a - b)
			jc.DiffPct[yi] = jnum(diffPct(a, b))
		}
		if i == 0 {
			s.CompareValues, s.DiffValues, s.DiffPct = jc.Values, jc.DiffValues, jc.DiffPct
		}
		if len(cmps) > 1 {
			s.Comparisons = append(s.Comparisons, jc)
		}
	}
	return s
}

func jnums(xs []float64) []jnum {
	out := make([]jnum, len(xs))
	for i, x := range xs {
		out[i] = jnum(x)
	}
	return out
}
