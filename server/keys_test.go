package server

import (
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"charm.land/log/v2"
	gossh "golang.org/x/crypto/ssh"
)

// keyLine is an authorized_keys line for k with options in front.
func keyLine(k gossh.Signer, options string) string {
	line := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(k.PublicKey())))
	if options != "" {
		line = options + " " + line
	}
	return line + " someone@example"
}

// writeLines writes lines as a file and returns its path.
func writeLines(t *testing.T, lines ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "authorized_keys")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestKeyOptions: the options iomt enforces restrict the key as sshd
// would; the ones it cannot honour stop the server from starting, naming
// the file and line, so a limited key never gets in unlimited.
func TestKeyOptions(t *testing.T) {
	t.Parallel()
	k := newKey(t)
	local := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 50000}
	lan := &net.TCPAddr{IP: net.IPv4(192, 168, 1, 20), Port: 50000}
	v6 := &net.TCPAddr{IP: net.ParseIP("2001:db8::7"), Port: 50000}
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	type check struct {
		addr  net.Addr
		admit bool
	}
	for _, tc := range []struct {
		options string
		checks  []check
		noPTY   bool
	}{
		{"", []check{{local, true}, {lan, true}, {v6, true}}, false},
		{`from="127.0.0.1"`, []check{{local, true}, {lan, false}}, false},
		{`from="192.168.1.0/24,!192.168.1.20"`, []check{{lan, false}, {local, false}}, false},
		{`from="192.168.1.*"`, []check{{lan, true}, {local, false}}, false},
		{`from="192.168.?.20"`, []check{{lan, true}, {local, false}}, false},
		{`from="!10.0.0.0/8,127.*"`, []check{{local, true}, {lan, false}}, false},
		{`FROM="2001:db8::/32"`, []check{{v6, true}, {local, false}}, false},
		{`from="*.example.com"`, []check{{local, false}}, false}, // no DNS, as sshd by default
		{`expiry-time="20261124"`, []check{{local, false}}, false},
		{`expiry-time="20261124120001Z"`, []check{{local, true}}, false},
		{`expiry-time="202611241200Z"`, []check{{local, false}}, false},
		{`no-pty`, []check{{local, true}}, true},
		{`restrict`, []check{{local, true}}, true},
		{`restrict,pty`, []check{{local, true}}, false},
		{`no-port-forwarding,no-agent-forwarding,no-X11-forwarding,environment="A=b"`, []check{{local, true}}, false},
	} {
		path := writeLines(t, "# one key", keyLine(k, tc.options))
		keys, err := loadKeys(path)
		if err != nil {
			t.Errorf("%s: %v", tc.options, err)
			continue
		}
		for _, c := range tc.checks {
			e, err := keys.permit(k.PublicKey(), c.addr, now)
			if (err == nil) != c.admit {
				t.Errorf("%s from %v: admitted %v (%v), want %v", tc.options, c.addr, err == nil, err, c.admit)
			}
			if err == nil && e.noPTY != tc.noPTY {
				t.Errorf("%s: noPTY %v, want %v", tc.options, e.noPTY, tc.noPTY)
			}
			if err != nil && !strings.Contains(err.Error(), path+":2") {
				t.Errorf("%s: the reason %q does not name %s:2", tc.options, err, path)
			}
		}
	}

	for _, bad := range []string{
		`command="/bin/date"`, `cert-authority`, `principals="alice"`, `tunnel="1"`, `verify-required`,
		`from="10.0.0.0/33"`, `from=""`, `expiry-time="tomorrow"`, `expiry-time="20261301"`, `frobnicate`,
	} {
		path := writeLines(t, "", keyLine(newKey(t), ""), keyLine(k, bad))
		_, err := loadKeys(path)
		if err == nil || !strings.Contains(err.Error(), path+":3:") {
			t.Errorf("%s: error %v, want one naming %s:3", bad, err, path)
		}
		cfg := Config{AuthorizedKeys: path, HostKey: filepath.Join(t.TempDir(), "host"), Dataset: testDS, Base: testBase, Logger: log.New(io.Discard)}
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: the server starts", bad)
		}
	}
}

// TestKeyOnSeveralLines: a key listed twice is admitted when either line
// admits it, as with sshd.
func TestKeyOnSeveralLines(t *testing.T) {
	t.Parallel()
	k := newKey(t)
	keys, err := loadKeys(writeLines(t, keyLine(k, `from="10.*"`), keyLine(k, `from="127.0.0.1"`)))
	if err != nil {
		t.Fatal(err)
	}
	for addr, admit := range map[string]bool{"127.0.0.1": true, "10.1.2.3": true, "192.0.2.1": false} {
		a := net.TCPAddrFromAddrPort(netip.AddrPortFrom(netip.MustParseAddr(addr), 22))
		if _, err := keys.permit(k.PublicKey(), a, time.Now()); (err == nil) != admit {
			t.Errorf("from %s: admitted %v (%v), want %v", addr, err == nil, err, admit)
		}
	}
}

func TestWildcard(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		p, s string
		want bool
	}{
		{"*", "", true}, {"*", "abc", true}, {"a*c", "abbbc", true}, {"a*c", "abcd", false},
		{"?", "a", true}, {"?", "", false}, {"a?c", "abc", true}, {"*.*.*.1", "10.0.0.1", true},
		{"10.0.0.1", "10.0.0.12", false}, {"**x", "yx", true}, {"a*b*c", "aXbYc", true}, {"a*b*c", "aXcYb", false},
	} {
		if got := wildcard(tc.p, tc.s); got != tc.want {
			t.Errorf("wildcard(%q, %q) = %v, want %v", tc.p, tc.s, got, tc.want)
		}
	}
}

// TestKeyOptionsInSessions: over SSH, a key whose line admits only
// another address is refused at authentication, and a no-pty key is told
// why it gets no dashboard.
func TestKeyOptionsInSessions(t *testing.T) {
	t.Parallel()
	elsewhere, noPTY, here := newKey(t), newKey(t), newKey(t)
	ts := startServer(t, Config{AuthorizedKeys: writeLines(t,
		keyLine(elsewhere, `from="192.0.2.0/24"`),
		keyLine(noPTY, `no-pty`),
		keyLine(here, `from="127.0.0.1,::1",expiry-time="29991231"`),
	)})
	if c, err := ts.dial(gossh.PublicKeys(elsewhere)); err == nil {
		_ = c.Close()
		t.Error("a key limited to 192.0.2.0/24 got in from 127.0.0.1")
	}
	tm := ts.openTerm("no-pty", 100, 30, termOpts{auth: []gossh.AuthMethod{gossh.PublicKeys(noPTY)}})
	if status := tm.WaitExit(); status != 1 {
		t.Errorf("no-pty key: exit status %d, want 1", status)
	}
	if text := tm.Text(); !strings.Contains(text, "no-pty") {
		t.Errorf("no-pty key: %q does not say why", text)
	}
	ok := ts.openTerm("from here", 100, 30, termOpts{auth: []gossh.AuthMethod{gossh.PublicKeys(here)}})
	ok.WaitDashboard()
	quitClean(t, ok)
	if logs := ts.logs.String(); !strings.Contains(logs, "can never open the dashboard") {
		t.Errorf("no warning at start about the no-pty key:\n%s", logs)
	}
	if logs := ts.logs.String(); !strings.Contains(logs, fmt.Sprintf("does not admit %s", "127.0.0.1")) {
		t.Errorf("the log does not say why the key from elsewhere was refused:\n%s", logs)
	}
}

// TestBadKeysFileLeavesNoHostKey: a server that will not start because of
// a keys file does not create its host key first.
func TestBadKeysFileLeavesNoHostKey(t *testing.T) {
	t.Parallel()
	hk := filepath.Join(t.TempDir(), "host")
	bad := writeLines(t, keyLine(newKey(t), `command="/bin/date"`))
	for _, cfg := range []Config{{AuthorizedKeys: bad}, {PresenterKeys: bad}, {AuthorizedKeys: filepath.Join(t.TempDir(), "missing")}} {
		cfg.HostKey, cfg.Dataset, cfg.Base, cfg.Logger = hk, testDS, testBase, log.New(io.Discard)
		if _, err := New(cfg); err == nil {
			t.Fatalf("%+v: the server starts", cfg)
		}
		if _, err := os.Stat(hk); err == nil {
			t.Fatal("a server that did not start created its host key")
		}
	}
}

// TestKeyName: a key's comment names its session whole, white space of
// any kind one space, control characters dropped.
func TestKeyName(t *testing.T) {
	for _, c := range []struct{ comment, want string }{
		{"Ana Lopez", "Ana Lopez"},
		{"Dr. Maria\tCastellanos\t de la Vega", "Dr. Maria Castellanos de la Vega"},
		{"Ben\x07 Okafor\u202e", "Ben Okafor"},
		{"  \t ", ""},
	} {
		if got := keyName(c.comment); got != c.want {
			t.Errorf("keyName(%q) = %q, want %q", c.comment, got, c.want)
		}
	}
}
