package server

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"charm.land/log/v2"
	natsserver "github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// A demo mesh: several `iomt serve` processes, each near its viewers,
// follow one presenter through NATS (see natsHub). A server joins a NATS
// cluster (--nats), or runs a NATS server inside itself (--nats-embed),
// routed to the other servers' to form one.

// MeshConfig joins a server to a demo mesh.
type MeshConfig struct {
	URLs  []string // NATS servers to join (nats:// or tls://); none with Embed
	Demo  string   // the demo's name (see CheckDemoName): several demos share a cluster
	Creds string   // a credentials file (JWT and seed) or an NKey seed file; "" none
	// Embed runs a NATS server in this process, which the server joins.
	Embed *EmbedConfig
	// TurnTTL is how long a presenter's turn outlives its server's last
	// word (DefaultTurnTTL when 0; at least 1s, NATS's finest TTL).
	TurnTTL time.Duration
	// ReconnectWait is the pause between reconnection attempts (1s when 0).
	ReconnectWait time.Duration
}

// EmbedConfig is the NATS server a server runs inside itself.
type EmbedConfig struct {
	Listen  string   // where NATS clients connect (host:port); "" none (with Routes, 127.0.0.1 on a free port)
	Cluster string   // where the other embedded servers' routes connect; DefaultClusterListen when "" and Routes are given
	Routes  []string // the cluster's route URLs (nats://host:port); this server's own may be among them
	// StoreDir holds JetStream's files, and the demo's bucket then
	// lives on disk; "" is a temporary folder removed at close, and the
	// bucket lives in memory.
	StoreDir string
	// Name is the server's name in the cluster, unique and the same
	// across restarts; "" is iomt-HOST-PORT of the cluster address.
	Name string
}

// DefaultTurnTTL is how long a presenter's turn outlives the last word
// of its server (a refresh every third of it).
const DefaultTurnTTL = 10 * time.Second

// DefaultClusterListen is where an embedded NATS server accepts routes.
const DefaultClusterListen = "0.0.0.0:6222"

// demoName is what a demo may be called: one token of a NATS subject and
// part of a key-value bucket's name, with room to spare.
var demoName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// CheckDemoName says why name cannot name a demo, if it cannot: subjects
// and bucket names are built from it, and only these characters are safe
// in both.
func CheckDemoName(name string) error {
	if !demoName.MatchString(name) {
		return fmt.Errorf("the demo name %q has other characters or length: use 1 to 32 letters, digits, '-' or '_'", name)
	}
	return nil
}

// Check says what is wrong with the configuration, naming the flag.
func (c *MeshConfig) Check() error {
	if err := CheckDemoName(c.Demo); err != nil {
		return fmt.Errorf("invalid --demo: %w", err)
	}
	if c.TurnTTL != 0 && c.TurnTTL < time.Second {
		return fmt.Errorf("invalid --nats-turn-ttl %s: a presenter's turn lasts at least 1s", c.TurnTTL)
	}
	switch {
	case c.Embed == nil && len(c.URLs) == 0:
		return errors.New("a demo mesh needs NATS: give --nats URL, or --nats-embed")
	case c.Embed != nil && len(c.URLs) > 0:
		return errors.New("both --nats and --nats-embed: an embedded NATS server joins its cluster by --nats-routes")
	}
	for _, u := range c.URLs {
		if err := checkNATSURL(u, "nats", "tls"); err != nil {
			return fmt.Errorf("invalid --nats %w", err)
		}
	}
	if c.Creds != "" {
		if _, err := os.Stat(c.Creds); err != nil {
			return fmt.Errorf("unreadable --nats-creds: %w", err)
		}
	}
	if e := c.Embed; e != nil {
		for _, a := range []struct{ flag, addr string }{{"--nats-listen", e.Listen}, {"--nats-cluster", e.Cluster}} {
			if a.addr == "" {
				continue
			}
			if _, port, err := net.SplitHostPort(a.addr); err != nil || port == "" {
				return fmt.Errorf("invalid %s %q: give host:port, such as 127.0.0.1:4222", a.flag, a.addr)
			}
		}
		if e.Cluster != "" && len(e.Routes) == 0 {
			return errors.New("a --nats-cluster without --nats-routes: give the cluster's routes too")
		}
		for _, r := range e.Routes {
			if err := checkNATSURL(r, "nats"); err != nil {
				return fmt.Errorf("invalid --nats-routes %w", err)
			}
		}
	}
	return nil
}

func checkNATSURL(raw string, schemes ...string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || !slices.Contains(schemes, u.Scheme) {
		return fmt.Errorf("%q: give %s://host:port", raw, strings.Join(schemes, ":// or "))
	}
	return nil
}

// mesh is a server's place in a demo mesh: its connection, its hub, and
// the NATS server it runs, if it embeds one.
type mesh struct {
	ns        *natsserver.Server // embedded, or nil
	tmp       string             // the embedded server's temporary store, removed at close
	nc        *nats.Conn
	hub       *natsHub
	closeOnce sync.Once
}

// startMesh starts the embedded NATS server if asked, connects and
// starts the hub. It does not wait for the cluster: a server joins its
// demo when the cluster is reachable (its viewers are told meanwhile).
func startMesh(cfg *MeshConfig, codec *wireCodec, logger *log.Logger) (*mesh, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	ttl := cfg.TurnTTL
	if ttl == 0 {
		ttl = DefaultTurnTTL
	}
	wait := cfg.ReconnectWait
	if wait == 0 {
		wait = time.Second
	}
	m := &mesh{}
	storage := jetstream.MemoryStorage
	hub := newNATSHub(cfg.Demo, codec, ttl, logger)
	opts := []nats.Option{
		nats.Name("iomt demo " + cfg.Demo),
		nats.NoEcho(), // a server's own states reach its viewers at once, not back over NATS
		nats.MaxReconnects(-1), nats.ReconnectWait(wait), nats.RetryOnFailedConnect(true),
		// A NATS server that vanishes without closing its connections
		// (a cut cable) is noticed within 10 s, the turn's order of time.
		nats.PingInterval(5 * time.Second), nats.MaxPingsOutstanding(2),
		nats.ConnectHandler(func(*nats.Conn) { hub.connected() }),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) { hub.disconnected(err) }),
		nats.ReconnectHandler(func(*nats.Conn) { hub.connected() }),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			logger.Warn("demo mesh: NATS", "err", clientText(err.Error()))
		}),
	}
	if cfg.Creds != "" {
		opt, err := credsOption(cfg.Creds)
		if err != nil {
			return nil, err
		}
		opts = append(opts, opt)
	}
	urls := strings.Join(cfg.URLs, ",")
	if e := cfg.Embed; e != nil {
		ns, tmp, token, err := startEmbedded(e, logger)
		if err != nil {
			return nil, err
		}
		if token != "" {
			opts = append(opts, nats.Token(token))
		}
		m.ns, m.tmp = ns, tmp
		if e.StoreDir != "" {
			storage = jetstream.FileStorage
		}
		urls = ""
		opts = append(opts, nats.InProcessServer(ns))
	}
	nc, err := nats.Connect(urls, opts...)
	if err != nil {
		m.close()
		return nil, fmt.Errorf("demo mesh: %w", err)
	}
	m.nc = nc
	if err := hub.start(nc, storage); err != nil {
		m.close()
		return nil, err
	}
	m.hub = hub
	where := urls
	if m.ns != nil {
		where = "embedded NATS server " + m.ns.Name()
	}
	logger.Info("demo mesh", "demo", cfg.Demo, "nats", where, "turn_ttl", ttl, "bucket", hub.bucketName)
	return m, nil
}

// credsOption reads credentials: a file with a user JWT and its seed, as
// `nsc` writes, or an NKey seed alone.
func credsOption(path string) (nats.Option, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--nats-creds: %w", err)
	}
	switch {
	case bytes.Contains(data, []byte("BEGIN NATS USER JWT")):
		return nats.UserCredentials(path), nil
	case bytes.Contains(data, []byte("SU")):
		opt, err := nats.NkeyOptionFromSeed(path)
		if err != nil {
			return nil, fmt.Errorf("--nats-creds %s: %w", path, err)
		}
		return opt, nil
	}
	return nil, fmt.Errorf("--nats-creds %s: neither a credentials file (a user JWT and seed) nor an NKey user seed (SU…)", path)
}

// close leaves the demo: the hub stops, the connection closes, and the
// embedded server shuts down.
func (m *mesh) close() {
	m.closeOnce.Do(func() {
		if m.hub != nil {
			m.hub.stop()
		}
		if m.nc != nil {
			m.nc.Close()
		}
		if m.ns != nil {
			m.ns.Shutdown()
			m.ns.WaitForShutdown()
		}
		if m.tmp != "" {
			_ = os.RemoveAll(m.tmp)
		}
	})
}

// startEmbedded runs a NATS server with JetStream in this process. It
// returns the folder made for its store when it made one, and the token
// clients must give when it had to open a client port nobody asked for.
func startEmbedded(e *EmbedConfig, logger *log.Logger) (*natsserver.Server, string, string, error) {
	opts := &natsserver.Options{JetStream: true, NoSigs: true, StoreDir: e.StoreDir, DontListen: e.Listen == "",
		// A route to a server that is down is retried every second:
		// said once a minute, not every time.
		ConnectErrorReports: 60, ReconnectErrorReports: 60}
	tmp := ""
	if opts.StoreDir == "" {
		dir, err := os.MkdirTemp("", "iomt-nats-")
		if err != nil {
			return nil, "", "", fmt.Errorf("--nats-embed: %w", err)
		}
		tmp, opts.StoreDir = dir, dir
	} else if err := os.MkdirAll(opts.StoreDir, 0o700); err != nil {
		return nil, "", "", fmt.Errorf("--nats-embed: %w", err)
	}
	fail := func(err error) (*natsserver.Server, string, string, error) {
		if tmp != "" {
			_ = os.RemoveAll(tmp)
		}
		return nil, "", "", err
	}
	token := ""
	if e.Listen != "" {
		host, port, err := splitHostPort(e.Listen)
		if err != nil {
			return fail(fmt.Errorf("--nats-listen: %w", err))
		}
		opts.Host, opts.Port = host, port
	}
	name := "iomt"
	if len(e.Routes) > 0 {
		if e.Listen == "" {
			// The NATS server routes only once it accepts clients: on
			// the loopback, on a port of the system's choosing. Nobody
			// asked for that port, so nobody may use it: a local user of
			// a shared demo host could otherwise take the turn or change
			// what every viewer sees. Only this iomt knows the token.
			opts.DontListen, opts.Host, opts.Port = false, "127.0.0.1", -1
			var b [24]byte
			if _, err := rand.Read(b[:]); err != nil {
				return fail(fmt.Errorf("--nats-embed: %w", err))
			}
			token = hex.EncodeToString(b[:])
			opts.Authorization = token
		}
		addr := e.Cluster
		if addr == "" {
			addr = DefaultClusterListen
		}
		host, port, err := splitHostPort(addr)
		if err != nil {
			return fail(fmt.Errorf("--nats-cluster: %w", err))
		}
		opts.Cluster.Name, opts.Cluster.Host, opts.Cluster.Port = "iomt", host, port
		opts.Routes = natsserver.RoutesFromStr(strings.Join(e.Routes, ","))
		hostname, _ := os.Hostname()
		name = fmt.Sprintf("iomt-%s-%d", hostname, port)
	}
	opts.ServerName = e.Name
	if opts.ServerName == "" {
		opts.ServerName = name
	}
	ns, err := natsserver.NewServer(opts)
	if err != nil {
		return fail(fmt.Errorf("--nats-embed: %w", err))
	}
	nl := &natsLogger{log: logger.WithPrefix("nats")}
	ns.SetLoggerV2(nl, false, false, false)
	ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		ns.Shutdown()
		return fail(fmt.Errorf("--nats-embed: the NATS server did not start: %s", nl.fatal()))
	}
	return ns, tmp, token, nil
}

func splitHostPort(addr string) (string, int, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, err
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("%q: no port", addr)
	}
	return host, port, nil
}

// natsLogger takes the embedded NATS server's log into the server's:
// its warnings and errors; its notices (a banner of thirty lines at
// start) only at debug level.
type natsLogger struct {
	log  *log.Logger
	mu   sync.Mutex
	last string // the last fatal error, for the reason it did not start
}

func (l *natsLogger) Noticef(format string, v ...any) { l.log.Debugf(format, v...) }
func (l *natsLogger) Warnf(format string, v ...any)   { l.log.Warnf(format, v...) }
func (l *natsLogger) Errorf(format string, v ...any)  { l.log.Errorf(format, v...) }
func (l *natsLogger) Debugf(format string, v ...any)  { l.log.Debugf(format, v...) }
func (l *natsLogger) Tracef(string, ...any)           {}

// Fatalf is what the NATS server says before it gives up (it does not
// exit the process here: ReadyForConnections then reports it did not
// start).
func (l *natsLogger) Fatalf(format string, v ...any) {
	l.mu.Lock()
	l.last = fmt.Sprintf(format, v...)
	l.mu.Unlock()
	l.log.Errorf(format, v...)
}

func (l *natsLogger) fatal() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.last == "" {
		return "no reason given (see the log)"
	}
	return l.last
}

// storeDirFor is where an embedded NATS server keeps its files under
// --data.
func storeDirFor(dataDir string) string { return filepath.Join(dataDir, "nats") }
