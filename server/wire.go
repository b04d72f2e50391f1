package server

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"unicode/utf8"

	"iomt/export"
	"iomt/internal/safetext"
	"iomt/model"
	"iomt/ui"
)

// The presenter's state as it travels between servers of a demo mesh
// (see natsHub): a version byte, then a compact binary form of the
// ui.Snapshot, written here by hand with encoding/binary because it must
// keep every float bit for bit (NaN is "unset" in the assumptions, which
// JSON cannot carry), and because it writes the assumptions as changes to
// the dataset's own (a presenter's state over the dataset at the limits,
// 15,151 nodes, would be 1.5 MB whole, over NATS's default 1 MB payload;
// its changes are a few hundred bytes). Version 2:
//
//	0x02                      version (1: the same without the panes at the end)
//	8 bytes, little endian    the dataset's fingerprint (datasetPrint)
//	uvarint turn, uvarint seq the presenting turn, and the state's number in it
//	string presenter, string scenario
//	uvarint dim, uvarint metric
//	uvarint n, n × uvarint    parent per dimension (n = the dataset's dimensions)
//	n × uvarint               cursor per dimension
//	byte flags                1: saved follows, 2: compared follow, 4: differences shown
//	changes                   the assumptions, from the dataset's
//	[changes]                 saved, from the assumptions
//	[uvarint n, n × (string, changes)]
//	                          the compared scenarios' names, and each from the dataset's
//	byte panes                1: the table has the focus, 2: the years were scrolled
//	uvarint tree, table, year the first rows the segment list and the table show, its first year column
//
// A string is a uvarint length and UTF-8 bytes. Changes are the mode, the
// driver and the window (uvarints), then for each of growth, share, year
// growth, levers, range low and range high a uvarint count and that many
// (uvarint gap to the previous index + 1, 8 bytes of float64 bits), and for
// locks and share-set marks a count and that many gaps (a flipped mark),
// then the base-year value (8 bytes of float64 bits) and the growth paths
// whole: a count, and for each the gap to the previous path's node and
// its rates as changes to a path of no rates of its own.
//
// Everything that arrives is hostile until checked (anyone with publish
// rights on the subject can send): decodeState bounds every count by the
// dataset before allocating, and checks every value as a scenario file's
// would be, so a follower never mirrors what the dashboard could not show.

// wireVersion is the version this iomt writes and the newest it reads;
// it reads version 1 too (a state without the panes).
const wireVersion = 2

// maxWireVersion bounds the versions a later iomt may write: below the
// first printable character, so that text is never taken for a state.
const maxWireVersion = 0x20

// Bounds on what a state may carry.
const (
	maxWireName     = 256  // bytes of the presenter's name (shown cut to 40 characters)
	maxWireScenario = 1024 // bytes of a scenario's name
	maxWireCompared = export.MaxCompare
)

// errNewerVersion says a state came from a newer iomt.
var errNewerVersion = errors.New("written by a newer iomt")

// wireCodec encodes and decodes states over one dataset.
type wireCodec struct {
	ds    *model.Dataset
	base  model.Assumptions
	print uint64
}

func newWireCodec(ds *model.Dataset) *wireCodec {
	return &wireCodec{ds: ds, base: ds.Base(), print: datasetPrint(ds)}
}

// datasetPrint is a fingerprint of what a state's numbers mean: the
// dataset's years, its nodes and levers, and its own assumptions, which
// states are written as changes to. Servers of one demo must serve the
// same dataset; a state over another is dropped.
func datasetPrint(ds *model.Dataset) uint64 {
	h := fnv.New64a()
	var b []byte
	b = binary.AppendUvarint(b, uint64(ds.BaseYear))
	b = binary.AppendUvarint(b, uint64(ds.EndYear))
	b = binary.AppendUvarint(b, uint64(len(ds.Levers)))
	b = appendWireString(b, ds.Market)
	for _, n := range ds.Nodes {
		b = appendWireString(b, n.Path)
	}
	base := ds.Base()
	b = appendChanges(b, &model.Assumptions{}, &base)
	_, _ = h.Write(b)
	return h.Sum64()
}

// encode writes s, the state numbered seq in turn.
func (c *wireCodec) encode(turn, seq uint64, s *ui.Snapshot) []byte {
	b := make([]byte, 0, 256)
	b = append(b, wireVersion)
	b = binary.LittleEndian.AppendUint64(b, c.print)
	b = binary.AppendUvarint(b, turn)
	b = binary.AppendUvarint(b, seq)
	b = appendWireString(b, s.Presenter)
	b = appendWireString(b, s.Scenario)
	b = binary.AppendUvarint(b, uint64(max(s.Dim, 0)))
	b = binary.AppendUvarint(b, uint64(max(int(s.Metric), 0)))
	b = binary.AppendUvarint(b, uint64(len(s.Parent)))
	for _, p := range s.Parent {
		b = binary.AppendUvarint(b, uint64(max(p, 0)))
	}
	for i := range s.Parent {
		cur := 0
		if i < len(s.Cursor) {
			cur = s.Cursor[i]
		}
		b = binary.AppendUvarint(b, uint64(max(cur, 0)))
	}
	var flags byte
	if s.Saved != nil {
		flags |= 1
	}
	if len(s.Compared) > 0 {
		flags |= 2
	}
	if s.Differences {
		flags |= 4
	}
	b = append(b, flags)
	b = appendChanges(b, &c.base, &s.Assumptions)
	if s.Saved != nil {
		b = appendChanges(b, &s.Assumptions, s.Saved)
	}
	if len(s.Compared) > 0 {
		b = binary.AppendUvarint(b, uint64(len(s.Compared)))
		for i := range s.Compared {
			b = appendWireString(b, s.Compared[i].Name)
			b = appendChanges(b, &c.base, &s.Compared[i].Assumptions)
		}
	}
	v := s.Panes
	b = append(b, boolByte(v.TableFocus)|boolByte(v.YearsScrolled)<<1)
	for _, n := range []int{v.TreeTop, v.TableTop, v.YearFrom} {
		b = binary.AppendUvarint(b, uint64(max(n, 0)))
	}
	return b
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

func appendWireString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendChanges writes a as its changes to ref. Slices of a that are
// shorter than ref's (cannot happen with one dataset) write what they have.
func appendChanges(b []byte, ref, a *model.Assumptions) []byte {
	b = binary.AppendUvarint(b, uint64(max(int(a.Mode), 0)))
	b = binary.AppendUvarint(b, uint64(max(a.Driver, 0)))
	b = binary.AppendUvarint(b, uint64(max(a.Window.From, 0)))
	b = binary.AppendUvarint(b, uint64(max(a.Window.To, 0)))
	lo, hi := rangeSides(a.Ranges)
	refLo, refHi := rangeSides(ref.Ranges)
	for _, f := range [][2][]float64{{ref.Growth, a.Growth}, {ref.Share, a.Share}, {ref.YearGrowth, a.YearGrowth},
		{ref.Drivers, a.Drivers}, {refLo, lo}, {refHi, hi}} {
		b = appendFloatChanges(b, f[0], f[1])
	}
	b = appendBoolChanges(b, ref.Locked, a.Locked)
	b = appendBoolChanges(b, ref.ShareSet, a.ShareSet)
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(a.BaseValue))
	b = binary.AppendUvarint(b, uint64(len(a.Paths)))
	prev := 0
	for _, p := range a.Paths {
		b = binary.AppendUvarint(b, uint64(max(p.Node-prev, 0)))
		b = appendFloatChanges(b, unsetRates(len(p.Rates)), p.Rates)
		prev = p.Node
	}
	return b
}

// unsetRates is n years without a rate of their own, which a path's
// rates are written as changes to.
func unsetRates(n int) []float64 {
	r := make([]float64, n)
	for i := range r {
		r[i] = math.NaN()
	}
	return r
}

func rangeSides(r []model.Range) (lo, hi []float64) {
	lo, hi = make([]float64, len(r)), make([]float64, len(r))
	for i, x := range r {
		lo[i], hi[i] = x.Lo, x.Hi
	}
	return lo, hi
}

func appendFloatChanges(b []byte, ref, a []float64) []byte {
	var idx []int
	for i := range a {
		if i >= len(ref) || math.Float64bits(a[i]) != math.Float64bits(ref[i]) {
			idx = append(idx, i)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(idx)))
	prev := -1
	for _, i := range idx {
		b = binary.AppendUvarint(b, uint64(i-prev))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(a[i]))
		prev = i
	}
	return b
}

func appendBoolChanges(b []byte, ref, a []bool) []byte {
	var idx []int
	for i := range a {
		if i >= len(ref) || a[i] != ref[i] {
			idx = append(idx, i)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(idx)))
	prev := -1
	for _, i := range idx {
		b = binary.AppendUvarint(b, uint64(i-prev))
		prev = i
	}
	return b
}

// wireReader reads a state, remembering the first thing wrong with it.
type wireReader struct {
	b   []byte
	err error
}

func (r *wireReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf(format, args...)
	}
}

func (r *wireReader) uvarint(what string) uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail("%s: cut short or too long", what)
		return 0
	}
	r.b = r.b[n:]
	return v
}

// small reads a uvarint that must be below limit.
func (r *wireReader) small(what string, limit int) int {
	v := r.uvarint(what)
	if r.err == nil && v >= uint64(limit) {
		r.fail("%s %d: at most %d", what, v, limit-1)
		return 0
	}
	return int(v)
}

func (r *wireReader) byte1(what string) byte {
	if r.err != nil {
		return 0
	}
	if len(r.b) < 1 {
		r.fail("%s: cut short", what)
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *wireReader) u64(what string) uint64 {
	if r.err != nil {
		return 0
	}
	if len(r.b) < 8 {
		r.fail("%s: cut short", what)
		return 0
	}
	v := binary.LittleEndian.Uint64(r.b)
	r.b = r.b[8:]
	return v
}

// text reads a string of at most limit bytes, valid UTF-8, without the
// characters a terminal would obey.
func (r *wireReader) text(what string, limit int) string {
	n := r.small(what+" length", limit+1)
	if r.err != nil {
		return ""
	}
	if len(r.b) < n {
		r.fail("%s: cut short", what)
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	if !utf8.ValidString(s) {
		r.fail("%s: not UTF-8", what)
		return ""
	}
	return safetext.Strip(s)
}

// decode reads a state: its turn, its number in the turn and the
// snapshot, checked against the dataset. A state from a newer iomt is
// errNewerVersion.
func (c *wireCodec) decode(data []byte) (turn, seq uint64, s ui.Snapshot, err error) {
	if len(data) == 0 {
		return 0, 0, s, errors.New("empty")
	}
	version := data[0]
	if version != wireVersion && version != 1 {
		// Versions are small numbers: a first byte that is printable
		// text (garbage, a JSON document someone published) is no state,
		// and telling its operator to upgrade iomt would mislead.
		if data[0] > wireVersion && data[0] < maxWireVersion {
			return 0, 0, s, fmt.Errorf("version %d: %w (this one reads %d)", data[0], errNewerVersion, wireVersion)
		}
		return 0, 0, s, fmt.Errorf("not an iomt state: its first byte, %#02x, is no version of the format", data[0])
	}
	r := &wireReader{b: data[1:]}
	if p := r.u64("dataset"); r.err == nil && p != c.print {
		return 0, 0, s, errors.New("a state over another dataset (the servers of a demo must serve the same one)")
	}
	turn, seq = r.uvarint("turn"), r.uvarint("seq")
	s.Presenter = r.text("presenter", maxWireName)
	s.Scenario = r.text("scenario", maxWireScenario)
	dims := len(c.ds.Dims)
	s.Dim = r.small("tab", dims)
	s.Metric = ui.Metric(r.small("metric", int(ui.MetricGrowth)+1))
	if n := r.small("dimensions", dims+1); r.err == nil && n != dims {
		r.fail("%d dimensions, the dataset has %d", n, dims)
	}
	s.Parent, s.Cursor = make([]int, dims), make([]int, dims)
	for i := range dims {
		s.Parent[i] = r.small("parent", len(c.ds.Nodes))
	}
	for i := range dims {
		s.Cursor[i] = r.small("cursor", len(c.ds.Nodes)+1)
	}
	flags := r.byte1("flags")
	if flags&^7 != 0 {
		r.fail("flags %#x", flags)
	}
	s.Assumptions = c.readChanges(r, &c.base, "assumptions")
	if flags&1 != 0 {
		saved := c.readChanges(r, &s.Assumptions, "saved")
		s.Saved = &saved
	}
	if flags&2 != 0 {
		n := r.small("compared scenarios", maxWireCompared+1)
		if r.err == nil && n == 0 {
			r.fail("compared scenarios: flagged, but none")
		}
		for range n {
			if r.err != nil {
				break
			}
			name := r.text("compared scenario", maxWireScenario)
			s.Compared = append(s.Compared, ui.Compared{Name: name, Assumptions: c.readChanges(r, &c.base, "compared")})
		}
	}
	s.Differences = flags&4 != 0
	if version >= 2 {
		if panes := r.byte1("panes"); panes > 3 {
			r.fail("panes %#x", panes)
		} else {
			s.Panes.TableFocus, s.Panes.YearsScrolled = panes&1 != 0, panes&2 != 0
		}
		s.Panes.TreeTop = r.small("first row of the segments", len(c.ds.Nodes))
		s.Panes.TableTop = r.small("first row of the table", len(c.ds.Nodes))
		// The years, and while comparing two more groups of columns.
		s.Panes.YearFrom = r.small("first year column of the table", c.ds.EndYear-c.ds.BaseYear+1+2)
	}
	if r.err == nil && len(r.b) != 0 {
		r.fail("%d bytes after the end", len(r.b))
	}
	if r.err == nil {
		r.err = c.check(&s)
	}
	if r.err != nil {
		return 0, 0, ui.Snapshot{}, r.err
	}
	return turn, seq, s, nil
}

// readChanges reads assumptions written as changes to ref; ref's slices
// have the dataset's lengths, which bound every index.
func (c *wireCodec) readChanges(r *wireReader, ref *model.Assumptions, what string) model.Assumptions {
	a := ref.Clone()
	a.Mode = model.Mode(r.small(what+": mode", int(model.BottomUp)+1))
	a.Driver = r.small(what+": driver", len(c.ds.Dims))
	a.Window.From = r.small(what+": window", c.ds.EndYear+1)
	a.Window.To = r.small(what+": window", c.ds.EndYear+1)
	lo, hi := rangeSides(a.Ranges)
	for _, f := range []struct {
		name string
		v    []float64
	}{{"growth", a.Growth}, {"share", a.Share}, {"year growth", a.YearGrowth}, {"levers", a.Drivers}, {"range", lo}, {"range", hi}} {
		readFloatChanges(r, what+": "+f.name, f.v)
	}
	for i := range a.Ranges {
		a.Ranges[i] = model.Range{Lo: lo[i], Hi: hi[i]}
	}
	readBoolChanges(r, what+": locks", a.Locked)
	readBoolChanges(r, what+": shares set", a.ShareSet)
	a.BaseValue = math.Float64frombits(r.u64(what + ": base value"))
	// Paths are written whole (few segments have one), in node order.
	n := r.small(what+": paths", len(c.ds.Nodes))
	a.Paths = nil
	node := 0
	for range n {
		if node = r.next(what+": path", node, len(c.ds.Nodes)); r.err != nil {
			break
		}
		rates := unsetRates(len(a.YearGrowth))
		readFloatChanges(r, what+": path rates", rates)
		a.Paths = append(a.Paths, model.Path{Node: node, Rates: rates})
	}
	return a
}

// next reads the index after i of a list of changes to a slice of n:
// the gap is at least 1, and the index stays in the slice.
func (r *wireReader) next(what string, i, n int) int {
	gap := r.small(what+" index", n-i)
	if r.err == nil && gap == 0 {
		r.fail("%s: an index twice", what)
	}
	return i + gap
}

func readFloatChanges(r *wireReader, what string, v []float64) {
	n := r.small(what+" count", len(v)+1)
	i := -1
	for range n {
		if i = r.next(what, i, len(v)); r.err != nil {
			return
		}
		v[i] = math.Float64frombits(r.u64(what))
	}
}

func readBoolChanges(r *wireReader, what string, v []bool) {
	n := r.small(what+" count", len(v)+1)
	i := -1
	for range n {
		if i = r.next(what, i, len(v)); r.err != nil {
			return
		}
		v[i] = !v[i]
	}
}

// check says what in s a dashboard over the dataset could not show, as
// a scenario file's checks would: rates, shares and levers in their
// ranges, a window of the dataset's years, and a selection of its tabs
// and rows.
func (c *wireCodec) check(s *ui.Snapshot) error {
	ds := c.ds
	for d := range ds.Dims {
		p := s.Parent[d]
		if p != 0 && (ds.Nodes[p].Dim != d || ds.Nodes[p].IsLeaf()) {
			return fmt.Errorf("tab %d lists the segments of node %d, which has none there", d, p)
		}
		rows := len(ds.Dims[d].Top)
		if p != 0 {
			rows = len(ds.Nodes[p].Children)
		}
		if s.Cursor[d] > rows {
			return fmt.Errorf("tab %d: row %d of %d", d, s.Cursor[d], rows+1)
		}
	}
	for _, a := range []*model.Assumptions{&s.Assumptions, s.Saved} {
		if a == nil {
			continue
		}
		if err := c.checkAssumptions(a); err != nil {
			return err
		}
	}
	for i := range s.Compared {
		if err := c.checkAssumptions(&s.Compared[i].Assumptions); err != nil {
			return fmt.Errorf("compared %q: %w", s.Compared[i].Name, err)
		}
	}
	return nil
}

func (c *wireCodec) checkAssumptions(a *model.Assumptions) error {
	ds := c.ds
	rate := func(r float64) bool { return !math.IsNaN(r) && r > model.MinRate && r < model.MaxRate }
	if w := a.Window; w != (model.Window{}) && (w.From < ds.BaseYear || w.To > ds.EndYear || w.From >= w.To) {
		return fmt.Errorf("window %d–%d is not within %d–%d", w.From, w.To, ds.BaseYear, ds.EndYear)
	}
	for i, g := range a.Growth {
		if !rate(g) {
			return fmt.Errorf("growth %v of node %d is out of range", g, i)
		}
	}
	for i, sh := range a.Share {
		if math.IsNaN(sh) || sh < 0 || sh > 100 {
			return fmt.Errorf("share %v of node %d is out of range", sh, i)
		}
	}
	for i, g := range a.YearGrowth {
		if !math.IsNaN(g) && !rate(g) {
			return fmt.Errorf("growth %v of year %d is out of range", g, ds.BaseYear+1+i)
		}
	}
	for i, l := range a.Drivers {
		if math.IsNaN(l) || math.Abs(l) > model.MaxLeverImpact {
			return fmt.Errorf("lever %d's impact %v is out of range", i, l)
		}
	}
	for i, r := range a.Ranges {
		if r.IsSet() && (!rate(r.Lo) || !rate(r.Hi) || r.Lo >= r.Hi) || !r.IsSet() && !math.IsNaN(r.Hi) {
			return fmt.Errorf("range %v of node %d is no range", r, i)
		}
	}
	if msg, ok := model.CheckBaseValue(a.BaseValue); !ok {
		return errors.New(msg)
	}
	for _, p := range a.Paths {
		set := false
		for i, g := range p.Rates {
			if !math.IsNaN(g) && !rate(g) {
				return fmt.Errorf("growth %v of node %d in year %d is out of range", g, p.Node, ds.BaseYear+1+i)
			}
			set = set || !math.IsNaN(g)
		}
		if !set {
			return fmt.Errorf("node %d's path has no year of its own", p.Node)
		}
	}
	return nil
}
