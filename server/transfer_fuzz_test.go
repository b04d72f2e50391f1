package server

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// The protocol parsing that stays hand-written: the words of a legacy
// scp command (parseSCP), what an scp client answers (scpSource.ack and
// the lines after an error byte), and the paths the SFTP library hands
// the handlers (sftpName). FuzzReadLine (scp_test.go) covers readLine.

// FuzzParseSCP: whatever command a client sends (its words, split by
// NUL here), parseSCP takes it as scp only when its first word is scp;
// the paths are words of the command, in order; every word after "--",
// and every word before it that is not an option, is a path; -f and -t
// are read from the options only.
func FuzzParseSCP(f *testing.F) {
	for _, cmd := range []string{
		"scp\x00-f\x00base.csv", "scp\x00-t\x00up.csv", "scp\x00-rpf\x00--\x00-x\x00*.csv",
		"scp\x00-f\x00-\x00--\x00--", "sh\x00-c\x00scp -f x", "scp", "", "scp\x00-\x00-f",
	} {
		f.Add(cmd)
	}
	f.Fuzz(func(t *testing.T, line string) {
		var words []string
		if line != "" {
			words = strings.Split(line, "\x00")
		}
		cmd, ok := parseSCP(words)
		if ok != (len(words) > 0 && words[0] == "scp") {
			t.Fatalf("parseSCP(%q): ok %v", words, ok)
		}
		if !ok {
			return
		}
		var paths []string
		from, to, options := false, false, true
		for _, w := range words[1:] {
			switch {
			case options && w == "--":
				options = false
			case options && strings.HasPrefix(w, "-") && w != "-":
				from = from || strings.ContainsRune(w, 'f')
				to = to || strings.ContainsRune(w, 't')
			default:
				paths = append(paths, w)
			}
		}
		if !slices.Equal(cmd.paths, paths) || cmd.from != from || cmd.to != to {
			t.Fatalf("parseSCP(%q) = %+v; want paths %q, from %v, to %v", words, cmd, paths, from, to)
		}
	})
}

// FuzzSCPSource: whatever a legacy scp client answers (its
// acknowledgements, error bytes and lines) and whatever names it asks
// for, the source ends when the answers do, sends nothing from outside
// the viewer's folder, and sends only its protocol's records (T and C
// lines, each file's bytes and a zero byte, error lines); an error line
// cannot draw on the viewer's terminal.
func FuzzSCPSource(f *testing.F) {
	dir := f.TempDir()
	user := filepath.Join(dir, "user")
	for _, d := range []string{filepath.Join(user, "exports")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			f.Fatal(err)
		}
	}
	for name, body := range map[string]string{
		filepath.Join(user, "a.csv"):           "scenario,value\n",
		filepath.Join(user, "exports", "b.md"): "# b\n",
		filepath.Join(dir, "secret.txt"):       "SECRET outside the folder\n",
	} {
		if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
			f.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(dir, "secret.txt"), filepath.Join(user, "out")); err != nil {
		f.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(user, "pipe"), 0o644); err != nil {
		f.Fatal(err)
	}
	folder, err := openUserFolder(user)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { folder.Close() })

	f.Add("a.csv", []byte{0, 0, 0, 0}, false)
	f.Add("a.csv\x00*\x00exports/*.md", []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, true)
	f.Add("../secret.txt\x00out\x00/etc/passwd\x00pipe\x00exports", []byte{0}, false)
	f.Add("a.csv", []byte("\x00\x01iomt: no room\n\x00"), false)
	f.Add("a.csv", []byte("\x00\x02\x1b]0;owned\a\n"), true)
	f.Add("a.csv\x00a.csv", []byte("\x00\x00\x05"), false)
	f.Add("*\x00[\x00\u202egpj.csv", []byte{0, 0, 0, 0, 0, 0}, true)
	f.Fuzz(func(t *testing.T, names string, answers []byte, preserve bool) {
		paths := strings.Split(names, "\x00")
		if len(paths) > 8 {
			paths = paths[:8]
		}
		var out bytes.Buffer
		src := &scpSource{folder: folder, in: bufio.NewReaderSize(bytes.NewReader(answers), 16), out: &out, log: func(string, ...any) {}}
		_, _ = src.run(scpCommand{from: true, recursive: true, preserve: preserve, paths: paths})
		if bytes.Contains(out.Bytes(), []byte("SECRET")) {
			t.Fatalf("names %q: the source sent a file from outside the folder: %q", paths, out.Bytes())
		}
		checkSCPRecords(t, out.Bytes())
	})
}

// checkSCPRecords checks that b is a run of the source side's records.
func checkSCPRecords(t *testing.T, b []byte) {
	t.Helper()
	r := bufio.NewReader(bytes.NewReader(b))
	for {
		kind, err := r.ReadByte()
		if err != nil {
			return
		}
		line, err := r.ReadString('\n')
		if err != nil {
			// The answers ran out while a record was being sent: only
			// its first line may be whole.
			t.Fatalf("a record cut short: %q in %q", string(kind)+line, b)
		}
		switch kind {
		case 'T':
		case 'C':
			fields := strings.SplitN(strings.TrimSuffix(line, "\n"), " ", 3)
			size, err := strconv.Atoi(fields[min(1, len(fields)-1)])
			if len(fields) != 3 || err != nil || size < 0 || path.Base(fields[2]) != fields[2] {
				t.Fatalf("a C line %q in %q", line, b)
			}
			if _, err := r.Peek(1); err != nil {
				return // the client did not acknowledge the C line
			}
			if _, err := io.ReadFull(r, make([]byte, size)); err != nil {
				t.Fatalf("a file of %d bytes cut short in %q", size, b)
			}
			switch end, err := r.ReadByte(); {
			case err != nil:
				t.Fatalf("a file not ended in %q", b)
			case end == 1:
				_ = r.UnreadByte() // it failed: an error line follows
			case end != 0:
				t.Fatalf("a file ended by %q in %q", end, b)
			}
		case 1:
			if strings.IndexFunc(strings.TrimSuffix(line, "\n"), func(c rune) bool { return c < ' ' || c == 0x7f }) >= 0 ||
				!strings.HasPrefix(line, "iomt: ") {
				t.Fatalf("an error line that is not plain words: %q", line)
			}
		default:
			t.Fatalf("a record of kind %q: %q in %q", kind, line, b)
		}
	}
}

// FuzzSFTPName: whatever path a client sends, once the library cleaned
// it against sftpStart, sftpName serves a name inside the folder or
// refuses it; a path that leads out of the folder, or an absolute one, is
// refused; a plain relative name is served as the legacy protocol serves
// it.
func FuzzSFTPName(f *testing.F) {
	for _, p := range []string{
		"base.csv", "./exports/../base.csv", "..", "../x", "/etc/passwd", "", "~", "~/x", "~bob/x",
		"a\x00b", `a\b`, strings.Repeat("../", 70) + "x", "/\x00/x", "exports/",
	} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		asked, name, err := sftpName(asServed(p))
		clean := path.Clean(p)
		if err == nil {
			if name != "." && !filepath.IsLocal(name) || strings.ContainsAny(name, "\x00\\") {
				t.Fatalf("sftpName(%q) served %q (asked %q), which is not a plain name inside the folder", p, name, asked)
			}
		}
		if strings.ContainsRune(p, 0) {
			return // a NUL where the start directory has its own: refused or served inside the folder, as checked above
		}
		if (path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../")) && err == nil {
			t.Fatalf("sftpName(%q) served %q: a path out of the folder", p, name)
		}
		if !strings.HasPrefix(p, "~") && !path.IsAbs(p) {
			if want, werr := cleanRequest(p); werr == nil && (err != nil || name != want) {
				t.Fatalf("sftpName(%q) = %q, %v; the legacy protocol serves %q", p, name, err, want)
			}
		}
	})
}
