package server

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"
)

// watchdog ends a session that presses no key for the idle timeout, or
// that lasts the max timeout, and warns it a while before either; it also
// ends the session once closing is closed (the server shuts down). It is
// the one timeout engine of every session: a dashboard's, where keys are
// the activity, and a transfer's, where requests and answers are (see
// transfer). Only keys count as a dashboard's activity: the library's
// idle timeout counts the server's own screen updates, so a live chart
// would never idle out. While a viewer follows a presenter, the
// presenter's keys count as the viewer's: an audience that watches a talk
// is not closed in the middle.
type watchdog struct {
	idle, max time.Duration
	lastKey   atomic.Int64 // unix nanoseconds of the last keypress
	// presenterKey, when set, is when the presenter last pressed a key
	// while this session follows it, else zero.
	presenterKey func() time.Time
	// closing, when set, ends the session once it is closed.
	closing <-chan struct{}
	// warn puts a notice of a topic (noticeIdle, noticeMax) on the
	// session's screen, or with no text withdraws it (nil: the session has
	// no screen); end closes the session with a reason, in words.
	warn func(topic, text string)
	end  func(reason string)
	says endWords
}

// endWords are the reasons a watchdog gives end: fmt formats of the
// timeout, and the words for a shutdown.
type endWords struct {
	idle, max, closing string
}

// The words a dashboard's viewer reads at its end, and those a
// transfer's end logs. Values, not state: never written.
var (
	dashboardEnds = endWords{idle: "no key pressed for %s; session closed.", max: "sessions last at most %s; session closed.", closing: goodbye}
	transferEnds  = endWords{idle: "idle for %s", max: "open for %s", closing: "the server is shutting down"}
)

// The topics of a watchdog's notices.
const (
	noticeIdle = "idle"
	noticeMax  = "max"
)

// newWatchdog returns a dashboard's watchdog.
func newWatchdog(idle, max time.Duration, warn func(topic, text string), end func(string)) *watchdog {
	w := &watchdog{idle: idle, max: max, warn: warn, end: end, says: dashboardEnds}
	w.lastKey.Store(time.Now().UnixNano())
	return w
}

// newTransferWatchdog returns a transfer's watchdog: it has no screen to
// warn, its requests and answers are its keys, and it ends at shutdown.
func newTransferWatchdog(idle, max time.Duration, closing <-chan struct{}, end func(string)) *watchdog {
	w := &watchdog{idle: idle, max: max, closing: closing, end: end, says: transferEnds}
	w.lastKey.Store(time.Now().UnixNano())
	return w
}

// key records a keypress.
func (w *watchdog) key() { w.lastKey.Store(time.Now().UnixNano()) }

// notify warns the session, if it has a screen to warn on.
func (w *watchdog) notify(topic, text string) {
	if w.warn != nil {
		w.warn(topic, text)
	}
}

// lead is how long before the end a session is warned: a minute, or a
// quarter of a short timeout.
func lead(d time.Duration) time.Duration { return min(time.Minute, d/4) }

// run watches until ctx ends or the session is ended.
func (w *watchdog) run(ctx context.Context) {
	if w.max > 0 {
		warn := time.AfterFunc(w.max-lead(w.max), func() {
			w.notify(noticeMax, fmt.Sprintf("Sessions last at most %s: this one ends in %s.", w.max, roughly(lead(w.max))))
		})
		defer warn.Stop()
		end := time.AfterFunc(w.max, func() { w.end(fmt.Sprintf(w.says.max, w.max)) })
		defer end.Stop()
	}
	if w.idle <= 0 {
		select {
		case <-ctx.Done():
		case <-w.closing: // nil: never
			w.end(w.says.closing)
		}
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
		case <-w.closing:
			w.end(w.says.closing)
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
				w.end(fmt.Sprintf(w.says.idle, w.idle))
				return
			case quiet >= w.idle-lead(w.idle) && warnedFor != last:
				// An audience that only watches presses no keys, and one
				// key keeps the session: say so once per quiet spell.
				warnedFor, ownAtWarn = last, own
				w.notify(noticeIdle, fmt.Sprintf("No key pressed for a while: this session closes in %s unless you press a key.", roughly(w.idle-quiet)))
			case ownAtWarn >= 0 && warnedFor != last:
				// Activity since the warning. The session's own key
				// cleared it on screen; a presenter's key kept a follower
				// open without its screen knowing, and a stale "closes in
				// 1m" would stay there for the rest of the talk.
				if own == ownAtWarn {
					w.notify(noticeIdle, "")
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
