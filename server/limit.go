package server

import (
	"net"
	"sync"
	"time"
)

// ipLimiter is a token bucket per client address: a burst of connections,
// then one per interval. It forgets idle addresses so it cannot grow
// without bound.
type ipLimiter struct {
	mu       sync.Mutex
	burst    float64
	interval time.Duration
	buckets  map[string]*bucket
	lastGC   time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newIPLimiter(burst int, interval time.Duration) *ipLimiter {
	return &ipLimiter{burst: float64(burst), interval: interval, buckets: map[string]*bucket{}}
}

// allow reports whether a new connection from addr may proceed.
func (l *ipLimiter) allow(addr net.Addr, now time.Time) bool {
	if l == nil || l.burst <= 0 {
		return true
	}
	host := addr.String()
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastGC) > time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.last) > time.Duration(l.burst)*l.interval {
				delete(l.buckets, k)
			}
		}
		l.lastGC = now
	}
	b := l.buckets[host]
	if b == nil {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[host] = b
	}
	b.tokens = min(l.burst, b.tokens+float64(now.Sub(b.last))/float64(l.interval))
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
