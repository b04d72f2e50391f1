package server

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// TestCleanRequest: names are relative to the viewer's folder; absolute
// paths, ".." out of the folder, "~user", NUL and backslashes are refused
// before anything touches the disk.
func TestCleanRequest(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                         ".",
		".":                        ".",
		"~":                        ".",
		"~/":                       ".",
		"base.csv":                 "base.csv",
		"./base.csv":               "base.csv",
		"~/base.csv":               "base.csv",
		"exports/base.csv":         "exports/base.csv",
		"exports//base.csv":        "exports/base.csv",
		"exports/":                 "exports",
		"exports/..":               ".",
		"exports/../base.csv":      "base.csv",
		"a/b/../../base.csv":       "base.csv",
		"-x":                       "-x",
		"base report (edited).csv": "base report (edited).csv",
	} {
		got, err := cleanRequest(in)
		if err != nil || got != want {
			t.Errorf("cleanRequest(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{
		"..", "../", "../base.csv", "./../x", "exports/../../x", "a/../../b",
		"../0123456789abcdef/base.csv", "~/../x", "~/..",
		"/", "/etc/passwd", "/base.csv", "//base.csv", "~/etc/../..",
		"~root/.ssh/id_ed25519", "~bob",
		"exports\\..\\..\\x", "a\x00b", strings.Repeat("a/", maxRequestPath),
	} {
		got, err := cleanRequest(in)
		if err == nil || !isRefusal(err) {
			t.Errorf("cleanRequest(%q) = %q, %v; want a refusal", in, got, err)
		}
	}
}

// folders makes DATA/users/{alice,bob}-style folders: alice's holds an
// export, a subfolder, links out and in, a FIFO; bob's holds his own
// export. It returns the data folder and the two user folders.
func folders(t *testing.T, alice, bob gossh.PublicKey) (data, a, b string) {
	t.Helper()
	data = t.TempDir()
	a = filepath.Join(data, "users", fingerprint(alice))
	b = filepath.Join(data, "users", fingerprint(bob))
	for _, dir := range []string{filepath.Join(a, "exports"), b} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(path, body string) {
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(a, "base-report.csv"), "scenario,value\nBase,51.2\n")
	write(filepath.Join(a, "exports", "sub.md"), "# sub\n")
	write(filepath.Join(b, "bob.csv"), "bob's secret\n")
	write(filepath.Join(data, "server-secret.txt"), "not for viewers\n")
	links := map[string]string{
		"out":       "/etc/passwd",
		"to-bob":    filepath.Join(b, "bob.csv"),
		"bob-dir":   b,
		"up":        "..",
		"relative":  "../" + fingerprint(bob) + "/bob.csv",
		"inner":     "base-report.csv",
		"inner-dir": "exports",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(a, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(a, "pipe.csv"), 0o644); err != nil {
		t.Fatal(err)
	}
	return data, a, b
}

// TestUserFolderRefuses: what a folder opens: its regular files; never a
// link (out of the folder, into another user's, or even inside), a FIFO
// or a folder.
func TestUserFolderRefuses(t *testing.T) {
	t.Parallel()
	_, a, _ := folders(t, newKey(t).PublicKey(), newKey(t).PublicKey())
	f, err := openUserFolder(a)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for name, want := range map[string]string{"base-report.csv": "scenario,value\nBase,51.2\n", "exports/sub.md": "# sub\n"} {
		file, _, err := f.open(name)
		if err != nil {
			t.Errorf("open(%q): %v", name, err)
			continue
		}
		got, _ := io.ReadAll(file)
		file.Close()
		if string(got) != want {
			t.Errorf("open(%q) read %q, want %q", name, got, want)
		}
	}
	for _, name := range []string{"out", "to-bob", "bob-dir/bob.csv", "up/server-secret.txt", "relative", "inner", "inner-dir/sub.md", "pipe.csv", "exports", "."} {
		file, _, err := f.open(name)
		if err == nil {
			file.Close()
			t.Errorf("open(%q) served the file", name)
			continue
		}
		if !isRefusal(err) {
			t.Errorf("open(%q): %v, want a refusal", name, err)
		}
		if strings.Contains(err.Error(), a) {
			t.Errorf("open(%q): the refusal names the server's folder: %v", name, err)
		}
	}
	for _, name := range []string{"missing.csv", "base-report.csv/x", "exports/missing"} {
		if _, _, err := f.open(name); !errors.As(err, new(*notFound)) {
			t.Errorf("open(%q): %v, want no such file", name, err)
		}
	}
}

func TestFetchCommandAt(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.ParseIP("192.0.2.7"), Port: 2222}, "scp -P 2222 192.0.2.7:base.csv ."},
		{&net.TCPAddr{IP: net.ParseIP("::ffff:192.0.2.7"), Port: 2222}, "scp -P 2222 192.0.2.7:base.csv ."},
		{&net.TCPAddr{IP: net.ParseIP("192.0.2.7"), Port: 22}, "scp 192.0.2.7:base.csv ."},
		{&net.TCPAddr{IP: net.ParseIP("2001:db8::1"), Port: 2222}, "scp -P 2222 '[2001:db8::1]:base.csv' ."},
		{&net.UnixAddr{Name: "/tmp/s", Net: "unix"}, "scp HOST:base.csv ."},
		{nil, "scp HOST:base.csv ."},
	} {
		if got := fetchCommandAt(c.addr)("base.csv"); got != c.want {
			t.Errorf("fetchCommandAt(%v) = %q, want %q", c.addr, got, c.want)
		}
	}
}

// ---------------------------------------------------------------------------
// A minimal SFTP client, to speak to the server the way scp and sftp do.

type sftpClient struct {
	t      *testing.T
	sess   *gossh.Session
	in     io.WriteCloser
	out    *bufio.Reader
	stderr *lockedBuffer
	id     uint32

	stderrDone chan struct{} // closed when the session's stderr ends
}

// waitEnd waits until the server ends the session: its output ends.
func (c *sftpClient) waitEnd() {
	c.t.Helper()
	timer := time.AfterFunc(waitTimeout, func() { _ = c.sess.Close() })
	defer timer.Stop()
	_, _ = io.Copy(io.Discard, c.out)
	<-c.stderrDone
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// openSFTP starts the sftp subsystem as signer and, unless the server
// refuses it, says INIT.
func (ts *testServer) openSFTP(signer gossh.Signer) *sftpClient {
	t := ts.t
	t.Helper()
	client, err := ts.dial(gossh.PublicKeys(signer))
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { _ = client.Close() })
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	c := &sftpClient{t: t, sess: sess, stderr: &lockedBuffer{}, stderrDone: make(chan struct{})}
	if c.in, err = sess.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stderr, err := sess.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(c.stderrDone)
		_, _ = io.Copy(c.stderr, stderr)
	}()
	out, err := sess.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	c.out = bufio.NewReader(out)
	if err := sess.RequestSubsystem("sftp"); err != nil {
		t.Fatalf("subsystem request: %v", err)
	}
	return c
}

// init says INIT and checks the server answers version 3.
func (c *sftpClient) init() {
	c.t.Helper()
	c.write(fxpInit, binary.BigEndian.AppendUint32(nil, 3))
	typ, payload := c.read()
	if typ != fxpVersion || binary.BigEndian.Uint32(payload) != 3 {
		c.t.Fatalf("answer to INIT: type %d %x, want VERSION 3", typ, payload)
	}
}

func (c *sftpClient) write(typ byte, payload []byte) {
	c.t.Helper()
	pkt := binary.BigEndian.AppendUint32(nil, uint32(1+len(payload)))
	pkt = append(append(pkt, typ), payload...)
	if _, err := c.in.Write(pkt); err != nil {
		c.t.Fatalf("sftp write: %v", err)
	}
}

func (c *sftpClient) read() (byte, []byte) {
	c.t.Helper()
	done := make(chan struct{})
	timer := time.AfterFunc(waitTimeout, func() { _ = c.sess.Close() })
	defer func() { timer.Stop(); close(done) }()
	var head [4]byte
	if _, err := io.ReadFull(c.out, head[:]); err != nil {
		c.t.Fatalf("sftp read: %v (stderr %q)", err, c.stderr.String())
	}
	pkt := make([]byte, binary.BigEndian.Uint32(head[:]))
	if _, err := io.ReadFull(c.out, pkt); err != nil {
		c.t.Fatalf("sftp read: %v", err)
	}
	return pkt[0], pkt[1:]
}

// call sends a request (fields: string, uint32, uint64) and returns the
// answer's type and what follows its id.
func (c *sftpClient) call(typ byte, fields ...any) (byte, []byte) {
	c.t.Helper()
	c.id++
	b := binary.BigEndian.AppendUint32(nil, c.id)
	for _, f := range fields {
		switch v := f.(type) {
		case string:
			b = appendString(b, v)
		case uint32:
			b = binary.BigEndian.AppendUint32(b, v)
		case uint64:
			b = binary.BigEndian.AppendUint64(b, v)
		default:
			c.t.Fatalf("field %T", f)
		}
	}
	c.write(typ, b)
	rt, payload := c.read()
	if len(payload) < 4 || binary.BigEndian.Uint32(payload) != c.id {
		c.t.Fatalf("answer to request %d: %x", c.id, payload)
	}
	return rt, payload[4:]
}

// code is the status code of an answer, or -1 when it is not a status.
func code(typ byte, payload []byte) int {
	if typ != fxpStatus {
		return -1
	}
	return int(binary.BigEndian.Uint32(payload))
}

// fetch opens, reads and closes name, returning its bytes, or the status
// code of the first refusal.
func (c *sftpClient) fetch(name string) ([]byte, int) {
	c.t.Helper()
	typ, p := c.call(fxpOpen, name, uint32(fxfRead), uint32(0))
	if typ != fxpHandle {
		return nil, code(typ, p)
	}
	r := &sftpReader{b: p}
	h := r.str()
	var data []byte
	for {
		typ, p := c.call(fxpRead, h, uint64(len(data)), uint32(32768))
		if typ == fxpStatus {
			if st := code(typ, p); st != fxEOF {
				c.t.Fatalf("read %s: status %d", name, st)
			}
			break
		}
		r := &sftpReader{b: p}
		data = append(data, r.str()...)
	}
	if typ, p := c.call(fxpClose, h); code(typ, p) != fxOK {
		c.t.Fatalf("close %s: %d", name, code(typ, p))
	}
	return data, fxOK
}

// list reads a folder: its names.
func (c *sftpClient) list(name string) ([]string, int) {
	c.t.Helper()
	typ, p := c.call(fxpOpendir, name)
	if typ != fxpHandle {
		return nil, code(typ, p)
	}
	h := (&sftpReader{b: p}).str()
	var names []string
	for {
		typ, p := c.call(fxpReaddir, h)
		if typ == fxpStatus {
			break
		}
		r := &sftpReader{b: p}
		for n := r.u32(); n > 0; n-- {
			names = append(names, r.str())
			r.str() // long name
			flags := r.u32()
			if flags != attrSize|attrPermissions|attrACModTime {
				c.t.Fatalf("attribute flags %#x", flags)
			}
			r.u64()
			r.u32()
			r.u32()
			r.u32()
		}
	}
	c.call(fxpClose, h)
	slices.Sort(names)
	return names, fxOK
}

// keyModeServer serves alice and bob with their folders under a data
// folder made by folders.
func keyModeServer(t *testing.T, cfg Config) (ts *testServer, alice, bob gossh.Signer, a, b string) {
	t.Helper()
	alice, bob = newKey(t), newKey(t)
	var data string
	data, a, b = folders(t, alice.PublicKey(), bob.PublicKey())
	cfg.AuthorizedKeys = writeKeys(t, "authorized_keys", alice, bob)
	cfg.DataDir = data
	return startServer(t, cfg), alice, bob, a, b
}

// TestSFTPServesOnlyTheViewersFolder: over the sftp subsystem a viewer
// reads and lists their own folder, and nothing else: another user's
// files, the server's, links, FIFOs, absolute paths and ".." out are
// refused, and so is every request that would change anything.
func TestSFTPServesOnlyTheViewersFolder(t *testing.T) {
	t.Parallel()
	ts, alice, bob, a, b := keyModeServer(t, Config{})
	c := ts.openSFTP(alice)
	c.init()

	if typ, p := c.call(fxpRealpath, "."); typ != fxpName || (&sftpReader{b: p[4:]}).str() != "." {
		t.Errorf("realpath . answered type %d %q, want \".\"", typ, p)
	}
	for name, want := range map[string]string{
		"base-report.csv":            "scenario,value\nBase,51.2\n",
		"./base-report.csv":          "scenario,value\nBase,51.2\n",
		"exports/sub.md":             "# sub\n",
		"exports/../base-report.csv": "scenario,value\nBase,51.2\n",
	} {
		got, st := c.fetch(name)
		if st != fxOK || string(got) != want {
			t.Errorf("fetch %q: status %d, %q; want %q", name, st, got, want)
		}
	}
	if names, st := c.list("."); st != fxOK || !slices.Equal(names, []string{"base-report.csv", "exports"}) {
		t.Errorf("list .: %d %q, want the file and the folder only (no links, no FIFO)", st, names)
	}

	refused := []string{
		"../" + fingerprint(bob.PublicKey()) + "/bob.csv",
		filepath.Join(b, "bob.csv"),
		filepath.Join(a, "base-report.csv"),
		"/etc/passwd",
		"../../server-secret.txt",
		"..",
		"~bob/bob.csv",
		"out", "to-bob", "bob-dir/bob.csv", "up/server-secret.txt", "relative", "inner", "inner-dir/sub.md",
		"pipe.csv", "exports",
	}
	for _, name := range refused {
		if got, st := c.fetch(name); st != fxPermissionDenied {
			t.Errorf("fetch %q: status %d (%q), want permission denied", name, st, got)
		}
	}
	for _, name := range []string{"/etc", "..", "../" + fingerprint(bob.PublicKey()), "bob-dir", "up"} {
		if names, st := c.list(name); st != fxPermissionDenied {
			t.Errorf("list %q: status %d %q, want permission denied", name, st, names)
		}
	}
	for _, name := range []string{"/etc/passwd", "../x", "out"} {
		if typ, p := c.call(fxpStat, name); code(typ, p) != fxPermissionDenied {
			t.Errorf("stat %q: type %d status %d, want permission denied", name, typ, code(typ, p))
		}
	}
	if typ, p := c.call(fxpStat, "missing.csv"); code(typ, p) != fxNoSuchFile {
		t.Errorf("stat missing.csv: status %d, want no such file", code(typ, p))
	}

	// Nothing that writes.
	for _, flags := range []uint32{0x2, 0x1 | 0x2, 0x8 | 0x2, 0x1 | 0x8 | 0x10, 0x4 | 0x2} {
		if typ, p := c.call(fxpOpen, "new.csv", flags, uint32(0)); code(typ, p) != fxPermissionDenied {
			t.Errorf("open with flags %#x: type %d status %d, want permission denied", flags, typ, code(typ, p))
		}
		if typ, p := c.call(fxpOpen, "base-report.csv", flags, uint32(0)); code(typ, p) != fxPermissionDenied {
			t.Errorf("open base-report.csv with flags %#x: type %d status %d, want permission denied", flags, typ, code(typ, p))
		}
	}
	typ, p := c.call(fxpOpen, "base-report.csv", uint32(fxfRead), uint32(0))
	if typ != fxpHandle {
		t.Fatalf("open: %d", code(typ, p))
	}
	h := (&sftpReader{b: p}).str()
	// A WRITE on a handle opened for reading: github.com/pkg/sftp answers
	// it as a READ of the handle (the file's own bytes), and writes
	// nothing (the folder is checked below).
	if typ, p := c.call(fxpWrite, h, uint64(0), "x"); typ == fxpStatus && code(typ, p) == fxOK {
		t.Errorf("a write on a read handle answered OK")
	}
	for _, req := range []struct {
		typ    byte
		fields []any
	}{
		{fxpFsetstat, []any{h, uint32(attrPermissions), uint32(0o777)}},
		{fxpSetstat, []any{"base-report.csv", uint32(attrPermissions), uint32(0o777)}},
		{fxpRemove, []any{"base-report.csv"}},
		{fxpRename, []any{"base-report.csv", "moved.csv"}},
		{fxpMkdir, []any{"new", uint32(0)}},
		{fxpRmdir, []any{"exports"}},
		{fxpSymlink, []any{"l", "base-report.csv"}},
		{fxpReadlink, []any{"out"}},
	} {
		if typ, p := c.call(req.typ, req.fields...); code(typ, p) != fxPermissionDenied {
			t.Errorf("request %d: type %d status %d, want permission denied", req.typ, typ, code(typ, p))
		}
	}
	// The extensions the library offers that change files are refused as
	// the requests they stand for; the others are not supported.
	for _, ext := range []struct {
		fields []any
		want   int
	}{
		{[]any{"posix-rename@openssh.com", "base-report.csv", "x"}, fxPermissionDenied},
		{[]any{"hardlink@openssh.com", "base-report.csv", "x"}, fxPermissionDenied},
		{[]any{"statvfs@openssh.com", "."}, fxOpUnsupported},
		{[]any{"x-unknown@example.com", "base-report.csv"}, fxOpUnsupported},
	} {
		if typ, p := c.call(fxpExtended, ext.fields...); code(typ, p) != ext.want {
			t.Errorf("extension %s: status %d, want %d", ext.fields[0], code(typ, p), ext.want)
		}
	}
	c.call(fxpClose, h)
	_ = c.in.Close()
	c.waitEnd()

	// The viewer was told why, in words, once per refusal.
	stderr := c.stderr.String()
	for _, want := range []string{
		"iomt: /etc/passwd: absolute paths are refused",
		`iomt: ..: ".." out of your folder is refused`,
		"iomt: out: a symbolic link is refused",
		"iomt: pipe.csv: is a FIFO (named pipe): only regular files are served",
		"iomt: this server only lets you download the files of your folder",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Count(stderr, "iomt: /etc/passwd:") != 1 {
		t.Errorf("a refusal told more than once:\n%s", stderr)
	}

	// Nothing changed on disk.
	entries, _ := os.ReadDir(a)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"base-report.csv", "bob-dir", "exports", "inner", "inner-dir", "out", "pipe.csv", "relative", "to-bob", "up"}; !slices.Equal(names, want) {
		t.Errorf("alice's folder after the session: %q, want %q", names, want)
	}
	if st, err := os.Stat(filepath.Join(a, "base-report.csv")); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("base-report.csv after setstat: %v %v", st.Mode(), err)
	}
	ts.waitLog("transfer refused", "protocol=sftp", "/etc/passwd")
	ts.waitLog("file fetched", "file=base-report.csv", "bytes=25")
	ts.waitLog("transfer end", "protocol=sftp")

	// Bob, with his own key, gets his own file, not alice's.
	bc := ts.openSFTP(bob)
	bc.init()
	if got, st := bc.fetch("bob.csv"); st != fxOK || string(got) != "bob's secret\n" {
		t.Errorf("bob's fetch: %d %q", st, got)
	}
	if _, st := bc.fetch("base-report.csv"); st != fxNoSuchFile {
		t.Errorf("bob fetching base-report.csv (alice's): status %d, want no such file", st)
	}
}

// scpSession runs a legacy scp command as signer; it returns the
// session's stdin, its stdout and a function waiting for its exit status.
func (ts *testServer) scpSession(signer gossh.Signer, command string) (io.WriteCloser, *bufio.Reader, func() int) {
	t := ts.t
	t.Helper()
	client, err := ts.dial(gossh.PublicKeys(signer))
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { _ = client.Close() })
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	in, _ := sess.StdinPipe()
	out, _ := sess.StdoutPipe()
	if err := sess.Start(command); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(waitTimeout, func() { _ = client.Close() })
	t.Cleanup(func() { timer.Stop() })
	return in, bufio.NewReader(out), func() int {
		err := sess.Wait()
		var exit *gossh.ExitError
		if errors.As(err, &exit) {
			return exit.ExitStatus()
		}
		if err != nil {
			t.Fatalf("%s: %v", command, err)
		}
		return 0
	}
}

// TestSCPLegacy: "scp -f" sends the viewer's files in the legacy
// protocol, tells the client why a name is refused and goes on with the
// next one; "scp -t" (an upload) is refused before it starts.
func TestSCPLegacy(t *testing.T) {
	t.Parallel()
	ts, alice, bob, _, _ := keyModeServer(t, Config{})

	in, out, wait := ts.scpSession(alice, "scp -f -- ../"+fingerprint(bob.PublicKey())+"/bob.csv /etc/passwd out base-report.csv '*.md' exports/*.md")
	ack := func() {
		t.Helper()
		if _, err := in.Write([]byte{0}); err != nil {
			t.Fatalf("acknowledging: %v", err)
		}
	}
	ack()
	var got []string
	for {
		line, err := out.ReadString('\n')
		if err != nil {
			break
		}
		got = append(got, line)
		if line[0] == 'C' {
			var mode, size int
			var name string
			if _, err := fmt.Sscanf(line, "C%o %d %s", &mode, &size, &name); err != nil {
				t.Fatalf("a file line the client cannot read: %q: %v", line, err)
			}
			ack()
			body := make([]byte, size+1)
			if _, err := io.ReadFull(out, body); err != nil {
				t.Fatal(err)
			}
			got = append(got, string(body[:size]))
			ack()
		}
	}
	in.Close()
	if st := wait(); st != 1 {
		t.Errorf("exit status %d, want 1 (some names were refused)", st)
	}
	want := []string{
		"\x01iomt: ../" + fingerprint(bob.PublicKey()) + "/bob.csv: \"..\" out of your folder is refused: only files inside it are served\n",
		"\x01iomt: /etc/passwd: absolute paths are refused: name a file of your folder, like base.csv\n",
		"\x01iomt: out: a symbolic link is refused: only regular files of your folder are served\n",
		"C0644 25 base-report.csv\n", "scenario,value\nBase,51.2\n",
		"\x01iomt: *.md: no such file in your folder\n",
		"C0644 6 sub.md\n", "# sub\n",
	}
	if !slices.Equal(got, want) {
		t.Errorf("scp -f sent\n%q\nwant\n%q", got, want)
	}

	in, out, wait = ts.scpSession(alice, "scp -t up.csv")
	line, _ := out.ReadString('\n')
	in.Close()
	if line != "\x02iomt: uploads are refused: this server only lets you fetch the files of your folder.\n" {
		t.Errorf("scp -t answered %q", line)
	}
	if st := wait(); st != 1 {
		t.Errorf("scp -t: exit status %d, want 1", st)
	}
}

// TestTransfersNeedAFolder: in open demo mode, and in key mode without
// --data, scp and sftp are refused with a sentence saying why.
func TestTransfersNeedAFolder(t *testing.T) {
	t.Parallel()
	key := newKey(t)
	for _, c := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"open mode", Config{DataDir: t.TempDir()}, "iomt: this is an open demo: it keeps no files"},
		{"no --data", Config{AuthorizedKeys: writeKeys(t, "authorized_keys", key)}, "iomt: this server keeps no files for its viewers (it runs without --data)"},
	} {
		ts := startServer(t, c.cfg)
		sc := ts.openSFTP(key)
		sc.waitEnd()
		if !strings.Contains(sc.stderr.String(), c.want) {
			t.Errorf("%s: sftp told %q, want %q", c.name, sc.stderr.String(), c.want)
		}
		in, out, wait := ts.scpSession(key, "scp -f base-report.csv")
		line, _ := out.ReadString('\n')
		in.Close()
		if !strings.HasPrefix(line, "\x02"+c.want) {
			t.Errorf("%s: scp -f answered %q, want %q", c.name, line, c.want)
		}
		if st := wait(); st != 1 {
			t.Errorf("%s: scp -f exit status %d, want 1", c.name, st)
		}
	}
}

// TestSFTPIdleAndFull: an sftp session that sends nothing is closed after
// the idle timeout, and a transfer counts under the session cap like a
// dashboard.
func TestSFTPIdleAndFull(t *testing.T) {
	t.Parallel()
	ts, alice, bob, _, _ := keyModeServer(t, Config{IdleTimeout: 500 * time.Millisecond, MaxSessions: 1})
	c := ts.openSFTP(alice)
	start := time.Now()
	c.init()
	// The only slot is alice's: bob is told the demo is full.
	full := ts.openSFTP(bob)
	full.waitEnd()
	if !strings.Contains(full.stderr.String(), "iomt: the demo is full (1 sessions)") {
		t.Errorf("past the cap, sftp was told %q", full.stderr.String())
	}
	done := make(chan struct{})
	go func() { c.waitEnd(); close(done) }()
	select {
	case <-done:
		if d := time.Since(start); d < 450*time.Millisecond {
			t.Errorf("closed after %v, before the idle timeout", d)
		}
	case <-time.After(waitTimeout):
		t.Fatal("an idle sftp session was not closed")
	}
	ts.waitLog("transfer end", "reason=\"idle for 500ms\"")
}

// TestExportSaysHowToFetch: in key mode with --data, the export menu
// and the message after an export give the scp command line, with the
// address and port the client reached; that command's file is the one
// written.
func TestExportSaysHowToFetch(t *testing.T) {
	t.Parallel()
	ts, alice, _, a, _ := keyModeServer(t, Config{})
	_, port, _ := net.SplitHostPort(ts.addr)
	want := "scp -P " + port + " 127.0.0.1:base-report.csv ."
	tm := ts.openTerm("alice", 140, 34, termOpts{auth: []gossh.AuthMethod{gossh.PublicKeys(alice)}})
	tm.WaitDashboard()
	tm.Press("x")
	tm.WaitText("CSV file", want+" on your machine fetches it from your folder on this server")
	tm.Press("\r")
	tm.WaitText("Exported Base (report). Fetch it: " + want + " (base-report.csv in your folder on this server)")
	quitClean(t, tm)

	c := ts.openSFTP(alice)
	c.init()
	got, st := c.fetch("base-report.csv")
	disk, err := os.ReadFile(filepath.Join(a, "base-report.csv"))
	if st != fxOK || err != nil || !bytes.Equal(got, disk) || !bytes.HasPrefix(got, []byte("scenario,dimension")) {
		t.Errorf("fetching the export: status %d, %d bytes (%v), want the %d bytes written", st, len(got), err, len(disk))
	}

	// Open demo mode: the menu offers the clipboard only, and no command.
	open := startServer(t, Config{})
	tm = open.openTerm("open", 140, 34, termOpts{})
	tm.WaitDashboard()
	tm.Press("x")
	screen := tm.WaitText("cannot write files: an open demo keeps no files", "Copy table for a spreadsheet")
	if strings.Contains(screen, "scp") || strings.Contains(screen, "CSV file") {
		t.Errorf("the open-mode export menu offers files:\n%s", tm.showing(screen))
	}
	tm.Press("\x1b")
	tm.WaitText("Closed.")
	quitClean(t, tm)
}

// TestTransferEndsAtShutdown: an sftp session open when the server shuts
// down is closed, and the shutdown does not wait for its deadline.
func TestTransferEndsAtShutdown(t *testing.T) {
	t.Parallel()
	ts, alice, _, _, _ := keyModeServer(t, Config{})
	c := ts.openSFTP(alice)
	c.init()
	start := time.Now()
	if err := ts.shutdown(3 * time.Second); err != nil {
		t.Errorf("Shutdown with an sftp session open: %v", err)
	}
	if d := time.Since(start); d > 2500*time.Millisecond {
		t.Errorf("Shutdown took %v", d)
	}
	c.waitEnd()
	ts.waitLog("transfer end", `reason="the server is shutting down"`)
}

// TestSCPErrorLineBounded: a legacy scp client that reports an error and
// then sends megabytes without a line end does not grow the server (a
// client sending 400 MB took it to 2.8 GB) and does not write them to the
// log: the line is cut at maxProtocolLine, and what the log quotes of it
// is cut at maxLoggedText characters, its control and bidirectional
// characters escaped.
func TestSCPErrorLineBounded(t *testing.T) {
	ts, alice, _, _, _ := keyModeServer(t, Config{})
	base := heapInUse()
	in, out, wait := ts.scpSession(alice, "scp -f base-report.csv")
	const flood = 64 << 20
	sent := make(chan int, 1)
	go func() {
		n, _ := in.Write([]byte("\x01\x1b]0;owned\a\u202eevil "))
		chunk := bytes.Repeat([]byte("A"), 64<<10)
		for n < flood {
			k, err := in.Write(chunk)
			n += k
			if err != nil {
				break
			}
		}
		sent <- n
	}()
	var n int
	select {
	case n = <-sent:
	case <-time.After(waitTimeout):
		t.Fatal("the client's writes neither finished nor failed")
	}
	if used := heapInUse(); used > base+8<<20 {
		t.Errorf("after the client sent %d MiB of one error line the server holds %d MiB more", n>>20, (used-base)>>20)
	}
	in.Close()
	_, _ = io.Copy(io.Discard, out)
	if st := wait(); st != 1 {
		t.Errorf("exit status %d, want 1", st)
	}
	ts.waitLog("transfer broken", "cut")
	// The end says why: it used to say "the client finished".
	ts.waitLog("transfer end", "reason=\"broken: the client reported more than 4096 bytes")
	for _, line := range strings.Split(ts.logs.String(), "\n") {
		if strings.Contains(line, "transfer broken") {
			if len(line) > 1024 {
				t.Errorf("the log line quoting the client is %d bytes long; it should quote at most %d characters", len(line), maxLoggedText)
			}
			if !strings.Contains(line, `\x1b]0;owned\a\u202eevil AAA`) {
				t.Errorf("the log line does not quote the client, escaped: %.300q", line)
			}
		}
	}
	if logs := ts.logs.String(); strings.ContainsAny(logs, "\x1b\a\u202e") {
		t.Errorf("the log holds raw control characters: %.500q", logs)
	}
}

// TestReadLine: a line of up to max bytes is read whole, a longer one is
// cut at max, whatever the reader's buffer.
func TestReadLine(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  int
		want string
		long bool
	}{
		{"ok\nnext", 8, "ok", false},
		{"12345678\n", 8, "12345678", false},
		{"123456789\n", 8, "12345678", true},
		{strings.Repeat("x", 100) + "\n", 40, strings.Repeat("x", 40), true},
		{strings.Repeat("y", 40) + "\n", 40, strings.Repeat("y", 40), false},
		{"no end", 40, "no end", false},
	} {
		got, err := readLine(bufio.NewReaderSize(strings.NewReader(c.in), 16), c.max)
		if got != c.want || errors.Is(err, errLongLine) != c.long {
			t.Errorf("readLine(%q, %d) = %q, %v; want %q, long %v", c.in, c.max, got, err, c.want, c.long)
		}
	}
}

// TestRefusalsEscapeNames: a refusal quotes the name the client sent with
// its bidirectional and invisible characters escaped, as the log shows
// them, over scp and sftp: a name cannot make the viewer's terminal show
// the message in another order than it is written.
func TestRefusalsEscapeNames(t *testing.T) {
	t.Parallel()
	ts, alice, _, _, _ := keyModeServer(t, Config{})
	in, out, wait := ts.scpSession(alice, "scp -f '/etc/\u202egpj.csv' 'missing\u2066\u200b.csv'")
	if _, err := in.Write([]byte{0}); err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(out)
	in.Close()
	wait()
	want := "\x01iomt: \"/etc/\\u202egpj.csv\": absolute paths are refused: name a file of your folder, like base.csv\n" +
		"\x01iomt: \"missing\\u2066\\u200b.csv\": no such file in your folder\n"
	if string(got) != want {
		t.Errorf("scp -f answered\n%q\nwant\n%q", got, want)
	}

	c := ts.openSFTP(alice)
	c.init()
	typ, p := c.call(fxpStat, "/\u202eetc/passwd")
	if code(typ, p) != fxPermissionDenied {
		t.Fatalf("stat: type %d status %d, want permission denied", typ, code(typ, p))
	}
	r := &sftpReader{b: p[4:]}
	if msg := r.str(); strings.ContainsRune(msg, '\u202e') || !strings.Contains(msg, `"/\u202eetc/passwd"`) {
		t.Errorf("the status message is %q; want the name escaped", msg)
	}
	_ = c.in.Close()
	c.waitEnd()
	if stderr := c.stderr.String(); !strings.Contains(stderr, `iomt: "/\u202eetc/passwd": absolute paths are refused`) {
		t.Errorf("sftp told %q; want the name escaped", stderr)
	}
	if logs := ts.logs.String(); strings.ContainsAny(logs, "\u202e\u2066\u200b") {
		t.Errorf("the log holds raw bidirectional or invisible characters: %q", logs)
	}
}

// TestTransferLogBounded: a client decides how many refusals a transfer
// has and how long the names it asks for are; the log keeps the first
// maxTransferLog events of a transfer and quotes at most maxLoggedText
// characters of a name.
func TestTransferLogBounded(t *testing.T) {
	t.Parallel()
	ts, alice, _, _, _ := keyModeServer(t, Config{})
	c := ts.openSFTP(alice)
	c.init()
	const asked = maxTransferLog + 50
	for i := range asked {
		name := fmt.Sprintf("/etc/%d", i)
		if i == 0 {
			name = "/" + strings.Repeat("n", 200<<10) // a packet under sftpMaxPacket
		}
		if typ, p := c.call(fxpStat, name); code(typ, p) != fxPermissionDenied {
			t.Fatalf("stat %d: status %d, want permission denied", i, code(typ, p))
		}
	}
	_ = c.in.Close()
	c.waitEnd()
	ts.waitLog("transfer end", fmt.Sprintf("events=%d", asked))
	logs := ts.logs.String()
	if n := strings.Count(logs, "transfer refused"); n != maxTransferLog {
		t.Errorf("%d refusals logged of %d; want the first %d", n, asked, maxTransferLog)
	}
	ts.waitLog("further events of this transfer are not logged")
	for _, line := range strings.Split(logs, "\n") {
		if len(line) > 2*maxLoggedText+300 {
			t.Errorf("a log line of %d bytes: %.200q…", len(line), line)
		}
	}
}

// FuzzReadLine: whatever a client sends and however the reader's buffer
// cuts it, readLine returns at most max bytes and no line end, the line
// the input starts with when it ends within max bytes, and says so when
// it does not.
func FuzzReadLine(f *testing.F) {
	f.Add([]byte("iomt: no such file\n"), uint8(8), uint8(16))
	f.Add([]byte("\x01\x02\n\n"), uint8(1), uint8(0))
	f.Add([]byte(strings.Repeat("A", 300)), uint8(40), uint8(200))
	f.Fuzz(func(t *testing.T, data []byte, max, size uint8) {
		r := bufio.NewReaderSize(bytes.NewReader(data), int(size)+16) // bufio's least is 16
		line, err := readLine(r, int(max))
		if len(line) > int(max) || strings.Contains(line, "\n") {
			t.Fatalf("readLine(%q, %d) = %q", data, max, line)
		}
		want, _, ended := bytes.Cut(data, []byte("\n"))
		switch {
		case len(want) <= int(max) && ended:
			if line != string(want) || err != nil {
				t.Fatalf("readLine(%q, %d) = %q, %v; want %q", data, max, line, err, want)
			}
		case len(want) > int(max):
			if !errors.Is(err, errLongLine) || line != string(want[:max]) {
				t.Fatalf("readLine(%q, %d) = %q, %v; want the first %d bytes and errLongLine", data, max, line, err, max)
			}
		default: // no line end within the input
			if err == nil {
				t.Fatalf("readLine(%q, %d) = %q, no error at the end of the input", data, max, line)
			}
		}
	})
}
