package ui

// statusLine is the status line's state: the message every part of the
// dashboard may report on, the session's messages for M, and a notice
// from outside (the server's warning before it closes a session), which
// stays until the next key. The status bar (status.go) draws it.
type statusLine struct {
	cur statusText
	// history is the session's messages, oldest first, for M.
	history []statusText
	notice  bool   // cur is a NoticeMsg's
	topic   string // the notice's topic
	// standing is a standing notice's text (see NoticeMsg), shown before
	// cur while it stands.
	standing string
}

// statusText is a status line message and whether it reports a problem.
type statusText struct {
	msg string
	err bool
}

// said is a message to put on the status line, for what reports one.
func said(msg string) statusText { return statusText{msg: msg} }

// refused is a problem to put on the status line.
func refused(msg string) statusText { return statusText{msg: msg, err: true} }

func (s *statusLine) info(msg string)  { s.say(said(msg)) }
func (s *statusLine) error(msg string) { s.say(refused(msg)) }
func (s *statusLine) clear()           { s.cur = statusText{} }

// maxHistory is how many status messages M can show again.
const maxHistory = 100

// say puts a message on the status line and in the history, which keeps
// the last maxHistory (a message repeated at once is kept once).
func (s *statusLine) say(t statusText) {
	s.cur = t
	s.remember(t)
}

// remember keeps t in the history.
func (s *statusLine) remember(t statusText) {
	if t.msg == "" || len(s.history) > 0 && s.history[len(s.history)-1] == t {
		return
	}
	if len(s.history) == maxHistory {
		s.history = append(s.history[:0:0], s.history[1:]...)
	}
	s.history = append(s.history, t)
}

// notify shows a notice until the next key, or (no Text) withdraws the
// notice of its topic if it still shows.
func (s *statusLine) notify(msg NoticeMsg) {
	if msg.Standing {
		if msg.Text != "" && msg.Text != s.standing {
			s.remember(refused(msg.Text))
		}
		s.standing = msg.Text
		return
	}
	if msg.Text == "" {
		if s.notice && s.topic == msg.Topic {
			s.clear()
			s.notice = false
		}
		return
	}
	s.error(msg.Text)
	s.notice, s.topic = true, msg.Topic
}

// keyed answers a notice with the key just pressed: a warning such as
// "closes unless you press a key" is answered by any key.
func (s *statusLine) keyed() {
	if s.notice {
		s.clear()
		s.notice = false
	}
}

// quiet reports whether the line shows nothing of the session's own.
func (s *statusLine) quiet() bool { return !s.notice && s.cur.msg == "" && s.standing == "" }

// shown is what the status line shows: a standing notice, else the
// latest message.
func (s *statusLine) shown() statusText {
	if s.standing != "" {
		return refused(s.standing)
	}
	return s.cur
}
