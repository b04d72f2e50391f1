package server

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"
)

// A read-only SFTP server (protocol version 3, draft-ietf-secsh-filexfer-02,
// the version OpenSSH speaks): what `scp` (SFTP is its default protocol
// since OpenSSH 9.0) and `sftp` need to list and download the files of
// the viewer's folder. Every request that would change anything (write,
// setstat, remove, mkdir, rmdir, rename, symlink) is answered "permission
// denied"; nothing in this file writes to the disk. It is small enough to
// read whole, which is why it is not a general SFTP library.

// Packet types.
const (
	fxpInit     = 1
	fxpVersion  = 2
	fxpOpen     = 3
	fxpClose    = 4
	fxpRead     = 5
	fxpWrite    = 6
	fxpLstat    = 7
	fxpFstat    = 8
	fxpSetstat  = 9
	fxpFsetstat = 10
	fxpOpendir  = 11
	fxpReaddir  = 12
	fxpRemove   = 13
	fxpMkdir    = 14
	fxpRmdir    = 15
	fxpRealpath = 16
	fxpStat     = 17
	fxpRename   = 18
	fxpReadlink = 19
	fxpSymlink  = 20
	fxpStatus   = 101
	fxpHandle   = 102
	fxpData     = 103
	fxpName     = 104
	fxpAttrs    = 105
)

// Status codes.
const (
	fxOK               = 0
	fxEOF              = 1
	fxNoSuchFile       = 2
	fxPermissionDenied = 3
	fxFailure          = 4
	fxBadMessage       = 5
	fxOpUnsupported    = 8
)

// Attribute flags, and the one open flag that is served.
const (
	attrSize        = 0x1
	attrPermissions = 0x4
	attrACModTime   = 0x8
	fxfRead         = 0x1
)

const (
	// sftpMaxPacket bounds a request, as OpenSSH's own server does
	// (256 KiB): every request iomt serves is far smaller.
	sftpMaxPacket = 256 << 10
	// sftpMaxRead bounds the data of one read's answer; a client asks for
	// 32 KiB and reads on where a shorter answer ends.
	sftpMaxRead = 64 << 10
	// sftpMaxHandles bounds the files and folders open at once.
	sftpMaxHandles = 32
	// readDirBatch is how many folder entries one answer lists at most.
	readDirBatch = 64
)

// errReadOnly is the answer to every request that would change a file.
var errReadOnly = errors.New("this server only lets you download the files of your folder: no upload, delete, rename, mkdir or setstat")

// sftpServer serves one SFTP session.
type sftpServer struct {
	folder *userFolder
	in     *bufio.Reader
	out    io.Writer
	// tell says a refusal to the viewer (on the session's standard
	// error: SFTP clients show their own words for a status, not the
	// server's); log records an event for the operator; touch marks
	// activity, for the idle timeout.
	tell  func(msg string)
	log   func(msg string, kv ...any)
	touch func()

	inited  bool
	handles map[string]*sftpHandle
	next    uint32
}

// sftpHandle is an open file or folder.
type sftpHandle struct {
	name string
	file *os.File
	dir  bool
	sent int64 // bytes read from a file
}

func newSFTPServer(folder *userFolder, in io.Reader, out io.Writer) *sftpServer {
	return &sftpServer{
		folder: folder, in: bufio.NewReaderSize(in, 32<<10), out: out,
		tell: func(string) {}, log: func(string, ...any) {}, touch: func() {},
		handles: map[string]*sftpHandle{},
	}
}

// serve answers requests until the client closes its end; an error is a
// broken connection or a malformed packet, after which the session ends.
func (s *sftpServer) serve() error {
	defer s.closeAll()
	var head [4]byte
	for {
		if _, err := io.ReadFull(s.in, head[:]); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		n := binary.BigEndian.Uint32(head[:])
		if n == 0 || n > sftpMaxPacket {
			return fmt.Errorf("sftp: a packet of %d bytes", n)
		}
		pkt := make([]byte, n)
		if _, err := io.ReadFull(s.in, pkt); err != nil {
			return err
		}
		s.touch()
		if err := s.handle(pkt); err != nil {
			return err
		}
	}
}

func (s *sftpServer) closeAll() {
	for h, open := range s.handles {
		s.release(open)
		delete(s.handles, h)
	}
}

// release closes an open handle, and logs a file's download.
func (s *sftpServer) release(h *sftpHandle) {
	_ = h.file.Close()
	if !h.dir {
		s.log("file fetched", "file", clientText(h.name), "bytes", h.sent)
	}
}

func (s *sftpServer) handle(pkt []byte) error {
	typ := pkt[0]
	r := &sftpReader{b: pkt[1:]}
	if !s.inited {
		if typ != fxpInit {
			return fmt.Errorf("sftp: packet type %d before init", typ)
		}
		s.inited = true
		// Version 3 whatever the client offers (it offers 3), and no
		// extensions.
		return s.send(fxpVersion, binary.BigEndian.AppendUint32(nil, 3))
	}
	id := r.u32()
	if r.bad {
		return fmt.Errorf("sftp: packet type %d without an id", typ)
	}
	switch typ {
	case fxpOpen:
		name, pflags := r.str(), r.u32()
		if r.bad {
			return s.status(id, fxBadMessage, "malformed request")
		}
		if pflags != fxfRead {
			return s.refuse(id, "open for writing", name, errReadOnly)
		}
		clean, err := cleanRequest(name)
		if err != nil {
			return s.refuse(id, "open", name, err)
		}
		if len(s.handles) >= sftpMaxHandles {
			return s.status(id, fxFailure, "too many open files")
		}
		f, _, err := s.folder.open(clean)
		if err != nil {
			return s.refuse(id, "open", name, err)
		}
		return s.newHandle(id, &sftpHandle{name: clean, file: f})
	case fxpOpendir:
		name := r.str()
		if r.bad {
			return s.status(id, fxBadMessage, "malformed request")
		}
		clean, err := cleanRequest(name)
		if err != nil {
			return s.refuse(id, "list", name, err)
		}
		if len(s.handles) >= sftpMaxHandles {
			return s.status(id, fxFailure, "too many open folders")
		}
		fi, err := s.folder.stat(clean)
		if err == nil && !fi.IsDir() {
			err = &refusal{name, "is not a folder"}
		}
		if err != nil {
			return s.refuse(id, "list", name, err)
		}
		d, err := s.folder.root.Open(clean)
		if err != nil {
			return s.refuse(id, "list", name, s.folder.failure(clean, err))
		}
		return s.newHandle(id, &sftpHandle{name: clean, file: d, dir: true})
	case fxpClose:
		key := r.str()
		h := s.handles[key]
		if h == nil {
			return s.status(id, fxFailure, "no such handle")
		}
		delete(s.handles, key)
		s.release(h)
		return s.status(id, fxOK, "")
	case fxpRead:
		key, off, n := r.str(), r.u64(), r.u32()
		h := s.handles[key]
		if r.bad || h == nil || h.dir {
			return s.status(id, fxFailure, "no such file handle")
		}
		if off > 1<<62 {
			return s.status(id, fxEOF, "")
		}
		buf := make([]byte, min(n, sftpMaxRead))
		got, err := h.file.ReadAt(buf, int64(off))
		if got == 0 {
			if err == nil || errors.Is(err, io.EOF) {
				return s.status(id, fxEOF, "")
			}
			return s.status(id, fxFailure, "read error")
		}
		h.sent += int64(got)
		out := binary.BigEndian.AppendUint32(nil, id)
		out = appendBytes(out, buf[:got])
		return s.send(fxpData, out)
	case fxpReaddir:
		key := r.str()
		h := s.handles[key]
		if r.bad || h == nil || !h.dir {
			return s.status(id, fxFailure, "no such folder handle")
		}
		return s.readDir(id, h)
	case fxpStat, fxpLstat:
		name := r.str()
		if r.bad {
			return s.status(id, fxBadMessage, "malformed request")
		}
		clean, err := cleanRequest(name)
		if err != nil {
			return s.refuse(id, "stat", name, err)
		}
		fi, err := s.folder.stat(clean)
		if err != nil {
			return s.refuse(id, "stat", name, err)
		}
		return s.send(fxpAttrs, appendAttrs(binary.BigEndian.AppendUint32(nil, id), fi))
	case fxpFstat:
		h := s.handles[r.str()]
		if r.bad || h == nil {
			return s.status(id, fxFailure, "no such handle")
		}
		fi, err := h.file.Stat()
		if err != nil {
			return s.status(id, fxFailure, "stat error")
		}
		return s.send(fxpAttrs, appendAttrs(binary.BigEndian.AppendUint32(nil, id), fi))
	case fxpRealpath:
		// Names are relative to the viewer's folder, and "." is the
		// folder: a client that asks where it is (sftp does, at start)
		// is told ".", and makes its names relative to it.
		name := r.str()
		if r.bad {
			return s.status(id, fxBadMessage, "malformed request")
		}
		clean, err := cleanRequest(name)
		if err != nil {
			return s.refuse(id, "resolve", name, err)
		}
		out := binary.BigEndian.AppendUint32(nil, id)
		out = binary.BigEndian.AppendUint32(out, 1)
		out = appendString(out, clean)
		out = appendString(out, clean)
		out = binary.BigEndian.AppendUint32(out, 0) // no attributes
		return s.send(fxpName, out)
	case fxpWrite, fxpSetstat, fxpFsetstat, fxpRemove, fxpMkdir, fxpRmdir, fxpRename, fxpSymlink:
		return s.refuse(id, requestName(typ), "", errReadOnly)
	case fxpReadlink:
		return s.refuse(id, "readlink", "", errors.New("symbolic links are not served"))
	}
	// Extensions (200) and anything unknown.
	return s.status(id, fxOpUnsupported, "not supported")
}

// readDir answers a READDIR: the next entries of the folder, regular
// files and folders only, or EOF.
func (s *sftpServer) readDir(id uint32, h *sftpHandle) error {
	for {
		ents, err := h.file.ReadDir(readDirBatch)
		out := binary.BigEndian.AppendUint32(nil, id)
		out = binary.BigEndian.AppendUint32(out, 0) // the count, set below
		count := 0
		for _, e := range ents {
			fi, ierr := e.Info()
			if ierr != nil || !(fi.Mode().IsRegular() || fi.IsDir()) {
				continue
			}
			out = appendString(out, e.Name())
			out = appendString(out, longName(fi))
			out = appendAttrs(out, fi)
			count++
		}
		if count > 0 {
			binary.BigEndian.PutUint32(out[4:], uint32(count))
			return s.send(fxpName, out)
		}
		if err != nil || len(ents) == 0 {
			return s.status(id, fxEOF, "")
		}
	}
}

func (s *sftpServer) newHandle(id uint32, h *sftpHandle) error {
	s.next++
	key := string(binary.BigEndian.AppendUint32(nil, s.next))
	s.handles[key] = h
	if !h.dir {
		s.log("file opened", "file", clientText(h.name))
	}
	return s.send(fxpHandle, appendString(binary.BigEndian.AppendUint32(nil, id), key))
}

// refuse answers a request that failed with err: a file that is not
// there, or a refusal, which the viewer is also told in words.
func (s *sftpServer) refuse(id uint32, op, name string, err error) error {
	var nf *notFound
	if errors.As(err, &nf) {
		return s.status(id, fxNoSuchFile, err.Error())
	}
	s.log("transfer refused", "op", op, "path", clientText(name), "reason", clientText(err.Error()))
	s.tell(err.Error())
	return s.status(id, fxPermissionDenied, err.Error())
}

func (s *sftpServer) status(id, code uint32, msg string) error {
	out := binary.BigEndian.AppendUint32(nil, id)
	out = binary.BigEndian.AppendUint32(out, code)
	out = appendString(out, msg)
	out = appendString(out, "en")
	return s.send(fxpStatus, out)
}

// send writes one packet: its length, type and payload, in one write.
func (s *sftpServer) send(typ byte, payload []byte) error {
	pkt := make([]byte, 0, 5+len(payload))
	pkt = binary.BigEndian.AppendUint32(pkt, uint32(1+len(payload)))
	pkt = append(pkt, typ)
	pkt = append(pkt, payload...)
	_, err := s.out.Write(pkt)
	return err
}

// requestName names a request that would change something, for the log.
func requestName(typ byte) string {
	switch typ {
	case fxpWrite:
		return "write"
	case fxpSetstat, fxpFsetstat:
		return "setstat"
	case fxpRemove:
		return "remove"
	case fxpMkdir:
		return "mkdir"
	case fxpRmdir:
		return "rmdir"
	case fxpRename:
		return "rename"
	case fxpSymlink:
		return "symlink"
	}
	return fmt.Sprintf("request %d", typ)
}

// appendAttrs appends a file's size, permissions (with its kind, as in
// st_mode) and times.
func appendAttrs(b []byte, fi fs.FileInfo) []byte {
	b = binary.BigEndian.AppendUint32(b, attrSize|attrPermissions|attrACModTime)
	b = binary.BigEndian.AppendUint64(b, uint64(max(fi.Size(), 0)))
	b = binary.BigEndian.AppendUint32(b, unixMode(fi.Mode()))
	mtime := uint32(max(fi.ModTime().Unix(), 0))
	b = binary.BigEndian.AppendUint32(b, mtime) // atime: the modification time too
	return binary.BigEndian.AppendUint32(b, mtime)
}

// unixMode is a FileMode as st_mode.
func unixMode(m fs.FileMode) uint32 {
	p := uint32(m.Perm())
	switch {
	case m.IsRegular():
		p |= 0o100000
	case m.IsDir():
		p |= 0o040000
	case m&fs.ModeSymlink != 0:
		p |= 0o120000
	case m&fs.ModeNamedPipe != 0:
		p |= 0o010000
	case m&fs.ModeSocket != 0:
		p |= 0o140000
	case m&fs.ModeCharDevice != 0:
		p |= 0o020000
	case m&fs.ModeDevice != 0:
		p |= 0o060000
	}
	return p
}

// longName is a folder entry as `ls -l` shows it, which `sftp`'s ls -l
// prints.
func longName(fi fs.FileInfo) string {
	when := fi.ModTime()
	layout := "Jan _2 15:04"
	if time.Since(when) > 180*24*time.Hour || time.Until(when) > 24*time.Hour {
		layout = "Jan _2  2006"
	}
	return fmt.Sprintf("%s    1 viewer   viewer   %8d %s %s", fi.Mode().String(), fi.Size(), when.Format(layout), quoteName(fi.Name()))
}

func appendString(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

func appendBytes(b, data []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	return append(b, data...)
}

// sftpReader reads the fields of a request; bad is set, and zero values
// returned, once a field runs past the packet.
type sftpReader struct {
	b   []byte
	bad bool
}

func (r *sftpReader) u32() uint32 {
	if len(r.b) < 4 {
		r.bad = true
		return 0
	}
	v := binary.BigEndian.Uint32(r.b)
	r.b = r.b[4:]
	return v
}

func (r *sftpReader) u64() uint64 {
	if len(r.b) < 8 {
		r.bad = true
		return 0
	}
	v := binary.BigEndian.Uint64(r.b)
	r.b = r.b[8:]
	return v
}

func (r *sftpReader) str() string {
	n := r.u32()
	if r.bad || uint64(n) > uint64(len(r.b)) {
		r.bad = true
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}
