package model

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"

	"iomt/internal/safetext"
)

// yamlNumber is YAML 1.2's float syntax. The YAML library reads an
// unquoted 1e2 as text and converts any text to a number on decoding, so
// a quoted "60" would pass for 60; checkTypes accepts only what YAML
// itself calls a number.
var yamlNumber = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// wholeNumber is a year written as a JSON key, where keys are always text.
var wholeNumber = regexp.MustCompile(`^(0|[1-9][0-9]*)$`)

// decimal is how iomt files write numbers: in decimal, without leading
// zeros. The YAML library also reads 0x33, 0o63 and 2_019, and reads 063
// as octal (51), as YAML 1.1 did; in a market model such a figure is a
// typo far more often than intent, and 063 would silently be 51.
var decimal = regexp.MustCompile(`^[-+]?(0|[1-9][0-9]*)(\.[0-9]*)?([eE][-+]?[0-9]+)?$|^[-+]?\.[0-9]+([eE][-+]?[0-9]+)?$`)

// thousands is a number with commas between its thousands: 18,500.5.
var thousands = regexp.MustCompile(`^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$`)

// decimalComma is a number written with a decimal comma: 18,5.
var decimalComma = regexp.MustCompile(`^[-+]?\d+,\d+$`)

// wholeDecimal is a whole number in decimal, without leading zeros.
var wholeDecimal = regexp.MustCompile(`^[-+]?(0|[1-9][0-9]*)$`)

// notDecimal words a number written other than in decimal.
func notDecimal(file string, n ast.Node, v string) *Error {
	return errorAtNode(file, n, fmt.Sprintf("number not written in decimal: %s", safetext.Escape(safetext.Truncate(v, 40))),
		"write numbers in plain decimal digits, such as 2019 or 36.6: no 0x, 0o, _ or leading zeros")
}

// checkTypes compares a document with the Go type it is decoded into and
// reports every value of the wrong kind: a number in quotes, a fraction
// where a whole number (a year) is expected, a number where text is
// expected. The decoder alone converts between them silently (it reads
// "60" as 60 and truncates 2020.5 to 2020). Unknown keys are reported here
// too, so a file's problems come in one pass rather than one kind per run;
// the shape of lists and mappings is left to the decoder.
func checkTypes(file string, n ast.Node, t reflect.Type, errs *ErrorList) (cut map[string]bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	w := typeWalk{file: file, root: t, errs: errs, cut: map[string]bool{}}
	w.check(n, t, "")
	return w.cut
}

// typeWalk is one run of checkTypes: the file's top-level type, to tell a
// top-level key written under another key ("currency" under "total:").
type typeWalk struct {
	file string
	root reflect.Type
	errs *ErrorList
	cut  map[string]bool // the top-level keys cut out for their problems
}

// check checks node n against type t; top is the top-level key n is
// under ("" for the document itself). It reports whether n is wrong
// where it cannot be cut out itself; a key whose value is wrong (or an
// unknown key) is cut out of its mapping, so the rest of the file can
// still be decoded and checked, and its other problems told in the same
// run (a list with a wrong item goes as a whole: without the item it
// would be another list).
func (w typeWalk) check(n ast.Node, t reflect.Type, top string) bool {
	file, errs := w.file, w.errs
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n == nil || n.Type() == ast.NullType {
		return false
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return w.checkMapping(n, t, top)
	case reflect.Slice:
		bad := false
		if sq, ok := n.(*ast.SequenceNode); ok {
			for _, v := range sq.Values {
				bad = w.check(v, t.Elem(), top) || bad
			}
		}
		return bad
	default:
		e := checkScalar(file, n, t)
		switch n.(type) {
		case *ast.SequenceNode, *ast.MappingNode, *ast.MappingValueNode:
			if e == nil {
				// A list or a mapping where one value goes: the
				// decoder would stop at it, so it is told and cut here.
				e = &Error{File: file, Line: 1, Col: 1, Msg: fmt.Sprintf("wrong type: expected %s, found %s", typeWords(t), nodeKind(n))}
				if pos := nodePos(n); pos != nil {
					e.Line, e.Col = pos.Line, pos.Column
				}
			}
		}
		if e != nil {
			*errs = append(*errs, e)
			return true
		}
	}
	return false
}

// checkMapping checks the keys and values of a mapping n against a
// struct or map type t, and cuts out the entries found wrong.
func (w typeWalk) checkMapping(n ast.Node, t reflect.Type, top string) bool {
	file, errs := w.file, w.errs
	var keep []*ast.MappingValueNode
	bad := false
	for _, mv := range mappingValues(n) {
		wrong := false
		if t.Kind() == reflect.Map {
			if e := checkKey(file, mv.Key, t.Key()); e != nil {
				*errs = append(*errs, e)
				wrong = true
			}
			wrong = w.check(mv.Value, t.Elem(), top) || wrong
		} else {
			key := keyText(mv.Key)
			under := top
			if top == "" {
				under = key
			}
			if f, ok := fieldByKey(t, key); ok {
				wrong = w.check(mv.Value, f.Type, under)
			} else {
				m, _ := n.(*ast.MappingNode)
				e := unknownKey(file, mv.Key, key, fieldNames(t), m != nil && m.IsFlowStyle)
				if _, atTop := fieldByKey(w.root, key); atTop && top != "" {
					e.Hint = fmt.Sprintf("%s belongs at the top level, not under %s:", safetext.Truncate(key, 60), safetext.Truncate(top, 60))
				}
				*errs = append(*errs, e)
				wrong = true
			}
		}
		if wrong {
			if top == "" {
				w.cut[keyText(mv.Key)] = true
			}
			bad = true
			continue
		}
		keep = append(keep, mv)
	}
	if m, ok := n.(*ast.MappingNode); ok {
		m.Values = keep
		return false
	}
	return bad
}

// checkScalar checks one value against a number, whole number, text or
// true/false field.
func checkScalar(file string, n ast.Node, t reflect.Type) *Error {
	var want, hint string
	switch t.Kind() {
	case reflect.Float32, reflect.Float64:
		switch n := n.(type) {
		case *ast.IntegerNode, *ast.FloatNode:
			if v := n.GetToken().Value; !decimal.MatchString(v) {
				return notDecimal(file, n, v)
			}
			return nil
		case *ast.InfinityNode, *ast.NanNode:
			return nil // the validator says it is not a finite number
		case *ast.StringNode:
			if !quoted(n) && yamlNumber.MatchString(n.Value) {
				return nil
			}
		}
		want, hint = "a number", "write a number such as 36.6, without quotes or %"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		switch n := n.(type) {
		case *ast.IntegerNode:
			if v := n.GetToken().Value; !wholeDecimal.MatchString(v) {
				return notDecimal(file, n, v)
			}
			return nil
		case *ast.StringNode:
			// Digits the library's integers cannot hold come as text.
			if !quoted(n) && wholeDecimal.MatchString(n.Value) {
				return errorAtNode(file, n, fmt.Sprintf("number out of range: %s", safetext.Truncate(n.Value, 40)),
					"write a year such as 2019")
			}
		}
		want, hint = "a whole number", "write a whole number such as 2019, without quotes"
	case reflect.String:
		switch n := n.(type) {
		case *ast.StringNode:
			return nil
		case *ast.LiteralNode:
			return nil
		case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
			v := n.GetToken().Value
			return errorAtNode(file, n, fmt.Sprintf("wrong type: expected text, found %s %s", nodeKind(n), safetext.Truncate(v, 40)),
				fmt.Sprintf("put it in quotes: %q", v))
		}
		return nil // a list or mapping: the decoder says so
	case reflect.Bool:
		if _, ok := n.(*ast.BoolNode); ok {
			return nil
		}
		want, hint = "true or false", "write true or false, without quotes"
	default:
		return nil
	}
	found := nodeKind(n)
	switch n := n.(type) {
	case *ast.StringNode:
		if quoted(n) && yamlNumber.MatchString(strings.TrimSpace(n.Value)) {
			found = "a number in quotes"
		}
		switch v := strings.TrimSpace(n.Value); {
		case want == "true or false":
		case thousands.MatchString(v):
			// "18,500" or 18,500: a number written for a reader.
			hint = fmt.Sprintf("write %s: no thousands separator, no quotes", strings.ReplaceAll(v, ",", ""))
		case decimalComma.MatchString(v):
			hint = fmt.Sprintf("write %s: a decimal point, not a comma", strings.Replace(v, ",", ".", 1))
		}
		found += " " + quoteShort(n.Value)
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		found += " " + safetext.Escape(safetext.Truncate(n.GetToken().Value, 40))
	case *ast.MappingNode, *ast.SequenceNode, *ast.MappingValueNode:
		return nil // the decoder words a wrong shape
	}
	return errorAtNode(file, n, fmt.Sprintf("wrong type: expected %s, found %s", want, found), hint)
}

// checkKey checks a mapping key against the map's key type: a year must
// be a whole number (unquoted in YAML; JSON writes every key in quotes).
func checkKey(file string, k ast.MapKeyNode, t reflect.Type) *Error {
	switch t.Kind() {
	case reflect.Int, reflect.Int64, reflect.Int32:
	default:
		return nil
	}
	switch k := k.(type) {
	case *ast.IntegerNode:
		if v := k.GetToken().Value; !wholeDecimal.MatchString(v) {
			return notDecimal(file, k, v)
		}
		return nil
	case *ast.StringNode, *ast.FloatNode:
		// Digits only, in quotes as JSON writes keys, or too many for
		// the library's integers: the decoder reads or refuses them.
		if tk := k.GetToken(); tk != nil && wholeNumber.MatchString(tk.Value) {
			return nil
		}
	}
	v := ""
	if tk := k.GetToken(); tk != nil {
		v = tk.Value
	}
	return errorAtNode(file, k, fmt.Sprintf("wrong type: a year must be a whole number, found %s", quoteShort(v)),
		"write the year as 2020")
}

func quoted(n *ast.StringNode) bool {
	tk := n.GetToken()
	return tk != nil && (tk.Type == token.DoubleQuoteType || tk.Type == token.SingleQuoteType)
}

// quoteShort quotes text from a file for a message: escaped, and cut so a
// message never quotes a whole file.
func quoteShort(s string) string {
	return strconv.Quote(safetext.Truncate(s, 40))
}

func errorAtNode(file string, n ast.Node, msg, hint string) *Error {
	e := &Error{File: file, Line: 1, Col: 1, Msg: msg, Hint: hint}
	if pos := nodePos(n); pos != nil {
		e.Line, e.Col = pos.Line, pos.Column
	}
	return e
}

// mappingValues returns the entries of a mapping node (nil for others).
func mappingValues(n ast.Node) []*ast.MappingValueNode {
	switch m := n.(type) {
	case *ast.MappingNode:
		return m.Values
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{m}
	}
	return nil
}

// fieldByKey finds the struct field a YAML key decodes into.
// unknownKey words a key that is not a field here: with a "did you mean"
// when one is close; a number as a key is likely a slip (a year without
// growth_by_year_pct above it, or a decimal comma in a {…} mapping, where
// "55,5" reads as 55 and a key 5).
func unknownKey(file string, k ast.MapKeyNode, key string, fields []string, flow bool) *Error {
	hint := ""
	switch k.(type) {
	case *ast.IntegerNode, *ast.FloatNode:
		hint = "a year's own rate goes under growth_by_year_pct"
		if flow {
			hint = "is a decimal comma splitting a number in two? write 55.5, not 55,5"
		}
	default:
		if s := suggest(key, fields); s != "" {
			hint = fmt.Sprintf("did you mean %q?", s)
		}
	}
	return errorAtNode(file, k, fmt.Sprintf("unknown key %q", safetext.Truncate(key, 60)), hint)
}

// fieldNames lists the keys a struct type takes.
func fieldNames(t reflect.Type) []string {
	out := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out = append(out, name)
	}
	return out
}

func fieldByKey(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		if name == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}
