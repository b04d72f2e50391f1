// Command iomt-load is a load harness for `iomt serve`: it opens many SSH
// sessions at once, each with a terminal, waits for every dashboard, then
// has every session press keys and measures how long the first output of
// each keypress takes, how much output a keypress costs, how much memory
// the server holds per session and whether its goroutines go back to
// where they were once everyone has left.
//
// By default it starts the server in this process (so it can count the
// server's goroutines); with -addr it connects to a running one instead,
// and with -server-pid reads that process's memory.
//
// With -follow it measures a demo instead: the first session presents and
// the others follow; only the presenter types, and every keypress is
// timed to the first output on each follower's screen. With -addr given
// more than once (the servers of a demo mesh, see `iomt serve --nats`),
// the presenter joins the first and the followers are spread over all of
// them, each server's latency reported apart; -presenter-key is then the
// key the servers' --presenter-keys list, and -nats-monitor the NATS
// servers' monitoring addresses, to count the messages and bytes a key
// costs on the wire. With -analysts K,
// K of the followers fork a private copy and press m, esc, t, esc in a
// loop meanwhile (on a deep segment, where t moves 500 assumptions), and
// are not timed: what their analyses cost the audience shows in the
// others' latency. -limits serves a dataset at the documented limits
// (15,151 nodes × 51 years) in place of the IoMT dataset.
//
//	go run ./cmd/iomt-load -n 200 -keys 20
//	go run ./cmd/iomt-load -n 200 -keys 20 -follow
//	go run ./cmd/iomt-load -n 41 -keys 20 -follow -analysts 20 -limits
//	iomt serve --listen 127.0.0.1:2222 --host-key /tmp/hk --max-sessions 300 --rate-burst 0 &
//	go run ./cmd/iomt-load -addr 127.0.0.1:2222 -server-pid $!
//	go run ./cmd/iomt-load -follow -n 401 -addr 127.0.0.1:2222 -addr 127.0.0.1:2223 \
//	    -presenter-key /tmp/presenter -nats-monitor http://127.0.0.1:8222
//
// Every wait is bounded; the whole run is bounded by -deadline. Only
// 127.0.0.1 is used.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	crand "crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"charm.land/log/v2"
	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"iomt/assets"
	"iomt/internal/testkit"
	"iomt/model"
	"iomt/server"
)

type options struct {
	exec        string
	addr        string   // the first of addrs
	addrs       []string // -addr, each time it is given
	presKey     string   // -presenter-key
	monitors    []string // -nats-monitor
	serverPID   int
	n           int
	keys        int
	think       time.Duration
	quiet       time.Duration
	width       int
	height      int
	dials       int
	waitTimeout time.Duration
	deadline    time.Duration
	cpuProfile  string
	memProfile  string
	verbose     bool
	follow      bool
	analysts    int
	analysis    time.Duration
	limits      bool
}

func main() {
	var o options
	flag.StringVar(&o.exec, "exec", "", "start this iomt binary's `serve` as a child process on 127.0.0.1 and load it (its memory and CPU are then the server's alone)")
	flag.Func("addr", "connect to this running server (127.0.0.1:PORT) instead of starting one in this process; again for each server of a demo mesh (-follow spreads the followers over them)", func(v string) error {
		o.addrs = append(o.addrs, v)
		return nil
	})
	flag.StringVar(&o.presKey, "presenter-key", "", "with -follow and -addr: the presenter's private key (OpenSSH format), listed in the servers' --presenter-keys")
	flag.Func("nats-monitor", "with -follow and -addr: a NATS server's monitoring address (http://127.0.0.1:8222), again for each: counts what a key costs on the wire", func(v string) error {
		o.monitors = append(o.monitors, strings.TrimSuffix(v, "/"))
		return nil
	})
	flag.IntVar(&o.serverPID, "server-pid", 0, "with -addr: the server's process id, to read its memory from /proc")
	flag.IntVar(&o.n, "n", 200, "sessions open at once")
	flag.IntVar(&o.keys, "keys", 20, "keypresses per session after j: + and - alternating")
	flag.DurationVar(&o.think, "think", time.Second, "mean pause between one key's last output and the next key (uniform in [think/2, 3·think/2]); 0: press at once")
	flag.DurationVar(&o.quiet, "quiet", 30*time.Millisecond, "a keypress's output is complete after this long without output")
	flag.IntVar(&o.width, "width", 100, "terminal columns")
	flag.IntVar(&o.height, "height", 30, "terminal rows")
	flag.IntVar(&o.dials, "dials", 16, "connections being set up at once")
	flag.DurationVar(&o.waitTimeout, "timeout", 10*time.Second, "bound on every single wait: a handshake, a dashboard, a keypress's first output")
	flag.DurationVar(&o.deadline, "deadline", 5*time.Minute, "bound on the whole run")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the key phase to this file")
	flag.StringVar(&o.memProfile, "memprofile", "", "write a heap profile with every session open to this file (in process)")
	flag.BoolVar(&o.verbose, "v", false, "log the in-process server to stderr")
	flag.BoolVar(&o.follow, "follow", false, "a demo: the first session presents and types, the others follow; times each key to every follower's first output")
	flag.IntVar(&o.analysts, "analysts", 0, "with -follow: this many followers fork and press m, esc, t, esc in a loop while the presenter types (not timed)")
	flag.DurationVar(&o.analysis, "analysis-think", time.Second, "with -analysts: how long an analyst leaves m and t running before esc")
	flag.BoolVar(&o.limits, "limits", false, "serve a dataset at the documented limits (15,151 nodes × 51 years) instead of the IoMT dataset")
	flag.Parse()
	if len(o.addrs) > 0 {
		o.addr = o.addrs[0]
	}
	if o.n < 1 || o.keys < 0 || o.width < 1 || o.height < 1 || o.dials < 1 {
		fmt.Fprintln(os.Stderr, "iomt-load: -n, -dials, -width and -height must be positive, -keys not negative")
		os.Exit(2)
	}
	if o.addr != "" && o.exec != "" {
		fmt.Fprintln(os.Stderr, "iomt-load: -addr and -exec exclude each other")
		os.Exit(2)
	}
	if o.follow && (o.n < 2 || o.addr != "" && o.presKey == "") {
		fmt.Fprintln(os.Stderr, "iomt-load: -follow needs -n 2 or more, and with -addr the presenter's key (-presenter-key) that the servers list")
		os.Exit(2)
	}
	if (o.presKey != "" || len(o.monitors) > 0) && (o.addr == "" || !o.follow) {
		fmt.Fprintln(os.Stderr, "iomt-load: -presenter-key and -nats-monitor go with -follow and -addr")
		os.Exit(2)
	}
	if o.analysts < 0 || o.analysts > 0 && (!o.follow || o.analysts > o.n-2) {
		fmt.Fprintln(os.Stderr, "iomt-load: -analysts needs -follow, and at least one follower left to time (-n above analysts + 1)")
		os.Exit(2)
	}
	if o.limits && o.addr != "" {
		fmt.Fprintln(os.Stderr, "iomt-load: -limits needs a server it starts itself (not -addr)")
		os.Exit(2)
	}
	for _, addr := range o.addrs {
		host, _, err := net.SplitHostPort(addr)
		if err != nil || (host != "127.0.0.1" && host != "localhost") {
			fmt.Fprintln(os.Stderr, "iomt-load: -addr must be 127.0.0.1:PORT")
			os.Exit(2)
		}
	}
	for _, m := range o.monitors {
		if !strings.HasPrefix(m, "http://127.0.0.1:") && !strings.HasPrefix(m, "http://localhost:") {
			fmt.Fprintln(os.Stderr, "iomt-load: -nats-monitor must be http://127.0.0.1:PORT")
			os.Exit(2)
		}
	}
	sum, err := run(o, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "iomt-load:", err)
		os.Exit(1)
	}
	if !sum.ok {
		os.Exit(1)
	}
}

// target is the server under load: in this process, or another one.
type target struct {
	more    []*target // the other servers of a demo mesh (-addr again)
	addr    string
	hostKey gossh.HostKeyCallback
	srv     *server.Server // nil with -addr and -exec
	served  chan error
	child   *exec.Cmd                     // with -exec
	exited  chan error                    // the child's Wait
	rss     func() (int64, error)         // the server's resident memory in bytes
	cpu     func() (time.Duration, error) // the server's CPU time so far
}

func startInProcess(o options, dir, presenterKeys string) (*target, error) {
	ds, base, builtin, err := dataset(o)
	if err != nil {
		return nil, err
	}
	logOut := io.Discard
	if o.verbose {
		logOut = os.Stderr
	}
	hostKey := filepath.Join(dir, "host_ed25519")
	srv, err := server.New(server.Config{
		Listen: "127.0.0.1:0", HostKey: hostKey,
		MaxSessions:   o.n + 10, // room for all, and a cap still in force
		PresenterKeys: presenterKeys,
		Dataset:       ds, Base: base, Builtin: builtin,
		Logger: log.New(logOut),
	})
	if err != nil {
		return nil, err
	}
	hostKeyCheck, err := fixedHostKey(hostKey)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	t := &target{addr: ln.Addr().String(), hostKey: hostKeyCheck, srv: srv,
		served: make(chan error, 1), rss: func() (int64, error) { return vmRSS("/proc/self/status") }, cpu: selfCPU}
	go func() { t.served <- srv.Serve(ln) }()
	return t, nil
}

// dataset is what the server serves: the IoMT dataset and its built-in
// scenarios, or with -limits one at the documented limits.
func dataset(o options) (*model.Dataset, *model.Scenario, []model.Builtin, error) {
	if o.limits {
		ds, err := model.LoadDataset("limits.yaml", testkit.LimitsDataset())
		if err != nil {
			return nil, nil, nil, err
		}
		return ds, &model.Scenario{Name: "Base", Dataset: ds.Market, Assumptions: ds.Base()}, nil, nil
	}
	ds, err := model.LoadDataset(assets.DatasetName, assets.Dataset())
	if err != nil {
		return nil, nil, nil, err
	}
	builtin, err := model.ReadBuiltins(assets.Scenarios())
	if err != nil {
		return nil, nil, nil, err
	}
	var base *model.Scenario
	for _, b := range builtin {
		if b.File == "base.yaml" {
			if base, err = model.LoadScenario(b.File, b.Data, ds); err != nil {
				return nil, nil, nil, err
			}
		}
	}
	if base == nil {
		return nil, nil, nil, errors.New("no base.yaml among the embedded scenarios")
	}
	return ds, base, builtin, nil
}

// startChild runs `bin serve` on a free 127.0.0.1 port with a fresh host
// key and waits until it serves.
func startChild(o options, dir, presenterKeys string) (*target, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	hostKey := filepath.Join(dir, "host_ed25519")
	cmd := exec.Command(o.exec, "serve", "--listen", addr, "--host-key", hostKey,
		"--max-sessions", strconv.Itoa(o.n+10), "--rate-burst", "0", "--idle-timeout", "0", "--max-timeout", "0")
	if presenterKeys != "" {
		cmd.Args = append(cmd.Args, "--presenter-keys", presenterKeys)
	}
	if o.limits {
		path := filepath.Join(dir, "limits.yaml")
		if err := os.WriteFile(path, testkit.LimitsDataset(), 0o600); err != nil {
			return nil, err
		}
		cmd.Args = append(cmd.Args, "--dataset", path)
	}
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + dir, "LANG=C.UTF-8"}
	out := &testkit.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	t := &target{addr: addr, child: cmd, exited: make(chan error, 1)}
	go func() { t.exited <- cmd.Wait() }()
	deadline := time.Now().Add(o.waitTimeout)
	for !strings.Contains(out.String(), "serving") {
		select {
		case err := <-t.exited:
			return nil, fmt.Errorf("%s serve exited (%v):\n%s", o.exec, err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			werr := <-t.exited
			return nil, fmt.Errorf("%s serve did not serve within %v (killed: %v):\n%s", o.exec, o.waitTimeout, werr, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if t.hostKey, err = fixedHostKey(hostKey); err != nil {
		return nil, err
	}
	pid := cmd.Process.Pid
	t.rss = func() (int64, error) { return vmRSS(fmt.Sprintf("/proc/%d/status", pid)) }
	t.cpu = func() (time.Duration, error) { return procCPU(pid) }
	return t, nil
}

// stopChild sends SIGTERM and waits (bounded) for a clean exit.
func (t *target) stopChild(timeout time.Duration) error {
	if err := t.child.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case err := <-t.exited:
		return err
	case <-time.After(timeout):
		_ = t.child.Process.Kill()
		werr := <-t.exited
		return fmt.Errorf("still running %v after SIGTERM (killed: %v)", timeout, werr)
	}
}

// fixedHostKey accepts only the server whose private host key is at path.
func fixedHostKey(path string) (gossh.HostKeyCallback, error) {
	signer, err := readSigner(path)
	if err != nil {
		return nil, err
	}
	return gossh.FixedHostKey(signer.PublicKey()), nil
}

// selfCPU is this process's user and system CPU time.
func selfCPU() (time.Duration, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, err
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}

// procCPU reads a process's user and system CPU time from /proc/PID/stat
// (in clock ticks of 1/100 s, USER_HZ on Linux).
func procCPU(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, in parentheses, may hold spaces: fields count
	// from the last ')'.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, errors.New("odd /proc/PID/stat")
	}
	fields := strings.Fields(string(data[i+1:]))
	if len(fields) < 13 {
		return 0, errors.New("odd /proc/PID/stat")
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}

// vmRSS reads VmRSS from a /proc/PID/status file, in bytes.
func vmRSS(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			fields := strings.Fields(rest)
			if len(fields) != 2 || fields[1] != "kB" {
				return 0, fmt.Errorf("%s: odd VmRSS line %q", path, sc.Text())
			}
			kb, err := strconv.ParseInt(fields[0], 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("%s: no VmRSS", path)
}

// session is one simulated user.
type session struct {
	at     int // the server it is on: its index in -addr
	client *gossh.Client
	sess   *gossh.Session
	stdin  io.Writer
	chunks chan chunk    // output as it arrives
	dash   chan struct{} // closed once the dashboard has been drawn
}

type chunk struct {
	n  int
	at time.Time
}

// results gathers what the sessions measured.
type results struct {
	mu        sync.Mutex
	errors    []string
	latencies []time.Duration // keypress to first output
	bytes     []int           // output per keypress
	fanout    []time.Duration // -follow: presenter's keypress to a follower's first output
	fanBytes  []int           // -follow: a follower's output per presenter keypress
	// fanoutAt is fanout by the server the follower is on (-addr given
	// more than once), in the order of -addr.
	fanoutAt map[int][]time.Duration
}

func (r *results) fail(format string, args ...any) {
	r.mu.Lock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
	r.mu.Unlock()
}

func (r *results) key(lat time.Duration, n int) {
	r.mu.Lock()
	r.latencies = append(r.latencies, lat)
	r.bytes = append(r.bytes, n)
	r.mu.Unlock()
}

func (r *results) followed(at int, lat time.Duration, n int) {
	r.mu.Lock()
	r.fanout = append(r.fanout, lat)
	r.fanBytes = append(r.fanBytes, n)
	if r.fanoutAt == nil {
		r.fanoutAt = map[int][]time.Duration{}
	}
	r.fanoutAt[at] = append(r.fanoutAt[at], lat)
	r.mu.Unlock()
}

// follow waits for a follower's first output after a presenter's key
// pressed at start, then for the rest of it.
func (s *session) follow(start time.Time, o options) (time.Duration, int, error) {
	timer := time.NewTimer(o.waitTimeout)
	defer timer.Stop()
	c, ok, timedOut := s.firstSince(start, timer.C)
	switch {
	case timedOut:
		return 0, 0, fmt.Errorf("no output within %v of the presenter's key", o.waitTimeout)
	case !ok:
		return 0, 0, errors.New("the session ended")
	}
	rest, ok := s.drain(o.quiet)
	if !ok {
		return 0, 0, errors.New("the session ended")
	}
	return c.at.Sub(start), c.n + rest, nil
}

// firstSince returns the first output that arrived after start: a
// frame's last bytes may come after the quiet time that ended the wait
// for it, when the machine is busy, and must not count as the next key's
// (they made latencies negative). ok is false when the output ended.
func (s *session) firstSince(start time.Time, timeout <-chan time.Time) (c chunk, ok, timedOut bool) {
	for {
		select {
		case c, ok := <-s.chunks:
			if !ok {
				return chunk{}, false, false
			}
			if c.at.Before(start) {
				continue
			}
			return c, true, false
		case <-timeout:
			return chunk{}, false, true
		}
	}
}

// open connects one session and starts reading its output.
func open(ctx context.Context, t *target, o options, auth []gossh.AuthMethod) (*session, error) {
	cfg := &gossh.ClientConfig{User: "load", Auth: auth, HostKeyCallback: t.hostKey, Timeout: o.waitTimeout}
	d := net.Dialer{Timeout: o.waitTimeout}
	conn, err := d.DialContext(ctx, "tcp", t.addr)
	if err != nil {
		return nil, err
	}
	// The handshake and the requests wait for the server: bound them.
	watchdog := time.AfterFunc(o.waitTimeout, func() { _ = conn.Close() })
	defer watchdog.Stop()
	c, chans, reqs, err := gossh.NewClientConn(conn, t.addr, cfg)
	if err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("handshake: %w", err)
	}
	client := gossh.NewClient(c, chans, reqs)
	s := &session{client: client, chunks: make(chan chunk, 4096), dash: make(chan struct{})}
	if s.sess, err = client.NewSession(); err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("session: %w", err)
	}
	if s.stdin, err = s.sess.StdinPipe(); err != nil {
		_ = client.Close()
		return nil, err
	}
	stdout, err := s.sess.StdoutPipe()
	if err != nil {
		_ = client.Close()
		return nil, err
	}
	if err := s.sess.RequestPty("xterm-256color", o.height, o.width, gossh.TerminalModes{}); err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("pty: %w", err)
	}
	if err := s.sess.Shell(); err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("shell: %w", err)
	}
	go s.read(stdout)
	return s, nil
}

// read timestamps the output, and notes when the dashboard has appeared
// (its header, with the scenario, in the first full frame).
func (s *session) read(stdout io.Reader) {
	defer close(s.chunks)
	buf := make([]byte, 32*1024)
	var first bytes.Buffer
	seen := false
	for {
		n, err := stdout.Read(buf)
		if n > 0 {
			if !seen {
				first.Write(buf[:n])
				if strings.Contains(ansi.Strip(first.String()), "Scenario:") {
					seen = true
					close(s.dash)
					first = bytes.Buffer{}
				}
			}
			s.chunks <- chunk{n: n, at: time.Now()}
		}
		if err != nil {
			return
		}
	}
}

// drain reads output until none came for quiet, and returns its size. It
// reports false when the output ended.
func (s *session) drain(quiet time.Duration) (int, bool) {
	total := 0
	timer := time.NewTimer(quiet)
	defer timer.Stop()
	for {
		select {
		case c, ok := <-s.chunks:
			if !ok {
				return total, false
			}
			total += c.n
			timer.Reset(quiet)
		case <-timer.C:
			return total, true
		}
	}
}

// press sends one key and returns the time to its first output and the
// size of all its output.
func (s *session) press(key byte, o options) (time.Duration, int, error) {
	start := time.Now()
	if _, err := s.stdin.Write([]byte{key}); err != nil {
		return 0, 0, fmt.Errorf("typing %q: %w", key, err)
	}
	timer := time.NewTimer(o.waitTimeout)
	defer timer.Stop()
	c, ok, timedOut := s.firstSince(start, timer.C)
	switch {
	case timedOut:
		return 0, 0, fmt.Errorf("no output within %v of %q", o.waitTimeout, key)
	case !ok:
		return 0, 0, fmt.Errorf("the session ended after %q", key)
	}
	rest, ok := s.drain(o.quiet)
	if !ok {
		return 0, 0, fmt.Errorf("the session ended after %q", key)
	}
	return c.at.Sub(start), c.n + rest, nil
}

func (s *session) close() {
	if s.sess != nil {
		_ = s.sess.Close()
	}
	_ = s.client.Close()
}

// presentAndFollow has the presenter press j, then + and - alternating,
// pausing a think time between keys; after each key every follower must
// show it. Followers only ever draw what the presenter changed, so each
// one's first output after a key is that key's.
func presentAndFollow(ctx context.Context, presenter *session, followers []*session, o options, res *results) {
	rng := rand.New(rand.NewPCG(7, 42))
	for k := range o.keys + 1 {
		if ctx.Err() != nil {
			res.fail("the run's deadline passed")
			return
		}
		if k > 0 && o.think > 0 {
			time.Sleep(o.think/2 + time.Duration(rng.Int64N(int64(o.think)+1)))
		}
		key := byte("j+-"[min(k, 1+(k-1)%2)])
		start := time.Now()
		lat, n, err := presenter.press(key, o)
		if err != nil {
			res.fail("presenter, key %d: %v", k, err)
			return
		}
		var wg sync.WaitGroup
		for i, f := range followers {
			wg.Go(func() {
				flat, fn, err := f.follow(start, o)
				if err != nil {
					res.fail("follower %d, key %d: %v", i+1, k, err)
					return
				}
				if k > 0 {
					res.followed(f.at, flat, fn)
				}
			})
		}
		wg.Wait()
		if k > 0 {
			res.key(lat, n)
		}
	}
}

// escSettle is how long an analyst waits after esc before the next key:
// twice the terminal reader's escape timeout (uv.DefaultEscTimeout).
const escSettle = 100 * time.Millisecond

// analysis counts what the analysts pressed.
type analysis struct{ m, t int }

// analyse has each analyst fork a private copy, go down to a segment's
// first sub-segment (where t moves the most assumptions: its siblings',
// its parent's and the parent's siblings'), then press m, wait, esc, t,
// wait, esc in a loop, until the returned stop is called; stop waits for
// them and returns how many m and t they pressed.
func analyse(ctx context.Context, analysts []*session, o options, res *results) (stop func() analysis) {
	done := make(chan struct{})
	var m, t atomic.Int64
	var wg sync.WaitGroup
	for i, s := range analysts {
		// Set up before the presenter's first key.
		ready := true
		for _, key := range []byte{'f', 'j', '\r', 'j'} {
			if _, _, err := s.press(key, o); err != nil {
				res.fail("analyst %d, setting up: %v", i+1, err)
				ready = false
				break
			}
		}
		if !ready {
			continue
		}
		wg.Go(func() {
			for {
				for _, step := range []struct {
					key   byte
					count *atomic.Int64
				}{{'m', &m}, {0x1b, nil}, {'t', &t}, {0x1b, nil}} {
					select {
					case <-done:
						return
					case <-ctx.Done():
						return
					default:
					}
					if _, _, err := s.press(step.key, o); err != nil {
						res.fail("analyst %d, %q: %v", i+1, step.key, err)
						return
					}
					wait := o.analysis
					if step.count == nil {
						// A lone esc is only an esc once the terminal
						// reader's 50 ms escape timeout has passed; the
						// first output after it may be the analysis still
						// drawing, so the next key, sent at once, would
						// make alt+t or alt+m of it. A person pauses.
						wait = escSettle
					} else {
						step.count.Add(1)
					}
					if !s.idle(wait) {
						res.fail("analyst %d: the session ended", i+1)
						return
					}
				}
			}
		})
	}
	return func() analysis {
		close(done)
		wg.Wait()
		return analysis{m: int(m.Load()), t: int(t.Load())}
	}
}

// idle reads (and drops) the output for d; it reports false when the
// output ended.
func (s *session) idle(d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		select {
		case _, ok := <-s.chunks:
			if !ok {
				return false
			}
		case <-timer.C:
			return true
		}
	}
}

// presenterKey creates the presenter's key and a presenter-keys file
// listing it.
func presenterKey(dir string) (gossh.Signer, string, error) {
	_, priv, err := ed25519.GenerateKey(crand.Reader)
	if err != nil {
		return nil, "", err
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		return nil, "", err
	}
	path := filepath.Join(dir, "presenter_keys")
	return signer, path, os.WriteFile(path, gossh.MarshalAuthorizedKey(signer.PublicKey()), 0o600)
}

// summary is what a run found, for main's exit status and for tests.
type summary struct {
	ok             bool     // no errors and every target met
	errors         []string // what went wrong, per session
	keys           int      // keypresses measured
	goroutinesBack bool     // in process: back to the baseline after all closed
}

// run loads the server as o says and writes the report to w.
func run(o options, w io.Writer) (summary, error) {
	ctx, cancel := context.WithTimeout(context.Background(), o.deadline)
	defer cancel()
	dir, err := os.MkdirTemp("", "iomt-load-")
	if err != nil {
		return summary{}, err
	}
	defer os.RemoveAll(dir)

	var t *target
	auth := []gossh.AuthMethod{gossh.KeyboardInteractive(func(_, _ string, qs []string, _ []bool) ([]string, error) {
		return make([]string, len(qs)), nil
	})}
	// With -follow, session 0 proves the presenter's key.
	var presenterKeys string
	var presenterAuth []gossh.AuthMethod
	switch {
	case o.follow && o.presKey != "":
		signer, err := readSigner(o.presKey)
		if err != nil {
			return summary{}, err
		}
		presenterAuth = []gossh.AuthMethod{gossh.PublicKeys(signer)}
	case o.follow:
		signer, path, err := presenterKey(dir)
		if err != nil {
			return summary{}, err
		}
		presenterKeys, presenterAuth = path, []gossh.AuthMethod{gossh.PublicKeys(signer)}
	}
	switch {
	case o.exec != "":
		if t, err = startChild(o, dir, presenterKeys); err != nil {
			return summary{}, err
		}
		defer func() {
			if t.child.ProcessState == nil {
				_ = t.child.Process.Kill()
			}
		}()
	case o.addr == "":
		if t, err = startInProcess(o, dir, presenterKeys); err != nil {
			return summary{}, err
		}
	default:
		t = &target{addr: o.addr, hostKey: gossh.InsecureIgnoreHostKey()} // 127.0.0.1 only
		for _, addr := range o.addrs[1:] {
			t.more = append(t.more, &target{addr: addr, hostKey: gossh.InsecureIgnoreHostKey()})
		}
		if o.serverPID > 0 {
			path := fmt.Sprintf("/proc/%d/status", o.serverPID)
			t.rss = func() (int64, error) { return vmRSS(path) }
			t.cpu = func() (time.Duration, error) { return procCPU(o.serverPID) }
		}
	}

	// Let the server settle, then take the baselines.
	time.Sleep(200 * time.Millisecond)
	runtime.GC()
	baseGoroutines := runtime.NumGoroutine()
	var baseRSS int64
	if t.rss != nil {
		if baseRSS, err = t.rss(); err != nil {
			return summary{}, err
		}
	}

	// Open every session, a few handshakes at a time, and wait for every
	// dashboard.
	res := &results{}
	sessions := make([]*session, o.n)
	sem := make(chan struct{}, o.dials)
	var wg sync.WaitGroup
	openStart := time.Now()
	for i := range o.n {
		wg.Add(1)
		openOne := func() {
			defer wg.Done()
			sem <- struct{}{}
			a, at := auth, 0
			if o.follow && i == 0 {
				a = presenterAuth
			} else if o.follow {
				at = (i - 1) % (1 + len(t.more)) // followers spread over the servers
			}
			tgt := t
			if at > 0 {
				tgt = t.more[at-1]
			}
			s, err := open(ctx, tgt, o, a)
			<-sem
			if err != nil {
				res.fail("session %d: %v", i, err)
				return
			}
			s.at = at
			select {
			case <-s.dash:
				sessions[i] = s
			case <-time.After(o.waitTimeout):
				res.fail("session %d: no dashboard within %v", i, o.waitTimeout)
				s.close()
			}
		}
		if o.follow && i == 0 {
			openOne() // the presenter first, so everyone else follows
			continue
		}
		go openOne()
	}
	wg.Wait()
	openTime := time.Since(openStart)
	var live []*session
	for _, s := range sessions {
		if s != nil {
			live = append(live, s)
		}
	}
	// Everyone's first screens are done before measuring.
	for _, s := range live {
		s.drain(o.quiet)
	}
	var openRSS int64
	var serverSessions int
	if t.rss != nil {
		if openRSS, err = t.rss(); err != nil {
			return summary{}, err
		}
	}
	if t.srv != nil {
		serverSessions = t.srv.Sessions()
	}
	openGoroutines := runtime.NumGoroutine()
	if o.memProfile != "" {
		f, err := os.Create(o.memProfile)
		if err != nil {
			return summary{}, err
		}
		runtime.GC()
		err = pprof.WriteHeapProfile(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return summary{}, err
		}
	}

	// What the open sessions cost while nobody types.
	var idleCPU time.Duration
	const idleFor = 2 * time.Second
	if t.cpu != nil {
		c0, err := t.cpu()
		if err != nil {
			return summary{}, err
		}
		if o.cpuProfile != "" && o.exec == "" {
			// The idle phase's profile, beside the key phase's.
			f, err := os.Create(o.cpuProfile + ".idle")
			if err != nil {
				return summary{}, err
			}
			if err := pprof.StartCPUProfile(f); err != nil {
				f.Close()
				return summary{}, err
			}
			time.Sleep(idleFor)
			pprof.StopCPUProfile()
			f.Close()
		} else {
			time.Sleep(idleFor)
		}
		c1, err := t.cpu()
		if err != nil {
			return summary{}, err
		}
		idleCPU = c1 - c0
	}

	// Every session: j (to a segment), then + and - alternating.
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return summary{}, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return summary{}, err
		}
	}
	var cpu0, cpu1 time.Duration
	if t.cpu != nil {
		if cpu0, err = t.cpu(); err != nil {
			return summary{}, err
		}
	}
	var pressed atomic.Int64
	var wire0, wire1 wire
	if len(o.monitors) > 0 {
		if wire0, err = natsWire(o.monitors); err != nil {
			return summary{}, err
		}
	}
	keysStart := time.Now()
	var analysed analysis
	if o.follow {
		if len(live) < 2+o.analysts || sessions[0] == nil {
			return summary{}, errors.New("-follow: the presenter or too many followers failed to open")
		}
		stop := analyse(ctx, live[1:1+o.analysts], o, res)
		presentAndFollow(ctx, live[0], live[1+o.analysts:], o, res)
		pressed.Store(int64(o.keys))
		analysed = stop()
	}
	for i, s := range live {
		if o.follow {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 42))
			pause := func() {
				if o.think > 0 {
					time.Sleep(o.think/2 + time.Duration(rng.Int64N(int64(o.think)+1)))
				}
			}
			pause()
			if _, _, err := s.press('j', o); err != nil {
				res.fail("session %d: %v", i, err)
				return
			}
			for k := range o.keys {
				if ctx.Err() != nil {
					res.fail("session %d: the run's deadline passed", i)
					return
				}
				pause()
				key := byte("+-"[k%2])
				lat, n, err := s.press(key, o)
				if err != nil {
					res.fail("session %d, key %d: %v", i, k+1, err)
					return
				}
				pressed.Add(1)
				res.key(lat, n)
			}
		}()
	}
	wg.Wait()
	keysTime := time.Since(keysStart)
	// What NATS carries while nobody types (turn refreshes, reads,
	// pings, its own heartbeats), over as long again, to set apart from
	// what the keys cost.
	var idleWire wire
	if len(o.monitors) > 0 {
		if wire1, err = natsWire(o.monitors); err != nil {
			return summary{}, err
		}
		time.Sleep(keysTime)
		wire2, err := natsWire(o.monitors)
		if err != nil {
			return summary{}, err
		}
		idleWire = wire2.minus(wire1)
	}
	if t.cpu != nil {
		if cpu1, err = t.cpu(); err != nil {
			return summary{}, err
		}
	}
	if o.cpuProfile != "" {
		pprof.StopCPUProfile()
	}

	// Everyone leaves; in process, the goroutines must come back down.
	for _, s := range live {
		s.close()
	}
	endGoroutines := -1
	if t.srv != nil {
		deadline := time.Now().Add(o.waitTimeout)
		for {
			endGoroutines = runtime.NumGoroutine()
			if (endGoroutines <= baseGoroutines+2 && t.srv.Sessions() == 0) || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := t.srv.Shutdown(sctx); err != nil {
			res.fail("Shutdown: %v", err)
		}
		scancel()
		select {
		case err := <-t.served:
			if err != nil {
				res.fail("Serve: %v", err)
			}
		case <-time.After(o.waitTimeout):
			res.fail("Serve did not return after Shutdown")
		}
	}

	stopped := ""
	if t.child != nil {
		start := time.Now()
		if err := t.stopChild(5 * time.Second); err != nil {
			res.fail("%s serve after SIGTERM: %v", o.exec, err)
		} else {
			stopped = fmt.Sprintf("server: exited 0, %v after SIGTERM", time.Since(start).Round(time.Millisecond))
		}
	}

	// The report.
	cpuOf := "the server process"
	if t.srv != nil {
		cpuOf = "this process (server and clients)"
	}
	fmt.Fprintf(w, "iomt-load: %d sessions at %d×%d, %d keys each (j, then +/- alternating), think %v, %s\n",
		o.n, o.width, o.height, o.keys, o.think, where(o))
	if o.limits {
		fmt.Fprintf(w, "dataset: at the limits, %d nodes × %d years\n", testkit.LimitsNodes, testkit.LimitsYears)
	}
	if o.analysts > 0 {
		fmt.Fprintf(w, "analysts: %d forked followers pressed m %d times and t %d times, each left running %v before esc (not timed)\n",
			o.analysts, analysed.m, analysed.t, o.analysis)
	}
	fmt.Fprintf(w, "machine: %d CPUs (%s), GOMAXPROCS %d, %s, %s/%s\n",
		runtime.NumCPU(), cpuModel(), runtime.GOMAXPROCS(0), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(w, "sessions: %d open with dashboards in %v (server counted %s)\n", len(live), openTime.Round(time.Millisecond), countOrNA(serverSessions, t.srv != nil))
	fmt.Fprintf(w, "errors: %d\n", len(res.errors))
	for i, e := range res.errors {
		if i == 10 {
			fmt.Fprintf(w, "  … and %d more\n", len(res.errors)-10)
			break
		}
		fmt.Fprintf(w, "  %s\n", e)
	}
	sum := summary{errors: res.errors, keys: len(res.latencies)}
	ok := len(res.errors) == 0
	if n := len(res.latencies); n > 0 {
		lat := slices.Clone(res.latencies)
		slices.Sort(lat)
		by := slices.Clone(res.bytes)
		slices.Sort(by)
		sum := 0
		for _, b := range by {
			sum += b
		}
		p50, p99 := pct(lat, 50), pct(lat, 99)
		fmt.Fprintf(w, "keypresses: %d in %v (%.0f/s)\n", n, keysTime.Round(time.Millisecond), float64(n)/keysTime.Seconds())
		if t.cpu != nil {
			used := cpu1 - cpu0
			fmt.Fprintf(w, "CPU of %s: %.2f CPUs while typing (%v in %v), %.2f CPUs with the sessions open and nobody typing\n",
				cpuOf, used.Seconds()/keysTime.Seconds(), used.Round(time.Millisecond), keysTime.Round(time.Millisecond),
				idleCPU.Seconds()/idleFor.Seconds())
		}
		fmt.Fprintf(w, "latency, keypress to first output: p50 %v, p90 %v, p99 %v, max %v (target p99 < 50ms: %s)\n",
			p50.Round(10*time.Microsecond), pct(lat, 90).Round(10*time.Microsecond), p99.Round(10*time.Microsecond),
			lat[n-1].Round(10*time.Microsecond), verdict(p99 < 50*time.Millisecond))
		ok = ok && p99 < 50*time.Millisecond
		fmt.Fprintf(w, "output per keypress: mean %d B, p50 %d B, p99 %d B\n", sum/n, pctInt(by, 50), pctInt(by, 99))
	}
	if n := len(res.fanout); n > 0 {
		lat := slices.Clone(res.fanout)
		slices.Sort(lat)
		by := slices.Clone(res.fanBytes)
		slices.Sort(by)
		p99 := pct(lat, 99)
		fmt.Fprintf(w, "latency, presenter's keypress to a follower's first output (%d followers × %d keys): p50 %v, p90 %v, p99 %v, max %v (target p99 < 50ms: %s)\n",
			len(live)-1-o.analysts, len(res.latencies), pct(lat, 50).Round(10*time.Microsecond), pct(lat, 90).Round(10*time.Microsecond),
			p99.Round(10*time.Microsecond), lat[n-1].Round(10*time.Microsecond), verdict(p99 < 50*time.Millisecond))
		fmt.Fprintf(w, "output per follower and keypress: p50 %d B, p99 %d B\n", pctInt(by, 50), pctInt(by, 99))
		ok = ok && p99 < 50*time.Millisecond
		reportServers(w, o, res)
	}
	if len(o.monitors) > 0 && len(res.latencies) > 0 {
		keys := float64(o.keys + 1) // j, then the timed keys
		key := wire1.minus(wire0).minus(idleWire).per(keys)
		fmt.Fprintf(w, "NATS (%d servers together), per presenter key: %.1f messages in, %.1f out, %.0f bytes in, %.0f out; of which between NATS servers: %.1f messages, %.0f bytes (as long again with no key, set apart: %.1f messages/s in)\n",
			len(o.monitors), key.InMsgs, key.OutMsgs, key.InBytes, key.OutBytes, key.RouteMsgs, key.RouteBytes, idleWire.InMsgs/keysTime.Seconds())
	}
	if t.rss != nil {
		per := float64(openRSS-baseRSS) / float64(max(1, len(live)))
		what := "server process"
		if t.srv != nil {
			what = "this process (server and clients)"
		}
		fmt.Fprintf(w, "memory (VmRSS of %s): %.1f MiB before, %.1f MiB with %d sessions open: %.2f MiB per session (target < 2 MiB: %s)\n",
			what, mib(baseRSS), mib(openRSS), len(live), per/(1<<20), verdict(per < 2<<20))
		ok = ok && per < 2<<20
	}
	if stopped != "" {
		fmt.Fprintln(w, stopped)
	}
	if t.srv != nil {
		back := endGoroutines <= baseGoroutines+2
		fmt.Fprintf(w, "goroutines: %d before, %d with sessions open, %d after all closed (target back to baseline: %s)\n",
			baseGoroutines, openGoroutines, endGoroutines, verdict(back))
		ok = ok && back
		sum.goroutinesBack = back
	}
	sum.ok = ok
	return sum, nil
}

// reportServers gives the followers' latency on each server of a demo
// mesh: on the presenter's, its state goes from session to session in
// one process; on the others, through NATS.
func reportServers(w io.Writer, o options, res *results) {
	if len(o.addrs) < 2 {
		return
	}
	var p99s []time.Duration
	for i, addr := range o.addrs {
		lat := slices.Clone(res.fanoutAt[i])
		if len(lat) == 0 {
			fmt.Fprintf(w, "  followers on %s: none measured\n", addr)
			continue
		}
		slices.Sort(lat)
		what := ""
		if i == 0 {
			what = " (the presenter's server)"
		}
		p99s = append(p99s, pct(lat, 99))
		fmt.Fprintf(w, "  followers on %s%s: %d samples, p50 %v, p90 %v, p99 %v, max %v\n", addr, what, len(lat),
			pct(lat, 50).Round(10*time.Microsecond), pct(lat, 90).Round(10*time.Microsecond), pct(lat, 99).Round(10*time.Microsecond), lat[len(lat)-1].Round(10*time.Microsecond))
		if i > 0 && len(p99s) > 1 {
			d := (p99s[len(p99s)-1] - p99s[0]).Round(10 * time.Microsecond)
			sign := "+"
			if d < 0 {
				sign, d = "-", -d
			}
			fmt.Fprintf(w, "  through NATS, p99 %s%v over the presenter's server's followers\n", sign, d)
		}
	}
}

// wire is what NATS servers counted (their /varz): messages and bytes
// in and out, from and to clients and routes.
type wire struct {
	InMsgs   float64 `json:"in_msgs"`
	OutMsgs  float64 `json:"out_msgs"`
	InBytes  float64 `json:"in_bytes"`
	OutBytes float64 `json:"out_bytes"`
	// What came in over routes, from other NATS servers (/routez).
	RouteMsgs, RouteBytes float64
}

func (a wire) minus(b wire) wire {
	return wire{a.InMsgs - b.InMsgs, a.OutMsgs - b.OutMsgs, a.InBytes - b.InBytes, a.OutBytes - b.OutBytes,
		a.RouteMsgs - b.RouteMsgs, a.RouteBytes - b.RouteBytes}
}
func (a wire) per(d float64) wire { return a.times(1 / d) }
func (a wire) times(f float64) wire {
	return wire{a.InMsgs * f, a.OutMsgs * f, a.InBytes * f, a.OutBytes * f, a.RouteMsgs * f, a.RouteBytes * f}
}

// routez is the part of /routez that counts what came over routes.
type routez struct {
	Routes []struct {
		InMsgs  float64 `json:"in_msgs"`
		InBytes float64 `json:"in_bytes"`
	} `json:"routes"`
}

// natsWire adds up what the NATS servers at monitors counted so far.
func natsWire(monitors []string) (wire, error) {
	var sum wire
	for _, m := range monitors {
		var v wire
		var r routez
		if err := getJSON(m+"/varz", &v); err != nil {
			return wire{}, err
		}
		if err := getJSON(m+"/routez", &r); err != nil {
			return wire{}, err
		}
		for _, rt := range r.Routes {
			v.RouteMsgs += rt.InMsgs
			v.RouteBytes += rt.InBytes
		}
		sum = wire{sum.InMsgs + v.InMsgs, sum.OutMsgs + v.OutMsgs, sum.InBytes + v.InBytes, sum.OutBytes + v.OutBytes,
			sum.RouteMsgs + v.RouteMsgs, sum.RouteBytes + v.RouteBytes}
	}
	return sum, nil
}

// getJSON reads url's JSON into v (at most 1 MiB, within 5 s).
func getJSON(url string, v any) error {
	client := http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		return fmt.Errorf("-nats-monitor: %w", err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(v); err != nil {
		return fmt.Errorf("-nats-monitor %s: %w", url, err)
	}
	return nil
}

// readSigner reads an OpenSSH private key (unencrypted).
func readSigner(path string) (gossh.Signer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	signer, err := gossh.ParsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return signer, nil
}

func where(o options) string {
	switch {
	case o.exec != "":
		return "server: " + o.exec + " serve, a child process"
	case len(o.addrs) > 1:
		return "servers at " + strings.Join(o.addrs, ", ")
	case o.addr != "":
		return "server at " + o.addr
	}
	return "server in process"
}

func countOrNA(n int, known bool) string {
	if !known {
		return "n/a"
	}
	return strconv.Itoa(n)
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT MET"
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

func pct(sorted []time.Duration, p int) time.Duration {
	return sorted[min(len(sorted)-1, len(sorted)*p/100)]
}

func pctInt(sorted []int, p int) int {
	return sorted[min(len(sorted)-1, len(sorted)*p/100)]
}

func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), ":"))
		}
	}
	return "unknown"
}
