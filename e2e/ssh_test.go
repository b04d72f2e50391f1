package e2e

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"iomt/internal/testkit"
)

// ---------------------------------------------------------------------------
// `iomt serve`, used with the real OpenSSH client inside tmux.

// serveProcess is `iomt serve` running as a subprocess.
type serveProcess struct {
	cmd    *exec.Cmd
	dir    string // its working folder
	tmp    string // its TMPDIR, empty at start
	log    *testkit.Buffer
	exited chan struct{} // closed when the process has been waited for
	err    error         // cmd.Wait's result, once exited
}

// startServe runs `iomt serve args...` in a fresh working folder and waits
// until it logs that it is serving. The process is killed if the test ends
// with it still running; its log is shown when the test fails.
func startServe(t *testing.T, args ...string) *serveProcess {
	t.Helper()
	p := &serveProcess{dir: t.TempDir(), tmp: t.TempDir(), log: &testkit.Buffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(binary, append([]string{"serve"}, args...)...)
	p.cmd.Dir = p.dir
	p.cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir(), "LANG=C.UTF-8", "TMPDIR=" + p.tmp}
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting iomt serve: %v", err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
		if t.Failed() {
			t.Logf("iomt serve log:\n%s", p.log.String())
		}
	})
	deadline := time.Now().Add(waitTimeout)
	for !strings.Contains(p.log.String(), "serving") {
		select {
		case <-p.exited:
			t.Fatalf("iomt serve exited before serving (%v):\n%s", p.err, p.log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("iomt serve did not log \"serving\" within %v:\n%s", waitTimeout, p.log.String())
		}
		time.Sleep(pollInterval)
	}
	return p
}

// waitLog waits until one line of the server's log holds every one of
// texts.
func (p *serveProcess) waitLog(t *testing.T, texts ...string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		for _, line := range strings.Split(p.log.String(), "\n") {
			if testkit.ContainsAll(line, texts...) {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no line of the server log holds %q after 30 s:\n%s", texts, p.log.String())
		}
		time.Sleep(pollInterval)
	}
}

// terminate sends SIGTERM and requires the server to exit with status 0
// within 3 s; it returns how long that took.
func (p *serveProcess) terminate(t *testing.T) time.Duration {
	t.Helper()
	signalled := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	select {
	case <-p.exited:
		if p.err != nil {
			t.Errorf("iomt serve after SIGTERM: %v, want exit status 0", p.err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("iomt serve still running 3 s after SIGTERM")
	}
	return time.Since(signalled)
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// sshKey creates an ed25519 key pair with ssh-keygen and returns the
// private key's path (the public key is path + ".pub").
func sshKey(t *testing.T, keygen, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, keygen, "-q", "-t", "ed25519", "-N", "", "-C", name+"@iomt-e2e", "-f", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	return path
}

// sshArgs is the ssh command line for a session as demo@127.0.0.1:port
// with the given key and nothing from the user's own configuration.
func sshArgs(ssh, key, port string, extra ...string) []string {
	args := []string{ssh, "-F", "/dev/null", "-i", key, "-o", "IdentitiesOnly=yes",
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
		"-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=10",
		"-p", port, "demo@127.0.0.1"}
	return append(args, extra...)
}

func TestSSHServe(t *testing.T) {
	t.Parallel()
	requireTool(t, "tmux")
	ssh := requireTool(t, "ssh")
	keygen := requireTool(t, "ssh-keygen")

	dir := t.TempDir()
	user := sshKey(t, keygen, dir, "user")
	stranger := sshKey(t, keygen, dir, "stranger")
	pub, err := os.ReadFile(user + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	authorized := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(authorized, pub, 0o600); err != nil {
		t.Fatal(err)
	}
	hostKey := filepath.Join(dir, "host", "host_ed25519") // created by the server
	port := freePort(t)
	srv := startServe(t, "--listen", "127.0.0.1:"+port, "--host-key", hostKey, "--authorized-keys", authorized)

	if info, err := os.Stat(hostKey); err != nil {
		t.Errorf("the host key was not created: %v", err)
	} else if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("host key mode %#o, want 0600", perm)
	}

	// The listed key: the dashboard, 2, j, + and the change on screen.
	s := startTmux(t, 120, 40, sshArgs(ssh, user, port)...)
	s.WaitFor("the dashboard over ssh", func(screen string) bool {
		return testkit.ContainsAll(screen, "Scenario: Base", "1 Component", "2 Application", "Medical Dev")
	})
	s.Type("2")
	s.WaitFor("the Application tab", func(screen string) bool {
		return testkit.ContainsAll(screen, "Telemedicine", "Inpatient Monitor") && !strings.Contains(screen, "Medical Dev")
	})
	s.Type("j")
	s.WaitForStyled("Telemedicine selected", func(styled string) bool {
		return highlighted(styled, "Telemedicine") && !highlighted(styled, "Total")
	})
	s.Type("+")
	waitRowCAGR(s, "Telemedicine", "19.5", true)

	// q asks about the unsaved change; y ends the session and ssh.
	s.Type("q")
	s.WaitForText("Quit? y/n")
	s.Type("y")
	if status := s.WaitExit(); status != 0 {
		t.Errorf("ssh exit status after q, y: %d, want 0", status)
	}
	assertScreenRestored(t, s)

	// A key that is not in the file is refused at authentication.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	refused := exec.CommandContext(ctx, ssh, sshArgs(ssh, stranger, port, "true")[1:]...)
	refused.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir(), "LANG=C.UTF-8"}
	out, err := refused.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Errorf("ssh with an unlisted key still running after 20 s:\n%s", out)
	case !errors.As(err, &exit) || exit.ExitCode() != 255:
		t.Errorf("ssh with an unlisted key: %v, want exit status 255 (refused)\n%s", err, out)
	case !strings.Contains(string(out), "Permission denied"):
		t.Errorf("ssh with an unlisted key: no \"Permission denied\":\n%s", out)
	}

	// A session open when the server gets SIGTERM: it is told goodbye and
	// ssh ends; the server exits 0 within 3 s.
	live := startTmux(t, 120, 40, sshArgs(ssh, user, port)...)
	live.WaitFor("a second dashboard over ssh", func(screen string) bool {
		return testkit.ContainsAll(screen, "Scenario: Base", "1 Component")
	})
	srv.terminate(t)
	live.WaitForText("the server is shutting down. Goodbye.")
	if status := live.WaitExit(); status != 0 {
		t.Errorf("ssh exit status after the server said goodbye: %d, want 0", status)
	}

	// Nothing was written into the server's working folder.
	entries, err := os.ReadDir(srv.dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("iomt serve wrote %q into its working folder", e.Name())
	}
}
