package e2e

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"iomt/internal/testkit"
)

// TestDemoMesh: a demo on two `iomt serve` processes joined by a 3-node
// NATS cluster of `iomt serve --nats-embed` processes routed on
// 127.0.0.1, with the real OpenSSH client in tmux. The presenter joins the
// first server; viewers on both follow every change. The NATS node of the
// second server is killed: its viewers keep following. Then the presenter's server is killed
// (SIGKILL: no word to anyone): once the turn's TTL has run out, the
// second server's viewers are told nobody presents, and a co-presenter
// there presents at once.
func TestDemoMesh(t *testing.T) {
	requireTool(t, "tmux")
	ssh := requireTool(t, "ssh")
	keygen := requireTool(t, "ssh-keygen")
	dir := t.TempDir()
	nodes := natsNodes(t, dir, 3)
	presenterKey := sshKey(t, keygen, dir, "presenter")
	coKey := sshKey(t, keygen, dir, "co")
	viewerKey := sshKey(t, keygen, dir, "viewer")
	presentersFile := filepath.Join(dir, "presenter_keys")
	writeKeyFile(t, presentersFile, append(readKeyFile(t, presenterKey+".pub"), readKeyFile(t, coKey+".pub")...))
	serve := func(name, natsURL string) (*serveProcess, string) {
		port := freePort(t)
		p := startServe(t, "--listen", "127.0.0.1:"+port, "--host-key", filepath.Join(dir, name, "host_ed25519"),
			"--presenter-keys", presentersFile, "--nats", natsURL, "--demo", "e2e", "--nats-turn-ttl", "2s")
		p.waitLog(t, "joined the demo", "demo=e2e")
		return p, port
	}
	one, portOne := serve("one", nodes[0].url)
	two, portTwo := serve("two", nodes[1].url)

	presenter := startTmux(t, demoWidth, demoHeight, demoClient(ssh, presenterKey, portOne)...)
	presenter.WaitFor("the presenter's dashboard", func(screen string) bool {
		return strings.HasPrefix(screen, presentingBanner) && testkit.ContainsAll(screen, "1 Component", "Medical Dev")
	})
	viewers := []*tmuxSession{
		addTmuxSession(presenter, "one-a", demoWidth, demoHeight, demoClient(ssh, viewerKey, portOne)...),
		addTmuxSession(presenter, "two-a", demoWidth, demoHeight, demoClient(ssh, viewerKey, portTwo)...),
		addTmuxSession(presenter, "two-b", demoWidth, demoHeight, demoClient(ssh, viewerKey, portTwo)...),
	}
	co := addTmuxSession(presenter, "co", demoWidth, demoHeight, demoClient(ssh, coKey, portTwo)...)
	all := append([]*tmuxSession{presenter, co}, viewers...)
	t.Cleanup(func() { summarizeOnFailure(t, all) })
	for _, v := range viewers {
		v.WaitFor("the follower's banner", func(screen string) bool { return strings.HasPrefix(screen, followingBanner) })
	}
	co.WaitForText("Following presenter@iomt-e2e (p: take over")

	// The presenter changes tab, row and a rate: every viewer, on
	// either server, shows exactly the presenter's dashboard.
	presenter.Type("2")
	presenter.WaitForText("Telemedicine")
	presenter.Type("j+")
	waitRowCAGR(presenter, "Telemedicine", "19.5", true)
	want := dashboardBody(presenter.Screen())
	for _, v := range viewers {
		waitFollows(v, want, "Telemedicine at 19.5, on both servers")
	}

	// The second server's NATS node dies: it reconnects to another, and
	// its viewers follow the next change.
	if err := nodes[1].cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-nodes[1].exited
	two.waitLog(t, "disconnected from NATS")
	presenter.Type("+")
	waitRowCAGR(presenter, "Telemedicine", "20.0", true)
	want = dashboardBody(presenter.Screen())
	for _, v := range viewers {
		waitFollows(v, want, "Telemedicine at 20.0, after the second server's NATS node died")
	}

	// The presenter's server dies.
	if err := one.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-one.exited
	for _, v := range viewers[1:] {
		waitLong(v, "no presenter, once the turn ran out", func(screen string) bool {
			return strings.Contains(screen, "No presenter connected") && rowHasCAGR(screen, "Telemedicine", "20.0")
		})
	}
	waitLong(co, "no presenter, once the turn ran out", func(screen string) bool {
		return strings.Contains(screen, "No presenter connected (p: present")
	})
	co.Type("p")
	co.WaitForText("Presenting", "You present now")
	co.Type("+")
	waitRowCAGR(co, "Telemedicine", "20.5", true)
	want = dashboardBody(co.Screen())
	for _, v := range viewers[1:] {
		v.WaitFor("the co-presenter's banner over its dashboard", func(screen string) bool {
			return strings.HasPrefix(screen, "Following co@iomt-e2e") && dashboardBody(screen) == want
		})
	}
}

// natsNode is a node of the e2e's NATS cluster: an `iomt serve
// --nats-embed` process, as README's first recipe runs it.
type natsNode struct {
	*serveProcess
	url string // where NATS clients connect
}

// natsNodes starts n `iomt serve --nats-embed` processes routed to each
// other on 127.0.0.1: a NATS cluster in processes of their own (in the
// test process, it would make the test's memory every child's peak, see
// TestDeepFiles), which the test can kill node by node.
func natsNodes(t *testing.T, dir string, n int) []natsNode {
	t.Helper()
	// Every port at once, each held until all are chosen: a port chosen
	// and let go may be chosen again.
	ports := freePorts(t, 3*n)
	clients, routes, sshPorts := ports[:n], ports[n:2*n], ports[2*n:]
	var routeURLs []string
	for _, r := range routes {
		routeURLs = append(routeURLs, "nats://127.0.0.1:"+r)
	}
	nodes := make([]natsNode, n)
	for i := range n {
		p := startServe(t, "--listen", "127.0.0.1:"+sshPorts[i], "--host-key", filepath.Join(dir, fmt.Sprint("node", i), "host_ed25519"),
			"--nats-embed", "--nats-listen", "127.0.0.1:"+clients[i], "--nats-cluster", "127.0.0.1:"+routes[i],
			"--nats-routes", strings.Join(routeURLs, ","), "--demo", "nodes")
		nodes[i] = natsNode{p, "nats://127.0.0.1:" + clients[i]}
	}
	for _, node := range nodes {
		node.waitLog(t, "joined the demo", "demo=nodes")
	}
	return nodes
}

// freePorts is n distinct ports of 127.0.0.1, free now.
func freePorts(t *testing.T, n int) []string {
	t.Helper()
	var ports []string
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		ports = append(ports, strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
	}
	return ports
}

// turnWait bounds a wait for a turn's TTL to run out: NATS expires it on
// its own timer, later than the TTL on a busy machine.
const turnWait = 30 * time.Second

// waitLong is WaitFor bounded by turnWait.
func waitLong(s *tmuxSession, what string, ok func(screen string) bool) {
	s.t.Helper()
	deadline := time.Now().Add(turnWait)
	for !ok(s.Screen()) {
		if time.Now().After(deadline) {
			s.t.Fatalf("%s: waiting %v for %s; last screen:\n%s", s.name, turnWait, what, frame(s.Screen()))
		}
		time.Sleep(pollInterval)
	}
}

// TestServeAloneOpensNoNATS: without the mesh flags, `iomt serve` is the
// one server it was before demo meshes: it listens on its SSH address
// and nowhere else, starts no NATS server (an embedded one would make its
// store in TMPDIR, and log it), and serves a demo in process.
func TestServeAloneOpensNoNATS(t *testing.T) {
	ssh := requireTool(t, "ssh")
	keygen := requireTool(t, "ssh-keygen")
	requireTool(t, "tmux")
	dir := t.TempDir()
	presenterKey := sshKey(t, keygen, dir, "presenter")
	presentersFile := filepath.Join(dir, "presenter_keys")
	writeKeyFile(t, presentersFile, readKeyFile(t, presenterKey+".pub"))
	port := freePort(t)
	p := startServe(t, "--listen", "127.0.0.1:"+port, "--host-key", filepath.Join(dir, "host_ed25519"),
		"--presenter-keys", presentersFile)
	presenter := startTmux(t, demoWidth, demoHeight, demoClient(ssh, presenterKey, port)...)
	presenter.WaitFor("the presenter's dashboard", func(screen string) bool {
		return strings.HasPrefix(screen, presentingBanner)
	})
	viewer := addTmuxSession(presenter, "viewer", demoWidth, demoHeight, demoClient(ssh, presenterKey, port)...)
	viewer.WaitForText("Following presenter@iomt-e2e")

	ports, err := listeningPorts(p.cmd.Process.Pid)
	if err != nil {
		t.Skipf("cannot read the server's sockets from /proc: %v", err)
	}
	if len(ports) != 1 || ports[0] != port {
		t.Errorf("iomt serve listens on %v; want only its SSH port %s", ports, port)
	}
	if left, _ := os.ReadDir(p.tmp); len(left) != 0 {
		t.Errorf("iomt serve made %s in its TMPDIR (an embedded NATS server's store?)", left[0].Name())
	}
	for _, word := range []string{"demo mesh", "JetStream"} {
		if strings.Contains(p.log.String(), word) {
			t.Errorf("iomt serve without mesh flags logs %q:\n%s", word, p.log.String())
		}
	}
}

// listeningPorts lists the TCP ports process pid listens on, from its
// sockets in /proc and the kernel's table of listening sockets.
func listeningPorts(pid int) ([]string, error) {
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return nil, err
	}
	inodes := map[string]bool{}
	for _, fd := range fds {
		link, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name()))
		if err == nil && strings.HasPrefix(link, "socket:[") {
			inodes[strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]")] = true
		}
	}
	var ports []string
	for _, table := range []string{"tcp", "tcp6"} {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/net/%s", pid, table))
		if err != nil {
			return nil, err
		}
		for _, line := range strings.Split(string(data), "\n")[1:] {
			f := strings.Fields(line)
			// sl local rem st tx:rx tr:when retrnsmt uid timeout inode
			if len(f) < 10 || f[3] != "0A" || !inodes[f[9]] {
				continue
			}
			hexPort := f[1][strings.LastIndexByte(f[1], ':')+1:]
			n, err := strconv.ParseUint(hexPort, 16, 16)
			if err != nil {
				return nil, err
			}
			ports = append(ports, strconv.FormatUint(n, 10))
		}
	}
	return ports, nil
}
