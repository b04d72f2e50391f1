package ui

import "math"

// widest finds the widest of many numbers as fmtNum (or, signed,
// fmtSigned) writes them at prec decimals, formatting only the few that
// can be widest: the year table's columns are as wide as their widest
// cell over every year, and formatting all 7,700 cells of a level of 150
// segments over 51 years to find it took a millisecond a keypress.
//
// Below hugeDigits whole digits a number's text only grows with its
// magnitude, for each sign (more digits, more commas, and a sign once it
// no longer rounds to zero), so the largest and the most negative are
// the widest of their signs; huge numbers (scientific notation) and
// undefined ones are measured one by one. TestWidest holds it to
// measuring every number.
type widest struct {
	prec   int
	signed bool
	pos    float64 // the largest number ≥ 0 (or -0) below huge
	neg    float64 // the most negative below huge
	hasPos bool
	hasNeg bool
	w      int // the widest of the huge and undefined numbers
}

// add counts x in.
func (m *widest) add(x float64) {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		m.w = max(m.w, textWidth(m.format(x)))
	case math.Abs(x) >= math.Pow10(hugeDigits-1):
		m.w = max(m.w, textWidth(m.format(x)))
	case x < 0:
		if !m.hasNeg || x < m.neg {
			m.neg, m.hasNeg = x, true
		}
	default:
		if !m.hasPos || x > m.pos {
			m.pos, m.hasPos = x, true
		}
	}
}

// width is the widest number's width in cells (0 with none).
func (m *widest) width() int {
	w := m.w
	if m.hasPos {
		w = max(w, textWidth(m.format(m.pos)))
	}
	if m.hasNeg {
		w = max(w, textWidth(m.format(m.neg)))
	}
	return w
}

func (m *widest) format(x float64) string {
	if m.signed {
		return fmtSigned(x, m.prec)
	}
	return fmtNum(x, m.prec)
}

// numCache keeps the numbers a table wrote on its last frame, in the
// order written, so that a figure the keypress did not change is not
// formatted again.
type numCache struct {
	cells []cachedNum
	at    int // the next cell of this frame
}

// cachedNum is one number as written.
type cachedNum struct {
	bits   uint64
	prec   int
	signed bool
	text   string
}

// next starts a frame.
func (c *numCache) next() { c.at = 0 }

// format is fmtNum(x, prec), or fmtSigned when signed, kept for the
// frame after.
func (c *numCache) format(x float64, prec int, signed bool) string {
	k := cachedNum{bits: math.Float64bits(x), prec: prec, signed: signed}
	if c.at < len(c.cells) {
		if e := c.cells[c.at]; e.bits == k.bits && e.prec == prec && e.signed == signed {
			c.at++
			return e.text
		}
	} else {
		c.cells = append(c.cells, cachedNum{})
	}
	if signed {
		k.text = fmtSigned(x, prec)
	} else {
		k.text = fmtNum(x, prec)
	}
	c.cells[c.at] = k
	c.at++
	return k.text
}
