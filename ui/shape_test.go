package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"
)

// TestShape keeps the package's rooms the size doc.go describes: the
// root routes and composes (at most 16 fields and 40 methods), and no
// other type grows into a god object (at most 25 methods), as common did
// with 56. Counted from the source, tests left out.
func TestShape(t *testing.T) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, e := range entries {
		if name := e.Name(); strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") {
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
	}
	methods, fields := map[string]int{}, map[string]int{}
	for _, f := range files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv != nil {
					methods[receiverName(d.Recv.List[0].Type)]++
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					ts, ok := s.(*ast.TypeSpec)
					if !ok {
						continue
					}
					if st, ok := ts.Type.(*ast.StructType); ok {
						for _, fl := range st.Fields.List {
							fields[ts.Name.Name] += max(len(fl.Names), 1)
						}
					}
				}
			}
		}
	}
	if methods["Model"] == 0 || fields["Model"] == 0 {
		t.Fatal("no root Model found: the count is broken")
	}
	if n := fields["Model"]; n > 16 {
		t.Errorf("the root Model has %d fields, more than 16: give the new state a type of its own", n)
	}
	if n := methods["Model"]; n > 40 {
		t.Errorf("the root Model has %d methods, more than 40: it routes and composes, the work belongs to the types it routes to", n)
	}
	for typ, n := range methods {
		if typ != "Model" && n > 25 {
			t.Errorf("%s has %d methods, more than 25: split it by what changes together", typ, n)
		}
	}
}

func receiverName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return receiverName(e.X)
	case *ast.IndexExpr:
		return receiverName(e.X)
	case *ast.Ident:
		return e.Name
	}
	return ""
}
