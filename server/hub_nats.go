package server

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	mrand "math/rand/v2"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"charm.land/log/v2"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"iomt/internal/safetext"
	"iomt/ui"
)

// natsHub is a demo's hub shared by several servers over NATS. Each
// server keeps its own Hub (the board) for its sessions, as one server
// does alone, and NATS carries between the boards what a presenter
// changes:
//
//   - the presenter's turn is the key "turn" of the demo's JetStream
//     key-value bucket (iomt_DEMO). A session claims it with a
//     compare-and-set on the key's revision, so of two sessions on two
//     servers that press p at once exactly one presents; the turn's number
//     is the revision of its first write, so turns only grow, across
//     servers as in one: a bucket that NATS loses (its servers restart,
//     and it was kept in memory) is made again by the first server to
//     notice, with revisions that start above the old ones (openBucket).
//     The presenter's server writes the key again
//     every third of the TTL, and the key dies TTL after the last write:
//     a presenter whose server dies loses the turn then, and every server
//     hears of it: from the marker NATS leaves when a key expires, or (NATS
//     2.15 now and then leaves none) from its own reading of the turn,
//     every third of the TTL.
//   - the presenter's state is published, encoded (wire.go), on the
//     subject of the bucket's key "state" ($KV.iomt_DEMO.state): servers
//     receive it as plain NATS messages, at once, and the bucket keeps
//     the last, which a server reads when it joins or reconnects (a late
//     joiner's screen).
//
// Followers, audience groups and presenters use the board as they do in
// one process; only claims, releases and states cross to NATS.
type natsHub struct {
	board      *Hub
	codec      *wireCodec
	log        *log.Logger
	ttl        time.Duration
	id         string // this server, in the claims it writes
	demo       string
	bucketName string
	turnSubj   string // the subjects of the bucket's two keys
	stateSubj  string

	nc      *nats.Conn
	js      jetstream.JetStream
	storage jetstream.StorageType
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	wake    chan struct{} // the publisher's

	// kvMu orders this server's writes of the turn (claims, refreshes,
	// releases): none of them races another of its own.
	kvMu sync.Mutex

	mu      sync.Mutex
	kv      jetstream.KeyValue // nil until the bucket is reached
	mine    *ownClaim          // this server's claim, while one of its sessions presents
	pending *pendingState      // the presenter's latest state, to publish
	pubSeq  uint64
	// sent is the last state this server's presenter sent, which every
	// refresh sends again (see refresher).
	sent     []byte
	sentTurn uint64
	// ownTurn is the turn this server's presenter last published in: its
	// states read back from the bucket are this server's own, which it
	// has as they were last, even after the turn ended.
	ownTurn uint64
	// lastSeq is the newest revision this server has seen the bucket
	// at, and created when NATS made the bucket's stream: a bucket NATS
	// lost and that was made again has another creation time, and starts
	// its revisions above lastSeq (see openBucket).
	lastSeq   uint64
	created   time.Time
	firstRev  uint64             // the bucket's first revision (0: not known)
	stopWatch context.CancelFunc // ends the watcher of the turn
	stopped   bool               // no more goroutines
	tooBig    uint64             // the turn last told its state is too large to share
	// The newest state applied from elsewhere: older ones, arriving late
	// or again, are dropped.
	stateTurn, stateSeq uint64

	drops dropLog
	// payloadCap, when above 0, is a smaller max payload than NATS's
	// (tests: a state too large to send).
	payloadCap atomic.Int64
}

// ownClaim is a turn one of this server's sessions holds.
type ownClaim struct {
	turn uint64 // the revision of its first write
	rev  uint64 // the revision of its latest write: the next one's compare-and-set
	seat *Seat
}

type pendingState struct {
	turn uint64
	s    ui.Snapshot
}

// The bucket's keys.
const (
	turnKey  = "turn"
	stateKey = "state"
)

const (
	// opTimeout bounds one request to NATS (a claim, a release, a read).
	opTimeout = 5 * time.Second
	// maxTurnValue bounds a turn's value as read.
	maxTurnValue = 4 << 10
	// turnVersion is the version of the turn's value this iomt writes.
	turnVersion = 1
)

// What viewers are told about the demo itself.
const (
	// Shown to every viewer of this server, the presenter too: what is
	// true for all of them is that nothing crosses to the other servers.
	noticeReconnecting = "Reconnecting to the demo… (until then no change crosses between this server and the others)"
	noticeConnecting   = "Connecting to the demo…"
)

// turnValue is the value of the turn key: who presents, from which
// server, and how long ago its presenter pressed a key.
type turnValue struct {
	V      int    `json:"v"`
	Server string `json:"server"`
	Name   string `json:"name"`
	// Turn is the claim's first revision, which a refresh carries on; 0
	// in the claim's first write, whose revision it is.
	Turn   uint64 `json:"turn,omitempty"`
	IdleMS int64  `json:"idle_ms,omitempty"`
}

func newNATSHub(demo string, codec *wireCodec, ttl time.Duration, logger *log.Logger) *natsHub {
	bucket := "iomt_" + demo // demo is checked: see CheckDemoName
	ctx, cancel := context.WithCancel(context.Background())
	return &natsHub{
		board: NewHub(), codec: codec, log: logger, ttl: ttl, id: rand.Text(), demo: demo, bucketName: bucket,
		turnSubj: "$KV." + bucket + "." + turnKey, stateSubj: "$KV." + bucket + "." + stateKey,
		wake: make(chan struct{}, 1), ctx: ctx, cancel: cancel,
	}
}

// start subscribes to the states and, in the background, reaches the
// bucket, watches the turn and refreshes this server's claims.
func (n *natsHub) start(nc *nats.Conn, storage jetstream.StorageType) error {
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("demo mesh: %w", err)
	}
	n.mu.Lock()
	n.nc, n.js, n.storage = nc, js, storage
	n.mu.Unlock()
	if !nc.IsConnected() {
		n.board.setNotice(noticeConnecting)
		if nc.IsConnected() { // connected meanwhile, maybe before the handler could clear it
			n.board.setNotice("")
		}
	}
	if _, err := nc.Subscribe(n.stateSubj, func(m *nats.Msg) { n.onState(m.Data) }); err != nil {
		n.cancel()
		return fmt.Errorf("demo mesh: subscribing to %s: %w", n.stateSubj, err)
	}
	n.wg.Add(3)
	go n.attach()
	go n.publisher()
	go n.refresher()
	return nil
}

// where names the NATS servers the hub's connection knows.
func (n *natsHub) where() string {
	if url := n.nc.ConnectedUrlRedacted(); url != "" {
		return url
	}
	var out []string
	for _, s := range n.nc.Servers() {
		if u, err := url.Parse(s); err == nil {
			s = u.Redacted() // a password in the URL stays out of the log
		}
		out = append(out, s)
	}
	return strings.Join(out, ",")
}

// stop ends the hub's goroutines; the connection is the mesh's to close.
func (n *natsHub) stop() {
	n.mu.Lock()
	n.stopped = true
	n.mu.Unlock()
	n.cancel()
	n.wg.Wait()
}

// connected and disconnected follow the connection: while it is down,
// every viewer keeps the last screen and is told; once it is back, the
// hub reads what it missed.
func (n *natsHub) connected() {
	if n.board.Notice() == noticeReconnecting {
		n.log.Info("demo mesh: reconnected to NATS; reading what was missed")
	}
	n.board.setNotice("")
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.stopped {
		return
	}
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		n.resync()
	}()
}

func (n *natsHub) disconnected(err error) {
	if n.ctx.Err() != nil {
		return // closing
	}
	n.log.Warn("demo mesh: disconnected from NATS; reconnecting", "err", err)
	n.board.setNotice(noticeReconnecting)
}

// The board's side, as in one process.

// Publish makes s the latest state here at once, and has the publisher
// send it to the other servers (latest wins: a burst of keys sends the
// last state, not every one).
func (n *natsHub) Publish(turn uint64, s ui.Snapshot) {
	n.board.Publish(turn, s)
	n.mu.Lock()
	if n.mine == nil || n.mine.turn != turn {
		n.mu.Unlock()
		return
	}
	n.pending = &pendingState{turn: turn, s: s}
	n.ownTurn = turn
	n.mu.Unlock()
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

// Keyed, LastKey, Subscribe, Message, Presenting and Notice are the
// board's.
func (n *natsHub) Keyed(turn uint64)  { n.board.Keyed(turn) }
func (n *natsHub) LastKey() time.Time { return n.board.LastKey() }
func (n *natsHub) Subscribe(skip *atomic.Bool) (<-chan struct{}, func()) {
	return n.board.Subscribe(skip)
}
func (n *natsHub) Message() (ui.FollowMsg, bool) { return n.board.Message() }
func (n *natsHub) Presenting() (string, bool)    { return n.board.Presenting() }
func (n *natsHub) Notice() string                { return n.board.Notice() }

// bucket is the demo's bucket, once reached.
func (n *natsHub) bucket() jetstream.KeyValue {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.kv
}

// Present makes s the presenter when the turn is free: created, the key
// did not exist.
func (n *natsHub) Present(s *Seat) (uint64, bool, string) {
	kv := n.bucket()
	if kv == nil {
		who, _ := n.board.Presenting()
		return 0, false, who
	}
	n.kvMu.Lock()
	defer n.kvMu.Unlock()
	ctx, cancel := context.WithTimeout(n.ctx, opTimeout)
	defer cancel()
	if e, err := kv.Get(ctx, turnKey); err == nil {
		v, _ := decodeTurn(e.Value())
		return 0, false, v.Name
	} else if !errors.Is(err, jetstream.ErrKeyNotFound) {
		n.log.Warn("demo mesh: reading the turn", "err", err)
		return 0, false, ""
	}
	rev, err := kv.Create(ctx, turnKey, n.turnValue(s.Name, 0), jetstream.KeyTTL(n.ttl))
	if err != nil {
		if !errors.Is(err, jetstream.ErrKeyExists) {
			n.log.Warn("demo mesh: claiming the turn", "err", err)
		}
		who, _ := n.board.Presenting()
		return 0, false, who
	}
	if c := n.won(rev, s); !c.Won {
		return 0, false, c.By
	}
	return rev, true, ""
}

// Claim takes the turn from whoever has it, by compare-and-set on the
// revision read. A refresh of the same claim in between only moves the
// revision, and the claim is tried again; another session's claim in
// between came first, and the session follows it.
func (n *natsHub) Claim(s *Seat) Claim {
	kv := n.bucket()
	if kv == nil {
		return Claim{Err: errors.New("the demo's bucket is not reached yet")}
	}
	n.kvMu.Lock()
	defer n.kvMu.Unlock()
	ctx, cancel := context.WithTimeout(n.ctx, opTimeout)
	defer cancel()
	first := true
	var meant uint64 // the turn the claim means to end (0: none)
	for try := range 16 {
		if try > 0 {
			// A pause before reading again: a read right after a lost
			// compare-and-set now and then still finds the revision that
			// lost, and tries it again.
			sleep(ctx, time.Duration(10+mrand.IntN(40))*time.Millisecond)
		}
		e, err := kv.Get(ctx, turnKey)
		var cur turnValue
		var turn, rev uint64
		switch {
		case err == nil:
			cur, _ = decodeTurn(e.Value())
			rev, turn = e.Revision(), cmpTurn(cur.Turn, e.Revision())
		case errors.Is(err, jetstream.ErrKeyNotFound):
		default:
			return Claim{Err: err}
		}
		if !first && turn != meant && turn != 0 {
			// Another claim came first.
			return Claim{Turn: turn, By: safeName(cur.Name)}
		}
		first, meant = false, turn
		var won uint64
		if turn == 0 {
			won, err = kv.Create(ctx, turnKey, n.turnValue(s.Name, 0), jetstream.KeyTTL(n.ttl))
		} else {
			won, err = n.writeTurn(ctx, n.turnValue(s.Name, 0), rev)
		}
		switch {
		case err == nil:
			c := n.won(won, s)
			c.From, c.Took = safeName(cur.Name), turn != 0
			return c
		case !casConflict(err):
			return Claim{Err: err}
		}
		n.log.Debug("demo mesh: a claim lost a compare-and-set; reading the turn again", "revision", rev, "turn", turn, "err", err)
	}
	return Claim{Err: errors.New("the turn kept changing; try again")}
}

// won makes the turn this server's: the board's presenter, unless a newer
// turn is already known here (a claim right after this one), which the
// session then follows.
func (n *natsHub) won(turn uint64, s *Seat) Claim {
	mine := &ownClaim{turn: turn, rev: turn, seat: s}
	n.mu.Lock()
	n.mine = mine
	n.mu.Unlock()
	// The watcher may have adopted it already, from the bucket, before
	// the write's answer came: a turn is one revision, so it is this
	// claim, and s its seat.
	if n.board.adopt(turn, s) || n.board.reseat(turn, s) {
		return Claim{Turn: turn, Won: true}
	}
	cur, seat, newest := n.board.current()
	n.mu.Lock()
	if n.mine == mine {
		n.mine = nil
	}
	n.mu.Unlock()
	if seat == nil {
		return Claim{Turn: newest}
	}
	return Claim{Turn: cur, By: seat.Name}
}

// Leave releases the turn if one of this server's sessions still holds
// it: the key is deleted (compare-and-set: a claim since stays), and
// every server hears that nobody presents.
func (n *natsHub) Leave(turn uint64) {
	n.board.Leave(turn)
	n.kvMu.Lock()
	defer n.kvMu.Unlock()
	n.mu.Lock()
	mine, kv := n.mine, n.kv
	if mine == nil || mine.turn != turn {
		n.mu.Unlock()
		return
	}
	n.mine = nil
	rev := mine.rev
	n.mu.Unlock()
	if kv == nil {
		return
	}
	// Shorter than other requests: the session's end (and a server's
	// shutdown) waits for it, and the TTL frees the turn anyway.
	ctx, cancel := context.WithTimeout(n.ctx, 2*time.Second)
	defer cancel()
	if err := kv.Delete(ctx, turnKey, jetstream.LastRevision(rev)); err != nil && !casConflict(err) {
		n.log.Warn("demo mesh: releasing the turn; it frees itself when its time runs out", "err", err, "ttl", n.ttl)
	}
}

// turnValue is the turn's value for a claim of turn (0: a new claim).
func (n *natsHub) turnValue(name string, turn uint64) []byte {
	v := turnValue{V: turnVersion, Server: n.id, Name: name, Turn: turn}
	if turn != 0 {
		if last := n.board.LastKey(); !last.IsZero() {
			v.IdleMS = max(0, time.Since(last).Milliseconds())
		}
	}
	b, _ := json.Marshal(v) // cannot fail: strings and numbers
	return b
}

// writeTurn writes the turn key if its revision is still rev, to live
// for the TTL. Written by hand: the bucket's Update cannot give a key
// a TTL; this is the same message, with the TTL header.
func (n *natsHub) writeTurn(ctx context.Context, value []byte, rev uint64) (uint64, error) {
	ack, err := n.js.PublishMsg(ctx, &nats.Msg{Subject: n.turnSubj, Data: value},
		jetstream.WithExpectLastSequencePerSubject(rev), jetstream.WithMsgTTL(n.ttl))
	if err != nil {
		return 0, err
	}
	return ack.Sequence, nil
}

// casConflict reports whether err is a compare-and-set that lost: the
// key's revision was not the one given.
func casConflict(err error) bool {
	if errors.Is(err, jetstream.ErrKeyExists) || errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
		return true
	}
	var api *jetstream.APIError
	return errors.As(err, &api) &&
		(api.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence || api.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant)
}

func cmpTurn(turn, rev uint64) uint64 {
	if turn == 0 {
		return rev
	}
	return turn
}

// safeName is a presenter's name from elsewhere, as a banner may show it.
func safeName(s string) string { return safetext.Truncate(safetext.Strip(s), 40) }

// decodeTurn reads a turn's value.
func decodeTurn(b []byte) (turnValue, error) {
	var v turnValue
	if len(b) > maxTurnValue {
		return v, fmt.Errorf("a turn of %d bytes (at most %d)", len(b), maxTurnValue)
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return turnValue{}, fmt.Errorf("a turn that is not JSON: %w", err)
	}
	if v.V > turnVersion {
		return turnValue{}, fmt.Errorf("a turn of version %d: %w", v.V, errNewerVersion)
	}
	if v.IdleMS < 0 || v.IdleMS > math.MaxInt32 {
		v.IdleMS = 0
	}
	v.Name = safeName(v.Name)
	return v, nil
}

// The background.

// attach reaches the demo's bucket (creating it, the first server to
// come), reads the latest, then watches the turn for as long as the hub
// runs.
func (n *natsHub) attach() {
	defer n.wg.Done()
	wait := 250 * time.Millisecond
	for tries := 1; ; tries++ {
		kv, err := n.openBucket()
		if err == nil {
			n.mu.Lock()
			n.kv = kv
			n.mu.Unlock()
			n.log.Info("demo mesh: joined the demo", "demo", n.demo, "bucket", n.bucketName)
			break
		}
		if tries == 2 || tries%20 == 0 {
			// Where it tries, and why it cannot: a NATS server that is
			// not there shows as a deadline, not a refused connection.
			n.log.Warn("demo mesh: the demo's bucket is not reachable yet; retrying", "bucket", n.bucketName, "err", err,
				"nats", n.where(), "connected", n.nc.IsConnected(), "last_error", n.nc.LastError())
		}
		if !sleep(n.ctx, wait) {
			return
		}
		wait = min(2*wait, 5*time.Second)
	}
	n.resync()
	for n.ctx.Err() == nil {
		n.watch()
		sleep(n.ctx, time.Second)
	}
}

// openBucket binds the demo's bucket, or creates it: three replicas,
// or one where the cluster has fewer servers (or none).
//
// The bucket is made as its stream, by hand rather than by
// CreateKeyValue, for one setting the library does not offer: reads
// answered by the stream's leader only (AllowDirect off). With any
// replica answering, one a few milliseconds behind said "nobody presents"
// while a claim was made: a server catching up after a reconnection then
// passed over the claim, and a take-over retried on a revision already
// gone. Reads of the turn are rare (a claim, a reconnection). The rest is
// the key-value bucket's own stream configuration: one message per key,
// deletes as markers, and per-key TTLs whose expiry leaves a marker that
// watchers see.
func (n *natsHub) openBucket() (jetstream.KeyValue, error) {
	// Short: a cluster answers a second creation of a stream being
	// created by nobody, and the next try binds what the first made.
	ctx, cancel := context.WithTimeout(n.ctx, 2*time.Second)
	defer cancel()
	kv, err := n.js.KeyValue(ctx, n.bucketName)
	if err == nil || !errors.Is(err, jetstream.ErrBucketNotFound) {
		return kv, err
	}
	cfg := n.bucketConfig(n.firstSeq())
	_, err = n.js.CreateStream(ctx, cfg)
	if tooFewServers(err) {
		cfg.Replicas = 1
		if _, err = n.js.CreateStream(ctx, cfg); err == nil {
			n.log.Warn("demo mesh: the demo's bucket has one replica: this NATS cluster has fewer than three servers", "bucket", n.bucketName)
		}
	}
	if err != nil && !errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) { // in use: another server made it first
		return nil, err
	}
	return n.js.KeyValue(ctx, n.bucketName)
}

// bucketConfig is the configuration of the bucket's stream, its first
// revision first (see openBucket).
func (n *natsHub) bucketConfig(first uint64) jetstream.StreamConfig {
	return jetstream.StreamConfig{
		Name: "KV_" + n.bucketName, Description: "iomt: the demo " + n.demo + ": the presenter's turn and state",
		Subjects: []string{"$KV." + n.bucketName + ".>"}, MaxMsgsPerSubject: 1, FirstSeq: first,
		MaxBytes: -1, MaxMsgs: -1, MaxMsgSize: -1, MaxConsumers: -1, Storage: n.storage, Replicas: 3,
		AllowRollup: true, DenyDelete: true, Discard: jetstream.DiscardNew, Duplicates: min(n.ttl, 2*time.Minute),
		AllowMsgTTL: true, SubjectDeleteMarkerTTL: n.ttl, AllowDirect: false,
	}
}

// firstSeq is the first revision of a bucket this server makes: turns are
// revisions, and must keep growing when NATS lost the bucket and a server
// makes it again, or every server would take the new bucket's turns for
// turns that ended long ago (a new presenter refused everywhere). So a
// bucket starts at the clock's milliseconds, above the revisions of any
// bucket made before it (which would need more than a thousand writes a
// second of its life to catch up; a demo writes a few), and above any
// revision or turn this server knows, should its clock be behind.
func (n *natsHub) firstSeq() uint64 {
	_, _, newest := n.board.current()
	n.mu.Lock()
	last := n.lastSeq
	n.mu.Unlock()
	return max(uint64(max(time.Now().UnixMilli(), 1)), last+1, newest+1)
}

// gone reports whether err says that the bucket is not there.
func gone(err error) bool {
	return errors.Is(err, jetstream.ErrBucketNotFound) || errors.Is(err, jetstream.ErrStreamNotFound)
}

// remake makes the demo's bucket again: NATS lost it.
func (n *natsHub) remake() (jetstream.KeyValue, error) {
	kv, err := n.openBucket()
	if err != nil {
		n.log.Debug("demo mesh: making the demo's bucket again", "err", err)
		return nil, err
	}
	n.mu.Lock()
	n.kv = kv
	n.mu.Unlock()
	return kv, nil
}

// noteStream records the bucket's stream as read. When it is another than
// the one known (NATS lost the bucket, and a server made it again), the
// watcher of the turn starts again, on the new one.
func (n *natsHub) noteStream(info *jetstream.StreamInfo) {
	n.mu.Lock()
	remade := !n.created.IsZero() && !info.Created.Equal(n.created)
	n.created, n.firstRev = info.Created, info.Config.FirstSeq
	n.lastSeq = max(n.lastSeq, info.State.LastSeq)
	stop := n.stopWatch
	n.mu.Unlock()
	if remade {
		n.log.Warn("demo mesh: NATS lost the demo's bucket, which was made again; whoever presented must press p again", "bucket", n.bucketName)
		if stop != nil {
			stop()
		}
	}
}

// tooFewServers reports whether err refuses three replicas for want of
// servers (a single server, or a cluster of two).
func tooFewServers(err error) bool {
	var api *jetstream.APIError
	return errors.As(err, &api) && (api.ErrorCode == 10074 || api.ErrorCode == 10023 || api.ErrorCode == 10005)
}

// watch follows the turn key until the watcher ends.
func (n *natsHub) watch() {
	kv := n.bucket()
	ctx, stop := context.WithCancel(n.ctx)
	defer stop()
	n.mu.Lock()
	n.stopWatch = stop
	n.mu.Unlock()
	w, err := kv.Watch(ctx, turnKey)
	if err != nil {
		if n.ctx.Err() == nil {
			n.log.Warn("demo mesh: watching the turn", "err", err)
		}
		return
	}
	defer func() { _ = w.Stop() }()
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-w.Updates():
			if !ok {
				return
			}
			if e != nil {
				n.onTurnEntry(e)
			}
		}
	}
}

// resync reads the turn and the state as they are now: on joining, and
// after a reconnection (a watcher may have missed an end of turn).
func (n *natsHub) resync() {
	kv := n.bucket()
	if kv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(n.ctx, opTimeout)
	defer cancel()
	// The stream's last revision first, then the turn: a claim made
	// after the first read is found by the second, so vacating at that
	// revision never passes over a claim.
	st, err := kv.Status(ctx)
	if gone(err) {
		if kv, err = n.remake(); err == nil {
			st, err = kv.Status(ctx)
		}
	}
	if err != nil {
		return
	}
	last := uint64(0)
	if bs, ok := st.(*jetstream.KeyValueBucketStatus); ok {
		info := bs.StreamInfo()
		last = info.State.LastSeq
		n.noteStream(info)
	}
	e, err := kv.Get(ctx, turnKey)
	switch {
	case err == nil:
		n.onTurnEntry(e)
	case errors.Is(err, jetstream.ErrKeyNotFound):
		n.onVacated(last)
	default:
		return
	}
	if e, err := kv.Get(ctx, stateKey); err == nil {
		n.onState(e.Value())
	}
}

// onTurnEntry takes news of the turn from the bucket.
func (n *natsHub) onTurnEntry(e jetstream.KeyValueEntry) {
	switch e.Operation() {
	case jetstream.KeyValuePut:
		v, err := decodeTurn(e.Value())
		if err != nil || v.Turn > e.Revision() {
			n.drops.note(n.log, "turn", cmpErr(err, "a turn from the future"))
			return
		}
		n.onClaim(cmpTurn(v.Turn, e.Revision()), v)
	case jetstream.KeyValueDelete, jetstream.KeyValuePurge:
		n.onVacated(e.Revision())
	}
}

func cmpErr(err error, otherwise string) error {
	if err != nil {
		return err
	}
	return errors.New(otherwise)
}

// onClaim: turn is claimed by v (or refreshed). A new claim presents
// here too; a refresh tells when its presenter last pressed a key.
func (n *natsHub) onClaim(turn uint64, v turnValue) {
	n.mu.Lock()
	mine := n.mine
	n.mu.Unlock()
	seat := &Seat{Name: v.Name}
	if mine != nil && v.Server == n.id && mine.turn == turn {
		seat = mine.seat
	}
	if !n.board.adopt(turn, seat) {
		n.board.keyedAt(turn, time.Now().Add(-time.Duration(v.IdleMS)*time.Millisecond))
	}
	n.dropMine(turn)
}

// onVacated: nobody presents as of revision rev. A session of this
// server that still presented (its server was cut off for longer than
// the TTL, or NATS lost the bucket: its turn is older than the bucket)
// is told its turn ended, and why.
func (n *natsHub) onVacated(rev uint64) {
	prev, prevTurn := n.board.vacate(rev)
	n.mu.Lock()
	mine, start := n.mine, n.firstRev
	if mine != nil && mine.turn < rev {
		n.mine = nil
	}
	n.mu.Unlock()
	if prev != nil && mine != nil && prev == mine.seat && mine.turn == prevTurn && prev.Ended != nil {
		if mine.turn < start {
			n.log.Warn("demo mesh: this server's presenter lost the turn: NATS lost the demo's bucket")
			prev.Ended(rev, "Your turn ended: the demo's NATS servers lost it (they restarted). p presents again.")
			return
		}
		n.log.Warn("demo mesh: this server's presenter lost the turn: it could not be refreshed in time", "ttl", n.ttl)
		prev.Ended(rev, fmt.Sprintf("Your turn ended: this server lost the demo for over %s. p presents again.", n.ttl))
	}
}

// dropMine forgets this server's claim once a newer turn is known.
func (n *natsHub) dropMine(turn uint64) {
	n.mu.Lock()
	if n.mine != nil && n.mine.turn < turn {
		n.mine = nil
	}
	n.mu.Unlock()
}

// onState takes a state published elsewhere: checked (dropped, and
// logged, when malformed, too large, from a newer iomt or over another
// dataset), then the board's if it is the newest of the presenting turn,
// or of a turn newer than any known here (its claim's news may come
// second).
func (n *natsHub) onState(data []byte) {
	if limit := n.maxPayload(); limit > 0 && int64(len(data)) > limit {
		n.drops.note(n.log, "state", fmt.Errorf("%d bytes, over the %d of NATS's max payload", len(data), limit))
		return
	}
	turn, seq, s, err := n.codec.decode(data)
	if err != nil {
		n.drops.note(n.log, "state", err)
		return
	}
	s.Presenter = safeName(s.Presenter)
	n.mu.Lock()
	if n.mine != nil && n.mine.turn == turn || turn == n.ownTurn || turn < n.stateTurn || turn == n.stateTurn && seq <= n.stateSeq {
		n.mu.Unlock()
		return // this server's own (read back), or old
	}
	n.stateTurn, n.stateSeq = turn, seq
	n.mu.Unlock()
	if cur, _, newest := n.board.current(); cur != turn {
		if turn <= newest || !n.board.adopt(turn, &Seat{Name: s.Presenter}) {
			// A turn that has ended: its last state is what followers
			// see until someone presents.
			n.board.keepLast(turn, s)
			return
		}
		n.dropMine(turn)
	}
	n.board.Publish(turn, s)
	n.board.keyedAt(turn, time.Now())
}

// publisher sends this server's presenter's states, the latest each time
// it wakes.
func (n *natsHub) publisher() {
	defer n.wg.Done()
	for {
		select {
		case <-n.ctx.Done():
			return
		case <-n.wake:
		}
		n.mu.Lock()
		p, mine := n.pending, n.mine
		n.pending = nil
		n.pubSeq++
		seq := n.pubSeq
		n.mu.Unlock()
		if p == nil || mine == nil || mine.turn != p.turn {
			continue
		}
		data := n.codec.encode(p.turn, seq, &p.s)
		if limit := n.maxPayload(); limit > 0 && int64(len(data)) > limit {
			n.tooLarge(mine, len(data), limit)
			continue
		}
		n.mu.Lock()
		n.sent, n.sentTurn = data, p.turn
		n.mu.Unlock()
		if err := n.nc.Publish(n.stateSubj, data); err != nil {
			n.drops.note(n.log, "state sent", err)
		}
	}
}

// resend sends this server's presenter's last state again. A state is a
// plain NATS message, sent once: one published while another server was
// reconnecting, or while the bucket's stream had no leader (a NATS node
// died and the cluster was electing another, so the bucket did not keep
// it either), would reach that server's viewers only with the
// presenter's next key. Servers that have it drop the copy (same turn
// and number); it costs one message every third of the TTL.
func (n *natsHub) resend() {
	n.mu.Lock()
	data, ok := n.sent, n.mine != nil && n.mine.turn == n.sentTurn && n.sent != nil
	n.mu.Unlock()
	if ok {
		if err := n.nc.Publish(n.stateSubj, data); err != nil {
			n.log.Debug("demo mesh: sending the state again", "err", err)
		}
	}
}

// maxPayload is the largest message NATS takes.
func (n *natsHub) maxPayload() int64 {
	if c := n.payloadCap.Load(); c > 0 {
		return c
	}
	return n.nc.MaxPayload()
}

// tooLarge tells the presenter, once a turn, that its screen cannot be
// shared with the other servers; their viewers keep its last one.
func (n *natsHub) tooLarge(mine *ownClaim, size int, limit int64) {
	n.mu.Lock()
	told := n.tooBig == mine.turn
	n.tooBig = mine.turn
	n.mu.Unlock()
	if told {
		return
	}
	n.log.Warn("demo mesh: the presenter's state is too large to send; the other servers keep its last", "bytes", size, "max_payload", limit)
	if mine.seat.Tell != nil {
		mine.seat.Tell(ui.NoticeMsg{Topic: noticeTurn, Text: fmt.Sprintf(
			"Your screen is too large to share with the demo's other servers (%d KiB, NATS takes %d KiB): their viewers see your last one.",
			size>>10, limit>>10)})
	}
}

// refresher writes this server's claim again every third of the TTL,
// so the turn lives while the server does; sends its presenter's last
// state again (see resend); and reads the turn and the
// state as the bucket has them, so a state this server missed (published
// while its subscription was on its way to the cluster after a
// reconnection: plain NATS messages are sent once) reaches its viewers
// within that time.
func (n *natsHub) refresher() {
	defer n.wg.Done()
	t := time.NewTicker(n.ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-n.ctx.Done():
			return
		case <-t.C:
		}
		n.refresh()
		n.resend()
		n.resync()
	}
}

func (n *natsHub) refresh() {
	n.kvMu.Lock()
	defer n.kvMu.Unlock()
	n.mu.Lock()
	mine := n.mine
	var rev uint64
	if mine != nil {
		rev = mine.rev
	}
	n.mu.Unlock()
	if mine == nil {
		return
	}
	ctx, cancel := context.WithTimeout(n.ctx, opTimeout)
	defer cancel()
	next, err := n.writeTurn(ctx, n.turnValue(mine.seat.Name, mine.turn), rev)
	switch {
	case err == nil:
		n.mu.Lock()
		if n.mine == mine {
			mine.rev = next
		}
		n.mu.Unlock()
	case casConflict(err):
		// Taken over, or gone: read what is true (the watcher may be
		// behind).
		n.resync()
	default:
		n.log.Debug("demo mesh: refreshing the turn", "err", err)
	}
}

// dropLog logs what the hub drops: the first, the tenth, the hundredth…
// of them, with the count, so a flood of bad messages cannot flood the
// log; and each reason escaped and cut as a client's text is (anyone
// with publish rights on the demo's subjects wrote what it quotes).
type dropLog struct{ n atomic.Int64 }

func (d *dropLog) note(l *log.Logger, what string, err error) {
	n := d.n.Add(1)
	for p := int64(1); p <= n; p *= 10 {
		if p == n {
			l.Warn("demo mesh: dropped a message", "what", what, "err", clientText(err.Error()), "dropped", n)
			return
		}
	}
}

// sleep waits d unless ctx ends first; it reports whether it waited.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
