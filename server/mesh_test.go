package server

import (
	"context"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"iomt/internal/testkit"
)

// startMeshServer serves the demo on the given NATS servers, with the
// presenter keys, and waits until it has reached the demo's bucket.
func startMeshServer(t *testing.T, keys string, mesh *MeshConfig) *testServer {
	t.Helper()
	ts := startServer(t, Config{PresenterKeys: keys, Mesh: mesh})
	attached(t, ts.srv.mesh.hub)
	return ts
}

// TestMeshDemoOverSSH: a demo on two servers through a 3-node NATS
// cluster, as viewers see it over SSH. Ana presents on one server; the
// viewers of both follow her. The NATS node of the second server dies:
// its viewers keep following once it reconnects. Ben, on the second
// server, takes over; everyone follows him, Ana too; she takes the turn
// back. Then Ana's server dies without a word: once her turn's TTL has
// run out, the second server's viewers are told nobody presents, and Ben
// presents at once.
func TestMeshDemoOverSSH(t *testing.T) {
	c := startNATSCluster(t, 3)
	demo := newDemo("ssh")
	anaKey, benKey := newKey(t), newKey(t)
	keys := presenterKeys(t, []string{"Ana", "Ben"}, anaKey, benKey)
	one := startMeshServer(t, keys, testMesh(demo, c.URL(0)))
	two := startMeshServer(t, keys, testMesh(demo, c.URL(1), c.URL(2)))

	ana := one.openTerm("Ana", 100, 30, termOpts{auth: []gossh.AuthMethod{gossh.PublicKeys(anaKey)}})
	ana.WaitText("Presenting")
	v1 := one.openTerm("viewer on one", 100, 30, termOpts{})
	v2 := two.openTerm("viewer on two", 100, 30, termOpts{})
	ben := two.openTerm("Ben", 100, 30, termOpts{auth: []gossh.AuthMethod{gossh.PublicKeys(benKey)}})
	for _, tm := range []*term{v1, v2} {
		tm.WaitText("Following Ana (read-only, f: private copy)")
	}
	ben.WaitText("Following Ana (p: take over")
	ana.Press("2")
	for _, tm := range []*term{v1, v2, ben} {
		tm.WaitFor(tm.name+" follows Ana to the Application tab", func(s string) bool { return testkit.ContainsAll(s, "Telemedicine", "Following Ana") })
	}

	// The second server's NATS node dies; its viewers go on following.
	hub := two.srv.mesh.hub
	// One node only: once it is killed, the server reconnects to another,
	// which a loop still looking would kill too (no quorum left).
	gone := -1
	for i := range c.Len() {
		if hub.nc.ConnectedServerName() == c.Node(i).Name() {
			gone = i
		}
	}
	if gone < 0 {
		t.Fatal("the second server is connected to no node of the cluster")
	}
	c.Kill(gone)
	two.waitLog("disconnected from NATS")
	ana.Press("j+")
	ana.WaitFor("Ana: Telemedicine at 19.5", rowCAGR("Telemedicine", "19.5"))
	for _, tm := range []*term{v1, v2} {
		tm.WaitFor(tm.name+": Telemedicine at 19.5", func(s string) bool {
			return rowCAGR("Telemedicine", "19.5")(s) && !strings.Contains(s, "Reconnecting")
		})
	}

	// Ben takes over from the other server, once the bucket answers again:
	// when the node that died led the bucket's stream, the cluster takes
	// a few seconds (NATS's election timeout, 4–9 s) to elect another, and
	// a claim meanwhile is refused after 5 s.
	eventuallyWithin(t, ttlWait, "the bucket answers after the node died", func() bool {
		_, err := hub.bucket().Get(hub.ctx, turnKey)
		return err == nil
	})
	ben.Press("p")
	ben.WaitText("Ana presents now. Take over?")
	ben.Press("y")
	ben.WaitText("Presenting", "You present now")
	ana.WaitText("Ben took over; you follow them now", "Following Ben")
	for _, tm := range []*term{v1, v2} {
		tm.WaitText("Following Ben")
	}
	ben.Press("+")
	for _, tm := range []*term{ana, v1, v2} {
		tm.WaitFor(tm.name+": Telemedicine at 20.0 from Ben", rowCAGR("Telemedicine", "20.0"))
	}
	// Ana takes the turn back.
	ana.Press("p")
	ana.WaitText("Ben presents now. Take over?")
	ana.Press("y")
	ana.WaitText("Presenting", "You present now")
	ben.WaitText("Ana took over")
	v2.WaitText("Following Ana")

	// Ana's server dies without a word: its demo link first (no release,
	// no more refreshes), then everything else.
	one.srv.mesh.close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = one.srv.Shutdown(ctx)
	one.stopped = true
	ben.waitFor(ttlWait, "Ben, once Ana's turn ran out: nobody presents", func(s string) bool {
		return strings.Contains(s, "No presenter connected (p: present")
	})
	v2.WaitText("No presenter connected")
	ben.Press("p") // nobody presents: at once, unasked
	ben.WaitText("Presenting", "You present now")
	v2.WaitText("Following Ben")
}
