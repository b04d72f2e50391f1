package export

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

func TestFormats(t *testing.T) {
	if got := Formats(); !slices.Equal(got, []string{"csv", "json", "md", "xlsx"}) {
		t.Errorf("Formats() = %q, want csv, json, md, xlsx", got)
	}
	f := Formats()
	f[0] = "changed"
	if Formats()[0] != "csv" {
		t.Error("changing the returned slice changed the package's formats")
	}
}

// TestWriteDispatches checks that Write gives each format's own output.
func TestWriteDispatches(t *testing.T) {
	in := baseInput(loadSmall(t), "Base")
	for _, c := range []struct {
		format string
		direct func(*bytes.Buffer, Input) error
		prefix string
	}{
		{"csv", func(b *bytes.Buffer, in Input) error { return CSV(b, in) }, wantHeader + "\n"},
		{"json", func(b *bytes.Buffer, in Input) error { return JSON(b, in) }, "{\n"},
		{"md", func(b *bytes.Buffer, in Input) error { return Markdown(b, in) }, "# "},
		{"xlsx", func(b *bytes.Buffer, in Input) error { return XLSX(b, in) }, "PK\x03\x04"},
	} {
		var got, want bytes.Buffer
		if err := Write(&got, c.format, in); err != nil {
			t.Fatalf("Write %s: %v", c.format, err)
		}
		if err := c.direct(&want, in); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() || !strings.HasPrefix(got.String(), c.prefix) {
			t.Errorf("Write(%q) does not give that format's output:\n%.80s", c.format, got.String())
		}
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	in := baseInput(loadSmall(t), "Base")
	for _, f := range []string{"xls", "", "CSV ", "markdown"} {
		var buf bytes.Buffer
		err := Write(&buf, f, in)
		if err == nil {
			t.Errorf("Write(%q): no error", f)
			continue
		}
		for _, name := range []string{"csv", "json", "md", "xlsx"} {
			if !strings.Contains(err.Error(), name) {
				t.Errorf("Write(%q) error %q does not name the valid format %s", f, err, name)
			}
		}
		if buf.Len() != 0 {
			t.Errorf("Write(%q) wrote %d bytes", f, buf.Len())
		}
	}
}

// TestWritersDoNotModifyInput: every session exports from shared data, so
// a writer must leave its input exactly as it found it.
func TestWritersDoNotModifyInput(t *testing.T) {
	ds := loadEmbedded(t)
	in := baseInput(ds, "Base")
	b := baseInput(ds, "B")
	in.Compare = &Comparison{Scenario: "B", Result: b.Result}
	before := in.Assumptions.Clone()
	values := slices.Clone(in.Result.Series(0))
	for _, f := range Formats() {
		var first, second bytes.Buffer
		if err := Write(&first, f, in); err != nil {
			t.Fatal(err)
		}
		if err := Write(&second, f, in); err != nil {
			t.Fatal(err)
		}
		if first.String() != second.String() {
			t.Errorf("%s: two writes differ", f)
		}
	}
	if !in.Assumptions.Equal(before) || !slices.Equal(values, in.Result.Series(0)) || !ds.Base().Equal(before) {
		t.Error("a writer modified its input")
	}
}
