package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/vestadb/vesta/internal/acl"
	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/engine"
	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/logging"
	"github.com/vestadb/vesta/internal/persist"
	"github.com/vestadb/vesta/internal/repl"
	"github.com/vestadb/vesta/internal/stream"
)

// Version is the Redis version Vesta reports (INFO, HELLO): tools and
// client libraries choose features by it, and Vesta implements 7.0.
const Version = "7.0.15"

// VestaVersion is Vesta's own version.
const VestaVersion = "0.1.0"

// Server is a running Vesta instance.
type Server struct {
	// mu serialises every command and every access to the keyspace and to
	// the fields below marked "under mu". It is the total order of writes.
	// A panic while it is held ends the process (crash.go).
	mu lockWatch

	// executing is the client whose command runs, while one runs: for the
	// crash report and the watchdog.
	executing atomic.Pointer[client]
	// crashOut receives crash and watchdog reports (SetCrashOutput).
	crashOut io.Writer
	// logRole, when set, shows the role in log lines (SetLogRole).
	logRole func(role byte)
	// watchdogNs is watchdog-period as the watchdog uses it (crash.go),
	// copied from the configuration by the cron.
	watchdogNs atomic.Int64

	cfg    *config.Config // under mu
	ks     *keyspace.Keyspace
	table  *command.Table
	acl    *acl.Store     // users and ACL LOG (acl.go), under mu
	limits command.Limits // derived from cfg, under mu
	log    *slog.Logger
	level  *slog.LevelVar

	clients  map[int64]*client // under mu
	nextID   atomic.Int64
	monitors map[*client]struct{}

	// Blocked clients, watched keys and subscriptions (under mu).
	blocking       map[blockKey][]*client
	ready          []blockKey
	readySet       map[blockKey]bool
	blockedClients int
	watchers       map[blockKey][]*client
	channels       map[string]map[*client]struct{}
	patterns       map[string]map[*client]struct{}
	shardChannels  map[string]map[*client]struct{}
	listeners      []net.Listener // TCP and Unix, under lnMu (see listen.go)
	unixName       string         // unixsocket as configured, under lnMu
	lnMu           sync.Mutex
	tls            tlsState // tls-port and its certificates (tls.go)
	connWG         sync.WaitGroup
	loop           *eventLoop // serves plain TCP and Unix clients (loop.go); nil: a goroutine each

	batchNow int64 // under mu: unix ms at the start of the current batch
	// Under mu. While a client's batch executes (chainCalls), the clock
	// reading that ended one command's timing (callEnd) starts the next
	// one's: one clock read per command rather than two. What lies between
	// two commands of a batch (parsing the next request, propagating the
	// last) is counted in the next one's time.
	chainCalls  bool
	callEnd     time.Time
	activeExp   bool // DEBUG SET-ACTIVE-EXPIRE
	expireCycle keyspace.ExpireCycle

	pause pauseState    // CLIENT PAUSE (pause.go, under mu)
	fo    failoverState // FAILOVER (failover.go, under mu)
	lat   latencyState  // LATENCY, INFO latencystats (cmd_latency.go)
	track trackingState // CLIENT TRACKING (tracking.go, under mu)

	// Propagation of the current top-level command (under mu), and the
	// stream it goes to: the AOF consumes it.
	prop   propagation
	stream stream.Stream

	// repl is the master side of replication (repl.go); waiters are the
	// clients blocked in WAIT (under mu).
	repl    *repl.Master
	waiters map[*client]waitReq
	// replica is the replica side (replica.go): the link with a master.
	replica replicaState

	// eng is the persistence engine: AOF, RDB, background jobs, loading
	// (under mu unless its methods say otherwise).
	eng *engine.Engine

	// Lua scripts (scripting.go, under mu).
	scripting scriptingState

	// maxmemory and eviction (evict.go, under mu).
	evict evictState
	// maxmemory-clients: client eviction (client_evict.go, under mu).
	cev clientEvictState
	// INFO stats' reply_buffer_shrinks/expands (info_fields.go, under mu).
	replyBufs replyBufferStats

	start          time.Time
	lastSecondTick time.Time
	runID          string
	stats          stats
	errs           errorStats // INFO errorstats, failed/rejected calls (under mu)
	slow           slowlog    // SLOWLOG (under mu)
	memStartup     uint64     // heap in use when the server was built (MEMORY STATS)
	shutdown       chan struct{}
	stopOnce       sync.Once
	stopped        chan struct{}
	signals        chan os.Signal

	// hooks are the lifecycle callbacks of the binary (see SetHooks).
	hooks Hooks
	// testHookBeforeLoad, when set, runs in Run after the accept loops
	// have started and before the dataset is loaded, with mu held.
	testHookBeforeLoad func()
}

// stats are the counters INFO reports (under mu unless atomic).
type stats struct {
	connectionsReceived atomic.Int64
	rejectedConns       atomic.Int64
	commandsProcessed   int64
	netInput            atomic.Int64
	netOutput           atomic.Int64
	keyspaceHits        int64
	keyspaceMisses      int64
	errorReplies        int64
	opsSamples          [16]int64
	opsSampleIdx        int
	lastOpsCount        int64
	lastOpsTime         time.Time
	peakMemory          uint64
}

// HandleSignals makes Run shut down on SIGTERM and SIGINT with the
// shutdown-on-sigterm / shutdown-on-sigint flags; a shutdown that fails
// (the final save) leaves the server running, as in Redis.
func (s *Server) HandleSignals(ch chan os.Signal) { s.signals = ch }

// New builds a server from a configuration. It does not listen yet.
func New(cfg *config.Config, logger *slog.Logger, level *slog.LevelVar) *Server {
	if logger == nil {
		logger = slog.Default()
	}
	if level == nil {
		level = new(slog.LevelVar)
	}
	s := &Server{
		cfg:           cfg,
		ks:            keyspace.New(cfg.Databases),
		log:           logger,
		level:         level,
		clients:       map[int64]*client{},
		monitors:      map[*client]struct{}{},
		blocking:      map[blockKey][]*client{},
		readySet:      map[blockKey]bool{},
		watchers:      map[blockKey][]*client{},
		channels:      map[string]map[*client]struct{}{},
		patterns:      map[string]map[*client]struct{}{},
		shardChannels: map[string]map[*client]struct{}{},
		activeExp:     true,
		start:         time.Now(),
		shutdown:      make(chan struct{}),
		stopped:       make(chan struct{}),
	}
	s.mu.commands = &s.stats.commandsProcessed
	s.eng = engine.New(engine.Options{
		Mu: &s.mu, KS: s.ks, Config: cfg, Log: logger, Stream: &s.stream, Host: host{s},
		ReplInfo:    func() *persist.ReplInfo { return s.repl.SaveInfo() },
		ReplRestore: func(info persist.ReplInfo) { s.repl.Restore(info) },
		Functions:   s,
		Latency:     s.latencyEvent,
	})
	s.waiters = map[*client]waitReq{}
	s.repl = s.newRepl()
	s.initReplicaSide()
	var id [20]byte
	_, _ = rand.Read(id[:])
	s.runID = hex.EncodeToString(id[:])
	s.applyConfig()
	s.table = buildTable(s)
	s.initACL()
	s.ks.Hooks = keyspace.Hooks{
		Expired:  s.keyExpired,
		Modified: s.keyModified,
		Added:    s.keyAdded,
		Notify:   s.notify,
	}
	s.registerConfigHooks()
	return s
}

// applyConfig refreshes the values derived from the configuration.
func (s *Server) applyConfig() {
	c := s.cfg
	s.limits = command.Limits{
		HashMaxListpackEntries: int(c.HashMaxListpackEntries),
		HashMaxListpackValue:   int(c.HashMaxListpackValue),
		ZSetMaxListpackEntries: int(c.ZsetMaxListpackEntries),
		ZSetMaxListpackValue:   int(c.ZsetMaxListpackValue),
		SetMaxIntsetEntries:    int(c.SetMaxIntsetEntries),
		ListMaxListpackSize:    c.ListMaxListpackSize,
		ListCompressDepth:      c.ListCompressDepth,
		HLLSparseMaxBytes:      int(c.HLLSparseMaxBytes),
		StreamNodeMaxBytes:     c.StreamNodeMaxBytes,
		StreamNodeMaxEntries:   c.StreamNodeMaxEntries,
		ProtoMaxBulkLen:        c.ProtoMaxBulkLen,
		LazyfreeLazyUserDel:    c.LazyfreeLazyUserDel,
		LazyfreeLazyExpire:     c.LazyfreeLazyExpire,
		RDBCompression:         c.RDBCompression,
	}
	s.level.Set(slogLevel(c.LogLevel))
	s.ks.Notify = int(c.NotifyKeyspaceEvents)
	s.applyMemoryConfig()
	s.applyLatencyConfig(c)
}

// Run serves clients until ctx is cancelled or SHUTDOWN succeeds, then
// shuts down gracefully.
func (s *Server) Run(ctx context.Context) error {
	defer s.crashOnPanic("main", nil)
	if err := s.loadUsersAtStartup(); err != nil {
		s.log.Error(err.Error())
		return err
	}
	s.lnMu.Lock()
	lns := append([]net.Listener(nil), s.listeners...)
	s.lnMu.Unlock()
	s.runHook(s.hooks.Loading)
	// The lock is taken before clients are accepted and held by the load
	// (it lets them in only to reply -LOADING): no command may read or
	// change the empty dataset before the load has even begun.
	s.mu.Lock()
	s.startLoop() // loop.go
	for _, ln := range lns {
		go s.acceptLoop(ln)
	}
	if s.testHookBeforeLoad != nil {
		s.testHookBeforeLoad()
	}
	err := s.eng.Load()
	if err == nil {
		s.replicaOfAtStart()
	}
	s.mu.Unlock()
	if err != nil {
		// The engine logged the failure with its file and offset.
		s.stop()
		s.closeClients()
		s.connWG.Wait()
		return err
	}
	s.logReady()
	s.runHook(s.hooks.Ready)
	cronDone := make(chan struct{})
	go func() {
		defer close(cronDone)
		s.cronLoop()
	}()
	go s.watchdogLoop()
loop:
	for {
		select {
		case <-ctx.Done():
			if !s.lockOutsideScript() {
				break loop
			}
			err := s.prepareShutdown(s.cfg.ShutdownOnSigterm | config.ShutdownForce)
			s.mu.Unlock()
			if err != nil {
				s.log.Warn("Errors trying to shut down the server", "err", err)
			}
			s.stop()
			break loop
		case sig := <-s.signals:
			if !s.lockOutsideScript() {
				break loop
			}
			flags := s.cfg.ShutdownOnSigterm
			if sig == syscall.SIGINT {
				flags = s.cfg.ShutdownOnSigint
			}
			s.log.Warn(signalShutdownLine(sig))
			err := s.prepareShutdown(flags)
			s.mu.Unlock()
			if err != nil {
				s.log.Warn("Errors trying to shut down the server: still running", "err", err)
				continue
			}
			s.stop()
			break loop
		case <-s.shutdown:
			break loop
		}
	}
	<-cronDone
	s.runHook(s.hooks.Stopping)
	s.mu.Lock()
	if err := s.eng.Close(); err != nil {
		s.log.Warn("Error closing the AOF: " + err.Error())
	}
	s.mu.Unlock()
	s.closeClients()
	s.connWG.Wait()
	s.log.Warn("Redis is now ready to exit, bye bye...")
	return nil
}

// stop ends serving: listeners close, the cron stops.
func (s *Server) stop() {
	s.stopOnce.Do(func() {
		close(s.shutdown)
		s.lnMu.Lock()
		for _, ln := range s.listeners {
			ln.Close()
		}
		s.lnMu.Unlock()
	})
}

func (s *Server) closeClients() {
	s.mu.Lock()
	var conns []net.Conn
	for _, cl := range s.clients {
		conns = append(conns, cl.conn)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
	if s.loop != nil {
		s.loop.stop() // closes the loop's clients (loop.go)
	}
}

func (s *Server) acceptLoop(ln net.Listener) {
	var delay time.Duration
	for {
		conn, err := ln.Accept()
		if err != nil {
			select {
			case <-s.shutdown:
				return
			default:
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of file descriptors and the like: back off and retry.
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			s.log.Warn("Accepting client connection", "err", err)
			time.Sleep(delay)
			continue
		}
		delay = 0
		s.stats.connectionsReceived.Add(1)
		s.connWG.Add(1)
		go func() {
			defer s.connWG.Done()
			if conn = s.acceptTLS(ln, conn); conn != nil {
				s.serveConn(conn)
			}
		}()
	}
}

// WritePidFile writes the pidfile if one is configured.
func (s *Server) WritePidFile() error {
	s.mu.Lock()
	path := s.cfg.PidFile
	s.mu.Unlock()
	if path == "" {
		return nil
	}
	return os.WriteFile(path, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644)
}

// RemovePidFile removes the pidfile if one is configured.
func (s *Server) RemovePidFile() {
	s.mu.Lock()
	path := s.cfg.PidFile
	s.mu.Unlock()
	if path != "" {
		_ = os.Remove(path)
	}
}

func slogLevel(l config.LogLevel) slog.Level {
	lvl, _ := logging.ParseLevel(l.String())
	return lvl
}
