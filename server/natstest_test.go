package server

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"charm.land/log/v2"

	"iomt/internal/natstest"
	"iomt/internal/testkit"
)

// startNATSCluster starts n clustered NATS servers in the test process,
// shut down when the test ends.
func startNATSCluster(t testing.TB, n int) *natstest.Cluster {
	t.Helper()
	c, err := natstest.Start(n)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Shutdown)
	return c
}

// testMesh is a mesh configuration for tests: the demo, on the given
// NATS servers, with a short turn and quick reconnects.
func testMesh(demo string, urls ...string) *MeshConfig {
	return &MeshConfig{URLs: urls, Demo: demo, TurnTTL: 2 * time.Second, ReconnectWait: 100 * time.Millisecond}
}

// demos numbers the tests' demos.
var demos atomic.Int64

// newDemo is a demo name of the test's own: tests (and runs of a test,
// with -count) that share a cluster do not meet.
func newDemo(prefix string) string { return fmt.Sprintf("%s-%d", prefix, demos.Add(1)) }

// startHub starts a mesh's hub alone (no SSH server), logging into a
// buffer it returns; it leaves the mesh when the test ends.
func startHub(t *testing.T, cfg *MeshConfig) (*mesh, *testkit.Buffer) {
	t.Helper()
	logs := &testkit.Buffer{}
	m, err := startMesh(cfg, newWireCodec(testDS), log.NewWithOptions(logs, log.Options{Level: log.DebugLevel}))
	if err != nil {
		t.Fatalf("startMesh: %v", err)
	}
	t.Cleanup(func() {
		m.close()
		if t.Failed() {
			t.Logf("hub log:\n%s", logs.String())
		}
	})
	return m, logs
}

// attached waits until the hub has reached its demo's bucket.
func attached(t *testing.T, hubs ...*natsHub) {
	t.Helper()
	for _, h := range hubs {
		eventually(t, "the hub reaches the demo's bucket", func() bool { return h.bucket() != nil })
	}
}

// eventually waits, bounded by waitTimeout, until ok.
func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	eventuallyWithin(t, waitTimeout, what, ok)
}

// ttlWait bounds a wait for a turn's TTL to run out: NATS expires a
// message on its own timer, which a loaded machine running -race slows
// well past the TTL.
const ttlWait = 30 * time.Second

// eventuallyWithin waits, bounded by d, until ok.
func eventuallyWithin(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
