package server

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

func tcpAddr(ip string, port int) net.Addr {
	return &net.TCPAddr{IP: net.ParseIP(ip), Port: port}
}

// TestIPLimiter drives the token bucket with a fake clock: allow takes
// the time as an argument.
func TestIPLimiter(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	l := newIPLimiter(3, time.Second)
	a := func(port int) net.Addr { return tcpAddr("192.0.2.1", port) }

	// A burst of 3, from any ports of the same address, then refused.
	for i := range 3 {
		if !l.allow(a(40000+i), t0) {
			t.Fatalf("connection %d of the burst of 3 refused", i+1)
		}
	}
	if l.allow(a(40003), t0) {
		t.Fatal("4th connection at once allowed after a burst of 3")
	}
	if l.allow(a(40004), t0.Add(999*time.Millisecond)) {
		t.Fatal("allowed before a full interval passed")
	}
	// Another address has a bucket of its own.
	if !l.allow(tcpAddr("192.0.2.2", 40000), t0) {
		t.Fatal("a second address is refused because of the first one's burst")
	}
	// One interval later, exactly one more.
	t1 := t0.Add(time.Second)
	if !l.allow(a(40005), t1) {
		t.Fatal("refused one interval after the burst")
	}
	if l.allow(a(40006), t1) {
		t.Fatal("two connections allowed one interval after the burst")
	}
	// A long quiet time refills the bucket to the burst, no more.
	t2 := t1.Add(time.Hour)
	for i := range 3 {
		if !l.allow(a(41000+i), t2) {
			t.Fatalf("after an hour, connection %d of a new burst refused", i+1)
		}
	}
	if l.allow(a(41003), t2) {
		t.Fatal("after an hour the bucket holds more than the burst")
	}
	// An address without a port (not a TCP address) is still limited.
	u := &net.UnixAddr{Name: "@x", Net: "unix"}
	for range 3 {
		l.allow(u, t2)
	}
	if l.allow(u, t2) {
		t.Fatal("an address without a port is not limited")
	}
}

// TestIPLimiterForgets checks that buckets of addresses that went quiet
// are dropped, so the table cannot grow without bound.
func TestIPLimiterForgets(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	l := newIPLimiter(2, time.Second)
	for i := range 1000 {
		l.allow(tcpAddr("10.0."+strconv.Itoa(i/256)+"."+strconv.Itoa(i%256), 1234), t0)
	}
	if n := len(l.limiters); n != 1000 {
		t.Fatalf("%d buckets after 1000 addresses, want 1000", n)
	}
	// Two minutes later one new address arrives: every idle bucket goes.
	l.allow(tcpAddr("10.9.9.9", 1), t0.Add(2*time.Minute))
	if n := len(l.limiters); n != 1 {
		t.Fatalf("%d buckets after the others were idle for two minutes, want 1", n)
	}
}

// TestIPLimiterIPv6: addresses of one /64 share a bucket, so a client
// cannot pass the limit by counting through its own block; another /64
// has its own. IPv4 in IPv6 form is the IPv4 address.
func TestIPLimiterIPv6(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	l := newIPLimiter(2, time.Hour)
	for i := range 2 {
		if !l.allow(tcpAddr("2001:db8:1:2::"+strconv.Itoa(i+1), 22), t0) {
			t.Fatalf("connection %d of the burst refused", i+1)
		}
	}
	if l.allow(tcpAddr("2001:db8:1:2:ffff::9", 22), t0) {
		t.Fatal("a third address of the same /64 passed the burst of 2")
	}
	if !l.allow(tcpAddr("2001:db8:1:3::1", 22), t0) {
		t.Fatal("another /64 was limited by the first")
	}
	l.allow(tcpAddr("192.0.2.7", 1), t0)
	l.allow(tcpAddr("::ffff:192.0.2.7", 1), t0)
	if l.allow(tcpAddr("192.0.2.7", 2), t0) {
		t.Fatal("192.0.2.7 written as ::ffff:192.0.2.7 has a bucket of its own")
	}
}

// TestIPLimiterBounded: a flood from more addresses than the limiter
// remembers neither grows its table past maxTracked nor locks a new
// address out.
func TestIPLimiterBounded(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	l := newIPLimiter(1, time.Hour)
	for i := range maxTracked + 500 {
		ip := fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
		l.allow(tcpAddr(ip, 1), t0)
		l.allow(tcpAddr(ip, 2), t0) // each now limited
	}
	if n := len(l.limiters); n > maxTracked {
		t.Fatalf("%d addresses remembered; the bound is %d", n, maxTracked)
	}
	if !l.allow(tcpAddr("192.0.2.200", 1), t0) {
		t.Fatal("a new address was refused because the table is full")
	}
}

func TestIPLimiterOff(t *testing.T) {
	var nilLimiter *ipLimiter
	now := time.Now()
	for range 100 {
		if !nilLimiter.allow(tcpAddr("192.0.2.1", 1), now) {
			t.Fatal("a nil limiter refused")
		}
	}
	zero := newIPLimiter(0, 0)
	for range 100 {
		if !zero.allow(tcpAddr("192.0.2.1", 1), now) {
			t.Fatal("a limiter with burst 0 (off) refused")
		}
	}
}

// TestRateLimit connects through a real server with RateBurst=2: two
// connections from 127.0.0.1 get in, the third is closed before the SSH
// handshake.
func TestRateLimit(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{RateBurst: 2, RateEvery: time.Hour})
	for i := range 2 {
		c, err := ts.dial(keyboardInteractive())
		if err != nil {
			t.Fatalf("connection %d of the burst of 2: %v", i+1, err)
		}
		_ = c.Close()
	}
	c, err := ts.dial(keyboardInteractive())
	if err == nil {
		_ = c.Close()
		t.Fatal("the third connection within the burst interval got in")
	}
	if strings.Contains(err.Error(), "unable to authenticate") {
		t.Fatalf("the third connection reached authentication (%v); the limiter should close it before the handshake", err)
	}
	if !strings.Contains(ts.logs.String(), "rate limit") {
		t.Errorf("the refusal is not logged:\n%s", ts.logs.String())
	}
}
