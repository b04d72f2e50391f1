package export

import (
	"encoding/csv"
	"io"
	"strconv"

	"iomt/model"
)

// csvHeader is the column contract of DESIGN.md §5; spreadsheets and
// scripts key on these names, so they never change. The value column is
// named after the dataset's currency and unit: value_usd_bn for the IoMT
// dataset, value_eur_million for a EUR-million market.
func csvHeader(ds *model.Dataset) []string {
	return []string{"scenario", "dimension", "segment", "parent", "year", "value_" + ds.UnitSlug(), "share_pct", "growth_pct"}
}

// csvCompareHeader is appended when a comparison is exported.
func csvCompareHeader(ds *model.Dataset) []string {
	return []string{"compare_value_" + ds.UnitSlug(), "diff_" + ds.UnitSlug(), "diff_pct"}
}

// CSV writes one header row, then one row per node and year: the Total
// first (dimension and segment "Total", empty parent, share 100), then
// each dimension in dataset order, each segment followed by its children.
// parent is empty for top-level segments; share_pct is the share of the
// parent; growth_pct is year-on-year growth, empty in the base year.
// Numbers carry twelve significant digits and are not rounded for display.
// Fields are quoted per RFC 4180, since names contain commas.
//
// With in.Compare set, three columns follow: the compared scenario's
// value, this value minus it, and that difference in percent of it
// (empty when the compared value is 0).
func CSV(w io.Writer, in Input) error {
	if err := in.check(false); err != nil {
		return err
	}
	ds, r, cmp := in.Dataset, in.Result, in.Compare
	cw := csv.NewWriter(w)
	header := csvHeader(ds)
	if cmp != nil {
		header = append(header, csvCompareHeader(ds)...)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(header))
	years := make([]string, r.Years)
	for yi := range years {
		years[yi] = strconv.Itoa(r.Year(yi))
	}
	for _, rw := range order(ds) {
		n := rw.node
		node := &ds.Nodes[n]
		rec[0], rec[1], rec[3] = in.Scenario, rw.dim, parentName(ds, n)
		rec[2] = node.Name
		if n == 0 {
			rec[2] = "Total"
		}
		for yi := range r.Years {
			a := r.Value(n, yi)
			rec[4] = years[yi]
			rec[5] = num(a)
			rec[6] = num(r.Share(n, yi))
			rec[7] = num(r.Growth(n, yi))
			if cmp != nil {
				b := cmp.Result.Value(n, yi)
				rec[8] = num(b)
				rec[9] = num(a - b)
				rec[10] = num(diffPct(a, b))
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
