package server

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"iomt/internal/safefile"
	"iomt/internal/safetext"
)

// keyEntry is one line of an authorized_keys file: a key, where it was
// read, and the restrictions of its options that iomt enforces.
type keyEntry struct {
	where   string    // FILE:LINE
	from    []string  // from="…" patterns; nil: any address
	expires time.Time // expiry-time="…"; zero: never
	noPTY   bool      // no-pty, or restrict without pty: no dashboard
	// name is the line's comment, made safe to show: how an audience
	// and other presenters see a presenter ("" : "the presenter").
	name string
}

// maxName bounds a presenter's name on screens.
const maxName = 40

// keySet is the keys of an authorized_keys file. A key may be on several
// lines with different options; one line admitting the client is enough,
// as with sshd.
type keySet map[string][]keyEntry

// errNotListed is why a key that is in no line is refused.
var errNotListed = errors.New("key not listed")

// permit returns the first entry for key that admits a client at addr at
// time now, or why none does.
func (k keySet) permit(key gossh.PublicKey, addr net.Addr, now time.Time) (keyEntry, error) {
	if key == nil {
		return keyEntry{}, errNotListed
	}
	entries := k[string(key.Marshal())]
	if len(entries) == 0 {
		return keyEntry{}, errNotListed
	}
	var why []string
	for _, e := range entries {
		if err := e.admits(addr, now); err != nil {
			why = append(why, err.Error())
			continue
		}
		return e, nil
	}
	return keyEntry{}, errors.New(strings.Join(why, "; "))
}

// admits checks the entry's from= and expiry-time= against a client.
func (e keyEntry) admits(addr net.Addr, now time.Time) error {
	if !e.expires.IsZero() && !now.Before(e.expires) {
		return fmt.Errorf("%s: the key expired at %s", e.where, e.expires.Format(time.RFC3339))
	}
	if e.from != nil {
		ip := addrIP(addr)
		if !matchFrom(e.from, ip) {
			return fmt.Errorf("%s: from=%q does not admit %s", e.where, strings.Join(e.from, ","), ip)
		}
	}
	return nil
}

// addrIP is the client's IP address (IPv4-mapped addresses unmapped), or
// the invalid address when there is none.
func addrIP(addr net.Addr) netip.Addr {
	if tcp, ok := addr.(*net.TCPAddr); ok {
		return tcp.AddrPort().Addr().Unmap()
	}
	if addr != nil {
		if ap, err := netip.ParseAddrPort(addr.String()); err == nil {
			return ap.Addr().Unmap()
		}
	}
	return netip.Addr{}
}

// matchFrom applies a from= pattern list to an address as sshd does
// without DNS (its default, UseDNS no): any negated pattern that matches
// refuses, otherwise any positive one that matches admits. A pattern is
// an address with * and ? wildcards, or a CIDR block.
func matchFrom(patterns []string, ip netip.Addr) bool {
	if !ip.IsValid() {
		return false
	}
	admitted := false
	for _, p := range patterns {
		neg := strings.HasPrefix(p, "!")
		p = strings.TrimPrefix(p, "!")
		var hit bool
		if pfx, err := netip.ParsePrefix(p); err == nil {
			hit = pfx.Contains(ip)
		} else {
			hit = wildcard(strings.ToLower(p), ip.String())
		}
		if hit && neg {
			return false
		}
		admitted = admitted || hit
	}
	return admitted
}

// wildcard matches s against p, where * is any run and ? one byte.
func wildcard(p, s string) bool {
	star, mark := -1, 0
	i, j := 0, 0
	for j < len(s) {
		switch {
		case i < len(p) && (p[i] == '?' || p[i] == s[j]):
			i++
			j++
		case i < len(p) && p[i] == '*':
			star, mark = i, j
			i++
		case star >= 0:
			i = star + 1
			mark++
			j = mark
		default:
			return false
		}
	}
	for i < len(p) && p[i] == '*' {
		i++
	}
	return i == len(p)
}

// keyName is how a key's comment names its session to an audience: any
// run of white space (a tab too, which must not glue two words together)
// one space, other control characters dropped, cut at maxName.
func keyName(comment string) string {
	spaced := strings.Join(strings.Fields(comment), " ")
	return safetext.Truncate(strings.Join(strings.Fields(safetext.Strip(spaced)), " "), maxName)
}

// maxKeysFile bounds a keys file: 16 MiB is about 150,000 keys.
const maxKeysFile = 16 << 20

// loadKeys reads an authorized_keys-format file. A line that is not a key,
// or that has an option iomt cannot honour, is an error naming the file
// and line: a key limited by an option must never get in unlimited.
func loadKeys(path string) (keySet, error) {
	data, err := safefile.Read(path, maxKeysFile)
	if err != nil {
		return nil, fmt.Errorf("reading keys: %w", err)
	}
	keys := keySet{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 || text[0] == '#' {
			continue
		}
		where := path + ":" + strconv.Itoa(line)
		k, comment, options, _, err := gossh.ParseAuthorizedKey(text)
		if err != nil {
			return nil, fmt.Errorf("%s: not a public key: %w", where, err)
		}
		e, err := parseOptions(where, options)
		if err != nil {
			return nil, err
		}
		e.name = keyName(comment)
		keys[string(k.Marshal())] = append(keys[string(k.Marshal())], e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return keys, nil
}

// harmless are options that only restrict what iomt never offers
// (forwarding, agents, X11, rc files, environment), or only relax a check.
var harmless = map[string]bool{
	"no-agent-forwarding": true, "no-port-forwarding": true, "no-x11-forwarding": true, "no-user-rc": true,
	"agent-forwarding": true, "port-forwarding": true, "x11-forwarding": true, "user-rc": true,
	"permitopen": true, "permitlisten": true, "environment": true, "no-touch-required": true,
}

// unsupported says why iomt refuses an option rather than ignore it.
var unsupported = map[string]string{
	"command":         "iomt cannot run a forced command",
	"cert-authority":  "iomt does not accept certificates",
	"principals":      "iomt does not accept certificates",
	"tunnel":          "iomt offers no tunnel devices",
	"verify-required": "iomt cannot check FIDO user verification",
}

// parseOptions reads the options of one authorized_keys line.
func parseOptions(where string, options []string) (keyEntry, error) {
	e := keyEntry{where: where}
	restrict, pty := false, false
	for _, opt := range options {
		name, value, hasValue := strings.Cut(opt, "=")
		name = strings.ToLower(name)
		if hasValue {
			v, err := unquoteOption(value)
			if err != nil {
				return e, fmt.Errorf("%s: option %s: %w", where, name, err)
			}
			value = v
		}
		switch {
		case name == "from" && hasValue:
			for p := range strings.SplitSeq(value, ",") {
				p = strings.TrimSpace(p)
				if p == "" || p == "!" {
					return e, fmt.Errorf("%s: from=%q has an empty pattern", where, value)
				}
				if strings.Contains(p, "/") {
					if _, err := netip.ParsePrefix(strings.TrimPrefix(p, "!")); err != nil {
						return e, fmt.Errorf("%s: from=%q: %q is not an address block like 192.0.2.0/24", where, value, p)
					}
				}
				e.from = append(e.from, p)
			}
		case name == "expiry-time" && hasValue:
			t, err := parseExpiry(value)
			if err != nil {
				return e, fmt.Errorf("%s: expiry-time=%q: %w", where, value, err)
			}
			e.expires = t
		case name == "no-pty" && !hasValue:
			e.noPTY = true
		case name == "restrict" && !hasValue:
			restrict = true
		case name == "pty" && !hasValue:
			pty = true
		case harmless[name]:
		case unsupported[name] != "":
			return e, fmt.Errorf("%s: option %s: %s; remove the option, or give this server a file without that line", where, name, unsupported[name])
		default:
			return e, fmt.Errorf("%s: unknown option %q; iomt honours from=, expiry-time=, no-pty, restrict and pty", where, opt)
		}
	}
	e.noPTY = e.noPTY || (restrict && !pty)
	return e, nil
}

// unquoteOption removes the double quotes around an option's value and
// the backslashes before quotes inside it.
func unquoteOption(v string) (string, error) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return "", errors.New("the value must be in double quotes")
	}
	return strings.ReplaceAll(v[1:len(v)-1], `\"`, `"`), nil
}

// parseExpiry reads sshd's YYYYMMDD[HHMM[SS]] in local time, or in UTC
// with a trailing Z.
func parseExpiry(v string) (time.Time, error) {
	loc := time.Local
	if s, ok := strings.CutSuffix(v, "Z"); ok {
		v, loc = s, time.UTC
	}
	for _, layout := range []string{"20060102", "200601021504", "20060102150405"} {
		if len(v) == len(layout) {
			if t, err := time.ParseInLocation(layout, v, loc); err == nil {
				return t, nil
			}
		}
	}
	return time.Time{}, errors.New("not a time like 20270131 or 202701311800 (add Z for UTC)")
}
