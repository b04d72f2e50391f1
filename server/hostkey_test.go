package server

import (
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"charm.land/log/v2"
	gossh "golang.org/x/crypto/ssh"
)

// TestHostKeyCreated: a missing host key is created where --host-key says,
// mode 0600, in a folder created 0700; nothing is written into the working
// folder, even after a session; a second server loads the same key.
//
// Not parallel: it changes the working folder.
func TestHostKeyCreated(t *testing.T) {
	cwd := t.TempDir()
	t.Chdir(cwd)
	path := filepath.Join(t.TempDir(), "keys", "host_ed25519")

	ts := startServer(t, Config{HostKey: path})
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("the host key was not created: %v", err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("host key mode %#o, want 0600", perm)
	}
	if dir, err := os.Stat(filepath.Dir(path)); err != nil || dir.Mode().Perm() != 0o700 {
		t.Errorf("host key folder: %v, mode %#o, want 0700", err, dir.Mode().Perm())
	}
	if !strings.Contains(ts.logs.String(), "host key") || !strings.Contains(ts.logs.String(), "created=true") {
		t.Errorf("creating the host key is not logged:\n%s", ts.logs.String())
	}

	// A session: the client checks the server presents that very key.
	tm := ts.openTerm("user", 100, 30, termOpts{})
	tm.WaitDashboard()
	tm.Press("q")
	if status := tm.WaitExit(); status != 0 {
		t.Errorf("exit status after q: %d, want 0", status)
	}
	tm.close() // as ssh does when its session ends
	if err := ts.shutdown(waitTimeout); err != nil {
		t.Errorf("Shutdown: %v", err)
	}

	// A second server on the same file loads the key, does not replace it.
	ts2 := startServer(t, Config{HostKey: path})
	if !keysEqual(ts2.hostKey, ts.hostKey) {
		t.Error("a second server on the same --host-key file has another key")
	}
	if !strings.Contains(ts2.logs.String(), "created=false") {
		t.Error("the second server says it created the existing host key")
	}
	c, err := ts2.dial(keyboardInteractive())
	if err != nil {
		t.Fatalf("dial the second server expecting the first key: %v", err)
	}
	_ = c.Close()

	entries, err := os.ReadDir(cwd)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("the server wrote %q into the working folder", e.Name())
	}
}

func keysEqual(a, b gossh.PublicKey) bool {
	return string(a.Marshal()) == string(b.Marshal())
}

func TestHostKeyErrors(t *testing.T) {
	t.Parallel()
	if _, _, err := loadHostKey(""); err == nil || !strings.Contains(err.Error(), "--host-key") {
		t.Errorf("no --host-key: error %v, want one naming --host-key", err)
	}
	bad := filepath.Join(t.TempDir(), "host_key")
	if err := os.WriteFile(bad, []byte("not a key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := loadHostKey(bad)
	if err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("a corrupt host key: error %v, want one naming %s", err, bad)
	}
	if data, _ := os.ReadFile(bad); string(data) != "not a key\n" {
		t.Error("a corrupt host key file was overwritten")
	}
	// The same through New, as `iomt serve` reports it.
	if _, err := New(Config{HostKey: bad, Dataset: testDS, Base: testBase, Logger: log.New(io.Discard)}); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("New with a corrupt host key: error %v, want one naming %s", err, bad)
	}
}

func TestLoadKeys(t *testing.T) {
	t.Parallel()
	keys, err := loadKeys(filepath.Join("testdata", "authorized_keys_good"))
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 {
		t.Fatalf("%d keys, want 1", len(keys))
	}
	alice, _, _, _, err := gossh.ParseAuthorizedKey([]byte("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIC4uWWOa5YM0CQ2HYvsFD06VWUS6pNriNbRlbSvkMWrv"))
	if err != nil {
		t.Fatal(err)
	}
	here, now := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}, time.Now()
	if _, err := keys.permit(alice, here, now); err != nil {
		t.Errorf("alice's key is not admitted: %v", err)
	}
	if _, err := keys.permit(newKey(t).PublicKey(), here, now); !errors.Is(err, errNotListed) {
		t.Errorf("a fresh key: %v, want not listed", err)
	}
	if _, err := keys.permit(nil, here, now); !errors.Is(err, errNotListed) {
		t.Errorf("no key (keyboard-interactive): %v, want not listed", err)
	}
	var none keySet
	if _, err := none.permit(alice, here, now); !errors.Is(err, errNotListed) {
		t.Errorf("a nil set: %v, want not listed", err)
	}
}

// TestBadKeysLine: a line that is not a key is an error naming FILE:LINE,
// from loadKeys and from New, for --authorized-keys and --presenter-keys.
func TestBadKeysLine(t *testing.T) {
	t.Parallel()
	path := filepath.Join("testdata", "authorized_keys_bad")
	want := path + ":4:"
	if _, err := loadKeys(path); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("loadKeys: error %v, want one naming %s", err, want)
	}
	for flag, cfg := range map[string]Config{"--authorized-keys": {AuthorizedKeys: path}, "--presenter-keys": {PresenterKeys: path}} {
		cfg.HostKey = filepath.Join(t.TempDir(), "host")
		cfg.Dataset, cfg.Base = testDS, testBase
		cfg.Logger = log.New(io.Discard)
		if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("New with a bad %s file: error %v, want one naming %s", flag, err, want)
		}
	}
	missing := filepath.Join(t.TempDir(), "nope")
	if _, err := loadKeys(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("a missing keys file: error %v, want one naming %s", err, missing)
	}
}
