package ui

import "slices"

// dialogStack is the root's stack of modal screens, the last on top,
// and the generation counter that tags the work their commands do, so
// that a result for a dialog the user has since closed is dropped. The
// root holds it by pointer and changes it in place.
type dialogStack struct {
	open []Dialog
	gen  int
	w, h int // the screen's size, which dialogs are sized from
}

// next numbers a dialog that waits for a command's result.
func (s *dialogStack) next() int {
	s.gen++
	return s.gen
}

// push opens a dialog on top of the others, sized for its placement.
func (s *dialogStack) push(d Dialog) {
	s.size(d)
	s.open = append(s.open, d)
}

// top is the dialog that takes keys, or nil.
func (s *dialogStack) top() Dialog {
	if n := len(s.open); n > 0 {
		return s.open[n-1]
	}
	return nil
}

// empty reports whether no dialog is open.
func (s *dialogStack) empty() bool { return len(s.open) == 0 }

// find returns the first dialog on the stack, from the bottom, for which
// is holds, or nil.
func (s *dialogStack) find(is func(Dialog) bool) Dialog {
	if i := slices.IndexFunc(s.open, is); i >= 0 {
		return s.open[i]
	}
	return nil
}

// replace puts next in d's place, if d is still on the stack.
func (s *dialogStack) replace(d, next Dialog) {
	if i := slices.Index(s.open, d); i >= 0 && next != d {
		s.size(next)
		s.open[i] = next
	}
}

// remove takes a dialog off the stack.
func (s *dialogStack) remove(d Dialog) {
	if i := slices.Index(s.open, d); i >= 0 {
		s.open = slices.Delete(s.open, i, i+1)
		stop(d)
	}
}

// closeAll takes every dialog off the stack.
func (s *dialogStack) closeAll() {
	for _, d := range s.open {
		stop(d)
	}
	s.open = nil
}

// stop ends the work a dialog taken off the stack waits for (see
// pending).
func stop(d Dialog) {
	if s, ok := d.(interface{ stop() }); ok {
		s.stop()
	}
}

// resize gives every dialog the room of its placement on a screen of
// w×h.
func (s *dialogStack) resize(w, h int) {
	s.w, s.h = w, h
	for _, d := range s.open {
		s.size(d)
	}
}

// size gives a dialog the room of its placement.
func (s *dialogStack) size(d Dialog) {
	if d.Placement() == placeLine {
		d.SetSize(s.w, 1)
		return
	}
	d.SetSize(s.w, s.h-3)
}

// setStyles gives the dialogs whose look follows the palette the new
// one.
func (s *dialogStack) setStyles(st *Styles) {
	for _, d := range s.open {
		if x, ok := d.(styler); ok {
			x.setStyles(st)
		}
	}
}

// styler is a dialog whose look follows the palette.
type styler interface{ setStyles(*Styles) }

// body is the view of the topmost dialog drawn in place of the panes,
// or "".
func (s *dialogStack) body() string {
	for i := len(s.open) - 1; i >= 0; i-- {
		if d := s.open[i]; d.Placement() == placeBody {
			if v := d.View(); v != "" {
				return v
			}
		}
	}
	return ""
}
