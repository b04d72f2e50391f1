package safefile

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// readNoHang calls Read and fails the test if it does not return: a
// reader that blocks on a FIFO would otherwise hang the whole test run.
// On a hang the FIFO is opened for writing, which releases the reader.
func readNoHang(t *testing.T, path string, limit int64) ([]byte, error) {
	t.Helper()
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		data, err := Read(path, limit)
		done <- result{data, err}
	}()
	select {
	case r := <-done:
		return r.data, r.err
	case <-time.After(10 * time.Second):
		if w, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
		t.Fatalf("Read(%s) blocked", path)
		return nil, nil
	}
}

func TestReadRefusesWhatIsNotARegularFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("FIFOs, sockets and devices as files are a unix matter")
	}
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "s.yaml")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	linkToFIFO := filepath.Join(dir, "link.yaml")
	if err := os.Symlink(fifo, linkToFIFO); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, kind string }{
		{fifo, "a FIFO (named pipe)"},
		{linkToFIFO, "a FIFO (named pipe)"},
		{sock, "a socket"},
		{dir, "a folder"},
		{"/dev/null", "a character device"},
		{"/dev/zero", "a character device"},
	} {
		_, err := readNoHang(t, c.path, 1<<20)
		var k *KindError
		if !errors.As(err, &k) || k.Kind != c.kind || !IsKind(err) {
			t.Errorf("Read(%s) = %v; want a KindError saying %s", c.path, err, c.kind)
			continue
		}
		if msg := err.Error(); !strings.HasPrefix(msg, c.path+": is "+c.kind+", not a regular file") {
			t.Errorf("message %q does not name the file and what it is", msg)
		}
	}
}

func TestReadRegularFiles(t *testing.T) {
	dir := t.TempDir()
	exact := filepath.Join(dir, "exact.yaml")
	if err := os.WriteFile(exact, []byte("12345678"), 0o600); err != nil {
		t.Fatal(err)
	}
	data, err := Read(exact, 8)
	if err != nil || string(data) != "12345678" {
		t.Fatalf("Read at the limit = %q, %v", data, err)
	}
	var big *TooLargeError
	if _, err := Read(exact, 7); !errors.As(err, &big) || big.Limit != 7 {
		t.Fatalf("Read over the limit = %v; want a TooLargeError", err)
	}
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink(exact, link); err == nil {
		if data, err := Read(link, 8); err != nil || string(data) != "12345678" {
			t.Fatalf("Read through a link = %q, %v", data, err)
		}
	}
	missing := filepath.Join(dir, "missing.yaml")
	if _, err := Read(missing, 8); err == nil || !errors.Is(err, os.ErrNotExist) || !strings.HasPrefix(err.Error(), missing+": cannot open") {
		t.Fatalf("Read of a missing file = %v", err)
	}
}
