package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// isJSON tells a JSON file by its name: JSON is read by the same YAML
// parser, which would accept what JSON does not (comments, a trailing
// comma, single quotes), so a .json file is checked as strict JSON first.
func isJSON(file string) bool { return strings.EqualFold(filepath.Ext(file), ".json") }

// checkJSON checks that data is strict JSON, with a message in plain
// words at the place of the first mistake.
func checkJSON(file string, data []byte, info scanInfo) *Error {
	var raw json.RawMessage
	err := json.Unmarshal(data, &raw)
	if err == nil {
		return nil
	}
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return &Error{File: file, Line: 1, Col: 1, Msg: "not valid JSON: " + err.Error()}
	}
	// Offset counts the bytes read, the offending one included.
	off := max(int(se.Offset)-1, 0)
	if off >= len(data) {
		off = len(data) - 1
	}
	e := errorAtOffset(file, data, off)
	msg := se.Error()
	bad := byte(0)
	if off >= 0 && off < len(data) {
		bad = data[off]
	}
	switch {
	case info.mismatch != nil:
		return mismatchError(file, info)
	case strings.Contains(msg, "unexpected end of JSON input"):
		if m := info.unclosed; m != nil {
			return unclosedError(file, m)
		}
		e.Msg, e.Hint = "the JSON ends too early", "a bracket or a quote is not closed"
	case (bad == '}' || bad == ']') && (strings.Contains(msg, "beginning of object key") || strings.Contains(msg, "beginning of value")):
		// Point at the comma itself.
		c := off - 1
		for c > 0 && strings.IndexByte(" \t\r\n", data[c]) >= 0 {
			c--
		}
		if c >= 0 && data[c] == ',' {
			e = errorAtOffset(file, data, c)
			e.Msg, e.Hint = fmt.Sprintf("a comma before %c: JSON allows no comma after the last entry", bad), "remove this comma"
		} else {
			e.Msg, e.Hint = fmt.Sprintf("unexpected %c", bad), "check the brackets and commas here"
		}
	case bad == '\'':
		e.Msg, e.Hint = "JSON text is written in double quotes, not single quotes", `use "…"`
	case bad == '#' || bad == '/':
		e.Msg, e.Hint = "JSON has no comments", "remove the comment, or write the file as YAML"
	case strings.Contains(msg, "after object key:value pair") || strings.Contains(msg, "after array element"):
		e.Msg, e.Hint = "a comma is missing between two entries", "separate entries with ,"
	case strings.Contains(msg, "after object key"):
		e.Msg, e.Hint = "a key without a colon", `write "key": value`
	case strings.Contains(msg, "after top-level value"):
		e.Msg, e.Hint = "more text after the end of the JSON", "a file holds one JSON object"
	default:
		e.Msg, e.Hint = "not valid JSON: "+msg, "check the quotes, commas and brackets here"
	}
	return e
}

// errorAtOffset is an Error at byte off of data (line breaks already
// normalised), with the column counted in characters.
func errorAtOffset(file string, data []byte, off int) *Error {
	if off < 0 {
		return &Error{File: file, Line: 1, Col: 1}
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	start := bytes.LastIndexByte(data[:off], '\n') + 1
	return &Error{File: file, Line: line, Col: utf8.RuneCount(data[start:off]) + 1}
}

func mismatchError(file string, info scanInfo) *Error {
	m, o := info.mismatch, info.opener
	return &Error{File: file, Line: m.line, Col: m.col,
		Msg:  fmt.Sprintf("%c does not close the %c opened at line %d, column %d", m.ch, o.ch, o.line, o.col),
		Hint: "close [ with ] and { with }"}
}

func unclosedError(file string, m *mark) *Error {
	closer := byte(']')
	if m.ch == '{' {
		closer = '}'
	}
	return &Error{File: file, Line: m.line, Col: m.col,
		Msg:  fmt.Sprintf("this %c is never closed", m.ch),
		Hint: fmt.Sprintf("close it with %c, or look for a missing comma or quote after it", closer)}
}

// syntaxError words a parse failure of the YAML library for a person who
// edits files by hand: where a bracket is the cause, it points at the
// bracket; an indentation mistake is reported on the line that is
// indented wrongly; the common mistakes get a hint in plain words.
func syntaxError(file string, data []byte, err error, info scanInfo, knownKeys []string) *Error {
	e := yamlError(file, err, knownKeys)
	before := func(m *mark) bool {
		return m != nil && (m.line < e.Line || m.line == e.Line && m.col <= e.Col)
	}
	switch {
	case info.mismatch != nil && before(info.opener):
		return mismatchError(file, info)
	case before(info.stray):
		opener := byte('[')
		if info.stray.ch == '}' {
			opener = '{'
		}
		return &Error{File: file, Line: info.stray.line, Col: info.stray.col,
			Msg:  fmt.Sprintf("%c closes nothing: no %c is open here", info.stray.ch, opener),
			Hint: "remove it, or add the bracket that opens it"}
	case before(info.unclosed):
		return unclosedError(file, info.unclosed)
	}
	// A quote left open is closed by the next quote in the file, lines
	// later, and the parser fails there: point back at the quote.
	for i := len(info.quotes) - 1; i >= 0; i-- {
		if q := info.quotes[i]; q.endLine == e.Line && q.start.line < e.Line {
			return &Error{File: file, Line: q.start.line, Col: q.start.col,
				Msg:  fmt.Sprintf("text in %s runs from here to line %d: is its closing %c missing?", quoteWords(q.start.ch), q.endLine, q.start.ch),
				Hint: fmt.Sprintf("close it with %c on this line", q.start.ch)}
		}
	}
	msg := e.Msg
	switch {
	case strings.HasPrefix(msg, "mapping value is not allowed in this context"):
		lines := strings.Split(string(data), "\n")
		if e.Line > len(lines) {
			break
		}
		if next := nextContentLine(lines, e.Line); next > 0 && indentOf(lines[next-1]) > indentOf(lines[e.Line-1]) {
			e.Line, e.Col = next, indentOf(lines[next-1])+1
			e.Msg = fmt.Sprintf("this line is indented more than line %d above it", nextContentLineBack(lines, next))
			e.Hint = "keys of one mapping start in the same column; a key that holds a mapping ends with a colon"
		} else {
			e.Msg = "a second ': ' on one line"
			e.Hint = `put text that contains ": " in quotes, or start the nested key on a line of its own`
		}
	case strings.HasPrefix(msg, "value is not allowed in this context") && afterQuote(data, e) != 0:
		q := afterQuote(data, e)
		e.Msg = fmt.Sprintf("text goes on after the closing %c", q)
		if q == '\'' {
			e.Hint = "inside single quotes write an apostrophe twice ('it''s'), or put the text in double quotes"
		} else {
			e.Hint = `inside double quotes write a quote as \", or put the text in single quotes`
		}
	case strings.HasPrefix(msg, "value is not allowed in this context"),
		strings.HasPrefix(msg, "unexpected key name"),
		strings.HasPrefix(msg, "found an invalid key for this map"),
		strings.HasPrefix(msg, "unexpected map key"),
		strings.HasPrefix(msg, "block sequence entries are not allowed"):
		e.Msg = "unexpected text here (" + msg + ")"
		e.Hint = "check the indentation: keys of one mapping, and the - of one list, start in the same column"
	case strings.HasPrefix(msg, "non-map value is specified"),
		strings.HasPrefix(msg, "could not find value for mapping key"),
		strings.HasPrefix(msg, "expected map key-value delimiter"),
		strings.HasPrefix(msg, "unexpected map key-value pair"):
		e.Msg = "a key without its colon, or a value on a line of its own"
		e.Hint = "write key: value, with a space after the colon"
	case strings.Contains(msg, "end character of double-quoted text"):
		e.Msg, e.Hint = "text in double quotes is never closed", `close it with "`
	case strings.Contains(msg, "end character of single-quoted text"):
		e.Msg, e.Hint = "text in single quotes is never closed", "close it with '"
	case strings.Contains(msg, "tab character"):
		e.Msg, e.Hint = "tab character where YAML expects spaces", "indent with spaces"
	case strings.Contains(msg, "must be specified"), strings.Contains(msg, "end token"):
		e.Hint = "a bracket is not closed, or a comma is missing"
	}
	return e
}

// afterQuote returns the quote that ends just before e's position, on
// text that opened with the same quote earlier on the line: "it's"
// written in single quotes ends at the apostrophe. 0 if there is none.
func afterQuote(data []byte, e *Error) byte {
	lines := strings.Split(string(data), "\n")
	if e.Line < 1 || e.Line > len(lines) {
		return 0
	}
	ln := []rune(lines[e.Line-1])
	i := e.Col - 2 // the character before the error, 0-based
	if i < 1 || i >= len(ln) || (ln[i] != '\'' && ln[i] != '"') {
		return 0
	}
	if strings.ContainsRune(string(ln[:i]), ln[i]) {
		return byte(ln[i])
	}
	return 0
}

func quoteWords(q byte) string {
	if q == '\'' {
		return "single quotes"
	}
	return "double quotes"
}

// indentOf counts the spaces that start a line.
func indentOf(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }

// nextContentLine returns the number of the first line after line n
// (1-based) that is neither blank nor a comment; 0 if none.
func nextContentLine(lines []string, n int) int {
	for i := n; i < len(lines); i++ {
		if t := strings.TrimSpace(lines[i]); t != "" && !strings.HasPrefix(t, "#") {
			return i + 1
		}
	}
	return 0
}

// nextContentLineBack returns the number of the last content line before
// line n (1-based).
func nextContentLineBack(lines []string, n int) int {
	for i := n - 2; i >= 0; i-- {
		if t := strings.TrimSpace(lines[i]); t != "" && !strings.HasPrefix(t, "#") {
			return i + 1
		}
	}
	return 1
}
