package server

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
)

// The legacy scp protocol (`scp -O`, and clients older than OpenSSH 9.0):
// the client runs "scp -f PATH…" on the server and reads the files from
// its output. Only the source side (-f: the server sends) is served: an
// upload (-t) is refused before it starts.
//
// The source is iomt's own rather than wish's scp middleware: that one
// writes without reading the client's acknowledgements, stops at the
// first file that fails, and reads "scp -f -- -x" as a file named "--".

// scpCommand is an scp command line as the client sent it.
type scpCommand struct {
	from, to  bool // -f: send files; -t: receive them
	recursive bool
	preserve  bool // -p: send the modification time
	paths     []string
}

// parseSCP reads the words of a remote scp command; ok is false when the
// command is not scp.
func parseSCP(words []string) (cmd scpCommand, ok bool) {
	if len(words) == 0 || words[0] != "scp" {
		return cmd, false
	}
	options := true
	for _, w := range words[1:] {
		switch {
		case options && w == "--":
			options = false
		case options && len(w) > 1 && w[0] == '-':
			for _, c := range w[1:] {
				switch c {
				case 'f':
					cmd.from = true
				case 't':
					cmd.to = true
				case 'r':
					cmd.recursive = true
				case 'p':
					cmd.preserve = true
				}
			}
		default:
			cmd.paths = append(cmd.paths, w)
		}
	}
	return cmd, true
}

// maxGlob bounds the files one wildcard may send.
const maxGlob = 1000

// scpSource sends files to an scp client.
type scpSource struct {
	folder *userFolder
	in     *bufio.Reader
	out    io.Writer
	log    func(msg string, kv ...any)
	errs   int

	recursive bool // -r: a folder is named, so say how to fetch it
}

// run sends every file of cmd.paths; it returns the number of files that
// could not be sent, or an error when the connection broke.
func (s *scpSource) run(cmd scpCommand) (int, error) {
	s.recursive = cmd.recursive
	// The client speaks first: a zero byte when it is ready.
	if err := s.ack(); err != nil {
		return s.errs, err
	}
	for _, p := range cmd.paths {
		names, err := s.glob(p)
		if err != nil {
			if err := s.fail(p, err); err != nil {
				return s.errs, err
			}
			continue
		}
		for _, name := range names {
			if err := s.send(name, cmd.preserve); err != nil {
				return s.errs, err
			}
		}
	}
	return s.errs, nil
}

// glob expands the wildcards of the last part of p, as a shell would for
// the files of a folder (names starting with a dot only when the pattern
// does); a name without wildcards is taken as is.
func (s *scpSource) glob(p string) ([]string, error) {
	clean, err := cleanRequest(p)
	if err != nil {
		return nil, err
	}
	dir, pattern := path.Split(clean)
	if !strings.ContainsAny(pattern, "*?[") {
		return []string{clean}, nil
	}
	dir = strings.TrimSuffix(dir, "/")
	if dir == "" {
		dir = "."
	}
	if strings.ContainsAny(dir, "*?[") {
		return nil, &refusal{p, "only the last part of a name may have wildcards"}
	}
	if _, err := path.Match(pattern, ""); err != nil {
		return nil, &refusal{p, "not a valid pattern"}
	}
	fi, err := s.folder.stat(dir)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, &notFound{p}
	}
	d, err := s.folder.root.Open(dir)
	if err != nil {
		return nil, s.folder.failure(dir, err)
	}
	defer d.Close()
	ents, err := d.ReadDir(maxGlob * 4)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, s.folder.failure(dir, err)
	}
	var names []string
	for _, e := range ents {
		name := e.Name()
		if ok, _ := path.Match(pattern, name); !ok || (name[0] == '.' && pattern[0] != '.') || !e.Type().IsRegular() {
			continue
		}
		names = append(names, path.Join(dir, name))
		if len(names) == maxGlob {
			break
		}
	}
	if len(names) == 0 {
		return nil, &notFound{p}
	}
	slices.Sort(names)
	return names, nil
}

// send sends one file: its time (with -p), its mode, size and name, then
// its bytes, each step acknowledged by the client.
func (s *scpSource) send(name string, preserve bool) error {
	f, fi, err := s.folder.open(name)
	if err != nil {
		if st, serr := s.folder.stat(name); serr == nil && st.IsDir() && s.recursive {
			err = &refusal{name, "is a folder, which the legacy protocol does not send here: scp -r without -O fetches it"}
		}
		return s.fail(name, err)
	}
	defer f.Close()
	if preserve {
		t := max(fi.ModTime().Unix(), 0)
		if _, err := fmt.Fprintf(s.out, "T%d 0 %d 0\n", t, t); err != nil {
			return err
		}
		if err := s.ack(); err != nil {
			return err
		}
	}
	size := fi.Size()
	if _, err := fmt.Fprintf(s.out, "C%04o %d %s\n", fi.Mode().Perm(), size, path.Base(name)); err != nil {
		return err
	}
	if err := s.ack(); err != nil {
		return err
	}
	n, err := io.CopyN(s.out, f, size)
	if err != nil && n < size {
		// The client counts on size bytes: fill them, then say the
		// file failed.
		if _, werr := io.CopyN(s.out, zeros{}, size-n); werr != nil {
			return werr
		}
		s.log("transfer failed", "file", clientText(name), "reason", err.Error())
		s.errs++
		if _, err := fmt.Fprintf(s.out, "\x01iomt: %s: read error\n", quoteName(name)); err != nil {
			return err
		}
		return s.ack()
	}
	if _, err := s.out.Write([]byte{0}); err != nil {
		return err
	}
	s.log("file fetched", "file", clientText(name), "bytes", size)
	return s.ack()
}

// fail tells the client that p cannot be sent, and goes on.
func (s *scpSource) fail(p string, err error) error {
	s.errs++
	if !isRefusal(err) {
		var nf *notFound
		if !errors.As(err, &nf) {
			err = &refusal{p, "cannot be read"}
		}
	}
	s.log("transfer refused", "path", clientText(p), "reason", clientText(err.Error()))
	if _, werr := fmt.Fprintf(s.out, "\x01iomt: %s\n", err.Error()); werr != nil {
		return werr
	}
	return nil
}

// ack reads the client's answer: a zero byte, or an error it reports
// (1: this file failed, 2: it gives up), which ends the transfer.
func (s *scpSource) ack() error {
	b, err := s.in.ReadByte()
	if err != nil {
		return err
	}
	switch b {
	case 0:
		return nil
	case 1, 2:
		line, err := readLine(s.in, maxProtocolLine)
		if errors.Is(err, errLongLine) {
			return fmt.Errorf("the client reported more than %d bytes on one line, cut: %s", maxProtocolLine, clientText(line))
		}
		return fmt.Errorf("the client reported: %s", clientText(strings.TrimSpace(line)))
	}
	return fmt.Errorf("unexpected answer %q from the client", b)
}

// maxProtocolLine bounds a line a client sends in the legacy protocol
// (the message after an error byte): scp's own are one short sentence.
const maxProtocolLine = 4 << 10

// errLongLine is readLine's answer to a line over its bound.
var errLongLine = errors.New("line too long")

// readLine reads a line of at most max bytes and returns it without its
// end; a longer one is an error, with its first max bytes. bufio's
// ReadString would keep a line of any length in memory: a client that
// sent an error byte and then 400 MB without a line end took the server
// to 2.8 GB.
func readLine(r *bufio.Reader, max int) (string, error) {
	var line []byte
	for {
		frag, err := r.ReadSlice('\n') // at most the reader's buffer
		line = append(line, frag...)
		if n := len(line); n > max && (n > max+1 || line[max] != '\n') {
			return string(line[:max]), errLongLine
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return strings.TrimSuffix(string(line), "\n"), err
		}
	}
}

// zeros reads as endless zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
