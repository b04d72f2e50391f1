package forecast

import (
	"strconv"

	"iomt/model"
)

// ModeSwitch is the projection mode, and in bottom-up the driver
// dimension, in which a parameter would move a node that it cannot move
// in the scenario's mode. forecast says why in words that hold anywhere;
// how to switch is the caller's to say, as each has its own way there:
// the dashboard's b on the driver's tab, a scenario file's mode: and
// driver: on the command line.
type ModeSwitch struct {
	Mode model.Mode
	// Driver is the dimension to drive the total in bottom-up, -1 for
	// any; in top-down, the scenario's driver (the dashboard's b goes
	// back to top-down on its tab).
	Driver int
}

// reason says why p cannot move node's value in year, and the switch of
// mode that would let it, if one would.
func reason(ds *model.Dataset, a *model.Assumptions, node, year int, p Param) (string, *ModeSwitch) {
	market := p.Node == 0 && (p.Kind == ParamGrowth || p.Kind == ParamYearGrowth)
	segment := p.Node != 0 && (p.Kind == ParamGrowth || p.Kind == ParamYearGrowth || p.Kind == ParamShare)
	switch {
	case p.Kind == ParamBaseValue:
		return "the base-year value moves every value", nil
	case p.Kind != ParamShare && year == ds.BaseYear:
		return "rates act only after the base year, " + strconv.Itoa(year), nil
	case market && a.Mode == model.BottomUp:
		return "in bottom-up the total is the sum of " + ds.Dims[a.Driver].Name + "; the market's rates do not move it",
			&ModeSwitch{Mode: model.TopDown, Driver: a.Driver}
	case p.Kind == ParamShare && a.Locked[p.Node]:
		return "the share is locked", nil
	case p.Kind == ParamYearGrowth && p.Year > year:
		return "that year comes after " + strconv.Itoa(year), nil
	case p.Kind == ParamGrowth && ownRatesTo(ds, a, p.Node, year):
		if year == ds.BaseYear+1 {
			return strconv.Itoa(year) + " has a growth rate of its own", nil
		}
		return "every year to " + strconv.Itoa(year) + " has a growth rate of its own", nil
	case segment && node == 0 && a.Mode == model.TopDown:
		if p.Kind == ParamShare {
			return "in top-down the shares split the total; they do not change it", driving(ds, p.Node)
		}
		return "in top-down the segments' rates move their shares, not the total", driving(ds, p.Node)
	case segment:
		return siblingsOnly(ds, a, node, p)
	}
	return "in " + a.Mode.String() + " nothing ties it to " + nodeLabel(ds, node), nil
}

// driving is the switch that makes segment n drive the total, when it
// can: a top-level segment, in bottom-up with its dimension as driver.
func driving(ds *model.Dataset, n int) *ModeSwitch {
	if ds.Nodes[n].Depth != 1 {
		return nil
	}
	return &ModeSwitch{Mode: model.BottomUp, Driver: ds.Nodes[n].Dim}
}

// siblingsOnly says why segment p.Node's rate or share cannot move node:
// it moves only the shares of its own set of siblings (and so the values
// of the segments under them), and node is not one of them, nor under
// one, nor (in bottom-up) moved through the total by a driver.
func siblingsOnly(ds *model.Dataset, a *model.Assumptions, node int, p Param) (string, *ModeSwitch) {
	m := &ds.Nodes[p.Node]
	what := "rate"
	if p.Kind == ParamShare {
		what = "share"
	}
	set := ds.Dims[m.Dim].Name + "'s segments"
	if m.Parent > 0 {
		set = ds.Nodes[m.Parent].Name + "'s segments"
	}
	head := "in " + a.Mode.String() + " a segment's " + what + " moves the shares of its own set of siblings, " + set
	if a.Mode == model.BottomUp && m.Depth == 1 && m.Dim == a.Driver {
		head = "in bottom-up a driver's " + what + " moves the total and its siblings' shares"
	}
	switch {
	case node == 0:
		return head + "; the total is the sum of " + ds.Dims[a.Driver].Name + "'s segments", driving(ds, p.Node)
	case under(ds, p.Node, node):
		return head + ", which split " + nodeLabel(ds, m.Parent) + " and do not change it", nil
	case ds.Nodes[node].Dim != m.Dim:
		return head + "; " + nodeLabel(ds, node) + " is in another dimension, " + ds.Dims[ds.Nodes[node].Dim].Name, nil
	}
	return head + "; " + nodeLabel(ds, node) + " is neither one of them nor under one", nil
}

// under reports whether n is a descendant of anc.
func under(ds *model.Dataset, n, anc int) bool {
	for n = ds.Nodes[n].Parent; n > 0; n = ds.Nodes[n].Parent {
		if n == anc {
			return true
		}
	}
	return false
}

// Note is what a tornado cannot show, in words, for the screen to say
// why some parameters are missing, and the switch of mode that would
// show them.
func (t *Tornado) Note(ds *model.Dataset, a *model.Assumptions) (string, *ModeSwitch) {
	if t.Node == 0 && a.Mode == model.TopDown {
		return "in top-down the segments' rates do not change the total", &ModeSwitch{Mode: model.BottomUp, Driver: -1}
	}
	if a.Mode == model.BottomUp {
		return "in bottom-up the market's CAGR does not move anything: the total is the sum of " + ds.Dims[a.Driver].Name,
			&ModeSwitch{Mode: model.TopDown, Driver: a.Driver}
	}
	return "", nil
}
