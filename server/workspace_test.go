package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"iomt/model"
)

// TestKeyUsersSaveTheirOwn: with --data, a key-authenticated user saves
// under DIR/users/<fingerprint of the key they proved>/, finds the
// scenario again in a later session, and another user does not see it.
func TestKeyUsersSaveTheirOwn(t *testing.T) {
	t.Parallel()
	alice, bob := newKey(t), newKey(t)
	data := t.TempDir()
	ts := startServer(t, Config{AuthorizedKeys: writeKeys(t, "authorized_keys", alice, bob), DataDir: data})
	as := func(k gossh.Signer) termOpts { return termOpts{auth: []gossh.AuthMethod{gossh.PublicKeys(k)}} }

	a := ts.openTerm("alice", 120, 34, as(alice))
	a.WaitDashboard()
	a.Press("+")
	a.WaitText("unsaved")
	a.Press("s")
	a.WaitText("Save scenario as")
	a.Press("Alice telehealth\r")
	screen := a.WaitText("Saved Alice telehealth to alice-telehealth.yaml in your folder on this server")
	if strings.Contains(screen, data) {
		t.Errorf("a viewer is shown the server's folders:\n%s", a.showing(screen))
	}
	quitClean(t, a)
	if st, err := os.Stat(filepath.Join(data, "users")); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("the users' folder: %v, %v; want mode 0700, private to the server's user", st.Mode().Perm(), err)
	}

	want := filepath.Join(data, "users", fingerprint(alice.PublicKey()), model.Slug("Alice telehealth")+".yaml")
	body, err := os.ReadFile(want)
	if err != nil {
		t.Fatalf("alice's scenario is not where it belongs: %v", err)
	}
	if !strings.Contains(string(body), `scenario: "Alice telehealth"`) {
		t.Errorf("%s does not hold alice's scenario:\n%s", want, body)
	}
	users, err := os.ReadDir(filepath.Join(data, "users"))
	if err != nil || len(users) != 1 {
		t.Errorf("users folders after one save: %v, %v; want alice's only", users, err)
	}

	b := ts.openTerm("bob", 120, 34, as(bob))
	b.WaitDashboard()
	b.Press("o")
	screen = b.WaitText("Open a scenario", "Accelerated")
	if strings.Contains(screen, "Alice telehealth") {
		t.Errorf("bob sees alice's scenario:\n%s", b.showing(screen))
	}
	b.Press("\x1b")
	b.WaitText("Closed.")
	quitClean(t, b)

	again := ts.openTerm("alice again", 120, 34, as(alice))
	again.WaitDashboard()
	again.Press("o")
	again.WaitText("Open a scenario", "Alice telehealth")
	again.Press("\x1b")
	again.WaitText("Closed.")
	quitClean(t, again)
}

// TestOpenModeCannotSave: in open demo mode a session cannot write to the
// server's disk, even with --data: saving says so and nothing is written.
func TestOpenModeCannotSave(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	ts := startServer(t, Config{DataDir: data})
	for _, auth := range [][]gossh.AuthMethod{{keyboardInteractive()}, {gossh.PublicKeys(newKey(t))}} {
		tm := ts.openTerm("open mode", 120, 34, termOpts{auth: auth})
		tm.WaitDashboard()
		tm.Press("+")
		tm.WaitText("unsaved")
		tm.Press("s")
		tm.WaitText("Read-only session (an open demo keeps no files): saving is off")
		tm.Press("x")
		tm.WaitText("cannot write files: an open demo keeps no files", "Copy table for a spreadsheet")
		tm.Press("\x1b")
		tm.WaitText("Closed.")
		tm.Press("q")
		tm.WaitText("Quit?")
		tm.Press("y")
		if status := tm.WaitExit(); status != 0 {
			t.Errorf("exit status %d after q, y", status)
		}
	}
	if entries, err := os.ReadDir(data); err != nil || len(entries) != 0 {
		t.Errorf("open demo mode wrote into --data: %v, %v", entries, err)
	}

	// Key mode without --data: the reason is that flag.
	key := newKey(t)
	noData := startServer(t, Config{AuthorizedKeys: writeKeys(t, "authorized_keys", key)})
	tm := noData.openTerm("key mode, no --data", 120, 34, termOpts{auth: []gossh.AuthMethod{gossh.PublicKeys(key)}})
	tm.WaitDashboard()
	tm.Press("s")
	tm.WaitText("Read-only session (the server runs without --data): saving is off")
	tm.Press("x")
	tm.WaitText("cannot write files: the server runs without --data")
	tm.Press("\x1b")
	tm.WaitText("Closed.")
	quitClean(t, tm)
}

// TestUserFolderQuota: a key user's folder holds at most UserMaxFiles
// files and UserMaxBytes bytes; an export past them is refused on screen
// with the reason, and nothing is written. One that replaces a file the
// folder holds goes through.
func TestUserFolderQuota(t *testing.T) {
	t.Parallel()
	// alice's folder holds two regular files: base-report.csv and
	// exports/sub.md.
	ts, alice, _, a, _ := keyModeServer(t, Config{UserMaxFiles: 2, UserMaxBytes: 64 << 10})
	tm := ts.openTerm("alice", 160, 40, termOpts{auth: []gossh.AuthMethod{gossh.PublicKeys(alice)}})
	tm.WaitDashboard()
	tm.Press("x")
	tm.WaitText("CSV file")
	tm.Press("\r") // base-report.csv: replaces the one there
	tm.WaitText("Exported Base (report)")
	tm.Press("x")
	tm.WaitText("JSON file")
	tm.Press("\x1b[B\r") // base-report.json: a third file
	tm.WaitText("Not exported: your folder on this server is full: it holds 2 files")
	if _, err := os.Stat(filepath.Join(a, "base-report.json")); err == nil {
		t.Error("the refused export was written")
	}
	quitClean(t, tm)

	ts, alice, _, a, _ = keyModeServer(t, Config{UserMaxBytes: 1 << 10})
	tm = ts.openTerm("alice", 160, 40, termOpts{auth: []gossh.AuthMethod{gossh.PublicKeys(alice)}})
	tm.WaitDashboard()
	tm.Press("x")
	tm.WaitText("CSV file")
	tm.Press("\r")
	tm.WaitText("Not exported: this file is more than 1 KiB, the most your folder on this server may hold")
	if body, _ := os.ReadFile(filepath.Join(a, "base-report.csv")); string(body) != "scenario,value\nBase,51.2\n" {
		t.Errorf("a refused export replaced base-report.csv with %d bytes", len(body))
	}
	quitClean(t, tm)
}
