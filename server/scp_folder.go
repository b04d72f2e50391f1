package server

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"unicode/utf8"

	"iomt/internal/safefile"
	"iomt/internal/safetext"
)

// A viewer fetches the files of their own folder (DIR/users/<key>/) with
// scp or sftp, and nothing else: every name a client sends goes through
// cleanRequest, then through a userFolder, which opens it under an
// os.Root of that folder and refuses symbolic links on the way.

// refusal is why a transfer refuses a path; its text is for the viewer and
// never names a server path.
type refusal struct {
	path string // as the viewer asked for it
	why  string
}

func (r *refusal) Error() string { return quoteName(r.path) + ": " + r.why }

// isRefusal reports whether err is a refusal (as opposed to a file that
// does not exist, or an I/O error).
func isRefusal(err error) bool {
	var r *refusal
	return errors.As(err, &r)
}

// notFound says that a name is not in the viewer's folder.
type notFound struct{ path string }

func (e *notFound) Error() string { return quoteName(e.path) + ": no such file in your folder" }

// maxRequestPath bounds a name a client sends.
const maxRequestPath = 1024

// cleanRequest turns a path a client asked for into a name inside the
// viewer's folder ("." is the folder itself), or refuses it: names are
// relative to the folder; an absolute path, a ".." that leads out of it,
// a "~user" or a name with a NUL or a backslash never reaches the file
// system. "~" and "~/"
// stand for the folder, as ssh clients mean the home folder by them.
func cleanRequest(p string) (string, error) {
	switch {
	case len(p) > maxRequestPath:
		return "", &refusal{p[:64] + "…", "name too long"}
	case strings.ContainsRune(p, 0):
		return "", &refusal{strings.ReplaceAll(p, "\x00", `\0`), "a name with a NUL byte is refused"}
	}
	if p == "" || p == "~" {
		return ".", nil
	}
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		p = strings.TrimLeft(rest, "/")
		if p == "" {
			return ".", nil
		}
	}
	switch {
	case strings.HasPrefix(p, "/"):
		return "", &refusal{p, "absolute paths are refused: name a file of your folder, like base.csv"}
	case strings.HasPrefix(p, "~"):
		return "", &refusal{p, "only your own folder is served"}
	case strings.Contains(p, `\`):
		return "", &refusal{p, "a name with a backslash is refused"}
	}
	// A ".." is taken by its letters ("exports/.." is the folder, as
	// sftp's "cd .." asks): no component may be a symbolic link (see
	// userFolder.stat), so the letters say where it leads. One that
	// leads out of the folder is refused.
	clean := path.Clean(p)
	if clean != "." && !filepath.IsLocal(clean) {
		return "", &refusal{p, `".." out of your folder is refused: only files inside it are served`}
	}
	return clean, nil
}

// userFolder is a viewer's folder, opened for reading.
type userFolder struct {
	root *os.Root
}

// openUserFolder opens dir, which must be a folder.
func openUserFolder(dir string) (*userFolder, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &userFolder{root: root}, nil
}

func (f *userFolder) Close() error { return f.root.Close() }

// stat returns what name (from cleanRequest) is, after checking every
// component on the way: a symbolic link anywhere is refused, whether it
// points inside the folder or out of it. The server never makes links; one
// found there was put by someone else. os.Root confines what is opened
// afterwards anyway, so a link swapped in after this check cannot lead
// out of the folder either.
func (f *userFolder) stat(name string) (fs.FileInfo, error) {
	if name == "." {
		return f.root.Stat(".")
	}
	parts := strings.Split(name, "/")
	var fi fs.FileInfo
	for i := range parts {
		sub := strings.Join(parts[:i+1], "/")
		var err error
		fi, err = f.root.Lstat(sub)
		if err != nil {
			return nil, f.failure(name, err)
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return nil, &refusal{name, "a symbolic link is refused: only regular files of your folder are served"}
		}
		if i < len(parts)-1 && !fi.IsDir() {
			return nil, &notFound{name}
		}
	}
	return fi, nil
}

// failure says what went wrong with name, in words for the viewer.
func (f *userFolder) failure(name string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		return &notFound{name}
	case errors.Is(err, fs.ErrPermission):
		return &refusal{name, "the server may not read it"}
	}
	// os.Root's own refusal of a path leading out of the folder, or a
	// name the system cannot take: a refusal either way, and the
	// system's text could name server paths.
	return &refusal{name, "cannot be read from your folder"}
}

// open opens name for reading, if it is a regular file: a folder, a FIFO,
// a socket or a device is refused (see safefile: without O_NONBLOCK, a
// FIFO would hold the transfer until a writer came). The kind is checked
// again on the open descriptor.
func (f *userFolder) open(name string) (*os.File, fs.FileInfo, error) {
	fi, err := f.stat(name)
	if err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, &refusal{name, notRegular(fi.Mode())}
	}
	file, err := f.root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, f.failure(name, err)
	}
	st, err := file.Stat()
	if err != nil || !st.Mode().IsRegular() {
		_ = file.Close()
		if err != nil {
			return nil, nil, f.failure(name, err)
		}
		return nil, nil, &refusal{name, notRegular(st.Mode())}
	}
	return file, st, nil
}

// notRegular says why a file of that mode is not served.
func notRegular(m fs.FileMode) string {
	if m.IsDir() {
		return "is a folder; fetch the files in it by name"
	}
	return "is " + safefile.Kind(m) + ": only regular files are served"
}

// quoteName shows a name the client sent: as is when it is plain, quoted
// otherwise, with its control, invisible and bidirectional characters
// and bytes that are not UTF-8 escaped (\x1b, \u202e, \xff), as the log
// shows them: a name can then neither draw on the viewer's terminal nor
// read in another order than it is written.
func quoteName(s string) string {
	if strings.ContainsRune(s, '"') || strings.IndexFunc(s, safetext.IsUnsafe) >= 0 || !utf8.ValidString(s) {
		return strconv.Quote(s)
	}
	return s
}

// maxLoggedText bounds, in characters, the text a client sent that one
// log value quotes: enough to recognise a name or a message.
const maxLoggedText = 200

// clientText is text a client sent, made fit for the log: cut to
// maxLoggedText characters, and on one line with its control, invisible
// and bidirectional characters escaped (\x1b, \u202e), so an operator
// reading the log in a terminal sees them rather than obeys them.
func clientText(s string) string { return safetext.Escape(safetext.Truncate(s, maxLoggedText)) }
