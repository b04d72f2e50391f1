package server

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"charm.land/log/v2"
	"charm.land/ssh"
	"github.com/pkg/sftp"
)

// SFTP, as `sftp` and `scp` (its default protocol since OpenSSH 9.0)
// speak it, is served by github.com/pkg/sftp's request server over the
// viewer's folder: sftpFolder's handlers read and list it, and refuse
// every request that would change anything (write, setstat, remove,
// mkdir, rmdir, rename, link, symlink); nothing here writes to the disk.
// The library reads a request's length first and refuses one over
// 256 KiB (as OpenSSH's own server) before it allocates it, and answers a
// read with at most 32 KiB.

// sftpMaxHandles bounds the files and folders a session has open at
// once: the library keeps every handle a client opens.
const sftpMaxHandles = 32

// errReadOnly is the answer to every request that would change a file.
var errReadOnly = errors.New("this server only lets you download the files of your folder: no upload, delete, rename, mkdir or setstat")

// serveSFTP serves the sftp subsystem until the client is done; it
// returns the session's exit status.
func (t *transferSession) serveSFTP() int {
	h := &sftpFolder{folder: t.folder, log: t.v.log, events: t.events.event, fault: t.s.fault,
		fail: func() {
			fmt.Fprint(t.sess.Stderr(), panicLine+"\n")
			t.end(panicReason)
		}}
	h.tell = func(msg string) {
		// A client often asks twice about one name (lstat, then stat):
		// say each refusal once, and only so many.
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.told[msg] || len(h.told) >= maxTold {
			return
		}
		if h.told == nil {
			h.told = map[string]bool{}
		}
		h.told[msg] = true
		fmt.Fprintf(t.sess.Stderr(), "iomt: %s\n", msg)
	}
	rs := sftp.NewRequestServer(sftpChannel{active{t.sess, t.touch}, t.sess},
		sftp.Handlers{FileGet: h, FilePut: h, FileCmd: h, FileList: h},
		sftp.WithStartDirectory(sftpStart()))
	if err := rs.Serve(); err != nil && !errors.Is(err, io.EOF) {
		t.v.log.Info("transfer broken", "err", err)
		return 1
	}
	return 0
}

// sftpChannel is the session as the request server reads and writes it:
// every request read and every answer written is activity, for the idle
// timeout.
type sftpChannel struct {
	active
	sess ssh.Session
}

// Close ends the session's channel: the library closes it when the
// client sent what it cannot read, or an answer cannot be sent.
func (c sftpChannel) Close() error { return c.sess.Close() }

// The request server cleans every path against its start directory
// before a handler sees it: with "/" as the start, "../x" and "/x" would
// both arrive as "/x", and ".." out of the folder would read as the
// folder itself. The start here is sftpDepth components of one NUL byte,
// which no name of a file holds: a relative path arrives under all of
// them, one whose ".." lead out of the folder under fewer, an absolute
// one under none. sftpName undoes this, so that each is refused with its
// reason, as cleanRequest refuses what the legacy protocol is sent. A path
// with more than sftpDepth ".." too many reads as an absolute one: it is
// refused all the same.
const sftpDepth = 64

// sftpStart is the request server's start directory.
func sftpStart() string { return "/" + strings.Repeat("\x00/", sftpDepth-1) + "\x00" }

// sftpName turns a path as the request server passes it to a handler
// back into the path the viewer asked for (as far as it can be told),
// and that into a name of the viewer's folder (cleanRequest).
func sftpName(p string) (asked, name string, err error) {
	rest, depth := p, 0
	for depth < sftpDepth {
		r, ok := strings.CutPrefix(rest, "/\x00")
		if !ok || (r != "" && r[0] != '/') {
			break
		}
		rest, depth = r, depth+1
	}
	switch rest = strings.TrimPrefix(rest, "/"); {
	case depth == sftpDepth:
		asked = rest
	case depth > 0:
		asked = strings.TrimSuffix(strings.Repeat("../", sftpDepth-depth)+rest, "/")
	default:
		asked = p
	}
	name, err = cleanRequest(asked)
	return asked, name, err
}

// sftpFolder answers a session's SFTP requests over its folder. The
// library calls it from several goroutines at once.
type sftpFolder struct {
	folder *userFolder
	log    *log.Logger
	// events records an event for the operator; tell says a refusal to
	// the viewer (on the session's standard error: SFTP clients show
	// their own words for a status, not the server's); fail ends the
	// session after a panic in a handler.
	events func(msg string, kv ...any)
	tell   func(msg string)
	fail   func()
	fault  func(step string)

	open atomic.Int32 // files and folders open

	mu   sync.Mutex
	told map[string]bool
}

// sftpStatus is an error the request server answers with code, and the
// words of err.
type sftpStatus struct {
	err  error
	code error // one of sftp.ErrSSHFx…
}

func (e *sftpStatus) Error() string   { return e.err.Error() }
func (e *sftpStatus) Unwrap() []error { return []error{e.err, e.code} }

// errTooMany answers an open past sftpMaxHandles, and errPanic a request
// whose handler panicked.
var (
	errTooMany = &sftpStatus{errors.New("too many open files"), sftp.ErrSSHFxFailure}
	// The client prints the status message as a sentence of its own.
	errPanic = &sftpStatus{errors.New(panicReason), sftp.ErrSSHFxFailure} //nolint:staticcheck // ST1005: shown to the user whole

)

// refuse answers a request that failed with err: a file that is not
// there, or a refusal, which the viewer is also told in words.
func (h *sftpFolder) refuse(op, asked string, err error) error {
	var nf *notFound
	if errors.As(err, &nf) {
		return &sftpStatus{err, sftp.ErrSSHFxNoSuchFile}
	}
	h.events("transfer refused", "op", op, "path", clientText(asked), "reason", clientText(err.Error()))
	h.tell(err.Error())
	return &sftpStatus{err, sftp.ErrSSHFxPermissionDenied}
}

// failed is what a handler does after a panic (see contain): it ends the
// session, and the request fails.
func (h *sftpFolder) failed(err *error) func() {
	return func() {
		*err = errPanic
		h.fail()
	}
}

// name is the folder's name for a request's path; asked is the path as
// the viewer sent it.
func (h *sftpFolder) name(p string) (asked, name string, err error) {
	h.fault(faultSFTP)
	return sftpName(p)
}

// take counts a handle opened, unless there are sftpMaxHandles already.
func (h *sftpFolder) take() bool {
	if h.open.Add(1) > sftpMaxHandles {
		h.open.Add(-1)
		return false
	}
	return true
}

// Fileread opens a regular file of the folder for reading.
func (h *sftpFolder) Fileread(r *sftp.Request) (_ io.ReaderAt, err error) {
	defer contain(h.log, h.failed(&err))
	asked, name, err := h.name(r.Filepath)
	if err != nil {
		return nil, h.refuse("open", asked, err)
	}
	if !h.take() {
		return nil, errTooMany
	}
	f, _, err := h.folder.open(name)
	if err != nil {
		h.open.Add(-1)
		return nil, h.refuse("open", asked, err)
	}
	h.events("file opened", "file", clientText(name))
	return &download{f: f, name: name, h: h}, nil
}

// Filewrite refuses to open a file for writing.
func (h *sftpFolder) Filewrite(r *sftp.Request) (_ io.WriterAt, err error) {
	defer contain(h.log, h.failed(&err))
	asked, _, _ := h.name(r.Filepath)
	return nil, h.refuse("open for writing", asked, errReadOnly)
}

// Filecmd refuses every change: setstat, rename, rmdir, mkdir, link,
// symlink, remove.
func (h *sftpFolder) Filecmd(r *sftp.Request) (err error) {
	defer contain(h.log, h.failed(&err))
	asked, _, _ := h.name(r.Filepath)
	return h.refuse(strings.ToLower(r.Method), asked, errReadOnly)
}

// Filelist lists a folder, or tells what a name is (stat and lstat are
// one: a symbolic link is refused either way); a link is not read.
func (h *sftpFolder) Filelist(r *sftp.Request) (_ sftp.ListerAt, err error) {
	defer contain(h.log, h.failed(&err))
	asked, name, err := h.name(r.Filepath)
	switch r.Method {
	case "List":
		if err != nil {
			return nil, h.refuse("list", asked, err)
		}
		return h.openFolder(asked, name)
	case "Stat":
		if err != nil {
			return nil, h.refuse("stat", asked, err)
		}
		fi, err := h.folder.stat(name)
		if err != nil {
			return nil, h.refuse("stat", asked, err)
		}
		return listing{plainInfo{fi}}, nil
	case "Readlink":
		return nil, h.refuse("readlink", asked, errors.New("symbolic links are not served"))
	}
	return nil, sftp.ErrSSHFxOpUnsupported
}

// openFolder opens a folder of the viewer's folder for listing.
func (h *sftpFolder) openFolder(asked, name string) (sftp.ListerAt, error) {
	if !h.take() {
		return nil, errTooMany
	}
	fi, err := h.folder.stat(name)
	if err == nil && !fi.IsDir() {
		err = &refusal{asked, "is not a folder"}
	}
	var d *os.File
	if err == nil {
		if d, err = h.folder.root.Open(name); err != nil {
			err = h.folder.failure(name, err)
		}
	}
	if err != nil {
		h.open.Add(-1)
		return nil, h.refuse("list", asked, err)
	}
	return &folderListing{dir: d, h: h}, nil
}

// RealPath answers where a path leads. Names are relative to the viewer's
// folder, and "." is the folder: a client that asks where it is (sftp
// does, at start) is told ".", and makes its names relative to it. The
// library hands this handler the path as the client sent it.
func (h *sftpFolder) RealPath(p string) (_ string, err error) {
	defer contain(h.log, h.failed(&err))
	h.fault(faultSFTP)
	name, err := cleanRequest(p)
	if err != nil {
		return "", h.refuse("resolve", p, err)
	}
	return name, nil
}

// LookupUserName and LookupGroupName name a file's owner in a folder's
// long listing (sftp's ls -l): the viewer, rather than the server's
// accounts.
func (h *sftpFolder) LookupUserName(string) string  { return "viewer" }
func (h *sftpFolder) LookupGroupName(string) string { return "viewer" }

// download is a file open for reading; its Close logs what was sent.
type download struct {
	f    *os.File
	name string
	h    *sftpFolder
	sent atomic.Int64
}

func (d *download) ReadAt(p []byte, off int64) (int, error) {
	n, err := d.f.ReadAt(p, off)
	d.sent.Add(int64(n))
	return n, err
}

func (d *download) Close() error {
	err := d.f.Close()
	d.h.open.Add(-1)
	d.h.events("file fetched", "file", clientText(d.name), "bytes", d.sent.Load())
	return err
}

// folderListing lists a folder's regular files and folders, and nothing
// else: a link, a FIFO, a socket or a device is not shown.
type folderListing struct {
	dir  *os.File
	h    *sftpFolder
	done bool
}

// ListAt fills buf with the folder's next entries. The library asks for
// them in order, from where its last answer ended, which is where the
// folder's descriptor is: off is not needed.
func (l *folderListing) ListAt(buf []os.FileInfo, _ int64) (n int, err error) {
	defer contain(l.h.log, func() { err = errPanic; l.h.fail() })
	for n == 0 && !l.done && len(buf) > 0 {
		ents, err := l.dir.ReadDir(len(buf))
		for _, e := range ents {
			fi, ierr := e.Info()
			if ierr != nil || !(fi.Mode().IsRegular() || fi.IsDir()) {
				continue
			}
			buf[n] = plainInfo{fi}
			n++
		}
		if err != nil || len(ents) == 0 {
			l.done = true
		}
	}
	if n == 0 {
		return 0, io.EOF
	}
	return n, nil
}

func (l *folderListing) Close() error {
	l.h.open.Add(-1)
	return l.dir.Close()
}

// listing is a list of one file's details, for a stat.
type listing []os.FileInfo

func (l listing) ListAt(buf []os.FileInfo, off int64) (int, error) {
	if off >= int64(len(l)) {
		return 0, io.EOF
	}
	n := copy(buf, l[off:])
	if off+int64(n) == int64(len(l)) {
		return n, io.EOF
	}
	return n, nil
}

// plainInfo is a file's details without the server's own: Sys would give
// the library the uid and gid of the server's account.
type plainInfo struct{ fs.FileInfo }

func (plainInfo) Sys() any { return nil }
