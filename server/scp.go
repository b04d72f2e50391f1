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

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"

	"iomt/model"
)

// Viewers take their exports home: in key mode with --data, a viewer
// fetches the files of their own folder (where x writes exports) with
// scp or sftp, from the same server and with the same key. Two ways in:
//
//   - the "sftp" subsystem, which `sftp` and `scp` (OpenSSH 9.0 and
//     later, by default) use: see scp_sftp.go;
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

// transfer serves one scp or sftp session: it checks, as the dashboard
// does, the key the client proved, holds the connection's place under
// the session cap and ends with the idle and absolute timeouts and at
// shutdown.
func (s *Server) transfer(sess ssh.Session, protocol string) {
	start := time.Now()
	tc := connOf(sess)
	if tc != nil {
		tc.started.Store(true)
		defer time.AfterFunc(closeGrace, func() { _ = tc.Close() })
	}
	key := sess.PublicKey()
	user := "anonymous"
	if key != nil {
		user = gossh.FingerprintSHA256(key)
	}
	logger := s.log.With("remote", sess.RemoteAddr().String(), "user", user, "protocol", protocol)
	cmd, _ := parseSCP(sess.Command())
	legacy := protocol == "scp"

	// refuse tells the client why nothing is served and ends the session:
	// an scp client prints a message sent in its protocol (and exits 1);
	// an sftp client shows the session's standard error.
	refuse := func(msg, reason string) {
		logger.Info("transfer refused", "reason", reason)
		if legacy && (cmd.from || cmd.to) {
			fmt.Fprintf(sess, "\x02iomt: %s\n", msg)
		} else {
			fmt.Fprintf(sess.Stderr(), "iomt: %s\n", msg)
		}
		_ = sess.Exit(1)
	}
	if s.isClosing() {
		refuse(goodbye, "shutting down")
		return
	}
	if s.authorized == nil {
		refuse("this is an open demo: it keeps no files, so there is nothing to fetch with scp or sftp here (x in the dashboard copies the table to your clipboard).", "open demo mode")
		return
	}
	if _, _, err := s.authorize(key, sess.RemoteAddr(), time.Now()); err != nil {
		logger.Warn("refused: key not authorised", "reason", err)
		refuse("your key is not authorised here.", "key not authorised")
		return
	}
	if s.cfg.DataDir == "" {
		refuse("this server keeps no files for its viewers (it runs without --data), so there is nothing to fetch.", "no --data")
		return
	}
	if legacy && !cmd.from {
		if cmd.to {
			refuse("uploads are refused: this server only lets you fetch the files of your folder.", "upload")
		} else {
			refuse("scp here only fetches the files of your folder: scp HOST:FILE .", "not an scp transfer")
		}
		return
	}
	if tc != nil && !s.takeSlot(tc) {
		logger.Warn("refused: session cap", "max", s.cfg.MaxSessions)
		refuse(fmt.Sprintf("the demo is full (%d sessions). Please try again later.", s.cfg.MaxSessions), "session cap")
		return
	}
	folder, err := openUserFolder(filepath.Join(s.cfg.DataDir, "users", fingerprint(key)))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			refuse("your folder on this server is empty: export a file with x in the dashboard first.", "no folder yet")
		} else {
			logger.Error("the user's folder cannot be opened", "err", err)
			refuse("your folder on this server cannot be read.", "folder unreadable")
		}
		return
	}
	defer folder.Close()
	logger.Info("transfer start", "paths", len(cmd.paths))

	ctx, cancel := context.WithCancel(sess.Context())
	defer cancel()
	activity := make(chan struct{}, 1)
	touch := func() {
		select {
		case activity <- struct{}{}:
		default:
		}
	}
	var why sync.Once
	reason := "the client finished"
	end := func(r string) {
		why.Do(func() { reason = r })
		if tc != nil {
			_ = tc.Close()
		} else {
			_ = sess.Close()
		}
	}
	go s.watchTransfer(ctx, activity, end)
	// A client decides how many events a transfer has (a refusal per
	// name it asks for): only so many are logged.
	events := 0
	logf := func(msg string, kv ...any) {
		events++
		switch {
		case events <= maxTransferLog:
			logger.Info(msg, kv...)
		case events == maxTransferLog+1:
			logger.Info("further events of this transfer are not logged", "logged", maxTransferLog)
		}
	}

	code := 0
	if legacy {
		src := &scpSource{folder: folder, in: bufio.NewReader(sess), out: activeWriter{sess, touch}, log: logf}
		errs, err := src.run(cmd)
		if err != nil && !errors.Is(err, io.EOF) {
			logger.Info("transfer broken", "err", err)
		}
		if errs > 0 || err != nil {
			code = 1
		}
	} else {
		srv := newSFTPServer(folder, sess, sess)
		srv.touch, srv.log = touch, logf
		told := map[string]bool{}
		srv.tell = func(msg string) {
			// A client often asks twice about one name (lstat, then
			// stat): say each refusal once, and only so many.
			if told[msg] || len(told) >= maxTold {
				return
			}
			told[msg] = true
			fmt.Fprintf(sess.Stderr(), "iomt: %s\n", msg)
		}
		if err := srv.serve(); err != nil {
			logger.Info("transfer broken", "err", err)
			code = 1
		}
	}
	cancel()
	why.Do(func() {})
	logger.Info("transfer end", "duration", time.Since(start).Round(time.Millisecond), "events", events, "reason", reason)
	_ = sess.Exit(code)
}

// watchTransfer ends a transfer that has been idle for the idle timeout
// (no request, or nothing written), that has run for the absolute one, or
// that is still running when the server shuts down.
func (s *Server) watchTransfer(ctx context.Context, activity <-chan struct{}, end func(reason string)) {
	var idle, deadline <-chan time.Time
	var idleTimer *time.Timer
	if d := s.cfg.IdleTimeout; d > 0 {
		idleTimer = time.NewTimer(d)
		defer idleTimer.Stop()
		idle = idleTimer.C
	}
	if d := s.cfg.MaxTimeout; d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		deadline = t.C
	}
	poll := time.NewTicker(100 * time.Millisecond)
	defer poll.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-activity:
			if idleTimer != nil {
				idleTimer.Reset(s.cfg.IdleTimeout)
			}
		case <-idle:
			end("idle for " + s.cfg.IdleTimeout.String())
			return
		case <-deadline:
			end("open for " + s.cfg.MaxTimeout.String())
			return
		case <-poll.C:
			if s.isClosing() {
				end("the server is shutting down")
				return
			}
		}
	}
}

// activeWriter marks activity on every write that went through.
type activeWriter struct {
	w     io.Writer
	touch func()
}

func (a activeWriter) Write(p []byte) (int, error) {
	n, err := a.w.Write(p)
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
