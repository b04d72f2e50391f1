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
	hub  demoHub
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
	c := l.hub.Claim(l.seat)
	switch {
	case c.Err != nil:
		// Nothing changed (a turn no newer than the session's is
		// stale news): the session is told why.
		l.log.Warn("could not take over presenting", "err", c.Err)
		if l.seat.Tell != nil {
			l.seat.Tell(ui.NoticeMsg{Topic: noticeTurn, Text: "Could not reach the demo to present; try p again in a moment."})
		}
		return ui.RoleMsg{}
	case !c.Won:
		// Another session's claim came first (a demo mesh's
		// compare-and-set): the session follows it. Its own turn stays
		// what it was: c.Turn is the other session's.
		l.log.Info("another session took over first", "by", cmp.Or(c.By, "(a key with no name)"))
		return ui.RoleMsg{Role: ui.RoleFollower, Turn: c.Turn, By: c.By}
	}
	storeMax(l.turn, c.Turn) // two commands of this session may race
	if c.Took {
		l.log.Info("took over presenting", "from", cmp.Or(c.From, "(a key with no name)"))
	} else {
		l.log.Info("presenting: nobody was")
	}
	return ui.RoleMsg{Role: ui.RolePresenter, Turn: c.Turn}
}

// Latest is the presenter's latest state, or that nobody presents.
func (l *demoLink) Latest() (ui.FollowMsg, bool) { return l.hub.Message() }
