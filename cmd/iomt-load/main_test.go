package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"charm.land/log/v2"
	gossh "golang.org/x/crypto/ssh"

	"iomt/internal/natstest"
	"iomt/server"
)

// smallRun runs the harness with 4 sessions and 3 keys each against a
// server in this process, and fails the test on any error, or when the
// goroutines do not come back down. It returns the summary and report.
func smallRun(t *testing.T, follow bool) (summary, string) {
	t.Helper()
	o := options{
		n: 4, keys: 3, think: 0, quiet: 30 * time.Millisecond, width: 100, height: 30,
		dials: 2, waitTimeout: 10 * time.Second, deadline: time.Minute, follow: follow,
	}
	var out bytes.Buffer
	sum, err := run(o, &out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if len(sum.errors) != 0 {
		t.Errorf("errors: %q\n%s", sum.errors, out.String())
	}
	if !sum.goroutinesBack {
		t.Errorf("goroutines not back to the baseline\n%s", out.String())
	}
	return sum, out.String()
}

// TestRunInProcess: every session opens, every key is measured, and the
// report has every figure.
func TestRunInProcess(t *testing.T) {
	sum, out := smallRun(t, false)
	if sum.keys != 4*3 {
		t.Errorf("%d keypresses measured, want %d\n%s", sum.keys, 4*3, out)
	}
	for _, want := range []string{"sessions: 4 open", "errors: 0", "latency, keypress to first output: p50", "output per keypress", "VmRSS", "goroutines:"} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
}

// TestRunFollow is a small demo run: one presenter types, every follower
// shows each of its keys, and each follower's latency is measured.
func TestRunFollow(t *testing.T) {
	sum, out := smallRun(t, true)
	if sum.keys != 3 {
		t.Errorf("%d presenter keypresses measured, want 3\n%s", sum.keys, out)
	}
	if want := "(3 followers × 3 keys)"; !strings.Contains(out, want) {
		t.Errorf("the report lacks %q:\n%s", want, out)
	}
}

// TestRunFollowAnalysts: a demo run where two followers fork and press
// m, esc, t, esc in a loop while the presenter types; the others are
// timed, and the report says what the analysts pressed.
func TestRunFollowAnalysts(t *testing.T) {
	o := options{
		n: 5, keys: 3, think: 0, quiet: 30 * time.Millisecond, width: 100, height: 30,
		dials: 2, waitTimeout: 10 * time.Second, deadline: time.Minute, follow: true,
		analysts: 2, analysis: 20 * time.Millisecond,
	}
	var out bytes.Buffer
	sum, err := run(o, &out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if len(sum.errors) != 0 || !sum.goroutinesBack {
		t.Errorf("errors %q, goroutines back %v\n%s", sum.errors, sum.goroutinesBack, out.String())
	}
	for _, want := range []string{"analysts: 2 forked followers pressed m", "(2 followers × 3 keys)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "pressed m 0 times") {
		t.Errorf("the analysts pressed nothing:\n%s", out.String())
	}
}

// TestRunFollowMesh: a demo on two servers joined by a 3-node NATS
// cluster (all in this process): the presenter on the first, the
// followers spread over both (-addr twice), every follower shows every
// key, and the report gives each server's latency.
func TestRunFollowMesh(t *testing.T) {
	c, err := natstest.Start(3)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Shutdown()
	dir := t.TempDir()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	keyFile, keysFile := filepath.Join(dir, "presenter"), filepath.Join(dir, "presenter_keys")
	signer, _ := gossh.NewSignerFromKey(priv)
	if err := errors.Join(os.WriteFile(keyFile, pem.EncodeToMemory(block), 0o600),
		os.WriteFile(keysFile, gossh.MarshalAuthorizedKey(signer.PublicKey()), 0o600)); err != nil {
		t.Fatal(err)
	}
	o := options{
		n: 5, keys: 3, think: 0, quiet: 30 * time.Millisecond, width: 100, height: 30, follow: true,
		dials: 2, waitTimeout: 10 * time.Second, deadline: time.Minute, presKey: keyFile,
	}
	ds, base, builtin, err := dataset(o)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		srv, err := server.New(server.Config{
			Listen: "127.0.0.1:0", HostKey: filepath.Join(dir, fmt.Sprintf("host%d", i)), PresenterKeys: keysFile, MaxSessions: 20,
			Dataset: ds, Base: base, Builtin: builtin, Logger: log.New(io.Discard),
			Mesh: &server.MeshConfig{URLs: []string{c.URL(i)}, Demo: "load", TurnTTL: 2 * time.Second},
		})
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go func() { _ = srv.Serve(ln) }()
		defer func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = srv.Shutdown(ctx)
		}()
		o.addrs = append(o.addrs, ln.Addr().String())
	}
	o.addr = o.addrs[0]
	var out bytes.Buffer
	sum, err := run(o, &out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if len(sum.errors) != 0 {
		t.Errorf("errors: %q\n%s", sum.errors, out.String())
	}
	for _, want := range []string{"(4 followers × 3 keys)", "followers on " + o.addrs[0] + " (the presenter's server): 6 samples",
		"followers on " + o.addrs[1] + ": 6 samples", "through NATS, p99"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}
}
