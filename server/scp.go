package server

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"charm.land/log/v2"
	"charm.land/ssh"

	"iomt/model"
)

// Viewers take their exports home: in key mode with --data, a viewer
// fetches the files of their own folder (where x writes exports) with
// scp or sftp, from the same server and with the same key. Two ways in:
//
//   - the "sftp" subsystem, which `sftp` and `scp` (OpenSSH 9.0 and
//     later, by default) use, served by github.com/pkg/sftp: see
//     scp_sftp.go;
//   - the legacy scp protocol, an exec request "scp -f PATH" (`scp -O`):
//     see scp_legacy.go.
//
// Both are read-only and reach only the folder of the key the client
// proved, through cleanRequest and userFolder (scp_folder.go). Every
// other request goes on to the dashboard as before.

// scpMiddleware sends an exec request of the scp command to the legacy
// transfer, and anything else (a shell, another command) on to next.
func (s *Server) scpMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if _, ok := parseSCP(sess.Command()); ok {
			s.transfer(sess, "scp")
			return
		}
		next(sess)
	}
}

// sftpSubsystem serves the "sftp" subsystem.
func (s *Server) sftpSubsystem(sess ssh.Session) { s.transfer(sess, "sftp") }

// maxTold bounds the refusals a session is told in words, and
// maxTransferLog the events of one transfer that are logged.
const (
	maxTold        = 50
	maxTransferLog = 100
)

// transfer serves one scp or sftp session that the gate admits (as it
// does a dashboard: the key the client proved, a place under the session
// cap); the session's watchdog ends it after the idle and absolute
// timeouts and at shutdown, as it ends a dashboard.
func (s *Server) transfer(sess ssh.Session, protocol string) {
	cmd, _ := parseSCP(sess.Command())
	d := s.transferDoor(sess, protocol, cmd)
	v, ok := s.admitSession(sess, d)
	defer v.leave()
	if !ok {
		return
	}
	s.fault(faultTransfer)
	folder, err := openUserFolder(filepath.Join(s.cfg.DataDir, "users", fingerprint(v.key)))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			v.refuse(sess, d, transferRefused("your folder on this server is empty: export a file with x in the dashboard first.", "no folder yet"))
		} else {
			v.log.Error("the user's folder cannot be opened", "err", err)
			v.refuse(sess, d, transferRefused("your folder on this server cannot be read.", "folder unreadable"))
		}
		return
	}
	defer folder.Close()
	v.log.Info("transfer start", "paths", len(cmd.paths))

	t := &transferSession{s: s, sess: sess, v: v, folder: folder, events: &transferLog{log: v.log}}
	ctx, cancel := context.WithCancel(sess.Context())
	defer cancel()
	t.reason = "the client finished"
	t.end = func(r string) {
		t.why.Do(func() { t.reason = r })
		if v.conn != nil {
			_ = v.conn.Close()
		} else {
			_ = sess.Close()
		}
	}
	dog := newTransferWatchdog(s.cfg.IdleTimeout, s.cfg.MaxTimeout, s.closed, t.end)
	t.touch = dog.key
	go func() {
		defer contain(v.log, func() { t.end(panicReason) })
		dog.run(ctx)
	}()

	var code int
	if protocol == "scp" {
		code = t.serveSCP(cmd)
	} else {
		code = t.serveSFTP()
	}
	cancel()
	t.why.Do(func() {})
	v.log.Info("transfer end", "duration", time.Since(v.start).Round(time.Millisecond), "events", t.events.count(), "reason", t.reason)
	_ = sess.Exit(code)
}

// transferDoor is how a transfer meets the gate: there must be a folder
// to fetch from, and a legacy scp command must fetch. A refusal reaches
// the client as its protocol shows it: an scp client prints a message
// sent in its protocol (and exits 1); an sftp client shows the session's
// standard error.
func (s *Server) transferDoor(sess ssh.Session, protocol string, cmd scpCommand) door {
	legacy := protocol == "scp"
	return door{
		tell: func(line string) {
			if legacy && (cmd.from || cmd.to) {
				fmt.Fprintf(sess, "\x02%s\n", line)
			} else {
				fmt.Fprintf(sess.Stderr(), "%s\n", line)
			}
		},
		check: func(*visit) *turnAway {
			switch {
			case s.isClosing():
				return transferRefused(goodbye, "shutting down")
			case s.authorized == nil:
				return transferRefused("this is an open demo: it keeps no files, so there is nothing to fetch with scp or sftp here (x in the dashboard copies the table to your clipboard).", "open demo mode")
			case s.cfg.DataDir == "":
				return transferRefused("this server keeps no files for its viewers (it runs without --data), so there is nothing to fetch.", "no --data")
			case legacy && !cmd.from && cmd.to:
				return transferRefused("uploads are refused: this server only lets you fetch the files of your folder.", "upload")
			case legacy && !cmd.from:
				return transferRefused("scp here only fetches the files of your folder: scp HOST:FILE .", "not an scp transfer")
			}
			return nil
		},
	}
}

// transferRefused is a transfer's refusal: msg for the client, reason
// for the log.
func transferRefused(msg, reason string) *turnAway {
	return &turnAway{line: "iomt: " + msg, msg: "transfer refused", kv: []any{"reason", reason}}
}

// transferSession is one admitted transfer: what its protocol needs.
type transferSession struct {
	s      *Server
	sess   ssh.Session
	v      *visit
	folder *userFolder
	events *transferLog
	touch  func()              // marks activity, for the idle timeout
	end    func(reason string) // ends the transfer: closes its connection
	// why sets reason once: the first to end the transfer (a timeout,
	// the shutdown, a broken exchange) says why it ended.
	why    sync.Once
	reason string
}

// serveSCP sends the files of cmd in the legacy protocol; it returns the
// session's exit status.
func (t *transferSession) serveSCP(cmd scpCommand) int {
	src := &scpSource{folder: t.folder, in: bufio.NewReader(t.sess), out: active{t.sess, t.touch}, log: t.events.event}
	errs, err := src.run(cmd)
	if err != nil && !errors.Is(err, io.EOF) {
		t.v.log.Info("transfer broken", "err", err)
		// The end's reason is the break, not "the client finished".
		t.why.Do(func() { t.reason = "broken: " + err.Error() })
	}
	if errs > 0 || err != nil {
		return 1
	}
	return 0
}

// transferLog logs the events of a transfer, up to maxTransferLog of
// them: a client decides how many a transfer has (a refusal per name it
// asks for).
type transferLog struct {
	log *log.Logger
	mu  sync.Mutex
	n   int
}

func (l *transferLog) event(msg string, kv ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n++
	switch {
	case l.n <= maxTransferLog:
		l.log.Info(msg, kv...)
	case l.n == maxTransferLog+1:
		l.log.Info("further events of this transfer are not logged", "logged", maxTransferLog)
	}
}

// count is how many events the transfer had.
func (l *transferLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}

// active marks activity on every read and write that went through.
type active struct {
	rw    io.ReadWriter
	touch func()
}

func (a active) Read(p []byte) (int, error) { return a.mark(a.rw.Read(p)) }

func (a active) Write(p []byte) (int, error) { return a.mark(a.rw.Write(p)) }

func (a active) mark(n int, err error) (int, error) {
	if n > 0 {
		a.touch()
	}
	return n, err
}

// fetchCommand returns how the viewer of sess fetches a file of their
// folder: the scp command line, with the address and port the client
// reached the server at (ssh does not tell the server the name it
// dialled; HOST when the address is unknown). nil when the session
// writes no files.
func (s *Server) fetchCommand(sess ssh.Session, ws *model.Workspace) func(file string) string {
	if s.authorized == nil || s.cfg.DataDir == "" || ws == nil || ws.Dir == "" {
		return nil
	}
	return fetchCommandAt(sess.LocalAddr())
}

// fetchCommandAt is the scp command line that fetches a file from a
// server reached at addr.
func fetchCommandAt(addr net.Addr) func(file string) string {
	host, port := "HOST", 0
	if a, ok := addr.(*net.TCPAddr); ok && a.IP != nil && !a.IP.IsUnspecified() {
		ip := a.AddrPort().Addr().Unmap()
		host, port = ip.String(), a.Port
		if ip.Is6() {
			host = "[" + host + "]"
		}
	}
	prefix := "scp "
	if port != 0 && port != 22 {
		prefix += "-P " + strconv.Itoa(port) + " "
	}
	return func(file string) string {
		target := host + ":" + file
		if host[0] == '[' {
			target = "'" + target + "'" // brackets are a pattern to some shells
		}
		return prefix + target + " ."
	}
}
