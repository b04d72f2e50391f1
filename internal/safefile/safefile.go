// Package safefile is iomt's plumbing for files that a user names or that
// sit in a shared folder.
//
// Reading takes regular files only, up to a size limit, and never blocks:
// a FIFO opened for reading waits for a writer forever, a character
// device may never end, and a folder is not a file; each is refused with
// an error that names the file and what it is.
//
// Writing is atomic (WriteAtomic): a crash or a kill at any moment leaves
// the old file or the new one. The temporary files of a killed write are
// removed by the next write into that folder, and by nothing else: looking
// at a folder (listing it, completing a name) never changes it.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// KindError says that a path is not a regular file, and what it is.
type KindError struct {
	Path string
	Kind string // "a folder", "a FIFO (named pipe)", ...
}

func (e *KindError) Error() string {
	return fmt.Sprintf("%s: is %s, not a regular file (iomt reads only regular files)", e.Path, e.Kind)
}

// TooLargeError says that a file is over the limit it was read with.
type TooLargeError struct {
	Path  string
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s: file is over the %d-byte limit", e.Path, e.Limit)
}

// Kind names a file mode for a person.
func Kind(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "a regular file"
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO (named pipe)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "not a regular file"
}

// Open opens path for reading, which must be a regular file (or a link
// to one) of at most limit bytes. The file is opened without blocking
// (O_NONBLOCK where the system has it) and checked on the open
// descriptor, so a path swapped for a FIFO between a check and the open
// cannot hang the reader either. The caller closes the file.
func Open(path string, limit int64) (*os.File, fs.FileInfo, error) {
	f, err := os.OpenFile(path, openFlags, 0)
	if err != nil {
		// A socket cannot be opened at all (ENXIO); say what it is
		// rather than "no such device or address".
		if st, serr := os.Stat(path); serr == nil && !st.Mode().IsRegular() {
			return nil, nil, &KindError{Path: path, Kind: Kind(st.Mode())}
		}
		return nil, nil, fmt.Errorf("%s: cannot open: %w", path, unwrapPath(err))
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%s: cannot read: %w", path, unwrapPath(err))
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, nil, &KindError{Path: path, Kind: Kind(st.Mode())}
	}
	if st.Size() > limit {
		f.Close()
		return nil, nil, &TooLargeError{Path: path, Limit: limit}
	}
	return f, st, nil
}

// Read returns the contents of path, opened as Open opens it: a regular
// file of at most limit bytes, never waited on.
func Read(path string, limit int64) ([]byte, error) {
	f, _, err := Open(path, limit)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The size can change between Stat and the read: read one byte more
	// than the limit to notice a file that grew.
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read: %w", path, unwrapPath(err))
	}
	if int64(len(data)) > limit {
		return nil, &TooLargeError{Path: path, Limit: limit}
	}
	return data, nil
}

// IsKind reports whether err says a path is not a regular file.
func IsKind(err error) bool {
	var k *KindError
	return errors.As(err, &k)
}

// unwrapPath drops the *os.PathError wrapper, whose text repeats the path
// the message already names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
