package server

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	gossh "golang.org/x/crypto/ssh"

	"iomt/internal/safefile"
)

// loadHostKey reads the host key at path, creating an ed25519 key there
// (mode 0600) when the file does not exist, so a server never silently
// writes a key into whatever folder it was started from.
func loadHostKey(path string) (gossh.Signer, bool, error) {
	if path == "" {
		return nil, false, errors.New("--host-key PATH is required: the server's identity must live in a file you chose")
	}
	// A host key is a few hundred bytes; the limit only guards against
	// pointing --host-key at something that is not a key file at all.
	data, err := safefile.Read(path, 64<<10)
	created := false
	if errors.Is(err, fs.ErrNotExist) {
		_, priv, gerr := ed25519.GenerateKey(rand.Reader)
		if gerr != nil {
			return nil, false, fmt.Errorf("generating host key: %w", gerr)
		}
		block, merr := gossh.MarshalPrivateKey(priv, "iomt host key")
		if merr != nil {
			return nil, false, fmt.Errorf("encoding host key: %w", merr)
		}
		data = pem.EncodeToMemory(block)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, false, fmt.Errorf("creating folder for host key %s: %w", path, err)
		}
		f, oerr := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if oerr != nil {
			return nil, false, fmt.Errorf("writing host key %s: %w", path, oerr)
		}
		if _, werr := f.Write(data); werr != nil {
			f.Close()
			return nil, false, fmt.Errorf("writing host key %s: %w", path, werr)
		}
		if cerr := f.Close(); cerr != nil {
			return nil, false, fmt.Errorf("writing host key %s: %w", path, cerr)
		}
		created = true
	} else if err != nil {
		return nil, false, fmt.Errorf("reading host key: %w", err)
	}
	signer, err := gossh.ParsePrivateKey(data)
	if err != nil {
		return nil, false, fmt.Errorf("%s: not an unencrypted SSH private key: %w", path, err)
	}
	return signer, created, nil
}

// fingerprint names a user's folder: hex SHA-256 of the key, safe in any
// file system (the usual base64 form contains '/').
func fingerprint(key gossh.PublicKey) string {
	sum := sha256.Sum256(key.Marshal())
	return hex.EncodeToString(sum[:])
}
