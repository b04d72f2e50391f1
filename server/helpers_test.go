package server

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/log/v2"
	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"iomt/assets"
	"iomt/internal/testkit"
	"iomt/model"
)

const (
	// waitTimeout bounds every wait for a screen, an exit or a server.
	waitTimeout = 10 * time.Second
	// dialTimeout bounds one SSH connection and handshake.
	dialTimeout = 10 * time.Second
)

// The embedded dataset and its Base (report) scenario, as `iomt serve`
// loads them. Read-only: every server in the tests shares them.
var (
	testDS      *model.Dataset
	testBase    *model.Scenario
	testBuiltin []model.Builtin
)

func init() {
	var err error
	testDS, err = model.LoadDataset(assets.DatasetName, assets.Dataset())
	if err != nil {
		panic(err)
	}
	if testBuiltin, err = model.ReadBuiltins(assets.Scenarios()); err != nil {
		panic(err)
	}
	for _, b := range testBuiltin {
		if b.File == "base.yaml" {
			if testBase, err = model.LoadScenario(b.File, b.Data, testDS); err != nil {
				panic(err)
			}
		}
	}
	if testBase == nil {
		panic("no base.yaml among the embedded scenarios")
	}
}

// testServer is a Server serving on a 127.0.0.1 ephemeral port.
type testServer struct {
	t       *testing.T
	srv     *Server
	cfg     Config
	addr    string
	hostKey gossh.PublicKey
	logs    *testkit.Buffer
	served  chan error // Serve's result
	stopped bool
}

// startServer builds a server from cfg (the embedded dataset, a host key
// in a temporary folder and a logger into a buffer unless cfg says
// otherwise), serves it on 127.0.0.1:0 and shuts it down when the test
// ends. The log is shown when the test fails.
func startServer(t *testing.T, cfg Config) *testServer {
	t.Helper()
	return startServerLogging(t, cfg, 0)
}

// startServerLogging is startServer with a log writer that takes delay
// for every line: a slow disk or terminal widens the windows between
// what the server does and what it logs, where races hide.
func startServerLogging(t *testing.T, cfg Config, delay time.Duration) *testServer {
	t.Helper()
	if cfg.HostKey == "" {
		cfg.HostKey = filepath.Join(t.TempDir(), "host_ed25519")
	}
	if cfg.Dataset == nil {
		cfg.Dataset, cfg.Base, cfg.Builtin = testDS, testBase, testBuiltin
	}
	logs := &testkit.Buffer{}
	if cfg.Logger == nil {
		var w io.Writer = logs
		if delay > 0 {
			w = slowWriter{w, delay}
		}
		cfg.Logger = log.NewWithOptions(w, log.Options{Level: log.DebugLevel, ReportTimestamp: true, TimeFormat: "15:04:05.000"})
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	hostKey := readHostPublicKey(t, cfg.HostKey)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{t: t, srv: srv, cfg: cfg, addr: ln.Addr().String(), hostKey: hostKey, logs: logs, served: make(chan error, 1)}
	go func() { ts.served <- srv.Serve(ln) }()
	if cfg.RateBurst == 0 { // a probe would spend one of the limiter's tokens
		ts.waitServing()
	}
	t.Cleanup(func() {
		if !ts.stopped {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := srv.Shutdown(ctx); err != nil {
				t.Errorf("Shutdown at the end of the test: %v", err)
			}
			select {
			case err := <-ts.served:
				if err != nil {
					t.Errorf("Serve after Shutdown: %v", err)
				}
			case <-time.After(waitTimeout):
				t.Errorf("Serve did not return %v after Shutdown", waitTimeout)
			}
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return ts
}

// slowWriter writes to w after a delay.
type slowWriter struct {
	w     io.Writer
	delay time.Duration
}

func (s slowWriter) Write(p []byte) (int, error) {
	time.Sleep(s.delay)
	return s.w.Write(p)
}

// waitServing waits until Serve accepts connections: the server's SSH
// banner arrives. The listener queues connections before Serve runs.
func (ts *testServer) waitServing() {
	ts.t.Helper()
	conn, err := net.DialTimeout("tcp", ts.addr, dialTimeout)
	if err != nil {
		ts.t.Fatalf("probe: %v", err)
	}
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(waitTimeout))
	banner := make([]byte, 0, 64)
	buf := make([]byte, 64)
	for !bytes.Contains(banner, []byte("\n")) {
		n, err := conn.Read(buf)
		if err != nil {
			ts.t.Fatalf("probe: no SSH banner (%q so far): %v", banner, err)
		}
		banner = append(banner, buf[:n]...)
	}
	if !bytes.HasPrefix(banner, []byte("SSH-2.0-")) {
		ts.t.Fatalf("probe: banner %q, want SSH-2.0-…", banner)
	}
	// The probe holds a connection slot until the server sees it close:
	// a test of the session cap must start from none.
	_ = conn.Close()
	waitConnections(ts.t, ts, 0)
}

// waitLog waits until the server's log holds a line with every one of
// texts: some lines are written after the client has seen the outcome.
func (ts *testServer) waitLog(texts ...string) {
	ts.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		for _, line := range strings.Split(ts.logs.String(), "\n") {
			if testkit.ContainsAll(line, texts...) {
				return
			}
		}
		if time.Now().After(deadline) {
			ts.t.Fatalf("no log line with %q within %v:\n%s", texts, waitTimeout, ts.logs.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// shutdown calls Shutdown with a deadline of d and returns its error, and
// checks that Serve returns nil.
func (ts *testServer) shutdown(d time.Duration) error {
	ts.t.Helper()
	ts.stopped = true
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	err := ts.srv.Shutdown(ctx)
	select {
	case serr := <-ts.served:
		if serr != nil {
			ts.t.Errorf("Serve returned %v after Shutdown, want nil", serr)
		}
	case <-time.After(waitTimeout):
		ts.t.Errorf("Serve did not return %v after Shutdown", waitTimeout)
	}
	return err
}

// readHostPublicKey reads the public half of the host key at path.
func readHostPublicKey(t *testing.T, path string) gossh.PublicKey {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading host key: %v", err)
	}
	signer, err := gossh.ParsePrivateKey(data)
	if err != nil {
		t.Fatalf("parsing host key %s: %v", path, err)
	}
	return signer.PublicKey()
}

// newKey returns a fresh ed25519 client key.
func newKey(t testing.TB) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return signer
}

// writeKeys writes the public halves of keys in authorized_keys format
// to a new file and returns its path.
func writeKeys(t *testing.T, name string, keys ...gossh.Signer) string {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("# test keys\n\n")
	for i, k := range keys {
		line := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(k.PublicKey())))
		fmt.Fprintf(&b, "%s test-key-%d\n", line, i)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// keyboardInteractive is an audience member without a key: it answers
// any questions with empty strings.
func keyboardInteractive() gossh.AuthMethod {
	return gossh.KeyboardInteractive(func(_, _ string, questions []string, _ []bool) ([]string, error) {
		return make([]string, len(questions)), nil
	})
}

// dial connects to the test server and authenticates with auth, checking
// the server's host key. The handshake is bounded by dialTimeout too
// (ClientConfig.Timeout bounds only the TCP connect).
func (ts *testServer) dial(auth ...gossh.AuthMethod) (*gossh.Client, error) {
	cfg := &gossh.ClientConfig{
		User:            "demo",
		Auth:            auth,
		HostKeyCallback: gossh.FixedHostKey(ts.hostKey),
	}
	conn, err := net.DialTimeout("tcp", ts.addr, dialTimeout)
	if err != nil {
		return nil, err
	}
	_ = conn.SetDeadline(time.Now().Add(dialTimeout))
	c, chans, reqs, err := gossh.NewClientConn(conn, ts.addr, cfg)
	if err != nil {
		_ = conn.Close()
		return nil, err
	}
	_ = conn.SetDeadline(time.Time{})
	return gossh.NewClient(c, chans, reqs), nil
}

// termOpts shape a session opened by openTerm.
type termOpts struct {
	noPty       bool               // no pty-req at all
	beforeShell func(*term)        // runs after the pty request, before the shell
	command     string             // an exec request instead of a shell
	auth        []gossh.AuthMethod // default keyboard-interactive
}

// term is one SSH session with a terminal emulator reading its output.
type term struct {
	t      *testing.T
	name   string
	client *gossh.Client
	sess   *gossh.Session
	stdin  io.WriteCloser

	mu     sync.Mutex
	vt     *vt
	raw    bytes.Buffer
	update chan struct{} // woken (coalesced) on every output

	outDone  chan struct{} // closed when the output ends
	waitDone chan struct{} // closed when Wait returned
	waitErr  error
	shown    bool
}

// openTerm connects, asks for a w×h terminal (unless opts.noPty) and
// starts a shell. It fails the test when any step fails; the connection is
// closed when the test ends.
func (ts *testServer) openTerm(name string, w, h int, opts termOpts) *term {
	t := ts.t
	t.Helper()
	auth := opts.auth
	if auth == nil {
		auth = []gossh.AuthMethod{keyboardInteractive()}
	}
	client, err := ts.dial(auth...)
	if err != nil {
		t.Fatalf("%s: dial: %v", name, err)
	}
	tm := &term{t: t, name: name, client: client, vt: newVT(w, h), update: make(chan struct{}, 1),
		outDone: make(chan struct{}), waitDone: make(chan struct{})}
	t.Cleanup(tm.close)
	// Requests wait for the server's reply: a server that never answers
	// (a hung request loop) must fail the test, not hang it. Closing the
	// connection makes every pending request return an error.
	watchdog := time.AfterFunc(waitTimeout, func() { _ = client.Close() })
	defer watchdog.Stop()
	tm.sess, err = client.NewSession()
	if err != nil {
		t.Fatalf("%s: new session: %v", name, err)
	}
	tm.stdin, err = tm.sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := tm.sess.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	tm.sess.Stderr = tm // the server writes everything to stdout; be safe
	if !opts.noPty {
		if err := tm.sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{gossh.ECHO: 0}); err != nil {
			t.Fatalf("%s: pty request: %v", name, err)
		}
	}
	if opts.beforeShell != nil {
		opts.beforeShell(tm)
	}
	go func() {
		defer close(tm.outDone)
		_, _ = io.Copy(tm, stdout)
	}()
	if opts.command != "" {
		err = tm.sess.Start(opts.command)
	} else {
		err = tm.sess.Shell()
	}
	if err != nil {
		t.Fatalf("%s: shell or exec request (the connection is closed after %v without a reply): %v", name, waitTimeout, err)
	}
	go func() {
		defer close(tm.waitDone)
		<-tm.outDone
		tm.waitErr = tm.sess.Wait()
	}()
	return tm
}

// Write is where the session's output goes.
func (tm *term) Write(p []byte) (int, error) {
	tm.mu.Lock()
	tm.raw.Write(p)
	_, _ = tm.vt.Write(p)
	tm.mu.Unlock()
	select {
	case tm.update <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (tm *term) close() {
	if tm.sess != nil {
		_ = tm.sess.Close()
	}
	_ = tm.client.Close()
}

// Screen is what the terminal shows now.
func (tm *term) Screen() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.vt.String()
}

// Text is everything the session wrote, escape sequences removed.
func (tm *term) Text() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return ansi.Strip(tm.raw.String())
}

// RawLen is how many bytes the session wrote so far.
func (tm *term) RawLen() int {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.raw.Len()
}

// showing frames the screen for a failure message.
func (tm *term) showing(screen string) string {
	tm.shown = true
	return fmt.Sprintf("----- %s -----\n%s\n------------------", tm.name, strings.TrimRight(screen, "\n"))
}

// Press types keys.
func (tm *term) Press(keys string) {
	tm.t.Helper()
	if _, err := io.WriteString(tm.stdin, keys); err != nil {
		tm.t.Fatalf("%s: typing %q: %v", tm.name, keys, err)
	}
}

// Resize changes the terminal to w×h, as a user dragging the window: the
// emulator's grid first, then a window-change request to the server.
func (tm *term) Resize(w, h int) {
	tm.t.Helper()
	tm.mu.Lock()
	tm.vt.resize(w, h)
	tm.mu.Unlock()
	if err := tm.sess.WindowChange(h, w); err != nil {
		tm.t.Fatalf("%s: window change: %v", tm.name, err)
	}
}

// WaitFor waits until ok accepts the screen and returns that screen. It
// fails the test after waitTimeout, or when the output ends first.
func (tm *term) WaitFor(what string, ok func(screen string) bool) string {
	tm.t.Helper()
	return tm.waitFor(waitTimeout, what, ok)
}

// waitFor is WaitFor bounded by d.
func (tm *term) waitFor(d time.Duration, what string, ok func(screen string) bool) string {
	tm.t.Helper()
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		screen := tm.Screen()
		if ok(screen) {
			return screen
		}
		select {
		case <-tm.update:
		case <-tm.outDone:
			screen := tm.Screen()
			if ok(screen) {
				return screen
			}
			tm.t.Fatalf("%s: the session ended while waiting for %s; screen:\n%s\ntext:\n%s", tm.name, what, tm.showing(screen), tm.Text())
		case <-timer.C:
			tm.t.Fatalf("%s: waited %v for %s; screen:\n%s", tm.name, d, what, tm.showing(tm.Screen()))
		}
	}
}

// WaitText waits until every one of texts is on the screen.
func (tm *term) WaitText(texts ...string) string {
	tm.t.Helper()
	return tm.WaitFor(fmt.Sprintf("%q", texts), func(screen string) bool { return testkit.ContainsAll(screen, texts...) })
}

// WaitDashboard waits for the dashboard's first screen.
func (tm *term) WaitDashboard() string {
	tm.t.Helper()
	return tm.WaitFor("the dashboard", isDashboard)
}

func isDashboard(screen string) bool {
	return testkit.ContainsAll(screen, "Scenario: Base", "1 Component", "2 Application", "Medical Dev")
}

// WaitExit waits for the session to end and returns its exit status.
func (tm *term) WaitExit() int {
	tm.t.Helper()
	select {
	case <-tm.waitDone:
	case <-time.After(waitTimeout):
		tm.t.Fatalf("%s: the session did not end within %v; screen:\n%s", tm.name, waitTimeout, tm.showing(tm.Screen()))
	}
	var exit *gossh.ExitError
	switch {
	case tm.waitErr == nil:
		return 0
	case errors.As(tm.waitErr, &exit):
		return exit.ExitStatus()
	default:
		tm.t.Fatalf("%s: session ended without an exit status: %v", tm.name, tm.waitErr)
		return -1
	}
}

// Ended reports whether the session's output has ended.
func (tm *term) Ended() bool {
	select {
	case <-tm.outDone:
		return true
	default:
		return false
	}
}

// rowCAGR is a WaitFor condition: row name shows the given CAGR.
func rowCAGR(name, cagr string) func(string) bool {
	return func(screen string) bool {
		row, ok := testkit.FindTreeRow(screen, name)
		return ok && row.CAGR == cagr
	}
}
