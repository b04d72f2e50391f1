package model

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
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
}

// parseFile parses data (YAML or JSON) and decodes it strictly into v:
// unknown keys, duplicate keys and type errors are reported with their
// position. knownKeys feeds the "did you mean" hint for unknown keys.
func parseFile(file string, data []byte, v any, knownKeys []string) (*source, error) {
	if len(data) > MaxFileSize {
		return nil, ErrorList{{File: file, Msg: fmt.Sprintf("file is %d bytes; the limit is %d (1 MiB)", len(data), MaxFileSize),
			Hint: "is this the right file?"}}
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, ErrorList{yamlError(file, err, knownKeys)}
	}
	if len(f.Docs) != 1 || f.Docs[0].Body == nil {
		if len(f.Docs) > 1 {
			return nil, ErrorList{{File: file, Line: 1, Col: 1, Msg: "file holds several YAML documents; expected one"}}
		}
		return nil, ErrorList{{File: file, Line: 1, Col: 1, Msg: "file is empty"}}
	}
	root := f.Docs[0].Body
	if e := rejectAliases(file, root); e != nil {
		return nil, ErrorList{e}
	}
	if _, ok := root.(*ast.MappingNode); !ok {
		tk := root.GetToken()
		return nil, ErrorList{{File: file, Line: tk.Position.Line, Col: tk.Position.Column,
			Msg: fmt.Sprintf("expected a mapping of keys at the top of the file, found %s", nodeKind(root))}}
	}
	if err := yaml.NodeToValue(root, v, yaml.Strict()); err != nil {
		return nil, ErrorList{yamlError(file, err, knownKeys)}
	}
	return &source{file: file, root: root}, nil
}

// rejectAliases refuses anchors and aliases: plain data files never need
// them, and an alias bomb is the classic way to make a small YAML file
// expand to gigabytes.
func rejectAliases(file string, n ast.Node) *Error {
	var found *Error
	ast.Walk(visitFunc(func(n ast.Node) bool {
		if found != nil {
			return false
		}
		switch n.(type) {
		case *ast.AliasNode, *ast.AnchorNode:
			tk := n.GetToken()
			found = &Error{File: file, Line: tk.Position.Line, Col: tk.Position.Column,
				Msg: "anchors and aliases (& and *) are not supported", Hint: "write the value out in full"}
			return false
		}
		return true
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

var unknownFieldRe = regexp.MustCompile(`unknown field "([^"]*)"`)

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
		e.Msg = "wrong type: " + typeWords(ye.GetMessage())
	case errors.As(err, &over):
		e.Msg = "number out of range: " + ye.GetMessage()
	}
	return e
}

// typeWords rewrites Go type names in a decoder message into words a
// spreadsheet user understands.
func typeWords(msg string) string {
	r := strings.NewReplacer(
		"float64", "a number", "*float64", "a number", "int", "a whole number",
		"string", "text", "[]model.segmentFile", "a list of segments",
		"[]model.dimensionFile", "a list of dimensions", "[]string", "a list of text",
		"map[int]float64", "a mapping of year: rate", "map[string]string", "a mapping of text",
		"map[string]model.overrideFile", "a mapping of path: overrides", "bool", "true or false",
		"*bool", "true or false",
	)
	return r.Replace(msg)
}

func nodeKind(n ast.Node) string {
	switch n.Type() {
	case ast.MappingType:
		return "a mapping"
	case ast.SequenceType:
		return "a list"
	case ast.StringType:
		return "text"
	case ast.IntegerType, ast.FloatType, ast.InfinityType, ast.NanType:
		return "a number"
	case ast.BoolType:
		return "true/false"
	case ast.NullType:
		return "nothing"
	}
	return strings.ToLower(n.Type().String())
}

// at returns an Error positioned at the value found by following path
// (string keys into mappings, int indices into lists). When the path does
// not exist (a missing key), it points at the deepest node that does.
// With key set, it points at the key itself rather than its value.
func (s *source) at(path []any, msg, hint string) *Error {
	n := s.find(path, false)
	tk := n.GetToken()
	e := &Error{File: s.file, Msg: msg, Hint: hint, Line: 1, Col: 1}
	if tk != nil && tk.Position != nil {
		e.Line, e.Col = tk.Position.Line, tk.Position.Column
	}
	return e
}

// atKey is like at but points at the mapping key named last in path.
func (s *source) atKey(path []any, msg, hint string) *Error {
	n := s.find(path, true)
	tk := n.GetToken()
	e := &Error{File: s.file, Msg: msg, Hint: hint, Line: 1, Col: 1}
	if tk != nil && tk.Position != nil {
		e.Line, e.Col = tk.Position.Line, tk.Position.Column
	}
	return e
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
			var next ast.Node
			for _, mv := range m.Values {
				if keyText(mv.Key) == p {
					if last && wantKey {
						next = mv.Key
					} else {
						next = mv.Value
					}
					break
				}
			}
			if next == nil {
				return n
			}
			n = next
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
	if !ok {
		return false
	}
	for _, mv := range m.Values {
		if keyText(mv.Key) == key {
			return true
		}
	}
	return false
}

// topKeys returns the top-level keys of a YAML or JSON document.
func topKeys(file string, data []byte) ([]string, error) {
	if len(data) > MaxFileSize {
		return nil, ErrorList{{File: file, Msg: fmt.Sprintf("file is %d bytes; the limit is %d (1 MiB)", len(data), MaxFileSize)}}
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, ErrorList{yamlError(file, err, nil)}
	}
	if len(f.Docs) == 0 || f.Docs[0].Body == nil {
		return nil, ErrorList{{File: file, Line: 1, Col: 1, Msg: "file is empty"}}
	}
	m, ok := f.Docs[0].Body.(*ast.MappingNode)
	if !ok {
		return nil, nil
	}
	var keys []string
	for _, mv := range m.Values {
		keys = append(keys, keyText(mv.Key))
	}
	return keys, nil
}
