package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"
)

// ErrNotRegular is wrapped by the error WriteAtomic returns for a
// target that exists and is not a regular file (a FIFO, a device).
var ErrNotRegular = errors.New("not a regular file")

// WriteAtomic writes a file so that a crash or a kill at any moment
// leaves either the old file or the new one, never a mix: it writes a
// temporary file in the same folder, fsyncs it, renames it over path and
// fsyncs the folder. With backup, the previous version is kept as
// path.bak, and at every moment path.bak is whole too (once there has
// been a previous version): the new backup is made under a temporary name
// and renamed over the old one, never deleted first. A new file gets the
// usual 0666-less-umask mode; a replaced file keeps its mode. Temporary
// files that a killed write left behind are removed on the way.
func WriteAtomic(path string, backup bool, write func(io.Writer) error) (err error) {
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
	if statErr == nil && !prev.Mode().IsRegular() {
		// Renaming over a FIFO or a device would replace it with a file
		// (and /dev/stdout is a link to one): refuse rather than surprise.
		return fmt.Errorf("cannot write %s: it is %s, %w", path, Kind(prev.Mode()), ErrNotRegular)
	}
	cleanTemps(dir)

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
		if err = keepBackup(dir, base, path); err != nil {
			return err
		}
	}
	if err = os.Rename(tmpName, path); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, unwrapPath(err))
	}
	if d, derr := os.Open(dir); derr == nil {
		// Make the renames themselves durable.
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// keepBackup makes path.bak a copy of path without a moment where
// path.bak is missing or partial: a hard link (or, where links are not
// supported, a copy) under a temporary name, renamed over the old backup.
// Removing the old backup first, as a plain link would need, left no
// backup at all when a save was killed between the two steps.
func keepBackup(dir, base, path string) error {
	bak := path + ".bak"
	cur, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("cannot keep backup %s: %w", bak, unwrapPath(err))
	}
	if old, err := os.Stat(bak); err == nil && os.SameFile(old, cur) {
		// A save killed after making the backup and before replacing
		// the file left both names on one file: it is backed up already,
		// and renaming a link over its twin would do nothing (POSIX).
		return nil
	}
	name, err := linkTemp(dir, base, path)
	if err != nil {
		f, tmpName, cerr := createTemp(dir, base)
		if cerr != nil {
			return fmt.Errorf("cannot keep backup %s: %w", bak, unwrapPath(cerr))
		}
		f.Close()
		if cerr := copyFile(path, tmpName); cerr != nil {
			os.Remove(tmpName)
			return fmt.Errorf("cannot keep backup %s: %w", bak, unwrapPath(cerr))
		}
		name = tmpName
	}
	if err := os.Rename(name, bak); err != nil {
		os.Remove(name)
		return fmt.Errorf("cannot keep backup %s: %w", bak, unwrapPath(err))
	}
	return nil
}

// Temporary files are named ".BASE.PID-N.tmp": hidden, and carrying the
// writer's process ID so that a later write can tell the leftovers of a
// killed process from the files of a write in progress.
// tempName is the name of a temporary file of a save, with the writer's
// process id. "iomt" in it keeps cleanTemps off other programs' files in
// a folder that -o writes into.
var tempName = regexp.MustCompile(`^\..+\.iomt-([0-9]+)-[0-9a-z]+\.tmp$`)

func tempFor(dir, base string, n int64) string {
	return filepath.Join(dir, "."+base+".iomt-"+strconv.Itoa(os.Getpid())+"-"+strconv.FormatInt(n, 36)+".tmp")
}

// createTemp opens a new file next to base with O_EXCL and mode 0666, so
// the process umask applies as for any other new file (os.CreateTemp
// would force 0600).
func createTemp(dir, base string) (*os.File, string, error) {
	seed := time.Now().UnixNano() & 0xffffffffff
	for i := range 100 {
		name := tempFor(dir, base, seed+int64(i))
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, name, err
	}
	return nil, "", fmt.Errorf("no free temporary name in %s", dir)
}

// linkTemp hard-links path under a new temporary name.
func linkTemp(dir, base, path string) (string, error) {
	seed := time.Now().UnixNano() & 0xffffffffff
	var err error
	for i := range 100 {
		name := tempFor(dir, base, seed+int64(i))
		if err = os.Link(path, name); errors.Is(err, fs.ErrExist) {
			continue
		}
		return name, err
	}
	return "", err
}

// cleanTemps removes from dir the temporary files of writes whose process
// is gone (killed mid-save). A file of a live process, this one included,
// is left alone: it may be a save in progress.
func cleanTemps(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	self := os.Getpid()
	for _, e := range entries {
		m := tempName.FindStringSubmatch(e.Name())
		if m == nil || !e.Type().IsRegular() {
			continue
		}
		pid, err := strconv.Atoi(m[1])
		if err != nil || pid == self || processAlive(pid) {
			continue
		}
		_ = os.Remove(filepath.Join(dir, e.Name()))
	}
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
