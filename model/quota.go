package model

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"iomt/internal/safefile"
)

// Quota bounds what a workspace's folder may hold, so that a user who
// saves and exports without end (over SSH, a key user's folder on the
// server) cannot fill the disk. A zero field is no bound; the zero Quota
// (the local dashboard, the commands) checks nothing.
type Quota struct {
	// MaxFiles bounds the regular files in the folder and below, not
	// counting backups (NAME.bak): a save keeps one of the file it
	// replaces, so that at the cap a scenario can still be saved again.
	MaxFiles int
	MaxBytes int64 // the bytes of all of them, backups included
}

// ErrFull is wrapped by the error of a write that the workspace's Quota
// refuses.
var ErrFull = errors.New("the folder is full")

// fullError is a write refused by the quota, in words for the user.
type fullError struct{ msg string }

func (e *fullError) Error() string        { return e.msg }
func (e *fullError) Is(target error) bool { return target == ErrFull }

// WriteFile writes the file name of the workspace's folder (which must
// exist) atomically, as safefile.WriteAtomic does, keeping a backup with
// backup, and returns its path. A write the Quota does not leave room for
// is refused before anything is replaced, its temporary file removed; one
// that does not grow the folder (it replaces a file at least as large) is
// let through even in a folder already over its quota, so that a user
// can still save over their own files.
func (w *Workspace) WriteFile(name string, backup bool, write func(io.Writer) error) (string, error) {
	path := filepath.Join(w.Dir, name)
	if w.Quota == (Quota{}) {
		return path, safefile.WriteAtomic(path, backup, write)
	}
	files, used, err := folderUsage(w.Dir)
	if err != nil {
		return path, fmt.Errorf("cannot write %s: %w", path, unwrapPath(err))
	}
	// What the write adds: a file when path is new (a backup is not
	// counted); and what it frees: the file it replaces, or with a
	// backup, the old backup the replaced file takes the place of.
	added, freed := 1, int64(0)
	if st, err := os.Lstat(path); err == nil && st.Mode().IsRegular() {
		added, freed = 0, st.Size()
		if backup {
			freed = 0
			if bak, err := os.Lstat(path + ".bak"); err == nil && bak.Mode().IsRegular() {
				freed = bak.Size()
			}
		}
	}
	if q := w.Quota.MaxFiles; q > 0 && added > 0 && files+added > q {
		return path, &fullError{fmt.Sprintf("%s is full: it holds %d files, the most it may; saving or exporting under a name it holds replaces that file",
			w.ShowDir(), files)}
	}
	if q := w.Quota.MaxBytes; q > 0 {
		room := max(q-used+freed, freed)
		inner := write
		write = func(out io.Writer) error {
			return inner(&quotaWriter{w: out, room: room, full: func(size int64) error {
				if size > q {
					return &fullError{fmt.Sprintf("this file is more than %s, the most %s may hold", sizeText(q), w.ShowDir())}
				}
				return &fullError{fmt.Sprintf("%s is full: it holds %s, and this file would take it past %s, the most it may; saving or exporting under a name it holds replaces that file",
					w.ShowDir(), sizeText(used), sizeText(q))}
			}})
		}
	}
	err = safefile.WriteAtomic(path, backup, write)
	var full *fullError
	if errors.As(err, &full) {
		return path, full // the reason alone: where is the folder, and the user knows it
	}
	return path, err
}

// folderUsage counts the regular files under dir but backups (.bak), and
// the bytes of all of them. A folder not made yet holds nothing; a
// subfolder that cannot be read is left out (nothing is written there).
func folderUsage(dir string) (files int, bytes int64, err error) {
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil // folders are walked; links and the rest hold no data here
		}
		fi, err := d.Info()
		if err != nil {
			return nil // gone meanwhile
		}
		if !strings.HasSuffix(d.Name(), ".bak") {
			files++
		}
		bytes += fi.Size()
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return 0, 0, nil
	}
	return files, bytes, err
}

// quotaWriter passes at most room bytes, then fails with full(size), size
// what the file would have at least.
type quotaWriter struct {
	w       io.Writer
	room    int64
	written int64
	full    func(size int64) error
}

func (q *quotaWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > q.room {
		return 0, q.full(q.written + int64(len(p)))
	}
	q.room -= int64(len(p))
	q.written += int64(len(p))
	return q.w.Write(p)
}

// sizeText is a number of bytes as the user reads them: whole MiB as
// such, whole KiB too, else KiB or MiB to one decimal above 1 KiB.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
