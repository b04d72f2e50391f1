package server

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"
)

// watchdog ends a session that presses no key for the idle timeout, or
// that lasts the max timeout, and warns it a while before either. Only
// keys count as activity: the library's idle timeout counts the server's
// own screen updates, so a live chart would never idle out. While a
// viewer follows a presenter, the presenter's keys count as the
// viewer's: an audience that watches a talk is not closed in the middle.
type watchdog struct {
	idle, max time.Duration
	lastKey   atomic.Int64 // unix nanoseconds of the last keypress
	// presenterKey, when set, is when the presenter last pressed a key
	// while this session follows it, else zero.
	presenterKey func() time.Time
	// warn puts a notice of a topic (noticeIdle, noticeMax) on the
	// session's screen, or with no text withdraws it; end closes the
	// session with a reason.
	warn func(topic, text string)
	end  func(reason string)
}

// The topics of a watchdog's notices.
const (
	noticeIdle = "idle"
	noticeMax  = "max"
)

func newWatchdog(idle, max time.Duration, warn func(topic, text string), end func(string)) *watchdog {
	w := &watchdog{idle: idle, max: max, warn: warn, end: end}
	w.lastKey.Store(time.Now().UnixNano())
	return w
}

// key records a keypress.
func (w *watchdog) key() { w.lastKey.Store(time.Now().UnixNano()) }

// lead is how long before the end a session is warned: a minute, or a
// quarter of a short timeout.
func lead(d time.Duration) time.Duration { return min(time.Minute, d/4) }

// run watches until ctx ends or the session is ended.
func (w *watchdog) run(ctx context.Context) {
	if w.max > 0 {
		warn := time.AfterFunc(w.max-lead(w.max), func() {
			w.warn(noticeMax, fmt.Sprintf("Sessions last at most %s: this one ends in %s.", w.max, roughly(lead(w.max))))
		})
		defer warn.Stop()
		end := time.AfterFunc(w.max, func() {
			w.end(fmt.Sprintf("sessions last at most %s; session closed.", w.max))
		})
		defer end.Stop()
	}
	if w.idle <= 0 {
		<-ctx.Done()
		return
	}
	tick := time.NewTicker(min(w.idle/8, time.Second))
	defer tick.Stop()
	warnedFor := int64(0)  // the keypress time warned about
	ownAtWarn := int64(-1) // the session's own last key when warned; -1: no warning shows
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			own := w.lastKey.Load()
			last := own
			if w.presenterKey != nil {
				if t := w.presenterKey(); !t.IsZero() {
					last = max(last, t.UnixNano())
				}
			}
			quiet := now.Sub(time.Unix(0, last))
			switch {
			case quiet >= w.idle:
				w.end(fmt.Sprintf("no key pressed for %s; session closed.", w.idle))
				return
			case quiet >= w.idle-lead(w.idle) && warnedFor != last:
				// An audience that only watches presses no keys, and one
				// key keeps the session: say so once per quiet spell.
				warnedFor, ownAtWarn = last, own
				w.warn(noticeIdle, fmt.Sprintf("No key pressed for a while: this session closes in %s unless you press a key.", roughly(w.idle-quiet)))
			case ownAtWarn >= 0 && warnedFor != last:
				// Activity since the warning. The session's own key
				// cleared it on screen; a presenter's key kept a follower
				// open without its screen knowing, and a stale "closes in
				// 1m" would stay there for the rest of the talk.
				if own == ownAtWarn {
					w.warn(noticeIdle, "")
				}
				ownAtWarn = -1
			}
		}
	}
}

// roughly rounds a duration for a person: to the second, or to the
// millisecond below one.
func roughly(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(time.Second)
	}
	return d.Round(time.Millisecond)
}
