package server

import (
	"net"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// maxTracked bounds the addresses the limiter remembers. Past it, the
// limiter forgets every address that has its full burst again; if all of
// them are still limited, a new address is let through rather than
// refused (the session cap still holds), so a flood from many addresses
// can neither exhaust memory nor lock everyone out.
const maxTracked = 1 << 16

// ipLimiter allows each client address a burst of connections, then one
// per interval: a token bucket per address (golang.org/x/time/rate). An
// IPv6 client counts by its /64, the block one host is usually given, so
// it cannot pass the limit by changing its address within it.
type ipLimiter struct {
	mu       sync.Mutex
	burst    int
	interval time.Duration
	limiters map[netip.Addr]*addrLimit
	lastGC   time.Time
}

type addrLimit struct {
	lim  *rate.Limiter
	last time.Time
}

// newIPLimiter returns a limiter of burst connections per address, then
// one per interval; nil (no limit) when burst is 0. The caller checks
// that interval is positive: rate.Every(0) would be no limit at all.
func newIPLimiter(burst int, interval time.Duration) *ipLimiter {
	if burst <= 0 {
		return nil
	}
	return &ipLimiter{burst: burst, interval: interval, limiters: map[netip.Addr]*addrLimit{}}
}

// key is the address the limit counts by.
func key(addr net.Addr) netip.Addr {
	var ip netip.Addr
	if ap, err := netip.ParseAddrPort(addr.String()); err == nil {
		ip = ap.Addr()
	} else if a, err := netip.ParseAddr(addr.String()); err == nil {
		ip = a
	}
	ip = ip.Unmap()
	if ip.Is6() {
		if p, err := ip.Prefix(64); err == nil {
			return p.Addr()
		}
	}
	return ip // the zero Addr for what is not an IP address: one bucket for all
}

// allow reports whether a new connection from addr may proceed at now.
func (l *ipLimiter) allow(addr net.Addr, now time.Time) bool {
	if l == nil {
		return true
	}
	k := key(addr)
	l.mu.Lock()
	defer l.mu.Unlock()
	// A bucket that has refilled to the burst is the same as none.
	full := time.Duration(l.burst) * l.interval
	if now.Sub(l.lastGC) > time.Minute || len(l.limiters) >= maxTracked {
		for a, e := range l.limiters {
			if now.Sub(e.last) > full {
				delete(l.limiters, a)
			}
		}
		l.lastGC = now
	}
	e := l.limiters[k]
	if e == nil {
		if len(l.limiters) >= maxTracked {
			return true
		}
		e = &addrLimit{lim: rate.NewLimiter(rate.Every(l.interval), l.burst)}
		l.limiters[k] = e
	}
	e.last = now
	return e.lim.AllowN(now, 1)
}
