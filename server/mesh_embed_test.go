package server

import (
	"strings"
	"time"

	"fmt"
	"github.com/nats-io/nats.go"
	"math/rand/v2"
	"net"
	"sync"
	"testing"
)

// freeLoopbackAddr is a 127.0.0.1 address with a port free now.
func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestMeshEmbeddedCluster: README's first recipe, three servers that run
// NATS inside themselves (--nats-embed), routed to each other, started
// together. They form one cluster and one demo: the bucket has three
// replicas, a presenter on the first is followed on the other two. Then
// the presenter's server dies, its NATS node with it, without releasing
// the turn: the other two keep the last screen, say nobody presents once
// the TTL has run out, and a presenter on the second takes the turn, whom
// the third follows (the two remaining nodes are a quorum).
func TestMeshEmbeddedCluster(t *testing.T) {
	demo := newDemo("embed")
	addrs := []string{freeLoopbackAddr(t), freeLoopbackAddr(t), freeLoopbackAddr(t)}
	var routes []string
	for _, a := range addrs {
		routes = append(routes, "nats://"+a)
	}
	meshes := make([]*mesh, 3)
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Go(func() {
			cfg := testMesh(demo)
			cfg.Embed = &EmbedConfig{Cluster: addrs[i], Routes: routes, Name: fmt.Sprintf("embed-%d", i+1)}
			m, _ := startHub(t, cfg)
			meshes[i] = m
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	a, b, c := meshes[0], meshes[1], meshes[2]
	eventuallyWithin(t, ttlWait, "the three servers reach the demo's bucket", func() bool {
		return a.hub.bucket() != nil && b.hub.bucket() != nil && c.hub.bucket() != nil
	})
	st, err := b.hub.js.Stream(b.hub.ctx, "KV_"+b.hub.bucketName)
	if err != nil {
		t.Fatal(err)
	}
	if r := st.CachedInfo().Config.Replicas; r != 3 {
		t.Errorf("the demo's bucket has %d replicas on a cluster of three", r)
	}

	turn, ok, who := a.hub.Present(&Seat{Name: "Ana"})
	if !ok {
		t.Fatalf("Ana cannot present (%q does)", who)
	}
	s := randomSnapshot(rand.New(rand.NewPCG(7, 7)), testDS)
	s.Presenter, s.Scenario = "Ana", "Ana's last"
	a.hub.Publish(turn, s)
	for _, m := range []*mesh{b, c} {
		eventually(t, "the other servers follow Ana", func() bool { return latestScenario(m.hub) == "Ana's last" })
	}

	a.close() // Ana's server and its NATS node die; the turn is not released
	for _, m := range []*mesh{b, c} {
		eventuallyWithin(t, ttlWait, "nobody presents once Ana's turn ran out", func() bool {
			msg, ok := m.hub.Message()
			return ok && msg.Away
		})
	}
	var turnB uint64
	eventuallyWithin(t, ttlWait, "Ben presents on the second server", func() bool {
		turnB, ok, _ = b.hub.Present(&Seat{Name: "Ben"})
		return ok
	})
	if turnB <= turn {
		t.Fatalf("Ben's turn %d is not after Ana's %d", turnB, turn)
	}
	s.Presenter, s.Scenario = "Ben", "Ben's"
	b.hub.Publish(turnB, s)
	eventually(t, "the third server follows Ben", func() bool {
		who, on := c.hub.Presenting()
		return on && who == "Ben" && latestScenario(c.hub) == "Ben's"
	})
}

// TestMeshEmbeddedClientPortIsClosedToOthers: with routes and no
// --nats-listen, the embedded NATS server must accept clients to route,
// on a loopback port nobody asked for. Another local user connecting
// there is refused: only this iomt knows the token, so nobody else can
// take the turn or change what viewers see.
func TestMeshEmbeddedClientPortIsClosedToOthers(t *testing.T) {
	addr := freeLoopbackAddr(t)
	cfg := testMesh(newDemo("closed"))
	cfg.Embed = &EmbedConfig{Cluster: addr, Routes: []string{"nats://" + addr}, Name: "closed-1"}
	m, _ := startHub(t, cfg) // alone, it has no quorum for the bucket: only its port matters here
	url := m.ns.ClientURL()
	if url == "" {
		t.Fatal("no client port: the test no longer tells anything")
	}
	nc, err := nats.Connect(url, nats.Timeout(2*time.Second), nats.NoReconnect())
	if err == nil {
		nc.Close()
		t.Fatalf("a client without the token connected to %s", url)
	}
	if !strings.Contains(strings.ToLower(err.Error()), "authorization") {
		t.Errorf("refused for another reason than authorization: %v", err)
	}
}
