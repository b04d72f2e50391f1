// Package natstest runs real NATS servers inside a test (or a load
// harness): a cluster routed on 127.0.0.1, with JetStream in temporary
// folders, that a test can take down node by node.
package natstest

import (
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"
)

// Cluster is a cluster of real NATS servers in this process,
// routed to each other on 127.0.0.1, with JetStream in temporary folders.
type Cluster struct {
	nodes []*natsserver.Server
	dirs  []string
	mu    sync.Mutex
	down  []bool
}

// Start starts n NATS servers (n ≥ 1), clustered on 127.0.0.1 when n > 1,
// and waits (at most 20 s a try) until JetStream's cluster has a leader. The
// caller shuts them down.
//
// The cluster's ports are found free, closed, then given to NATS: another
// test process may take one in between, and a node then never starts. A
// cluster that does not start is tried again on other ports, three times
// at most.
func Start(n int) (*Cluster, error) {
	var err error
	for range 3 {
		var c *Cluster
		if c, err = start(n); err == nil {
			return c, nil
		}
	}
	return nil, err
}

func start(n int) (*Cluster, error) {
	ports := make([]int, n)
	for i := range ports {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ports[i] = ln.Addr().(*net.TCPAddr).Port
		_ = ln.Close()
	}
	var routes []string
	for _, p := range ports {
		routes = append(routes, fmt.Sprintf("nats://127.0.0.1:%d", p))
	}
	c := &Cluster{down: make([]bool, n)}
	for i := range n {
		dir, err := os.MkdirTemp("", "iomt-nats-test-")
		if err != nil {
			c.Shutdown()
			return nil, err
		}
		c.dirs = append(c.dirs, dir)
		opts := &natsserver.Options{
			ServerName: fmt.Sprintf("n%d", i+1), Host: "127.0.0.1", Port: -1, NoSigs: true, NoLog: true,
			JetStream: true, StoreDir: dir, JetStreamMaxMemory: 64 << 20, JetStreamMaxStore: 64 << 20,
		}
		if n > 1 {
			opts.Cluster = natsserver.ClusterOpts{Name: "iomt-test", Host: "127.0.0.1", Port: ports[i]}
			opts.Routes = natsserver.RoutesFromStr(strings.Join(routes, ","))
		}
		ns, err := natsserver.NewServer(opts)
		if err != nil {
			c.Shutdown()
			return nil, err
		}
		ns.Start()
		c.nodes = append(c.nodes, ns)
	}
	deadline := time.Now().Add(20 * time.Second)
	for _, ns := range c.nodes {
		if !ns.ReadyForConnections(time.Until(deadline)) {
			c.Shutdown()
			return nil, fmt.Errorf("NATS server %s did not start", ns.Name())
		}
	}
	for n > 1 && !c.hasLeader() {
		if time.Now().After(deadline) {
			c.Shutdown()
			return nil, fmt.Errorf("the NATS cluster elected no JetStream leader within 20s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	return c, nil
}

func (c *Cluster) hasLeader() bool {
	for i, ns := range c.nodes {
		if !c.isDown(i) && ns.JetStreamIsLeader() {
			return true
		}
	}
	return false
}

func (c *Cluster) isDown(i int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.down[i]
}

// URL is node i's client URL; URLs are all of them.
func (c *Cluster) URL(i int) string { return c.nodes[i].ClientURL() }
func (c *Cluster) URLs() []string {
	var u []string
	for _, ns := range c.nodes {
		u = append(u, ns.ClientURL())
	}
	return u
}

// Kill shuts node i down, as a NATS server that dies would go.
func (c *Cluster) Kill(i int) {
	c.mu.Lock()
	c.down[i] = true
	c.mu.Unlock()
	c.nodes[i].Shutdown()
	c.nodes[i].WaitForShutdown()
}

func (c *Cluster) Shutdown() {
	for i, ns := range c.nodes {
		if !c.isDown(i) {
			ns.Shutdown()
		}
	}
	for _, ns := range c.nodes {
		ns.WaitForShutdown()
	}
	for _, d := range c.dirs {
		_ = os.RemoveAll(d)
	}
}

// Node is node i, for its statistics (Varz) or its name.
func (c *Cluster) Node(i int) *natsserver.Server { return c.nodes[i] }

// Len is the number of nodes.
func (c *Cluster) Len() int { return len(c.nodes) }
