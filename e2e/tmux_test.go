package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"iomt/internal/testkit"
)

const (
	// waitTimeout bounds every wait for the screen or the process.
	waitTimeout = 10 * time.Second
	// pollInterval is how often a wait looks at the screen again.
	pollInterval = 50 * time.Millisecond
	// tmuxCmdTimeout bounds a single tmux command.
	tmuxCmdTimeout = 5 * time.Second
)

// tmuxConfig replaces ~/.tmux.conf: keep a pane whose program ended, so the
// test can read its exit status, and no status line.
const tmuxConfig = `set -g remain-on-exit on
set -g status off
`

var socketSeq atomic.Int64

// tmuxSession is one program running in a detached tmux session on a
// private tmux server.
type tmuxSession struct {
	t      *testing.T
	tmux   string   // path of the tmux binary
	socket string   // tmux -L name: a server of our own
	config string   // tmux -f file
	name   string   // session name
	env    []string // environment of every tmux client command
	shown  bool     // a failure message already showed the screen
}

// startTmux runs the command args in a new detached tmux session of
// width×height cells on a private server, with a clean environment and
// TERM=xterm-256color. The server is killed when the test ends.
func startTmux(t *testing.T, width, height int, args ...string) *tmuxSession {
	t.Helper()
	tmuxPath := requireTool(t, "tmux")

	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	if err := os.Mkdir(home, 0o755); err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(dir, "tmux.conf")
	if err := os.WriteFile(config, []byte(tmuxConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	s := &tmuxSession{
		t:      t,
		tmux:   tmuxPath,
		socket: fmt.Sprintf("iomt-e2e-%d-%d", os.Getpid(), socketSeq.Add(1)),
		config: config,
		name:   "iomt",
		// No TMUX (works inside tmux too), no user settings; sockets
		// under our scratch folder.
		env: []string{
			"PATH=" + filepath.Dir(tmuxPath) + string(os.PathListSeparator) + "/usr/bin:/bin",
			"HOME=" + home,
			"TERM=xterm-256color",
			"LANG=C.UTF-8",
			"TMUX_TMPDIR=" + scratch,
		},
	}
	// The program itself also gets a clean environment: env -i drops what
	// tmux adds (TMUX, TMUX_PANE, its own TERM).
	progEnv := []string{"env", "-i", "TERM=xterm-256color", "LANG=C.UTF-8", "HOME=" + home, "PATH=/usr/bin:/bin"}
	newSession := append([]string{"new-session", "-d", "-s", s.name,
		"-x", strconv.Itoa(width), "-y", strconv.Itoa(height)}, progEnv...)
	newSession = append(newSession, args...)

	t.Cleanup(func() {
		if t.Failed() && !s.shown {
			if screen, err := s.run("capture-pane", "-p", "-t", s.name); err == nil {
				t.Logf("screen when the test ended (%s):\n%s", s.name, frame(screen))
			}
		}
		// kill-server may report that the server went away; that is the point.
		_, _ = s.run("kill-server")
	})
	if _, err := s.run(newSession...); err != nil {
		t.Fatalf("starting tmux: %v", err)
	}
	return s
}

// run runs one tmux client command against the private server.
func (s *tmuxSession) run(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), tmuxCmdTimeout)
	defer cancel()
	full := append([]string{"-L", s.socket, "-f", s.config}, args...)
	cmd := exec.CommandContext(ctx, s.tmux, full...)
	cmd.Env = s.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("tmux %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

func (s *tmuxSession) mustRun(args ...string) string {
	s.t.Helper()
	out, err := s.run(args...)
	if err != nil {
		s.t.Fatal(err)
	}
	return out
}

// Keys sends tmux key names (e.g. "Enter", "Escape", "C-r") one by one.
func (s *tmuxSession) Keys(keys ...string) {
	s.t.Helper()
	s.mustRun(append([]string{"send-keys", "-t", s.name}, keys...)...)
}

// Type sends text literally, character by character, as typed.
func (s *tmuxSession) Type(text string) {
	s.t.Helper()
	s.mustRun("send-keys", "-t", s.name, "-l", text)
}

// Screen is what the pane shows now, as plain text.
func (s *tmuxSession) Screen() string {
	s.t.Helper()
	return s.mustRun("capture-pane", "-p", "-t", s.name)
}

// StyledScreen is what the pane shows now, with the colours and attributes
// as SGR escape sequences (capture-pane -e).
func (s *tmuxSession) StyledScreen() string {
	s.t.Helper()
	return s.mustRun("capture-pane", "-p", "-e", "-t", s.name)
}

// WaitFor polls the screen until ok accepts it, and returns that screen.
// It fails the test, showing the last screen, after waitTimeout.
func (s *tmuxSession) WaitFor(what string, ok func(screen string) bool) string {
	s.t.Helper()
	return s.waitFor(what, false, ok)
}

// WaitForStyled is WaitFor on the styled screen (see StyledScreen).
func (s *tmuxSession) WaitForStyled(what string, ok func(styled string) bool) string {
	s.t.Helper()
	return s.waitFor(what, true, ok)
}

// WaitForText waits until every one of texts is on the screen.
func (s *tmuxSession) WaitForText(texts ...string) string {
	s.t.Helper()
	return s.WaitFor(fmt.Sprintf("screen showing %q", texts), func(screen string) bool {
		return testkit.ContainsAll(screen, texts...)
	})
}

func (s *tmuxSession) waitFor(what string, styled bool, ok func(string) bool) string {
	s.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	var last string
	for {
		args := []string{"capture-pane", "-p", "-t", s.name}
		if styled {
			args = append(args, "-e")
		}
		screen, err := s.run(args...)
		if err == nil {
			last = screen
			if ok(screen) {
				return screen
			}
		}
		if time.Now().After(deadline) {
			if styled {
				last = stripANSI(last)
			}
			s.shown = true
			if err != nil {
				s.t.Fatalf("waiting %v for %s: %v; last screen:\n%s", waitTimeout, what, err, frame(last))
			}
			s.t.Fatalf("waiting %v for %s; last screen:\n%s", waitTimeout, what, frame(last))
		}
		time.Sleep(pollInterval)
	}
}

// paneState is what tmux knows about the program in the pane: closed when
// the terminal has been let go (pane_dead), exited with status once tmux
// has also reaped the process (status is 128+N for signal N).
func (s *tmuxSession) paneState() (closed, exited bool, status int, err error) {
	out, err := s.run("display-message", "-p", "-t", s.name, "#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}")
	if err != nil {
		return false, false, 0, err
	}
	fields := strings.Split(strings.TrimSpace(out), ":")
	if len(fields) != 3 || fields[0] != "1" {
		return false, false, 0, nil
	}
	if n, err := strconv.Atoi(fields[1]); err == nil {
		return true, true, n, nil
	}
	if n, err := strconv.Atoi(fields[2]); err == nil {
		return true, true, 128 + n, nil
	}
	return true, false, 0, nil
}

// Running fails the test if the program has ended.
func (s *tmuxSession) Running() {
	s.t.Helper()
	closed, _, status, err := s.paneState()
	if err != nil {
		s.t.Fatalf("program state: %v", err)
	}
	if closed {
		s.shown = true
		s.t.Fatalf("program ended (exit status %d) but should still run; screen:\n%s", status, frame(s.Screen()))
	}
}

// WaitExit waits until the program has ended and returns its exit status.
//
// tmux built with libutempter (Debian, Ubuntu) can miss the SIGCHLD of a
// pane whose program exits while utempter runs its helper for that very
// pane (tmux/tmux#311): the pane shows as dead, the process stays a zombie
// and the status never comes. When the pane has been closed for a while
// without a status, WaitExit sends SIGCHLD to this test's own tmux server
// so that it reaps the process.
func (s *tmuxSession) WaitExit() int {
	s.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	var closedSince time.Time
	for {
		closed, exited, status, err := s.paneState()
		if err == nil && exited {
			return status
		}
		if closed {
			if closedSince.IsZero() {
				closedSince = time.Now()
			} else if time.Since(closedSince) >= 200*time.Millisecond {
				s.t.Logf("pane closed but tmux has no exit status after 200ms: sending SIGCHLD to its server (tmux/tmux#311)")
				s.nudgeServer()
				closedSince = time.Now()
			}
		}
		if time.Now().After(deadline) {
			screen, _ := s.run("capture-pane", "-p", "-t", s.name)
			s.shown = true
			s.t.Fatalf("program still running %v after it was asked to quit (last error: %v)%s; screen:\n%s", waitTimeout, err, s.processInfo(), frame(screen))
		}
		time.Sleep(pollInterval)
	}
}

// nudgeServer sends SIGCHLD to this session's tmux server (see WaitExit).
func (s *tmuxSession) nudgeServer() {
	out, err := s.run("display-message", "-p", "#{pid}")
	if err != nil {
		return
	}
	if pid, err := strconv.Atoi(strings.TrimSpace(out)); err == nil && pid > 1 {
		_ = syscall.Kill(pid, syscall.SIGCHLD)
	}
}

// processInfo describes the pane's process for a failure message: tmux's
// view of it and, where ps exists, the process's state.
func (s *tmuxSession) processInfo() string {
	out, err := s.run("display-message", "-p", "-t", s.name,
		"pane_pid=#{pane_pid} pane_dead=#{pane_dead} pane_dead_status=#{pane_dead_status} pane_dead_signal=#{pane_dead_signal}")
	if err != nil {
		return ""
	}
	info := "\ntmux: " + strings.TrimSpace(out)
	if _, pid, ok := strings.Cut(strings.Fields(out)[0], "="); ok {
		ctx, cancel := context.WithTimeout(context.Background(), tmuxCmdTimeout)
		defer cancel()
		if ps, err := exec.CommandContext(ctx, "ps", "-o", "pid,ppid,stat,etime,args", "-p", pid).CombinedOutput(); len(ps) > 0 {
			info += "\nps:\n" + strings.TrimRight(string(ps), "\n")
			_ = err
		}
	}
	return info
}

// Resize changes the terminal size, as a user dragging the window would.
func (s *tmuxSession) Resize(width, height int) {
	s.t.Helper()
	s.mustRun("resize-window", "-t", s.name, "-x", strconv.Itoa(width), "-y", strconv.Itoa(height))
}

// showing frames screen for a failure message, and notes that the screen
// need not be shown again when the test ends.
func (s *tmuxSession) showing(screen string) string {
	s.shown = true
	return frame(screen)
}

// frame draws a ruler around a screen so trailing blanks are visible in
// failure messages.
func frame(screen string) string {
	var b strings.Builder
	b.WriteString("----- screen -----\n")
	b.WriteString(strings.TrimRight(screen, "\n"))
	b.WriteString("\n------------------")
	return b.String()
}
