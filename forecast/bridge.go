package forecast

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"

	"iomt/model"
)

// A bridge explains why one node's value in one year differs between two
// scenarios, A and B: it starts at A's value, gives each assumption that
// differs its contribution, and ends at B's value.
//
// Contributions are Shapley values. The assumptions are players; the
// value of a coalition S is the node's value with S's assumptions as B
// has them and the rest as A has them. An assumption's contribution is
// its marginal effect averaged over every order in which the assumptions
// could be switched from A to B. So the contributions do not depend on
// any order, they add up to B − A, an assumption that moves nothing gets
// 0, and two assumptions that interact (in top-down the market's CAGR
// and a segment's own rate multiply) share their joint effect evenly.
//
// Exact Shapley values need the node's value for every coalition: 2^n
// projections of n assumptions (about 1.6 µs each on the IoMT dataset).
// Only the assumptions that can move the node are players (a Component
// rate cannot move North America); the others are listed with 0, which
// is their Shapley value exactly. Up to MaxExact players the values are
// exact; beyond, they are estimated from random orders of the players
// (each with its reverse), with a standard error given per assumption,
// and they still add up to B − A.

// MaxExact is the most assumptions moving the node for which a bridge is
// exact: 2^16 projections, about 0.1 s on the IoMT dataset.
const MaxExact = 16

// bridgeBudget is the projections a sampled bridge makes, as many as an
// exact one of MaxExact players.
const bridgeBudget = 1 << MaxExact

// bridgeSeed makes a sampled bridge the same on every run and machine.
const bridgeSeed = 0x1f0b_7d1e

// Step is one assumption of a bridge.
type Step struct {
	// Item is the assumption; for the shares of a set of siblings, which
	// move together (they add up to 100), the share named first (one the
	// scenario sets, else the one that changed most), with Siblings the
	// paths of the others that differ.
	Item     model.Item
	Siblings []string
	// Path names the assumption: Item.Path, and for shares moved with
	// their siblings "…/share_pct + N siblings".
	Path string
	// From and To are its figure in A and in B (NaN where it has none:
	// see FromText and ToText).
	From, To float64
	// FromText and ToText say a value that is no figure (the mode, a year
	// that grows at the CAGR); "" for a figure.
	FromText, ToText string
	// Contribution is its Shapley value, in the node's unit.
	Contribution float64
	// StdErr is the standard error of a sampled Contribution; 0 when the
	// bridge is exact.
	StdErr float64
	// Moves is false for an assumption that cannot move the node's value
	// (listed with 0): another dimension's, a later year's, a lock.
	Moves bool
}

// Bridge is the difference of one node's value in one year between two
// scenarios, assumption by assumption.
type Bridge struct {
	Node, Year int
	From, To   float64 // the node's value in A and in B
	// Steps are the assumptions that differ: those that move the node,
	// largest contribution first, then those that cannot (0).
	Steps []Step
	// Players is how many assumptions can move the node; Exact whether
	// the contributions are exact (Players ≤ MaxExact). A sampled bridge
	// used Orders random orders, and StdErr is the largest standard error
	// of its contributions.
	Players int
	Exact   bool
	Orders  int
	StdErr  float64
}

// Delta is B's value minus A's.
func (b *Bridge) Delta() float64 { return b.To - b.From }

// Same reports whether the two scenarios have no assumption that differs.
func (b *Bridge) Same() bool { return len(b.Steps) == 0 }

// player is one assumption switched as a whole: its items go from A's
// value to B's together, and its result is written to steps[step].
type player struct {
	items []model.Item
	step  int
}

// BridgePlan is a bridge cut into steps, for a caller that schedules the
// work itself (the dashboard, through its analysis pool). Run calls over
// disjoint ranges write disjoint results and may go at once.
type BridgePlan struct {
	ds       *model.Dataset
	a, b     model.Assumptions
	node, yi int
	from, to float64
	steps    []Step
	players  []player
	exact    bool
	part     *part
	// Exact: the node's value for every coalition, by bit mask.
	v []float64
	// Sampled: per pair of orders, each player's mean marginal effect.
	marg [][]float64
}

// ComputeBridge is the bridge of node's value in year from a to b.
func ComputeBridge(ds *model.Dataset, a, b model.Assumptions, node, year int) (*Bridge, error) {
	p, err := PlanBridge(ds, a, b, node, year)
	if err != nil {
		return nil, err
	}
	p.Run(0, p.Len())
	return p.Bridge()
}

// PlanBridge checks the question, lists the assumptions that differ and
// projects both scenarios once; ComputeBridge says what a bridge is.
func PlanBridge(ds *model.Dataset, a, b model.Assumptions, node, year int) (*BridgePlan, error) {
	if node < 0 || node >= len(ds.Nodes) {
		return nil, errors.New("bridge: no such segment")
	}
	yi := year - ds.BaseYear
	if yi < 0 || yi >= ds.Years() {
		return nil, fmt.Errorf("bridge: year %d is outside %d–%d", year, ds.BaseYear, ds.EndYear)
	}
	for _, x := range []*model.Assumptions{&a, &b} {
		if len(x.Growth) != len(ds.Nodes) || len(x.Share) != len(ds.Nodes) || len(x.YearGrowth) != ds.Years()-1 || len(x.Drivers) != len(ds.Levers) {
			return nil, errors.New("bridge: the scenarios are not of this dataset")
		}
	}
	p := &BridgePlan{ds: ds, a: a.Clone(), b: b.Clone(), node: node, yi: yi}
	var r Result
	ProjectInto(&r, ds, &p.a)
	p.from = r.Value(node, yi)
	ProjectInto(&r, ds, &p.b)
	p.to = r.Value(node, yi)
	groups := p.movingGroups()
	p.list(groups)
	p.part = newPart(ds, groups, node)
	n := len(p.players)
	p.exact = n <= MaxExact
	if p.exact {
		p.v = make([]float64, 1<<n)
	} else {
		p.marg = make([][]float64, max(bridgeBudget/(2*n), 1))
	}
	return p, nil
}

// list makes a step of every assumption that differs (to the bit) and a
// player of each that can move the node; a set of siblings' shares is
// one player, as they add up to 100 together.
func (p *BridgePlan) list(groups map[int]bool) {
	ds, a, b := p.ds, &p.a, &p.b
	byGroup := map[int]int{} // group → its player
	for _, it := range ds.Items() {
		if !it.Differs(a, b, true) {
			continue
		}
		moves := it.Moves() && p.canMove(it, groups)
		if it.Kind == model.ItemShare {
			g := ds.Nodes[it.Node].Group
			if pi, ok := byGroup[g]; ok {
				pl := &p.players[pi]
				pl.items = append(pl.items, it)
				continue
			}
			if moves {
				byGroup[g] = len(p.players)
			}
		}
		st := Step{Item: it, Path: it.Path, From: it.Number(a), To: it.Number(b),
			FromText: ds.Text(a, it), ToText: ds.Text(b, it), Moves: moves}
		if moves {
			p.players = append(p.players, player{items: []model.Item{it}, step: len(p.steps)})
		}
		p.steps = append(p.steps, st)
	}
	for _, pl := range p.players {
		if len(pl.items) > 1 {
			p.nameShares(pl)
		}
	}
	// A set of shares that cannot move the node is listed member by
	// member; grouped only when it is one player.
}

// nameShares names a player of several shares of one set of siblings
// after the share the scenario sets (else the one that changed most).
func (p *BridgePlan) nameShares(pl player) {
	a, b := &p.a, &p.b
	best := pl.items[0]
	for _, it := range pl.items {
		set := func(x model.Item) bool { return b.ShareSet[x.Node] || a.ShareSet[x.Node] }
		d := func(x model.Item) float64 { return math.Abs(b.Share[x.Node] - a.Share[x.Node]) }
		if set(it) && !set(best) || set(it) == set(best) && d(it) > d(best) {
			best = it
		}
	}
	st := &p.steps[pl.step]
	st.Item, st.From, st.To = best, a.Share[best.Node], b.Share[best.Node]
	st.Siblings = nil
	for _, it := range pl.items {
		if it != best {
			st.Siblings = append(st.Siblings, it.Path)
		}
	}
	n := len(st.Siblings)
	st.Path = best.Path + fmt.Sprintf(" + %d sibling%s", n, map[bool]string{true: "", false: "s"}[n == 1])
}

// movingGroups are the sets of siblings whose shares and rates can move
// the node: those of the node and its parents, and in bottom-up (in
// either scenario) the driver segments', which make the total.
func (p *BridgePlan) movingGroups() map[int]bool {
	ds := p.ds
	out := map[int]bool{}
	for n := p.node; n > 0; n = ds.Nodes[n].Parent {
		out[ds.Nodes[n].Group] = true
	}
	for _, x := range []*model.Assumptions{&p.a, &p.b} {
		if x.Mode == model.BottomUp {
			out[ds.Dims[x.Driver].Group] = true
		}
	}
	return out
}

// canMove reports whether an assumption can move the node's value in the
// year, by how the projection reads it: rates act from the first year
// after the base year, a year's rate from that year on and in top-down
// only, a segment's rate or share through its set of siblings. It errs
// on the side of a player: one that moves nothing gets 0 anyway.
func (p *BridgePlan) canMove(it model.Item, groups map[int]bool) bool {
	topDown := p.a.Mode == model.TopDown || p.b.Mode == model.TopDown
	switch it.Kind {
	case model.ItemMode:
		return true
	case model.ItemYearGrowth:
		return topDown && p.yi >= it.Index+1
	case model.ItemLever:
		return p.yi >= 1
	case model.ItemGrowth:
		if it.Node == 0 {
			return topDown && p.yi >= 1
		}
		return p.yi >= 1 && groups[p.ds.Nodes[it.Node].Group]
	case model.ItemShare:
		return groups[p.ds.Nodes[it.Node].Group]
	case model.ItemBaseValue:
		return true // every figure is a part of it
	case model.ItemPathYear:
		return p.yi >= it.Index+1 && groups[p.ds.Nodes[it.Node].Group]
	}
	return false
}

// Len is the number of steps: coalitions for an exact bridge (one
// projection each), pairs of orders for a sampled one (two projections
// per player each).
func (p *BridgePlan) Len() int {
	if p.exact {
		return len(p.v)
	}
	return len(p.marg)
}

// Cost is the projections one step makes.
func (p *BridgePlan) Cost() int {
	if p.exact {
		return 1
	}
	return 2 * len(p.players)
}

// part is the part of a dataset that can move one node: the total and
// the sets of siblings whose shares and rates reach it, renumbered. A
// projection of the part does, set by set, the arithmetic of a
// projection of the whole, so the node's value is the same to the bit;
// for North America it is 6 of the IoMT dataset's 44 nodes, and a bridge
// of 14 assumptions takes a fraction of the time.
type part struct {
	ds   model.Dataset
	full []int       // node of the part → node of the dataset
	at   map[int]int // node of the dataset → node of the part
	node int         // the node, in the part
}

// newPart cuts the groups out of ds, with the total and node.
func newPart(ds *model.Dataset, groups map[int]bool, node int) *part {
	p := &part{ds: model.Dataset{BaseYear: ds.BaseYear, EndYear: ds.EndYear}, full: []int{0}}
	at := map[int]int{0: 0}
	p.ds.Nodes = []model.Node{ds.Nodes[0]}
	newGroup := make([]int, len(ds.Groups))
	for gi, g := range ds.Groups {
		newGroup[gi] = -1
		if !groups[gi] {
			continue
		}
		ng := model.Group{Parent: at[g.Parent], Dim: g.Dim}
		for _, m := range g.Members {
			at[m] = len(p.full)
			p.full = append(p.full, m)
			p.ds.Nodes = append(p.ds.Nodes, ds.Nodes[m])
			ng.Members = append(ng.Members, at[m])
		}
		newGroup[gi] = len(p.ds.Groups)
		p.ds.Groups = append(p.ds.Groups, ng)
	}
	// Every dimension keeps its index, so a scenario's driver needs no
	// renumbering; only the drivers' groups are in the part.
	for _, d := range ds.Dims {
		p.ds.Dims = append(p.ds.Dims, model.Dimension{Name: d.Name, Group: newGroup[d.Group]})
	}
	p.node = at[node]
	p.at = at
	return p
}

// switcher holds one worker's scenario between A and B and projects the
// part of it that can move the node.
type switcher struct {
	p    *BridgePlan
	c    model.Assumptions // the whole scenario
	pc   model.Assumptions // its part
	r    Result
	part *part
}

func (p *BridgePlan) switcher() *switcher {
	s := &switcher{p: p, c: p.a.Clone(), part: p.part}
	n := len(p.part.full)
	s.pc = model.Assumptions{Growth: make([]float64, n), Share: make([]float64, n)}
	return s
}

// set switches player i to B's value (on) or back to A's.
func (s *switcher) set(i int, on bool) {
	src := &s.p.a
	if on {
		src = &s.p.b
	}
	for _, it := range s.p.players[i].items {
		it.Copy(&s.c, src)
	}
}

// value projects the part of the scenario as it stands and reads the
// node.
func (s *switcher) value() float64 {
	c, pc := &s.c, &s.pc
	for i, n := range s.part.full {
		pc.Growth[i], pc.Share[i] = c.Growth[n], c.Share[n]
	}
	pc.YearGrowth, pc.Drivers, pc.Mode, pc.Driver, pc.BaseValue = c.YearGrowth, c.Drivers, c.Mode, c.Driver, c.BaseValue
	// The segments' growth paths, of the part's nodes, renumbered and in
	// the part's node order, as Paths is kept.
	pc.Paths = pc.Paths[:0]
	for _, path := range c.Paths {
		if n, ok := s.part.at[path.Node]; ok {
			pc.Paths = append(pc.Paths, model.Path{Node: n, Rates: path.Rates})
		}
	}
	slices.SortFunc(pc.Paths, func(x, y model.Path) int { return x.Node - y.Node })
	ProjectInto(&s.r, &s.part.ds, pc)
	return s.r.Value(s.part.node, s.p.yi)
}

// Run does steps from (inclusive) to to (exclusive).
func (p *BridgePlan) Run(from, to int) {
	if from >= to {
		return
	}
	s := p.switcher()
	if !p.exact {
		for k := from; k < to; k++ {
			p.marg[k] = p.pair(s, k)
		}
		return
	}
	// Coalitions in Gray code order: each differs from the one before in
	// one player, so a step switches one assumption, not all of them.
	gray := func(k int) int { return k ^ k>>1 }
	g := gray(from)
	for i := range p.players {
		s.set(i, g&(1<<i) != 0)
	}
	p.v[g] = s.value()
	for k := from + 1; k < to; k++ {
		i := bits.TrailingZeros(uint(k))
		g = gray(k)
		s.set(i, g&(1<<i) != 0)
		p.v[g] = s.value()
	}
}

// pair switches the players from A to B in the k-th random order and in
// its reverse, and returns each player's mean marginal effect over the
// two: a player early in one order is late in the other, which halves
// the spread of the estimate for interacting assumptions.
func (p *BridgePlan) pair(s *switcher, k int) []float64 {
	n := len(p.players)
	rng := rand.New(rand.NewPCG(bridgeSeed, uint64(k)))
	order := rng.Perm(n)
	out := make([]float64, n)
	for pass := range 2 {
		for i := range n {
			s.set(i, false)
		}
		prev := p.from
		for j := range n {
			i := order[j]
			if pass == 1 {
				i = order[n-1-j]
			}
			s.set(i, true)
			v := s.value()
			out[i] += (v - prev) / 2
			prev = v
		}
	}
	return out
}

// Bridge gives the contributions once every step has run. It fails when
// switching every assumption does not reach B's value: a difference the
// bridge does not know of.
func (p *BridgePlan) Bridge() (*Bridge, error) {
	n := len(p.players)
	br := &Bridge{Node: p.node, Year: p.ds.BaseYear + p.yi, From: p.from, To: p.to,
		Players: n, Exact: p.exact}
	steps := slices.Clone(p.steps)
	// The part of the dataset, with no assumption switched and with all
	// of them, must give A's and B's values: else a difference, or a
	// way the projection reads them, is one the bridge does not know.
	s := p.switcher()
	none := s.value()
	for i := range p.players {
		s.set(i, true)
	}
	if all := s.value(); none != p.from || math.Abs(all-p.to) > 1e-12*max(1, math.Abs(p.to)) {
		return nil, fmt.Errorf("bridge: switching the assumptions listed gives %v to %v, not A's %v to B's %v: the scenarios differ in something the bridge does not know", none, all, p.from, p.to)
	}
	if p.exact {
		for i, c := range p.shapley() {
			steps[p.players[i].step].Contribution = c
		}
	} else {
		br.Orders = 2 * len(p.marg)
		for i := range p.players {
			var sum, sumSq, c float64
			for _, m := range p.marg {
				sum, c = neumaier(sum, c, m[i])
			}
			mean := (sum + c) / float64(len(p.marg))
			for _, m := range p.marg {
				sumSq += (m[i] - mean) * (m[i] - mean)
			}
			se := 0.0
			if k := len(p.marg); k > 1 {
				se = math.Sqrt(sumSq / float64(k-1) / float64(k))
			}
			st := &steps[p.players[i].step]
			st.Contribution, st.StdErr = mean, se
			br.StdErr = max(br.StdErr, se)
		}
	}
	// Largest first; what cannot move the node last, in Items' order.
	slices.SortStableFunc(steps, func(x, y Step) int {
		if x.Moves != y.Moves {
			if x.Moves {
				return -1
			}
			return 1
		}
		return cmp.Compare(math.Abs(y.Contribution), math.Abs(x.Contribution))
	})
	br.Steps = steps
	return br, nil
}

// shapley is each player's exact Shapley value from the values of every
// coalition: φ_i = Σ over S without i of |S|!(n−|S|−1)!/n! ×
// (v(S ∪ {i}) − v(S)). The marginal effects are summed by the size of S
// first (compensated), then weighted, so that the contributions add up
// to v(all) − v(none) to within a few units in the last place.
func (p *BridgePlan) shapley() []float64 {
	n := len(p.players)
	out := make([]float64, n)
	// w[s] = s!(n−s−1)!/n! = 1 / (n × C(n−1, s)).
	w := make([]float64, n)
	binom := 1.0
	for s := range n {
		w[s] = 1 / (float64(n) * binom)
		binom = binom * float64(n-1-s) / float64(s+1)
	}
	sum, comp := make([]float64, n), make([]float64, n)
	for i := range n {
		bit := 1 << i
		clear(sum)
		clear(comp)
		for mask := range len(p.v) {
			if mask&bit != 0 {
				continue
			}
			s := bits.OnesCount(uint(mask))
			sum[s], comp[s] = neumaier(sum[s], comp[s], p.v[mask|bit]-p.v[mask])
		}
		var t, tc float64
		for s := range n {
			t, tc = neumaier(t, tc, w[s]*(sum[s]+comp[s]))
		}
		out[i] = t + tc
	}
	return out
}

// neumaier adds x to the sum s with compensation c (Neumaier's variant of
// Kahan summation), so that thousands of small marginal effects lose no
// more than a unit in the last place.
func neumaier(s, c, x float64) (float64, float64) {
	t := s + x
	if math.Abs(s) >= math.Abs(x) {
		c += (s - t) + x
	} else {
		c += (x - t) + s
	}
	return t, c
}

// Label is the step's assumption and its change in words, for a screen
// or a text report: "Total/cagr_pct 18.5 → 21".
func (s *Step) Label(num func(float64) string) string {
	val := func(x float64, text string) string {
		if text != "" {
			return text
		}
		return num(x)
	}
	return s.Path + " " + val(s.From, s.FromText) + " → " + val(s.To, s.ToText)
}

// Method says in words how the contributions were found, for the line
// under a bridge's title.
func (b *Bridge) Method() string {
	switch {
	case b.Same():
		return "the scenarios do not differ: every contribution is 0"
	case b.Players == 0:
		return fmt.Sprintf("none of the %d assumptions that differ can move it: every contribution is 0", len(b.Steps))
	case b.Exact:
		return fmt.Sprintf("exact Shapley values over the %d assumption%s that can move it", b.Players, plural(b.Players))
	}
	return fmt.Sprintf("Shapley values estimated from %d random orders of the %d assumptions that can move it (more than %d): each within ±%s (one standard error)",
		b.Orders, b.Players, MaxExact, strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2g", b.StdErr), "0"), "."))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
