package model

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// Limits checked by prescan, before the YAML library sees a file.
const (
	// MaxDepth is how deeply lists and mappings may nest. An iomt file
	// nests about ten levels. The YAML library's time and memory grow
	// much faster than the depth: "x: " and 40,000 '[' (80 KB) took 7 s
	// and 2.8 GB, and 100,000 "- " on one line 48 s and 15 GB.
	MaxDepth = 32
	// MaxItems bounds the keys, colons, values, list entries, brackets and
	// comments of a file. The library holds several hundred bytes for
	// each: a 1 MiB file of 500,000 list entries took 400 MB and over a
	// second. A dataset of 15,000 segments has about 210,000; the IoMT
	// dataset has 910.
	MaxItems = 250_000
	// MaxBlockKeys is how many keys one block mapping may have. The YAML
	// library parses a block mapping in time that grows with the square
	// of its keys (https://github.com/goccy/go-yaml/pull/889, not merged):
	// 10,000 keys took 0.28 s and allocated 450 MB, 40,000 took 3.1 s,
	// and a 1 MiB file of 150,000 would take a minute. The IoMT dataset's
	// largest mapping has 9 keys. Flow mappings ({...}, JSON) parse in
	// linear time.
	MaxBlockKeys = 5_000
	// MaxKeyCost bounds the whole file the same way: the sum, over its
	// block mappings, of their keys squared. Two mappings of MaxBlockKeys
	// fit (0.15 s), or fifty of a thousand; a dataset of 15,000 segments
	// uses about 1 % of it.
	MaxKeyCost = 2 * MaxBlockKeys * MaxBlockKeys
)

// mark is where a flow collection opened or closed. off is the byte
// offset in the file; col is worked out from it only for the marks that
// prescan returns.
type mark struct {
	line, col, off int
	ch             byte
}

// scanInfo is what prescan learnt of a file's brackets, used to point a
// syntax error at its cause rather than where the parser gave up.
type scanInfo struct {
	unclosed *mark // the innermost flow collection still open at the end
	stray    *mark // the first closing bracket with nothing open
	mismatch *mark // the first closing bracket of the wrong kind
	opener   *mark // what mismatch should have closed
	// quotes are the quoted texts that run over several lines (at most
	// maxQuoteSpans): an unclosed quote shows up as one, closed by the
	// next quote in the file, lines later.
	quotes []quoteSpan
}

// quoteSpan is a quoted text that opens at start and closes on endLine.
type quoteSpan struct {
	start   mark
	endLine int
}

// maxQuoteSpans bounds the memory prescan keeps for quotes: a file's
// first few hundred are enough to explain a syntax error.
const maxQuoteSpans = 256

// level is an open block node: its column, and whether it is a list
// whose "- " entries sit in the same column as the key that holds it
// ("key:\n- a"), a level the indentation alone does not show.
type level struct {
	col int
	seq bool
	// real: a key or an entry was seen at this level, so it is a mapping
	// or a list. A line's content is a level only then: "[...]" alone on
	// a line is one level, not two.
	real bool
	keys int // the keys seen at this level, when it is a mapping
}

// scanner is a small, forgiving YAML lexer. It does not validate; it only
// tracks what nests (block indentation, "- " and "? " entries, flow
// brackets) and counts items, in one pass over the bytes with a stack no
// deeper than MaxDepth, so a hostile file is refused in milliseconds and a
// few kilobytes. What it gets wrong on a valid but unusual file can only
// make it count less nesting, never more: continuation lines of text and
// the content of block scalars and quoted text are not structure.
type scanner struct {
	file    string
	items   int
	keyCost int     // the sum over block mappings of their keys squared
	block   []level // the open block nodes
	depth   int     // how many of them are real
	flow    []mark  // open flow collections, innermost last
	open    bool    // the last line ended with "key:", "-" or "?": a deeper line nests
	quote   byte    // inside a quoted scalar that spans lines
	quoteAt mark    // where it opened
	// blockScalar is the indentation of the node that holds a literal or
	// folded block scalar (| or >); -1 when not in one. Its content is
	// the lines indented at least blockIndent, which the first non-blank
	// content line sets (0 until then), as in YAML: a line less indented
	// ends the scalar and is structure again.
	blockScalar, blockIndent int
	info                     scanInfo
	err                      *Error
	lineStart                int // offset of the line being scanned
}

// prescan checks the nesting depth and the number of items of a YAML or
// JSON document (line breaks already normalised to "\n") and returns
// what it saw of its brackets.
func prescan(file string, data []byte) (scanInfo, *Error) {
	s := &scanner{file: file, blockScalar: -1}
	line := 1
	for start := 0; start <= len(data) && s.err == nil; line++ {
		end := start
		for end < len(data) && data[end] != '\n' {
			end++
		}
		s.lineStart = start
		s.scanLine(data[start:end], line)
		start = end + 1
	}
	if s.err != nil {
		return s.info, s.err
	}
	if n := len(s.flow); n > 0 {
		m := s.flow[n-1]
		s.info.unclosed = &m
	}
	marks := []*mark{s.info.unclosed, s.info.stray, s.info.mismatch, s.info.opener}
	for i := range s.info.quotes {
		marks = append(marks, &s.info.quotes[i].start)
	}
	for _, m := range marks {
		if m != nil {
			start := bytes.LastIndexByte(data[:m.off], '\n') + 1
			m.col = utf8.RuneCount(data[start:m.off]) + 1
		}
	}
	return s.info, nil
}

func (s *scanner) fail(line, col int, msg, hint string) {
	if s.err == nil {
		s.err = &Error{File: s.file, Line: line, Col: col, Msg: msg, Hint: hint}
	}
}

// count counts the item at ln[i]. The column is worked out only when
// the limit is passed: counting characters for every item of a long line
// would make the scan quadratic.
func (s *scanner) count(ln []byte, i, line int) {
	s.items++
	if s.items > MaxItems {
		s.fail(line, column(ln, i), fmt.Sprintf("more than %d items (keys, colons, values, list entries, brackets and comments)", MaxItems),
			"is this the right file? iomt files hold a few thousand")
	}
}

// key counts a key of the innermost block mapping, at ln[i]. A mapping
// of n keys costs n² of the file's budget: its k-th key adds 2k-1.
func (s *scanner) key(ln []byte, i, line int) {
	n := len(s.block)
	if n == 0 {
		return
	}
	lv := &s.block[n-1]
	lv.keys++
	s.keyCost += 2*lv.keys - 1
	const hint = "is this the right file? A long mapping can be written in braces, {key: value, ...}, which has no such limit"
	switch {
	case lv.keys > MaxBlockKeys:
		s.fail(line, column(ln, i), fmt.Sprintf("too many keys: this mapping has more than %d", MaxBlockKeys), hint)
	case s.keyCost > MaxKeyCost:
		s.fail(line, column(ln, i), fmt.Sprintf("too many keys in long mappings: this one has %d, and with the file's other long mappings that is too many (a mapping of n keys counts n², and a file at most %d)", lv.keys, MaxKeyCost), hint)
	}
}

// depthCheck checks the depth after a level opened at ln[i].
func (s *scanner) depthCheck(ln []byte, i, line int) {
	if s.depth+len(s.flow) > MaxDepth {
		s.fail(line, column(ln, i), fmt.Sprintf("lists and mappings nest more than %d levels deep here", MaxDepth),
			"iomt files nest about ten levels; is this the right file?")
	}
}

// column is the 1-based column of byte i of ln, counted in characters.
func column(ln []byte, i int) int { return utf8.RuneCount(ln[:i]) + 1 }

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

// indicator reports whether ln[i] is c followed by a blank or the end of
// the line: "- ", "? " and ": " in block context.
func indicator(ln []byte, i int, c byte) bool {
	return i < len(ln) && ln[i] == c && (i+1 == len(ln) || isBlank(ln[i+1]))
}

func skipBlanks(ln []byte, i int) int {
	for i < len(ln) && isBlank(ln[i]) {
		i++
	}
	return i
}

func (s *scanner) scanLine(ln []byte, line int) {
	i := 0
	if s.quote != 0 {
		var closed bool
		if i, closed = s.skipQuoted(ln, 0, s.quote); !closed {
			return
		}
		s.quote = 0
		if len(s.info.quotes) < maxQuoteSpans {
			s.info.quotes = append(s.info.quotes, quoteSpan{start: s.quoteAt, endLine: line})
		}
		s.afterNode(ln, i, line)
		return
	}
	ind := skipBlanks(ln, 0)
	if s.blockScalar >= 0 {
		spaces := 0
		for spaces < len(ln) && ln[spaces] == ' ' {
			spaces++
		}
		switch {
		case ind == len(ln):
			return // a blank line inside a block scalar
		case s.blockIndent == 0 && spaces > s.blockScalar:
			s.blockIndent = spaces
			return
		case s.blockIndent > 0 && spaces >= s.blockIndent:
			return
		}
		s.blockScalar = -1
	}
	if ind == len(ln) {
		return
	}
	if ln[ind] == '#' {
		s.count(ln, ind, line)
		return
	}
	if len(s.flow) > 0 {
		s.scanFlow(ln, ind, line)
		return
	}
	if ind == 0 && len(ln) >= 3 && (string(ln[:3]) == "---" || string(ln[:3]) == "...") && (len(ln) == 3 || isBlank(ln[3])) {
		s.block, s.depth, s.open = s.block[:0], 0, false
		s.count(ln, 0, line)
		s.scanNode(ln, 3, line)
		return
	}
	if ind == 0 && ln[0] == '%' {
		return // a directive
	}
	dash := indicator(ln, ind, '-')
	for n := len(s.block); n > 0; n = len(s.block) {
		top := s.block[n-1]
		if top.col < ind || top.col == ind && (!top.seq || dash) {
			break
		}
		s.pop()
	}
	switch n := len(s.block); {
	case n > 0 && s.block[n-1].col == ind && !s.block[n-1].real && !s.open:
		// In the column of a value that is not a mapping or a list, after
		// a line that held it whole: more of a multi-line plain scalar.
		return
	case n == 0 || s.block[n-1].col < ind:
		if n > 0 && !s.open {
			// Deeper than the line above, which held a complete value:
			// the continuation of a multi-line plain scalar (or an error
			// the parser will report), not a new level.
			return
		}
		s.block = append(s.block, level{col: ind})
	case s.open && dash && !s.block[n-1].seq:
		// "key:" then "- entry" in the key's own column: a list one level
		// down.
		s.block = append(s.block, level{col: ind, seq: true})
		s.confirm(ln, ind, line)
	}
	s.open = false
	s.scanNode(ln, ind, line)
}

// scanNode reads a node in block context starting at ln[i]: entries
// ("- ", "? ") nest compactly on one line, then a key, a value, or the
// start of a flow collection, quoted text or a block scalar.
func (s *scanner) scanNode(ln []byte, i, line int) {
	for s.err == nil {
		i = skipBlanks(ln, i)
		if i == len(ln) {
			s.open = true
			return
		}
		switch c := ln[i]; {
		case c == '#':
			s.count(ln, i, line)
			s.open = true
			return
		case indicator(ln, i, '-') || indicator(ln, i, '?') || indicator(ln, i, ':'):
			s.count(ln, i, line)
			s.confirm(ln, i, line)
			if ln[i] == '?' {
				s.key(ln, i, line)
			}
			next := skipBlanks(ln, i+1)
			if next < len(ln) && ln[next] != '#' {
				s.block = append(s.block, level{col: next})
			}
			i = next
		case c == '&' || c == '!':
			// An anchor or a tag before the node (both refused later).
			s.count(ln, i, line)
			for i < len(ln) && !isBlank(ln[i]) {
				i++
			}
		default:
			s.scanValue(ln, i, line, true)
			return
		}
	}
}

// scanValue reads one scalar or collection at ln[i] in block context. A
// plain scalar followed by ": " is a key, and the key's value follows on
// the same line (or, when the line ends, on deeper lines).
func (s *scanner) scanValue(ln []byte, i, line int, keyAllowed bool) {
	i = skipBlanks(ln, i)
	if i == len(ln) {
		s.open = keyAllowed
		return
	}
	switch c := ln[i]; c {
	case '#':
		s.count(ln, i, line)
		s.open = keyAllowed
		return
	case '[', '{':
		s.openFlow(ln, i, line)
		if s.err == nil {
			s.scanFlow(ln, i+1, line)
		}
		return
	case ']', '}':
		s.strayClose(ln, i, line)
		return
	case '"', '\'':
		s.count(ln, i, line)
		end, closed := s.skipQuoted(ln, i+1, c)
		if !closed {
			s.quote, s.quoteAt = c, mark{line: line, off: s.lineStart + i, ch: c}
			return
		}
		if keyAllowed {
			s.afterNode(ln, end, line)
		}
		return
	case '|', '>':
		s.count(ln, i, line)
		// The content is deeper than the node that holds the scalar: the
		// innermost open block node.
		s.blockScalar, s.blockIndent = 0, 0
		if n := len(s.block); n > 0 {
			s.blockScalar = s.block[n-1].col
		}
		return
	case '&', '!', '*':
		s.count(ln, i, line)
		for i < len(ln) && !isBlank(ln[i]) {
			i++
		}
		if c == '*' {
			s.afterNode(ln, i, line)
			return
		}
		s.scanValue(ln, i, line, keyAllowed)
		return
	}
	// A plain scalar: up to ": " (then it was a key), " #" or the end.
	s.count(ln, i, line)
	for j := i; j < len(ln); j++ {
		switch {
		case ln[j] == ':' && (j+1 == len(ln) || isBlank(ln[j+1])) && keyAllowed:
			s.count(ln, j, line)
			s.confirm(ln, i, line)
			s.key(ln, i, line)
			s.scanValue(ln, j+1, line, false)
			if s.quote == 0 && s.blockScalar < 0 && len(s.flow) == 0 && skipBlanksOrComment(ln, j+1) {
				s.open = true
			}
			return
		case ln[j] == '#' && isBlank(ln[j-1]):
			s.count(ln, j, line)
			return
		}
	}
}

// skipBlanksOrComment reports whether nothing but blanks and a comment
// follow ln[i]: a key whose value is on the following lines.
func skipBlanksOrComment(ln []byte, i int) bool {
	i = skipBlanks(ln, i)
	return i == len(ln) || ln[i] == '#'
}

// afterNode reads what may follow a quoted scalar, a flow collection or
// an alias on a block line: ": " makes it a key.
func (s *scanner) afterNode(ln []byte, i, line int) {
	if len(s.flow) > 0 {
		s.scanFlow(ln, i, line)
		return
	}
	i = skipBlanks(ln, i)
	switch {
	case i == len(ln):
	case ln[i] == '#':
		s.count(ln, i, line)
	case ln[i] == ']' || ln[i] == '}':
		s.strayClose(ln, i, line)
	case ln[i] == ':' && (i+1 == len(ln) || isBlank(ln[i+1])):
		s.count(ln, i, line)
		s.confirm(ln, i, line)
		s.key(ln, i, line)
		s.scanValue(ln, i+1, line, false)
		if s.quote == 0 && s.blockScalar < 0 && len(s.flow) == 0 && skipBlanksOrComment(ln, i+1) {
			s.open = true
		}
	}
}

// confirm makes the innermost block level real (a mapping or a list),
// and checks the depth.
func (s *scanner) confirm(ln []byte, i, line int) {
	if n := len(s.block); n > 0 && !s.block[n-1].real {
		s.block[n-1].real = true
		s.depth++
		s.depthCheck(ln, i, line)
	}
}

func (s *scanner) pop() {
	n := len(s.block)
	if s.block[n-1].real {
		s.depth--
	}
	s.block = s.block[:n-1]
}

func (s *scanner) strayClose(ln []byte, i, line int) {
	if s.info.stray == nil {
		s.info.stray = &mark{line: line, off: s.lineStart + i, ch: ln[i]}
	}
}

func (s *scanner) openFlow(ln []byte, i, line int) {
	s.count(ln, i, line)
	s.flow = append(s.flow, mark{line: line, off: s.lineStart + i, ch: ln[i]})
	s.depthCheck(ln, i, line)
}

// scanFlow reads flow context ([...] and {...}, JSON alike) from ln[i]
// to the end of the line, or until the outermost collection closes.
func (s *scanner) scanFlow(ln []byte, i, line int) {
	for i < len(ln) && s.err == nil {
		if len(s.flow) == 0 {
			s.open = false
			s.afterNode(ln, i, line)
			return
		}
		switch c := ln[i]; c {
		case ' ', '\t', ':', '?':
			i++
		case '#':
			if i == 0 || isBlank(ln[i-1]) {
				s.count(ln, i, line)
				return
			}
			i = s.skipPlainFlow(ln, i, line)
		case '[', '{':
			s.openFlow(ln, i, line)
			i++
		case ']', '}':
			top := s.flow[len(s.flow)-1]
			if (top.ch == '[') != (c == ']') && s.info.mismatch == nil {
				s.info.mismatch = &mark{line: line, off: s.lineStart + i, ch: c}
				s.info.opener = &top
			}
			s.flow = s.flow[:len(s.flow)-1]
			i++
		case ',':
			s.count(ln, i, line)
			i++
		case '"', '\'':
			s.count(ln, i, line)
			end, closed := s.skipQuoted(ln, i+1, c)
			if !closed {
				s.quote, s.quoteAt = c, mark{line: line, off: s.lineStart + i, ch: c}
				return
			}
			i = end
		default:
			i = s.skipPlainFlow(ln, i, line)
		}
	}
}

// skipPlainFlow skips a plain scalar in flow context: it ends at a flow
// indicator, at ": ", at " #" or at the end of the line.
func (s *scanner) skipPlainFlow(ln []byte, i, line int) int {
	s.count(ln, i, line)
	for j := i; j < len(ln); j++ {
		switch ln[j] {
		case ',', '[', ']', '{', '}':
			return j
		case ':':
			if j+1 == len(ln) || isBlank(ln[j+1]) || ln[j+1] == ',' || ln[j+1] == ']' || ln[j+1] == '}' {
				return j
			}
		case '#':
			if j > i && isBlank(ln[j-1]) {
				return j
			}
		}
	}
	return len(ln)
}

// skipQuoted skips quoted text from ln[i] (just after the opening quote)
// and returns the index after the closing quote, or false when the text
// goes on to the next line.
func (s *scanner) skipQuoted(ln []byte, i int, q byte) (int, bool) {
	for i < len(ln) {
		switch {
		case q == '"' && ln[i] == '\\':
			i += 2
		case ln[i] == q && q == '\'' && i+1 < len(ln) && ln[i+1] == '\'':
			i += 2 // '' is a quote inside single-quoted text
		case ln[i] == q:
			return i + 1, true
		default:
			i++
		}
	}
	return len(ln), false
}
