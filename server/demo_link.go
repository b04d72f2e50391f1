package server

import (
	"cmp"
	"sync/atomic"

	"charm.land/log/v2"

	"iomt/ui"
)

// demoLink is a session's side of a presented demo: what its dashboard
// asks of the hub (ui.DemoLink).
type demoLink struct {
	hub  *Hub
	turn *atomic.Uint64 // the newest turn this session was given
	seat *Seat
	log  *log.Logger
}

// Publish gives the presenter's state to the audience, when the session
// still has its turn: one that was just taken over from may publish a
// last change, which nobody must see (see Hub.Publish).
func (l *demoLink) Publish(s ui.Snapshot) { l.hub.Publish(l.turn.Load(), s) }

// TakeOver makes the session the presenter (the dashboard calls it only
// for a presenter's key, from a command).
func (l *demoLink) TakeOver() ui.RoleMsg {
	id, from, took := l.hub.TakeOver(l.seat)
	storeMax(l.turn, id) // two commands of this session may race
	if took {
		l.log.Info("took over presenting", "from", cmp.Or(from, "(a key with no name)"))
	} else {
		l.log.Info("presenting: nobody was")
	}
	return ui.RoleMsg{Role: ui.RolePresenter, Turn: id}
}

// Latest is the presenter's latest state, or that nobody presents.
func (l *demoLink) Latest() (ui.FollowMsg, bool) { return l.hub.Message() }
