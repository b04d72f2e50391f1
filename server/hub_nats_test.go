package server

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"charm.land/log/v2"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"iomt/internal/natstest"
	"iomt/internal/testkit"
	"iomt/ui"
)

// TestMeshHub: the hubs of a demo on several servers, over one real
// 3-node NATS cluster (see the subtests).
func TestMeshHub(t *testing.T) {
	c := startNATSCluster(t, 3)
	for _, sub := range []struct {
		name string
		test func(*testing.T, *natstest.Cluster)
	}{
		{"Follow", testMeshFollow}, {"PresentRace", testMeshPresentRace}, {"ClaimRace", testMeshClaimRace}, {"DropsBadStates", testMeshDropsBadStates},
		{"MissedStateResent", testMeshMissedStateResent}, {"PresenterServerDies", testMeshPresenterServerDies}, {"TurnEndsUnrefreshed", testMeshTurnEndsUnrefreshed},
		{"BucketLost", testMeshBucketLost}, {"OwnLastStateKept", testMeshOwnLastStateKept},
	} {
		t.Run(sub.name, func(t *testing.T) { sub.test(t, c) })
	}
}

// latestScenario is the scenario name of the state a hub's followers are
// shown now ("" none).
func latestScenario(h demoHub) string {
	msg, ok := h.Message()
	if !ok || msg.Away {
		return ""
	}
	return msg.Snapshot.Scenario
}

// testMeshFollow: a presenter on one server, followers on two: the state
// reaches the other server over NATS, the presenter is named there, a
// server that joins late is shown the latest at once, and a presenter's
// leaving tells every server that nobody presents.
func testMeshFollow(t *testing.T, c *natstest.Cluster) {
	demo := newDemo("follow")
	a, _ := startHub(t, testMesh(demo, c.URL(0)))
	b, _ := startHub(t, testMesh(demo, c.URL(1)))
	attached(t, a.hub, b.hub)

	turn, ok, _ := a.hub.Present(&Seat{Name: "Ana"})
	if !ok {
		t.Fatal("the first presenter of the demo does not present")
	}
	eventually(t, "server B names Ana as presenting", func() bool { who, on := b.hub.Presenting(); return on && who == "Ana" })
	s := randomSnapshot(rand.New(rand.NewPCG(1, 1)), testDS)
	s.Presenter, s.Scenario = "Ana", "Ana's"
	a.hub.Publish(turn, s)
	if got := latestScenario(a.hub); got != "Ana's" {
		t.Fatalf("server A's own followers show %q at once, want Ana's", got)
	}
	eventually(t, "server B's followers show Ana's state", func() bool { return latestScenario(b.hub) == "Ana's" })
	msg, _ := b.hub.Message()
	if !sameSnapshot(&msg.Snapshot, &s) {
		t.Fatalf("server B shows another state than Ana's:\n%+v\nwant\n%+v", msg.Snapshot, s)
	}

	// A server joining late: the latest at once, from the bucket.
	late, _ := startHub(t, testMesh(demo, c.URL(2)))
	eventually(t, "the late server shows Ana's state", func() bool { return latestScenario(late.hub) == "Ana's" })

	// Ana leaves: everyone hears that nobody presents.
	a.hub.Leave(turn)
	for name, h := range map[string]demoHub{"B": b.hub, "late": late.hub} {
		eventually(t, "server "+name+" says nobody presents", func() bool { msg, ok := h.Message(); return ok && msg.Away })
	}
	// Every server's followers keep Ana's last screen, and a server that
	// joins now shows it too (from the bucket): the same screen in every
	// hall.
	lastOf := func(h demoHub) string {
		msg, ok := h.Message()
		if !ok || !msg.Away || !msg.Last {
			return ""
		}
		return msg.Snapshot.Scenario
	}
	after, _ := startHub(t, testMesh(demo, c.URL(0)))
	for name, h := range map[string]demoHub{"A": a.hub, "B": b.hub, "late": late.hub, "after": after.hub} {
		eventually(t, "server "+name+" shows Ana's last screen, nobody presenting", func() bool { return lastOf(h) == "Ana's" })
	}
	// And the turn is free for a presenter anywhere.
	if _, ok, who := b.hub.Present(&Seat{Name: "Ben"}); !ok {
		t.Fatalf("Ben cannot present after Ana left (%q presents)", who)
	}
}

// testMeshPresentRace: with nobody presenting, sessions on two servers
// press p at the same instant, fifty times: the create of the turn key
// lets exactly one present, the other is refused, and both servers name
// the same presenter; the winner leaves, and the next try starts again
// with the turn free.
func testMeshPresentRace(t *testing.T, c *natstest.Cluster) {
	demo := newDemo("present")
	a, _ := startHub(t, raceMesh(demo, c.URL(0)))
	b, _ := startHub(t, raceMesh(demo, c.URL(1)))
	attached(t, a.hub, b.hub)
	hubs := []*natsHub{a.hub, b.hub}
	for try := range 50 {
		names := []string{fmt.Sprint("Ana ", try), fmt.Sprint("Ben ", try)}
		turns, oks := make([]uint64, 2), make([]bool, 2)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Go(func() {
				<-start
				turns[i], oks[i], _ = hubs[i].Present(&Seat{Name: names[i]})
			})
		}
		close(start)
		wg.Wait()
		if oks[0] == oks[1] {
			t.Fatalf("try %d: Ana presents %v, Ben presents %v: want exactly one", try, oks[0], oks[1])
		}
		w := 0
		if oks[1] {
			w = 1
		}
		for _, h := range hubs {
			eventually(t, "both servers name the winner", func() bool {
				who, on := h.Presenting()
				return on && who == names[w]
			})
		}
		hubs[w].Leave(turns[w])
		for _, h := range hubs {
			eventually(t, "both servers say nobody presents", func() bool { _, on := h.Presenting(); return !on })
		}
	}
}

// testMeshClaimRace: sessions on two servers answer y to "Take over?" at
// the same instant, fifty times. The compare-and-set on the turn leaves
// exactly one presenter each time, the one both servers name: the other
// session's claim either lost (it follows the winner, told who) or came
// first and was taken over from at once (it is told to step down, in the
// winner's turn), as in one process.
func testMeshClaimRace(t *testing.T, c *natstest.Cluster) {
	demo := newDemo("race")
	a, _ := startHub(t, raceMesh(demo, c.URL(0)))
	b, _ := startHub(t, raceMesh(demo, c.URL(1)))
	attached(t, a.hub, b.hub)
	type down struct {
		turn uint64
		by   string
	}
	seat := func(name string) (*Seat, chan down) {
		ch := make(chan down, 4)
		return &Seat{Name: name, StepDown: func(turn uint64, by string) { ch <- down{turn, by} }}, ch
	}
	cy, _ := seat("Cy")
	if _, ok, who := a.hub.Present(cy); !ok {
		t.Fatalf("Cy does not present (%q does)", who)
	}
	hubs := []*natsHub{a.hub, b.hub}
	lost, taken := 0, 0
	for try := range 50 {
		ana, anaDown := seat("Ana")
		ben, benDown := seat("Ben")
		seats, downs := []*Seat{ana, ben}, []chan down{anaDown, benDown}
		claims := make([]Claim, 2)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Go(func() {
				<-start
				claims[i] = hubs[i].Claim(seats[i])
			})
		}
		close(start)
		wg.Wait()
		w := -1
		for i, cl := range claims {
			if cl.Err != nil {
				t.Fatalf("try %d: %s's claim: %v", try, seats[i].Name, cl.Err)
			}
			if cl.Won && (w < 0 || cl.Turn > claims[w].Turn) {
				w = i
			}
		}
		if w < 0 {
			t.Fatalf("try %d: nobody presents: %+v", try, claims)
		}
		o := 1 - w
		winner, turn := seats[w].Name, claims[w].Turn
		switch other := claims[o]; {
		case !other.Won:
			lost++
			if other.By != winner || other.Turn != turn {
				t.Fatalf("try %d: the loser follows %q in turn %d, want %q in turn %d", try, other.By, other.Turn, winner, turn)
			}
		default:
			taken++
			select {
			case d := <-downs[o]:
				if d.turn != turn || d.by != winner {
					t.Fatalf("try %d: %s stepped down for %q in turn %d, want %q in turn %d", try, seats[o].Name, d.by, d.turn, winner, turn)
				}
			case <-time.After(waitTimeout):
				t.Fatalf("try %d: %s presented in turn %d, and was never told %s took over in turn %d", try, seats[o].Name, other.Turn, winner, turn)
			}
		}
		for _, h := range hubs {
			eventually(t, "both servers name the winner", func() bool {
				who, on := h.Presenting()
				cur, _, _ := h.board.current()
				return on && who == winner && cur == turn
			})
		}
		// Every next try starts from a presenter on one of the servers.
		hubs[0], hubs[1] = hubs[1], hubs[0]
	}
	t.Logf("50 tries: %d claims lost the compare-and-set, %d came first and were taken over from", lost, taken)
}

// testMeshDropsBadStates: whatever else arrives on the demo's subject (a
// malformed message, a state from a newer iomt, one over another
// dataset, one over the size NATS allows) is dropped and logged; the
// followers keep the last good state, and the next good one is shown.
func testMeshDropsBadStates(t *testing.T, c *natstest.Cluster) {
	demo := newDemo("drops")
	a, _ := startHub(t, testMesh(demo, c.URL(0)))
	b, blog := startHub(t, testMesh(demo, c.URL(1)))
	attached(t, a.hub, b.hub)
	turn, _, _ := a.hub.Present(&Seat{Name: "Ana"})
	s := randomSnapshot(rand.New(rand.NewPCG(2, 2)), testDS)
	s.Scenario = "good"
	a.hub.Publish(turn, s)
	eventually(t, "B shows the good state", func() bool { return latestScenario(b.hub) == "good" })

	nc, err := nats.Connect(c.URL(2))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	good := a.hub.codec.encode(turn, 1<<40, &s)
	newer := append([]byte{wireVersion + 1}, good[1:]...)
	for _, bad := range [][]byte{newer, []byte("hello"), good[:len(good)/2], {}} { // the first is the one logged at once
		if err := nc.Publish(a.hub.stateSubj, bad); err != nil {
			t.Fatal(err)
		}
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "B logs the dropped messages", func() bool {
		return strings.Contains(blog.String(), "dropped a message") && strings.Contains(blog.String(), "newer iomt")
	})
	if got := latestScenario(b.hub); got != "good" {
		t.Fatalf("after bad messages, B shows %q, want the last good state", got)
	}

	// Too large for NATS: the presenter's server does not send it, and
	// says so once.
	var told atomic.Value
	a.hub.mu.Lock()
	a.hub.mine.seat.Tell = func(m ui.NoticeMsg) { told.Store(m.Text) }
	a.hub.mu.Unlock()
	big := s
	big.Scenario = strings.Repeat("x", maxWireScenario) // still under 1 MB: shrink NATS's limit instead
	limitPayload(t, a.hub, 512)
	a.hub.Publish(turn, big)
	eventually(t, "the presenter is told its screen is too large", func() bool { v, _ := told.Load().(string); return strings.Contains(v, "too large") })
	// The next state that fits goes through.
	limitPayload(t, a.hub, 0)
	s.Scenario = "good again"
	a.hub.Publish(turn, s)
	eventually(t, "B shows the next good state", func() bool { return latestScenario(b.hub) == "good again" })
}

// limitPayload makes h send at most limit bytes (0: what NATS takes).
func limitPayload(t *testing.T, h *natsHub, limit int64) {
	t.Helper()
	h.payloadCap.Store(limit)
}

// testMeshPresenterServerDies: the presenter's server goes without a word
// (it never releases the turn): the other servers keep its last screen
// until the turn's TTL runs out, then say nobody presents, and a
// presenter there takes the turn at once.
func testMeshPresenterServerDies(t *testing.T, c *natstest.Cluster) {
	demo := newDemo("dies")
	a, _ := startHub(t, testMesh(demo, c.URL(0)))
	b, _ := startHub(t, testMesh(demo, c.URL(1)))
	attached(t, a.hub, b.hub)
	turn, ok, _ := a.hub.Present(&Seat{Name: "Ana"})
	if !ok {
		t.Fatal("Ana does not present")
	}
	s := randomSnapshot(rand.New(rand.NewPCG(3, 3)), testDS)
	s.Presenter, s.Scenario = "Ana", "Ana's last"
	a.hub.Publish(turn, s)
	eventually(t, "B shows Ana's state", func() bool { return latestScenario(b.hub) == "Ana's last" })
	eventually(t, "B knows Ana's claim", func() bool { who, on := b.hub.Presenting(); return on && who == "Ana" })
	// Refreshes keep the turn alive past its TTL while the server lives.
	if _, ok, who := b.hub.Present(&Seat{Name: "Ben"}); ok || who != "Ana" {
		t.Fatalf("Ben presents (%v) while Ana does (%q)", ok, who)
	}

	a.close() // the server dies: no release, no more refreshes
	eventuallyWithin(t, ttlWait, "B says nobody presents once Ana's turn ran out", func() bool { msg, ok := b.hub.Message(); return ok && msg.Away })
	turnB, ok, who := b.hub.Present(&Seat{Name: "Ben"})
	if !ok || turnB <= turn {
		t.Fatalf("Ben cannot present after Ana's server died (ok %v, turn %d after %d, %q presents)", ok, turnB, turn, who)
	}
}

// testMeshTurnEndsUnrefreshed: a presenter whose server stalls for
// longer than the TTL (or is cut off from NATS: it cannot refresh its
// turn in time) loses the turn; the audience hears that nobody presents,
// and once the server runs again its presenter is told why.
func testMeshTurnEndsUnrefreshed(t *testing.T, c *natstest.Cluster) {
	demo := newDemo("unrefreshed")
	a, alog := startHub(t, testMesh(demo, c.URL(0)))
	b, _ := startHub(t, testMesh(demo, c.URL(1)))
	attached(t, a.hub, b.hub)
	ended := make(chan string, 1)
	if _, ok, _ := a.hub.Present(&Seat{Name: "Ana", Ended: func(_ uint64, why string) { ended <- why }}); !ok {
		t.Fatal("Ana does not present")
	}
	eventually(t, "B names Ana", func() bool { who, on := b.hub.Presenting(); return on && who == "Ana" })
	// Stall A's refreshes (they wait for the lock its writes of the
	// turn take) until the turn has run out.
	a.hub.kvMu.Lock()
	eventuallyWithin(t, ttlWait, "B says nobody presents", func() bool { msg, ok := b.hub.Message(); return ok && msg.Away })
	a.hub.kvMu.Unlock()
	select {
	case why := <-ended:
		if !strings.Contains(why, "Your turn ended") {
			t.Errorf("Ana is told %q", why)
		}
	case <-time.After(waitTimeout):
		t.Fatalf("Ana was never told her turn ended:\n%s", alog.String())
	}
	if _, on := a.hub.Presenting(); on {
		t.Error("A still says Ana presents")
	}
}

// TestMeshNATSNodeDies: the NATS server a server is connected to dies
// mid-demo. Its viewers are told it reconnects and keep the last screen;
// it reconnects to another node of the cluster, and they follow the
// presenter's next changes; the turn, replicated, still holds.
func TestMeshNATSNodeDies(t *testing.T) {
	c := startNATSCluster(t, 3)
	demo := newDemo("nodedies")
	// A turn that outlives the cluster's election of new leaders for the
	// bucket (seconds on a loaded machine): this test is not about the TTL.
	cfgA, cfgB := testMesh(demo, c.URL(0)), testMesh(demo, c.URL(1), c.URL(2))
	cfgA.TurnTTL, cfgB.TurnTTL = 10*time.Second, 10*time.Second
	a, _ := startHub(t, cfgA)
	b, blog := startHub(t, cfgB)
	attached(t, a.hub, b.hub)
	turn, ok, _ := a.hub.Present(&Seat{Name: "Ana"})
	if !ok {
		t.Fatal("Ana does not present")
	}
	s := randomSnapshot(rand.New(rand.NewPCG(4, 4)), testDS)
	s.Scenario = "before"
	a.hub.Publish(turn, s)
	eventually(t, "B shows the state", func() bool { return latestScenario(b.hub) == "before" })

	// Kill the node B is connected to (never A's).
	var gone int
	for i := range c.Len() {
		if b.nc.ConnectedServerName() == c.Node(i).Name() {
			gone = i
		}
	}
	if gone == 0 {
		t.Fatalf("B is connected to A's node")
	}
	notices := make(chan string, 16)
	notify, stop := b.hub.Subscribe(nil)
	defer stop()
	go func() {
		for range notify {
			notices <- b.hub.Notice()
		}
	}()
	c.Kill(gone)
	eventually(t, "B reconnects to another node", func() bool {
		return b.nc.IsConnected() && b.nc.ConnectedServerName() != c.Node(gone).Name()
	})
	if !strings.Contains(blog.String(), "disconnected from NATS") {
		t.Errorf("B did not log losing its node:\n%s", blog.String())
	}
	eventually(t, "B's viewers were told it reconnects", func() bool {
		for {
			select {
			case n := <-notices:
				if n == noticeReconnecting {
					return true
				}
			default:
				return false
			}
		}
	})
	eventually(t, "the notice is withdrawn", func() bool { return b.hub.Notice() == "" })
	if got := latestScenario(b.hub); got != "before" {
		t.Fatalf("while reconnecting, B's viewers show %q, want the last screen", got)
	}
	s.Scenario = "after"
	a.hub.Publish(turn, s)
	eventually(t, "B follows the next change", func() bool { return latestScenario(b.hub) == "after" })
	// The turn survived: Ben cannot present (once the bucket answers
	// again), and can take over.
	eventuallyWithin(t, ttlWait, "the bucket names Ana as presenting", func() bool {
		_, ok, who := b.hub.Present(&Seat{Name: "Ben"})
		if ok {
			t.Fatalf("after the node died, Ben presents while Ana does")
		}
		return who == "Ana"
	})
	if cl := b.hub.Claim(&Seat{Name: "Ben"}); !cl.Won || cl.From != "Ana" {
		t.Fatalf("Ben's take-over after the node died: %+v", cl)
	}
}

// TestDropLogEscapedAndCut: what the hub logs of a dropped message (whose
// reason may quote what its sender wrote) is one line without the
// terminal's escapes, cut to maxLoggedText characters, and a flood of
// drops logs the 1st, 10th, 100th… only.
func TestDropLogEscapedAndCut(t *testing.T) {
	logs := &testkit.Buffer{}
	l := log.NewWithOptions(logs, log.Options{})
	var d dropLog
	hostile := errors.New("bad \x1b[2J\x1b]0;owned\a\nnext line " + strings.Repeat("é", 5000))
	for range 1000 {
		d.note(l, "state", hostile)
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("1000 drops logged %d lines, want 4 (the 1st, 10th, 100th, 1000th):\n%s", len(lines), logs.String())
	}
	for _, line := range lines {
		if strings.ContainsAny(line, "\x1b\a") || !strings.Contains(line, `\x1b[2J`) {
			t.Fatalf("a drop's reason is logged unescaped: %q", line)
		}
		if n := utf8.RuneCountInString(line); n > maxLoggedText+200 {
			t.Fatalf("a drop's log line has %d characters: %q", n, line)
		}
	}
}

// testMeshMissedStateResent: a server that missed the presenter's last
// state, which the bucket did not keep either (published while the
// server reconnected and the bucket's stream elected a leader after a
// NATS node died), shows it within a refresh, without the presenter
// pressing another key: the presenter's server sends its last state
// again with every refresh.
func testMeshMissedStateResent(t *testing.T, c *natstest.Cluster) {
	demo := newDemo("resent")
	a, _ := startHub(t, testMesh(demo, c.URL(0)))
	b, _ := startHub(t, testMesh(demo, c.URL(1)))
	attached(t, a.hub, b.hub)
	turn, ok, _ := a.hub.Present(&Seat{Name: "Ana"})
	if !ok {
		t.Fatal("Ana does not present")
	}
	s := randomSnapshot(rand.New(rand.NewPCG(5, 5)), testDS)
	s.Scenario = "one"
	a.hub.Publish(turn, s)
	eventually(t, "B shows the first state", func() bool { return latestScenario(b.hub) == "one" })
	first, err := a.hub.bucket().Get(a.hub.ctx, stateKey)
	if err != nil {
		t.Fatal(err)
	}
	// B misses the second state (it drops what it receives meanwhile)…
	limitPayload(t, b.hub, 8)
	s.Scenario = "two"
	a.hub.Publish(turn, s)
	eventually(t, "the bucket has the second state", func() bool {
		e, err := a.hub.bucket().Get(a.hub.ctx, stateKey)
		return err == nil && e.Revision() != first.Revision()
	})
	// …and the bucket lost it: it holds the first again.
	if _, err := a.hub.bucket().Put(a.hub.ctx, stateKey, first.Value()); err != nil {
		t.Fatal(err)
	}
	limitPayload(t, b.hub, 0)
	eventuallyWithin(t, ttlWait, "B shows the second state without another key", func() bool { return latestScenario(b.hub) == "two" })
}

// testMeshBucketLost: NATS loses the demo's bucket under a live demo
// (its servers restarted, and the bucket was kept in memory). The
// servers make it again; turns in it still come after every turn of the
// lost one, so the presenter is told its turn ended, every server says
// nobody presents, and a presenter on any server then presents to all.
// With the new bucket's revisions starting again at 1, a new presenter
// was refused (its turn older than the one the servers knew) and the
// former presenter's last state, sent again, was taken for a new turn.
func testMeshBucketLost(t *testing.T, c *natstest.Cluster) {
	demo := newDemo("lost")
	// The bucket as a long demo leaves it: its revisions, and so its
	// turns, far above those a new bucket starting again at 1 would reach
	// in this test.
	nc, err := nats.Connect(c.URL(2))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	old := newNATSHub(demo, nil, testMesh(demo).TurnTTL, nil)
	old.storage = jetstream.MemoryStorage
	if _, err := js.CreateStream(t.Context(), old.bucketConfig(1_000_000)); err != nil {
		t.Fatal(err)
	}
	old.cancel()
	a, alog := startHub(t, testMesh(demo, c.URL(0)))
	b, _ := startHub(t, testMesh(demo, c.URL(1)))
	attached(t, a.hub, b.hub)
	s := randomSnapshot(rand.New(rand.NewPCG(6, 6)), testDS)
	ended := make(chan string, 1)
	turn, ok, _ := a.hub.Present(&Seat{Name: "Ana", Ended: func(_ uint64, why string) { ended <- why }})
	if !ok {
		t.Fatal("Ana does not present")
	}
	s.Presenter, s.Scenario = "Ana", "Ana's"
	a.hub.Publish(turn, s)
	eventually(t, "B shows Ana's state", func() bool { return latestScenario(b.hub) == "Ana's" })

	if err := js.DeleteStream(a.hub.ctx, "KV_"+a.hub.bucketName); err != nil {
		t.Fatalf("deleting the demo's bucket: %v", err)
	}

	select {
	case why := <-ended:
		if !strings.Contains(why, "Your turn ended: the demo's NATS servers lost it") {
			t.Errorf("Ana is told %q", why)
		}
	case <-time.After(ttlWait):
		t.Fatalf("Ana was never told her turn ended:\n%s", alog.String())
	}
	for name, h := range map[string]*natsHub{"A": a.hub, "B": b.hub} {
		eventuallyWithin(t, ttlWait, "server "+name+" says nobody presents", func() bool { msg, ok := h.Message(); return ok && msg.Away })
	}
	eventually(t, "the bucket is made again", func() bool {
		_, err := js.KeyValue(a.hub.ctx, a.hub.bucketName)
		return err == nil
	})

	// Ben presents from B, and A's viewers follow him.
	var turnB uint64
	eventuallyWithin(t, ttlWait, "Ben presents", func() bool {
		var ok bool
		turnB, ok, _ = b.hub.Present(&Seat{Name: "Ben"})
		return ok
	})
	if turnB <= turn {
		t.Fatalf("Ben's turn %d comes before Ana's lost one, %d", turnB, turn)
	}
	eventually(t, "A names Ben", func() bool { who, on := a.hub.Presenting(); return on && who == "Ben" })
	s.Presenter, s.Scenario = "Ben", "Ben's"
	b.hub.Publish(turnB, s)
	eventually(t, "A's viewers show Ben's state", func() bool { return latestScenario(a.hub) == "Ben's" })
	// Ana's server sends no more of her states (it would be taken for
	// Ben's turn's or a newer one's): three refreshes later, A still
	// shows Ben's.
	time.Sleep(3 * a.hub.ttl / 3)
	if got := latestScenario(a.hub); got != "Ben's" {
		t.Fatalf("A's viewers show %q, want Ben's", got)
	}
	if got := latestScenario(b.hub); got != "Ben's" {
		t.Fatalf("B's viewers show %q, want Ben's", got)
	}
}

// testMeshOwnLastStateKept: once its presenter has left, a server keeps
// showing its presenter's last state, even when the bucket holds an
// older one of the same turn (a last publish that did not reach NATS)
// and the server reads the bucket again: reading it back, it took its
// own presenter's old state for the last one.
func testMeshOwnLastStateKept(t *testing.T, c *natstest.Cluster) {
	demo := newDemo("ownlast")
	a, _ := startHub(t, testMesh(demo, c.URL(0)))
	attached(t, a.hub)
	turn, ok, _ := a.hub.Present(&Seat{Name: "Ana"})
	if !ok {
		t.Fatal("Ana does not present")
	}
	s := randomSnapshot(rand.New(rand.NewPCG(7, 7)), testDS)
	s.Scenario = "older"
	a.hub.Publish(turn, s)
	eventually(t, "the bucket has the older state", func() bool {
		e, err := a.hub.bucket().Get(a.hub.ctx, stateKey)
		return err == nil && e.Value() != nil
	})
	older, err := a.hub.bucket().Get(a.hub.ctx, stateKey)
	if err != nil {
		t.Fatal(err)
	}
	s.Scenario = "last"
	a.hub.Publish(turn, s)
	// The last state did not reach the bucket: it holds the older again.
	eventually(t, "the bucket has the last state", func() bool {
		e, err := a.hub.bucket().Get(a.hub.ctx, stateKey)
		return err == nil && e.Revision() != older.Revision()
	})
	if _, err := a.hub.bucket().Put(a.hub.ctx, stateKey, older.Value()); err != nil {
		t.Fatal(err)
	}
	a.hub.Leave(turn)
	for range 3 {
		a.hub.resync()
	}
	if msg, _ := a.hub.Message(); !msg.Away || !msg.Last || msg.Snapshot.Scenario != "last" {
		t.Fatalf("after its presenter left and the bucket was read again, the server shows %q (away %v, last %v); want its presenter's last state", msg.Snapshot.Scenario, msg.Away, msg.Last)
	}
}

// raceMesh is testMesh with the default turn TTL: the races are about
// claims, and a 2 s turn that a loaded machine fails to refresh in time
// expires under them (a claim then reads a turn that is gone, and after
// eight tries says "the turn kept changing").
func raceMesh(demo string, urls ...string) *MeshConfig {
	cfg := testMesh(demo, urls...)
	cfg.TurnTTL = DefaultTurnTTL
	return cfg
}
