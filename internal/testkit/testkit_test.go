package testkit

import (
	"sync"
	"testing"
)

func TestFindTreeRow(t *testing.T) {
	screen := "┃ Total                    100.0  18.5*  18.5  ┃│ 86.2 ┤\n" +
		"┃   Telemedicine ›          31.2*  19.0   19.1  ┃│\n" +
		"│   Remote Patient Monit    12.34    14.62    17.33    20.53   19.2     +0.1 │\n"
	for name, want := range map[string]TreeRow{
		"Total":        {"100.0", "18.5", "18.5"},
		"Telemedicine": {"31.2", "19.0", "19.1"},
	} {
		if got, ok := FindTreeRow(screen, name); !ok || got != want {
			t.Errorf("%s: %+v, %v; want %+v", name, got, ok, want)
		}
	}
	// A row of the year table (two decimals) is not a tree row.
	if got, ok := FindTreeRow(screen, "Remote Patient"); ok {
		t.Errorf("a year-table row read as a tree row: %+v", got)
	}
}

func TestBufferConcurrent(t *testing.T) {
	var b Buffer
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				_, _ = b.Write([]byte("x"))
				_ = b.String()
			}
		})
	}
	wg.Wait()
	if n := len(b.String()); n != 800 {
		t.Errorf("%d bytes, want 800", n)
	}
}
