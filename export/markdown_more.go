package export

import (
	"fmt"
	"strconv"
	"strings"

	"iomt/internal/numtext"
	"iomt/internal/safetext"
	"iomt/model"
)

// mdAssumptions writes what a scenario sets that the tables show only
// through their figures: a base-year value of its own, and the segments'
// growth paths.
func mdAssumptions(b *strings.Builder, ds *model.Dataset, a *model.Assumptions) {
	base := ds.Base()
	if a.BaseValue != base.BaseValue {
		fmt.Fprintf(b, "\n## Base-year value\n\nThe market's %d value is the scenario's, %s (the dataset's: %s), in %s; every segment keeps its share of it.\n",
			ds.BaseYear, numtext.Group(num(a.BaseValue)), numtext.Group(num(base.BaseValue)), mdText(ds.UnitLabel()))
	}
	if len(a.Paths) == 0 {
		return
	}
	b.WriteString("\n## Growth paths\n\nYears in which a segment grows at a rate of its own rather than its entered CAGR (% a year):\n\n")
	for _, p := range a.Paths {
		var years []string
		for i, r := range p.Rates {
			if finite(r) {
				years = append(years, strconv.Itoa(ds.BaseYear+1+i)+" "+fixed(r))
			}
		}
		b.WriteString("- " + mdText(safetext.Cell(ds.Nodes[p.Node].Path)) + ": " + strings.Join(years, ", ") + "\n")
	}
}
