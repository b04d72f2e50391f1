package model

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// WriteFileAtomic writes a file so that a crash or a kill at any moment
// leaves either the old file or the new one, never a mix: it writes a
// temporary file in the same folder, fsyncs it, renames it over path and
// fsyncs the folder. With backup, the previous version is kept as
// path.bak. A new file gets the usual 0666-less-umask mode; a replaced file
// keeps its mode.
func WriteFileAtomic(path string, backup bool, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	base := filepath.Base(path)
	if base == "." || base == string(filepath.Separator) {
		return fmt.Errorf("cannot write %s: not a file name", path)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("cannot write %s: folder %s does not exist", path, dir)
	}
	prev, statErr := os.Stat(path)
	if statErr == nil && prev.IsDir() {
		return fmt.Errorf("cannot write %s: it is a folder", path)
	}

	tmp, tmpName, err := createTemp(dir, base)
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, unwrapPath(err))
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmpName)
		}
	}()
	if err = write(tmp); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if statErr == nil {
		// Keep the mode of the file being replaced.
		if err = tmp.Chmod(prev.Mode().Perm()); err != nil {
			return fmt.Errorf("writing %s: %w", path, unwrapPath(err))
		}
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", path, unwrapPath(err))
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, unwrapPath(err))
	}
	if backup && statErr == nil {
		// A hard link keeps the old version under NAME.bak without a
		// moment where path is missing; fall back to a copy where links
		// are not supported.
		bak := path + ".bak"
		_ = os.Remove(bak)
		if lerr := os.Link(path, bak); lerr != nil {
			if cerr := copyFile(path, bak); cerr != nil {
				return fmt.Errorf("cannot keep backup %s: %w", bak, unwrapPath(cerr))
			}
		}
	}
	if err = os.Rename(tmpName, path); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, unwrapPath(err))
	}
	if d, derr := os.Open(dir); derr == nil {
		// Make the rename itself durable.
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// createTemp opens a new file next to base with O_EXCL and mode 0666, so
// the process umask applies as for any other new file (os.CreateTemp
// would force 0600).
func createTemp(dir, base string) (*os.File, string, error) {
	seed := time.Now().UnixNano() + int64(os.Getpid())
	for i := range 100 {
		name := filepath.Join(dir, "."+base+"."+strconv.FormatInt(seed+int64(i), 36)+".tmp")
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, name, err
	}
	return nil, "", fmt.Errorf("no free temporary name in %s", dir)
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o666)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
