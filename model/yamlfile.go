package model

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// MaxFileSize is the largest dataset or scenario file accepted. Real files
// are a few KiB; the cap keeps a mistaken or hostile input from exhausting
// memory before validation even starts.
const MaxFileSize = 1 << 20

// source is one parsed YAML or JSON document together with its file name,
// so that semantic checks can point at the line and column of any value.
type source struct {
	file string
	root ast.Node
	// cut holds the top-level keys left out for a problem of their own:
	// not "missing" as well.
	cut map[string]bool
	// index holds, for each mapping looked into, its entries by key, built
	// on first use: a file with thousands of problems is looked into once
	// per problem, and a linear scan each time made that quadratic (20,000
	// unknown segment paths took 3.7 s).
	index map[*ast.MappingNode]map[string]*ast.MappingValueNode
}

// entry returns the entry of m whose key is key, or nil. The first of
// duplicate keys wins, as the decoder reports the later ones.
func (s *source) entry(m *ast.MappingNode, key string) *ast.MappingValueNode {
	if len(m.Values) < 8 {
		for _, mv := range m.Values {
			if keyText(mv.Key) == key {
				return mv
			}
		}
		return nil
	}
	if s.index == nil {
		s.index = map[*ast.MappingNode]map[string]*ast.MappingValueNode{}
	}
	idx, ok := s.index[m]
	if !ok {
		idx = make(map[string]*ast.MappingValueNode, len(m.Values))
		for _, mv := range m.Values {
			k := keyText(mv.Key)
			if _, dup := idx[k]; !dup {
				idx[k] = mv
			}
		}
		s.index[m] = idx
	}
	return idx[key]
}

// parseFile parses data (YAML or JSON) and decodes it strictly into v:
// unknown keys, duplicate keys and type errors are reported with their
// position. knownKeys feeds the "did you mean" hint for unknown keys.
func parseFile(file string, data []byte, v any, knownKeys []string) (*source, error) {
	src, typeErrs, err := parseFileAll(file, data, v, knownKeys)
	if err == nil && len(typeErrs) > 0 {
		return nil, typeErrs
	}
	return src, err
}

// parseFileAll is parseFile that goes on past keys of the wrong type
// and unknown keys: it returns their problems apart, with v decoded from
// the rest of the file, so a caller can check the rest and tell every
// problem of the file at once (a scenario's fields are each optional;
// a dataset's are not, and it stops at them).
func parseFileAll(file string, data []byte, v any, knownKeys []string) (src *source, typeErrs ErrorList, err error) {
	defer func() {
		// The YAML library panics on some malformed input (fuzzing found
		// "dimensions: ! "); a file must never bring down a session.
		if r := recover(); r != nil {
			src, typeErrs, err = nil, nil, ErrorList{{File: file, Line: 1, Col: 1, Msg: fmt.Sprintf("cannot parse the file (YAML parser failure: %v)", r)}}
		}
	}()
	root, err := parseDoc(file, data, knownKeys)
	if err != nil {
		return nil, nil, err
	}
	if _, ok := root.(*ast.MappingNode); !ok {
		e := &Error{File: file, Line: 1, Col: 1,
			Msg: fmt.Sprintf("expected a mapping of keys at the top of the file, found %s", nodeKind(root))}
		if pos := nodePos(root); pos != nil {
			e.Line, e.Col = pos.Line, pos.Column
		}
		return nil, nil, ErrorList{e}
	}
	if e := wrongKind(file, root.(*ast.MappingNode), knownKeys); e != nil {
		return nil, nil, ErrorList{e}
	}
	// checkTypes cuts what it finds wrong out of the tree, so what is
	// left decodes.
	cut := checkTypes(file, root, reflect.TypeOf(v), &typeErrs)
	sortErrors(typeErrs)
	if err := yaml.NodeToValue(root, v, yaml.Strict()); err != nil {
		all := append(typeErrs, yamlError(file, err, knownKeys))
		sortErrors(all)
		return nil, nil, all
	}
	return &source{file: file, root: root, cut: cut}, typeErrs, nil
}

// wrongKind reports a dataset given where a scenario is expected, or the
// other way round, in one message rather than a list of unknown keys.
// The kind expected is told by knownKeys; a file is of the other kind
// when it has that kind's key (market:, scenario:) and not its own.
func wrongKind(file string, root *ast.MappingNode, knownKeys []string) *Error {
	has := map[string]*ast.MappingValueNode{}
	for _, mv := range root.Values {
		if k := keyText(mv.Key); k == "market" || k == "scenario" {
			if _, dup := has[k]; !dup {
				has[k] = mv
			}
		}
	}
	at := func(mv *ast.MappingValueNode, msg, hint string) *Error {
		e := &Error{File: file, Line: 1, Col: 1, Msg: msg, Hint: hint}
		if pos := nodePos(mv); pos != nil {
			e.Line, e.Col = pos.Line, pos.Column
		}
		return e
	}
	switch {
	case slices.Contains(knownKeys, "scenario") && has["scenario"] == nil && has["market"] != nil:
		return at(has["market"], "this file is a dataset, not a scenario: it has market: and no scenario:",
			"give it with --dataset, and a scenario made for it with --scenario")
	case slices.Contains(knownKeys, "market") && has["market"] == nil && has["scenario"] != nil:
		return at(has["scenario"], "this file is a scenario, not a dataset: it has scenario: and no market:",
			"give it with --scenario; the dataset it was made for is named under its dataset: key")
	}
	return nil
}

// parseDoc parses one YAML or JSON document and returns its root. Before
// the YAML library sees the bytes, the size is checked and prescan bounds
// the nesting and the number of items, so no file can take the library's
// time or memory out of bounds; a .json file must be strict JSON. After
// it, what plain data files never need (anchors, aliases, merge keys,
// tags, several documents) is refused.
func parseDoc(file string, data []byte, knownKeys []string) (ast.Node, error) {
	if len(data) > MaxFileSize {
		return nil, ErrorList{{File: file, Msg: fmt.Sprintf("file is %d bytes; the limit is %d (1 MiB)", len(data), MaxFileSize),
			Hint: "is this the right file?"}}
	}
	data = normalize(data)
	if !utf8.Valid(data) {
		// The YAML library would turn each bad byte into U+FFFD without
		// a word; a name would then not be what the file says.
		off := 0
		for off < len(data) {
			r, size := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			off += size
		}
		e := errorAtOffset(file, data, off)
		e.Msg = fmt.Sprintf("the file is not valid UTF-8 text here (byte 0x%02X)", data[off])
		e.Hint = "save the file as UTF-8"
		return nil, ErrorList{e}
	}
	info, perr := prescan(file, data)
	if perr != nil {
		return nil, ErrorList{perr}
	}
	if isJSON(file) {
		if e := checkJSON(file, data, info); e != nil {
			return nil, ErrorList{e}
		}
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, ErrorList{syntaxError(file, data, err, info, knownKeys)}
	}
	if len(f.Docs) != 1 || f.Docs[0].Body == nil {
		if len(f.Docs) > 1 {
			// Point at the second document, which is what has to go.
			e := &Error{File: file, Line: 1, Col: 1, Msg: "file holds several YAML documents; expected one"}
			if pos := docPos(f.Docs[1]); pos != nil {
				e.Line, e.Col = pos.Line, pos.Column
			}
			return nil, ErrorList{e}
		}
		return nil, ErrorList{{File: file, Line: 1, Col: 1, Msg: "file is empty"}}
	}
	root := f.Docs[0].Body
	if e := rejectUnsupported(file, root); e != nil {
		return nil, ErrorList{e}
	}
	return root, nil
}

// normalize undoes what Windows editors add before parsing. It drops a
// leading byte order mark, which YAML allows but the parser reads as part
// of the first key ("unknown key \ufeffmarket"). It turns "\r\n" into
// "\n", as YAML does with line breaks in values: the parser counts a
// comment ending in "\r\n" as two lines, so every comment in a file saved
// on Windows would push the reported line numbers one further off. A lone
// "\r" is a line break in YAML too, and becomes "\n": the pre-scan reads
// lines at "\n" only, and must see the lines the parser sees.
func normalize(data []byte) []byte {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !bytes.Contains(data, []byte("\r")) {
		return data
	}
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
}

// rejectUnsupported refuses anchors, aliases, merge keys and tags: plain
// data files never need them, an alias bomb is the classic way to make a
// small YAML file expand to gigabytes, a merge key hides where a value
// comes from, and tags reach corners of the YAML library that panic.
func rejectUnsupported(file string, n ast.Node) *Error {
	var found *Error
	ast.Walk(visitFunc(func(n ast.Node) bool {
		if found != nil {
			return false
		}
		switch n.(type) {
		case *ast.AliasNode, *ast.AnchorNode:
			found = &Error{File: file, Line: 1, Col: 1,
				Msg: "anchors and aliases (& and *) are not supported", Hint: "write the value out in full"}
		case *ast.TagNode:
			found = &Error{File: file, Line: 1, Col: 1,
				Msg: "tags (!...) are not supported", Hint: "write the plain value"}
		case *ast.MergeKeyNode:
			found = &Error{File: file, Line: 1, Col: 1,
				Msg: "merge keys (<<) are not supported", Hint: "write the keys out in full"}
		default:
			return true
		}
		if tk := n.GetToken(); tk != nil && tk.Position != nil {
			found.Line, found.Col = tk.Position.Line, tk.Position.Column
		}
		return false
	}), n)
	return found
}

type visitFunc func(ast.Node) bool

func (f visitFunc) Visit(n ast.Node) ast.Visitor {
	if f(n) {
		return f
	}
	return nil
}

var (
	unknownFieldRe = regexp.MustCompile(`unknown field "([^"]*)"`)
	// The parser, not the decoder, finds duplicate keys, and reports them
	// as a syntax error with this wording.
	parserDupRe = regexp.MustCompile(`^mapping key "(.*)" already defined at \[(\d+):(\d+)\]$`)
)

// yamlError turns a goccy/go-yaml error into an Error at its position,
// with a message worded for the people who edit these files by hand.
func yamlError(file string, err error, knownKeys []string) *Error {
	var ye yaml.Error
	if !errors.As(err, &ye) {
		return &Error{File: file, Line: 1, Col: 1, Msg: err.Error()}
	}
	e := &Error{File: file, Msg: ye.GetMessage()}
	if tk := ye.GetToken(); tk != nil && tk.Position != nil {
		e.Line, e.Col = tk.Position.Line, tk.Position.Column
	} else {
		e.Line, e.Col = 1, 1
	}
	var (
		unknown *yaml.UnknownFieldError
		dup     *yaml.DuplicateKeyError
		typ     *yaml.TypeError
		over    *yaml.OverflowError
		node    *yaml.UnexpectedNodeTypeError
	)
	switch {
	case errors.As(err, &unknown):
		if m := unknownFieldRe.FindStringSubmatch(ye.GetMessage()); m != nil {
			e.Msg = fmt.Sprintf("unknown key %q", m[1])
			if s := suggest(m[1], knownKeys); s != "" {
				e.Hint = fmt.Sprintf("did you mean %q?", s)
			}
		}
	case errors.As(err, &dup):
		e.Msg = strings.Replace(ye.GetMessage(), "mapping key", "duplicate key", 1)
		e.Hint = "each key may appear once"
	case errors.As(err, &typ):
		e.Msg = typeMismatch(typ)
	case errors.As(err, &node):
		e.Msg = fmt.Sprintf("wrong type: expected %s, found %s", nodeTypeWords(node.Expected), nodeTypeWords(node.Actual))
	case errors.As(err, &over):
		e.Msg = fmt.Sprintf("number out of range: %s is too large for %s", over.SrcNum, typeWords(over.DstType))
	default:
		if m := parserDupRe.FindStringSubmatch(ye.GetMessage()); m != nil {
			e.Msg = fmt.Sprintf("duplicate key %q (first defined at line %s, column %s)", m[1], m[2], m[3])
			e.Hint = "each key may appear once"
		} else if strings.Contains(ye.GetMessage(), "found character '\t'") {
			// The parser's wording quotes an invisible tab.
			e.Msg = "tab character where YAML expects spaces"
			e.Hint = "indent with spaces"
		}
	}
	return e
}

// typeWords names a Go type in words a spreadsheet user understands; the
// decoder's own message ("cannot unmarshal string into Go struct field
// datasetFile.Dimensions of type float64") speaks Go.
func typeWords(t reflect.Type) string {
	if t == nil {
		return "a value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.String:
		return "text"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "a mapping"
	}
	return t.String()
}

// typeMismatch words a decoder type error: what was expected, and what the
// file holds there.
func typeMismatch(te *yaml.TypeError) string {
	if tk := te.Token; tk != nil && typeWords(te.DstType) == "a number" {
		// The decoder takes a number too large for a float64 ("1e400")
		// for text; say what is really wrong with it.
		if _, err := strconv.ParseFloat(tk.Value, 64); errors.Is(err, strconv.ErrRange) {
			return fmt.Sprintf("number out of range: %s is too large", tk.Value)
		}
	}
	found := typeWords(te.SrcType)
	if tk := te.Token; tk != nil && tk.Value != "" {
		v := tk.Value
		if r := []rune(v); len(r) > 40 {
			v = string(r[:40]) + "…"
		}
		found += " " + strconv.Quote(v)
	}
	return fmt.Sprintf("wrong type: expected %s, found %s", typeWords(te.DstType), found)
}

func nodeTypeWords(t ast.NodeType) string {
	switch t {
	case ast.MappingType, ast.MappingValueType:
		return "a mapping"
	case ast.SequenceType:
		return "a list"
	case ast.StringType, ast.LiteralType:
		return "text"
	case ast.IntegerType, ast.FloatType, ast.InfinityType, ast.NanType:
		return "a number"
	case ast.BoolType:
		return "true/false"
	case ast.NullType:
		return "nothing"
	}
	return strings.ToLower(t.String())
}

func nodeKind(n ast.Node) string { return nodeTypeWords(n.Type()) }

// at returns an Error positioned at the value found by following path
// (string keys into mappings, int indices into lists). When the path does
// not exist (a missing key), it points at the deepest node that does.
// With key set, it points at the key itself rather than its value.
func (s *source) at(path []any, msg, hint string) *Error {
	return s.errorAt(s.find(path, false), msg, hint)
}

// atKey is like at but points at the mapping key named last in path.
func (s *source) atKey(path []any, msg, hint string) *Error {
	return s.errorAt(s.find(path, true), msg, hint)
}

func (s *source) errorAt(n ast.Node, msg, hint string) *Error {
	e := &Error{File: s.file, Msg: msg, Hint: hint, Line: 1, Col: 1}
	if pos := nodePos(n); pos != nil {
		e.Line, e.Col = pos.Line, pos.Column
	}
	return e
}

// nodePos returns where a user sees n begin. A block mapping's own token
// is the ':' after its first key, so point at that key instead.
func nodePos(n ast.Node) *token.Position {
	if n == nil {
		return nil
	}
	switch m := n.(type) {
	case *ast.MappingNode:
		if !m.IsFlowStyle && len(m.Values) > 0 {
			return nodePos(m.Values[0])
		}
	case *ast.MappingValueNode:
		if m.Key != nil {
			return nodePos(m.Key)
		}
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position
	}
	return nil
}

// docPos returns where a document starts: its "---", or its first node.
func docPos(d *ast.DocumentNode) *token.Position {
	if d.Start != nil && d.Start.Position != nil {
		return d.Start.Position
	}
	if d.Body != nil {
		return nodePos(d.Body)
	}
	return nil
}

func (s *source) find(path []any, wantKey bool) ast.Node {
	n := s.root
	for i, p := range path {
		last := i == len(path)-1
		switch p := p.(type) {
		case string:
			m, ok := n.(*ast.MappingNode)
			if !ok {
				return n
			}
			mv := s.entry(m, p)
			if mv == nil {
				return n
			}
			if last && wantKey {
				n = mv.Key
			} else {
				n = mv.Value
			}
		case int:
			sq, ok := n.(*ast.SequenceNode)
			if !ok || p < 0 || p >= len(sq.Values) {
				return n
			}
			n = sq.Values[p]
		}
	}
	return n
}

func keyText(k ast.MapKeyNode) string {
	switch k := k.(type) {
	case *ast.StringNode:
		return k.Value
	case *ast.IntegerNode:
		return k.GetToken().Value
	}
	if tk := k.GetToken(); tk != nil {
		if v, err := strconv.Unquote(tk.Value); err == nil {
			return v
		}
		return tk.Value
	}
	return ""
}

// hasKey reports whether the mapping at path has key.
func (s *source) hasKey(path []any, key string) bool {
	n := s.find(path, false)
	m, ok := n.(*ast.MappingNode)
	return ok && s.entry(m, key) != nil
}

// topKeys returns the top-level keys of a YAML or JSON document.
func topKeys(file string, data []byte) (keys []string, err error) {
	defer func() {
		if r := recover(); r != nil { // as in parseFile
			keys, err = nil, ErrorList{{File: file, Line: 1, Col: 1, Msg: fmt.Sprintf("cannot parse the file (YAML parser failure: %v)", r)}}
		}
	}()
	root, err := parseDoc(file, data, nil)
	if err != nil {
		return nil, err
	}
	for _, mv := range mappingValues(root) {
		keys = append(keys, keyText(mv.Key))
	}
	return keys, nil
}
