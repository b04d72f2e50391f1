package server

import (
	"encoding/binary"
	"path"
	"strings"
	"testing"
)

// asServed is p as the request server hands it to a handler: cleaned,
// and joined to the start directory unless absolute (github.com/pkg/sftp,
// cleanPathWithBase).
func asServed(p string) string {
	if c := path.Clean(p); path.IsAbs(c) {
		return c
	}
	return path.Join(sftpStart(), p)
}

// TestSFTPName: what the viewer asked for is told apart after the
// library cleaned it: names inside the folder are served as the legacy
// protocol serves them, ".." out of the folder and absolute paths are
// refused with their own reasons.
func TestSFTPName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                    ".",
		".":                   ".",
		"base.csv":            "base.csv",
		"./base.csv":          "base.csv",
		"exports/":            "exports",
		"exports/../base.csv": "base.csv",
		"~":                   ".",
		"~/base.csv":          "base.csv",
	} {
		asked, got, err := sftpName(asServed(in))
		if err != nil || got != want {
			t.Errorf("sftpName(%q) = %q, %v (asked %q); want %q", in, got, err, asked, want)
		}
	}
	for in, why := range map[string]string{
		"..":                            `".." out of your folder is refused`,
		"../bob/bob.csv":                `../bob/bob.csv: ".." out of your folder is refused`,
		"exports/../../x":               `../x: ".." out of your folder is refused`,
		"/etc/passwd":                   "/etc/passwd: absolute paths are refused",
		"/":                             "absolute paths are refused",
		"~bob/x":                        "only your own folder is served",
		"a\x00b":                        "NUL",
		`exports\..\..\x`:               "backslash",
		strings.Repeat("../", 80) + "x": "absolute paths are refused", // past sftpDepth
		"/" + strings.Repeat("n", 2000): "name too long",
	} {
		_, got, err := sftpName(asServed(in))
		if err == nil || !isRefusal(err) || !strings.Contains(err.Error(), why) {
			t.Errorf("sftpName(%q) = %q, %v; want a refusal saying %q", in, got, err, why)
		}
	}
}

// TestSFTPHandlesBounded: a client opens at most sftpMaxHandles files
// and folders at once; closing one lets it open another.
func TestSFTPHandlesBounded(t *testing.T) {
	t.Parallel()
	ts, alice, _, _, _ := keyModeServer(t, Config{})
	c := ts.openSFTP(alice)
	c.init()
	var handles []string
	for i := range sftpMaxHandles + 1 {
		typ, p := c.call(fxpOpen, "base-report.csv", uint32(fxfRead), uint32(0))
		if i == sftpMaxHandles {
			if code(typ, p) != fxFailure {
				t.Fatalf("open number %d: type %d status %d, want a failure", i+1, typ, code(typ, p))
			}
			break
		}
		if typ != fxpHandle {
			t.Fatalf("open number %d: status %d", i+1, code(typ, p))
		}
		handles = append(handles, (&sftpReader{b: p}).str())
	}
	if typ, p := c.call(fxpOpendir, "."); code(typ, p) != fxFailure {
		t.Errorf("opendir past the bound: type %d status %d, want a failure", typ, code(typ, p))
	}
	if typ, p := c.call(fxpClose, handles[0]); code(typ, p) != fxOK {
		t.Fatalf("close: status %d", code(typ, p))
	}
	if typ, p := c.call(fxpOpendir, "."); typ != fxpHandle {
		t.Errorf("opendir after a close: status %d", code(typ, p))
	}
}

// TestSFTPRequestBounded: a request over 256 KiB ends the transfer
// before the server reads it.
func TestSFTPRequestBounded(t *testing.T) {
	t.Parallel()
	ts, alice, _, _, _ := keyModeServer(t, Config{})
	c := ts.openSFTP(alice)
	c.init()
	head := binary.BigEndian.AppendUint32(nil, sftpMaxPacket+1)
	if _, err := c.in.Write(append(head, fxpStat)); err != nil {
		t.Fatal(err)
	}
	c.waitEnd()
	ts.waitLog("transfer broken", "packet too long")
}
