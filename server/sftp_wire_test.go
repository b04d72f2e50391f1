package server

import "encoding/binary"

// The SFTP version 3 wire format (draft-ietf-secsh-filexfer-02), as far
// as the tests' own client (scp_test.go) speaks it: the tests send the
// server requests byte by byte, hostile ones included, rather than
// through a client library that would send only well-formed ones.

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
	fxpExtended = 200
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

// Attribute flags, and the open flag for reading.
const (
	attrSize        = 0x1
	attrPermissions = 0x4
	attrACModTime   = 0x8
	fxfRead         = 0x1
)

// sftpMaxPacket is the largest request the server reads (the library's
// bound, and OpenSSH's).
const sftpMaxPacket = 256 << 10

func appendString(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// sftpReader reads the fields of an answer; bad is set, and zero values
// returned, once a field runs past the packet.
type sftpReader struct {
	b   []byte
	bad bool
}

// take returns the next n bytes, or nil when fewer are left.
func (r *sftpReader) take(n uint64) []byte {
	if r.bad || n > uint64(len(r.b)) {
		r.bad = true
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *sftpReader) u32() uint32 {
	if b := r.take(4); b != nil {
		return binary.BigEndian.Uint32(b)
	}
	return 0
}

func (r *sftpReader) u64() uint64 {
	if b := r.take(8); b != nil {
		return binary.BigEndian.Uint64(b)
	}
	return 0
}

func (r *sftpReader) str() string {
	return string(r.take(uint64(r.u32())))
}
