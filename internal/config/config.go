package config

// Config is the server configuration. Every exported field is one directive
// of vesta.conf; its comment gives the directive name, what it does and the
// built-in default (the value of Redis 7.0.15 unless it says otherwise).
//
// A Config is not safe for concurrent use. The server owns one, reads it
// under its own lock and changes it only through [Config.Set], which
// validates, applies hooks and rolls back as CONFIG SET does. Tests and
// tools may read and write the fields directly.
type Config struct {
	// # NETWORK

	// Bind lists the addresses to listen on (bind). A leading '-' marks an
	// address that may be unavailable at startup without failing the
	// server. An empty list listens on no TCP address at all. Default
	// "127.0.0.1 -::1": loopback only. Redis's built-in default is
	// "* -::*" (every interface); Vesta deliberately starts closed.
	Bind []string
	// ProtectedMode refuses clients from non-loopback addresses while the
	// default user has no password (protected-mode). Default yes.
	ProtectedMode bool
	// Port is the TCP port, 0 to not listen on TCP (port, 0..65535).
	// Default 6379.
	Port int
	// TCPBacklog is the listen(2) backlog (tcp-backlog, immutable). The
	// kernel caps it at net.core.somaxconn. Default 511.
	TCPBacklog int
	// Timeout closes a client idle for this many seconds, 0 never
	// (timeout). Default 0.
	Timeout int
	// TCPKeepAlive is the TCP keepalive period in seconds, 0 to disable
	// (tcp-keepalive). Default 300.
	TCPKeepAlive int

	// UnixSocket is the path of a Unix domain socket to listen on besides
	// TCP, "" for none (unixsocket, immutable). Clients on it count as
	// local for protected mode. Default "".
	UnixSocket string
	// UnixSocketPerm is the permission bits given to the Unix socket, 0 to
	// leave them to the umask (unixsocketperm, octal, 0..777, immutable).
	// Default 0.
	UnixSocketPerm uint32

	// # GENERAL

	// Daemonize runs the server in the background (daemonize, immutable):
	// vesta-server re-executes itself detached, in a new session with its
	// standard streams on /dev/null, writes the pidfile (/var/run/vesta.pid
	// when pidfile is not set) and logs to the logfile (nowhere when it is
	// not set). Ignored when a service manager supervises the server.
	// Default no.
	Daemonize bool
	// Supervised is how the server tells a service manager it is ready
	// (supervised: upstart, systemd, auto, no; immutable). systemd sends
	// READY=1 and STATUS lines to $NOTIFY_SOCKET; upstart stops the process
	// with SIGSTOP once ready; auto picks systemd when NOTIFY_SOCKET is set
	// and upstart when UPSTART_JOB is. Default no.
	Supervised SupervisedMode
	// PidFile is where the process id is written at startup, "" for no file
	// (pidfile, immutable). Default "".
	PidFile string
	// LogLevel is the log verbosity (loglevel: debug, verbose, notice,
	// warning, nothing). Default notice.
	LogLevel LogLevel
	// LogFile is the log destination, "" for standard output (logfile,
	// immutable). Loading fails if the file cannot be opened for append.
	// Default "".
	LogFile string
	// SyslogEnabled copies every log line to the system logger as well
	// (syslog-enabled, immutable). Default no.
	SyslogEnabled bool
	// SyslogIdent is the tag of the syslog messages (syslog-ident,
	// immutable). Default "redis", as in Redis, so that existing syslog
	// filters keep matching.
	SyslogIdent string
	// SyslogFacility is the syslog facility (syslog-facility: user,
	// local0..local7; immutable). Default local0.
	SyslogFacility SyslogFacility
	// AlwaysShowLogo prints the startup logo even when the log is not a
	// terminal (always-show-logo, immutable). Default no.
	AlwaysShowLogo bool
	// LogFormat is the shape of the log lines (log-format, Vesta only:
	// redis, json, logfmt; immutable). Default redis, Redis's
	// "pid:role date level-char message" lines.
	LogFormat LogFormat
	// Databases is the number of logical databases, SELECT 0 to
	// Databases-1 (databases, immutable, >= 1). Default 16.
	Databases int
	// EnableDebugCommand gates the DEBUG command (enable-debug-command:
	// no, yes, local; immutable). Default no.
	EnableDebugCommand ProtectedAction
	// HZ is how many times per second background tasks run: active expiry,
	// timeouts, save-point checks (hz). Values outside 1..500 are clamped,
	// as Redis does. Default 10.
	HZ int
	// DynamicHZ raises the task rate with the number of clients
	// (dynamic-hz). Default yes.
	DynamicHZ bool
	// ActiveExpireEffort trades CPU for memory in the active expiry cycle
	// (active-expire-effort, 1..10). Default 1.
	ActiveExpireEffort int
	// ActiveRehashing spends part of every background tick moving buckets
	// of a growing or shrinking keyspace table, instead of only moving them
	// as keys are touched (activerehashing). Default yes.
	ActiveRehashing bool
	// WatchdogPeriod, in milliseconds, makes the server log every
	// goroutine's stack when one command (or other work) holds the server
	// lock longer than that (watchdog-period, hidden; 0 = off). Default 0.
	WatchdogPeriod int
	// BusyReplyThreshold, in milliseconds, is how long a script runs
	// before other clients get -BUSY and SCRIPT KILL may stop it
	// (busy-reply-threshold, alias lua-time-limit). Default 5000.
	BusyReplyThreshold int64
	// ShutdownOnSigterm is what SIGTERM does (shutdown-on-sigterm: default,
	// or a combination of save/nosave, now, force). Default "default".
	ShutdownOnSigterm ShutdownFlags
	// ShutdownOnSigint is what SIGINT does (shutdown-on-sigint), as above.
	// Default "default".
	ShutdownOnSigint ShutdownFlags

	// # SECURITY

	// RequirePass is the password of the default user, "" for none
	// (requirepass). CONFIG GET shows it in clear, as Redis does. Default "".
	RequirePass string
	// Users are the "user" directives, in file order: the user name, then
	// its rules (see acl.go).
	Users [][]string
	// UserLines, when set, returns the "user" lines CONFIG REWRITE writes:
	// the server's current users. It is not a directive.
	UserLines func() []string
	// EnableProtectedConfigs lets CONFIG SET change protected directives
	// such as dir and dbfilename (enable-protected-configs: no, yes, local;
	// immutable). Default no.
	EnableProtectedConfigs ProtectedAction

	// # LIMITS

	// MaxClients is the most clients connected at once (maxclients,
	// 1..4294967295). Default 10000.
	MaxClients int64
	// ProtoMaxBulkLen is the largest bulk string a client may send, in
	// bytes (proto-max-bulk-len, at least 1mb). Default 512mb.
	ProtoMaxBulkLen int64
	// ClientQueryBufferLimit is the largest query buffer of one client, in
	// bytes (client-query-buffer-limit, at least 1mb). Default 1gb.
	ClientQueryBufferLimit int64
	// ClientOutputBufferLimit holds the reply buffer limits per client
	// class, indexed by [ClientClass] (client-output-buffer-limit
	// <class> <hard> <soft> <soft-seconds>; several lines accumulate, one
	// class each). Default "normal 0 0 0 replica 256mb 64mb 60 pubsub
	// 32mb 8mb 60".
	ClientOutputBufferLimit [numClientClasses]OutputBufferLimit

	// # SNAPSHOTTING

	// Save lists the automatic snapshot rules (save <seconds> <changes>
	// ...). Several save lines accumulate; the first one in a file replaces
	// the built-in rules and `save ""` removes all rules, disabling
	// automatic snapshots. Durability: between two snapshots every write is
	// at risk unless the AOF is on. Default "3600 1 300 100 60 10000".
	Save []SavePoint
	// StopWritesOnBgsaveError refuses writes with a MISCONF error while the
	// last background save failed and save rules exist, so that a broken
	// disk is noticed (stop-writes-on-bgsave-error). Default yes.
	StopWritesOnBgsaveError bool
	// RDBCompression LZF-compresses strings in snapshots (rdbcompression).
	// Default yes.
	RDBCompression bool
	// RDBChecksum ends snapshots with a CRC64 and checks it on load
	// (rdbchecksum, immutable). Without it a torn or corrupt snapshot may
	// load silently. Default yes.
	RDBChecksum bool
	// DBFilename is the snapshot file name inside Dir; a base name, never a
	// path (dbfilename, protected). Default "dump.rdb".
	DBFilename string
	// RDBDelSyncFiles deletes snapshots made only for replication when
	// persistence is off (rdb-del-sync-files). Default no.
	RDBDelSyncFiles bool
	// ReplDisklessSync sends a full synchronisation's snapshot straight to
	// the sockets of replicas that announce "capa eof", framed by
	// $EOF:<mark>, instead of through dump.rdb (repl-diskless-sync).
	// Default yes.
	ReplDisklessSync bool
	// ReplDisklessSyncDelay is how many seconds a diskless full sync waits
	// for more replicas to arrive before it takes its cut
	// (repl-diskless-sync-delay). Default 5.
	ReplDisklessSyncDelay int
	// ReplDisklessSyncMaxReplicas starts a delayed diskless sync as soon
	// as this many replicas wait, 0 for no limit
	// (repl-diskless-sync-max-replicas). Default 0.
	ReplDisklessSyncMaxReplicas int
	// ReplBacklogSize is how many bytes of the propagation stream the
	// replication backlog keeps for partial resynchronisations
	// (repl-backlog-size). Default 1mb.
	ReplBacklogSize int64
	// ReplBacklogTTL is how many seconds the backlog is kept after the
	// last replica went away; 0 keeps it forever (repl-backlog-ttl).
	// Default 3600.
	ReplBacklogTTL int64
	// ReplTimeout is how many seconds a replica may stay silent (no REPLCONF
	// ACK) or stall a write before it is disconnected (repl-timeout).
	// Default 60.
	ReplTimeout int
	// ReplPingReplicaPeriod is how often, in seconds, a PING is propagated
	// to the replicas, counted in the offset (repl-ping-replica-period).
	// Default 10.
	ReplPingReplicaPeriod int
	// MinReplicasToWrite refuses writes (NOREPLICAS) unless this many
	// replicas acknowledged within MinReplicasMaxLag seconds; 0, or a lag
	// of 0, switches the check off (min-replicas-to-write,
	// min-replicas-max-lag). Defaults 0 and 10.
	MinReplicasToWrite int
	MinReplicasMaxLag  int
	// Dir is the working directory, where snapshots and the append-only
	// directory live (dir, protected). It is stored as an absolute path:
	// a relative value is resolved against the previous Dir, like the
	// successive chdir calls Redis makes, and the directory must exist.
	// Moving the process there is the server's job (a hook on "dir").
	// Default: the working directory when the Config was made.
	Dir string
	// RDBSaveIncrementalFsync fsyncs snapshot files every 4 MiB while
	// writing them, to avoid one huge flush at the end
	// (rdb-save-incremental-fsync). Default yes.
	RDBSaveIncrementalFsync bool
	// RDBKeySaveDelay sleeps this many microseconds per key while saving,
	// for tests only (rdb-key-save-delay, hidden). Default 0.
	RDBKeySaveDelay int
	// SanitizeDumpPayload runs deep integrity checks on loaded or restored
	// payloads (sanitize-dump-payload: no, yes, clients). Default no.
	SanitizeDumpPayload SanitizeMode

	// # APPEND ONLY MODE

	// AppendOnly logs every write to the append-only file (appendonly).
	// Turning it on at runtime starts a rewrite that writes the current
	// data set first. Durability: with the AOF on, a restart loses at most
	// what the fsync policy allows. Default no.
	AppendOnly bool
	// AppendFilename is the base name of the AOF files (appendfilename,
	// immutable; a base name, not empty). Default "appendonly.aof".
	AppendFilename string
	// AppendDirname is the directory, inside Dir, holding the AOF files and
	// their manifest (appenddirname, immutable; a base name, not empty).
	// Default "appendonlydir".
	AppendDirname string
	// AppendFsync is when the AOF is fsynced (appendfsync: always,
	// everysec, no). Durability: always loses nothing acknowledged,
	// everysec up to about one second (two in the worst case), no whatever
	// the kernel has not flushed (typically up to 30 s). Default everysec.
	AppendFsync FsyncPolicy
	// NoAppendfsyncOnRewrite skips AOF fsyncs while a snapshot or rewrite
	// is writing, trading durability for latency
	// (no-appendfsync-on-rewrite). Default no.
	NoAppendfsyncOnRewrite bool
	// AutoAOFRewritePercentage rewrites the AOF when it has grown by this
	// percentage since the last rewrite, 0 to disable
	// (auto-aof-rewrite-percentage). Default 100.
	AutoAOFRewritePercentage int
	// AutoAOFRewriteMinSize is the smallest AOF that is rewritten
	// automatically, in bytes (auto-aof-rewrite-min-size). Default 64mb.
	AutoAOFRewriteMinSize int64
	// AOFLoadTruncated loads an AOF whose last command was cut short,
	// dropping the partial tail, instead of refusing to start
	// (aof-load-truncated). Default yes.
	AOFLoadTruncated bool
	// AOFUseRDBPreamble writes the base file of a rewrite as an RDB
	// snapshot rather than as commands (aof-use-rdb-preamble). Default yes.
	AOFUseRDBPreamble bool
	// AOFRewriteIncrementalFsync fsyncs a rewrite's output every 4 MiB
	// (aof-rewrite-incremental-fsync). Default yes.
	AOFRewriteIncrementalFsync bool
	// AOFTimestampEnabled writes "#TS:" timestamp annotations into the AOF
	// (aof-timestamp-enabled). Default no.
	AOFTimestampEnabled bool
	// AOFDisableAutoGC keeps the history files that a rewrite made obsolete
	// instead of deleting them (aof-disable-auto-gc). Default no.
	AOFDisableAutoGC bool

	// # LAZY FREEING

	// LazyfreeLazyEviction frees evicted values in the background
	// (lazyfree-lazy-eviction). Default no.
	LazyfreeLazyEviction bool
	// LazyfreeLazyExpire frees expired values in the background and
	// propagates UNLINK instead of DEL (lazyfree-lazy-expire). Default no.
	LazyfreeLazyExpire bool
	// LazyfreeLazyServerDel frees values deleted as a side effect (RENAME
	// over a key, SET over a big value) in the background
	// (lazyfree-lazy-server-del). Default no.
	LazyfreeLazyServerDel bool
	// LazyfreeLazyUserDel makes DEL behave like UNLINK
	// (lazyfree-lazy-user-del). Default no.
	LazyfreeLazyUserDel bool
	// LazyfreeLazyUserFlush makes FLUSHALL and FLUSHDB asynchronous by
	// default (lazyfree-lazy-user-flush). Default no.
	LazyfreeLazyUserFlush bool

	// # ADVANCED CONFIG

	// HashMaxListpackEntries is the most fields a hash keeps in the compact
	// listpack encoding (hash-max-listpack-entries, alias
	// hash-max-ziplist-entries). Default 512.
	HashMaxListpackEntries int64
	// HashMaxListpackValue is the longest field or value, in bytes, a hash
	// keeps in listpack encoding (hash-max-listpack-value, alias
	// hash-max-ziplist-value). Default 64.
	HashMaxListpackValue int64
	// ZsetMaxListpackEntries is the most members a sorted set keeps in
	// listpack encoding (zset-max-listpack-entries, alias
	// zset-max-ziplist-entries). Default 128.
	ZsetMaxListpackEntries int64
	// ZsetMaxListpackValue is the longest member, in bytes, a sorted set
	// keeps in listpack encoding (zset-max-listpack-value, alias
	// zset-max-ziplist-value). Default 64.
	ZsetMaxListpackValue int64
	// SetMaxIntsetEntries is the most members a set of integers keeps in
	// the intset encoding (set-max-intset-entries). Default 512.
	SetMaxIntsetEntries int64
	// ListMaxListpackSize bounds each quicklist node: a positive value is a
	// number of entries, -1..-5 a size of 4, 8, 16, 32 or 64 KiB
	// (list-max-listpack-size, alias list-max-ziplist-size). Default -2.
	ListMaxListpackSize int
	// ListCompressDepth is how many quicklist nodes at each end stay
	// uncompressed, 0 for no compression (list-compress-depth). Default 0.
	ListCompressDepth int
	// HLLSparseMaxBytes is the largest a sparse HyperLogLog grows, header
	// included, before it is converted to dense (hll-sparse-max-bytes).
	// Default 3000.
	HLLSparseMaxBytes int64
	// StreamNodeMaxBytes and StreamNodeMaxEntries bound a stream node's
	// listpack (stream-node-max-bytes, default 4096, and
	// stream-node-max-entries, default 100; 0 is no limit).
	StreamNodeMaxBytes   int64
	StreamNodeMaxEntries int64

	// # EVENT NOTIFICATION, SLOW LOG

	// NotifyKeyspaceEvents are the keyspace notification classes published
	// (notify-keyspace-events, letters Ag$lshzxeKEtmdn). Default "": none.
	NotifyKeyspaceEvents NotifyFlags
	// SlowlogLogSlowerThan is the execution time, in microseconds, from
	// which a command enters the slow log; negative disables the log, 0
	// logs every command (slowlog-log-slower-than). Default 10000.
	SlowlogLogSlowerThan int64
	// SlowlogMaxLen is how many entries the slow log keeps
	// (slowlog-max-len). Default 128.
	SlowlogMaxLen int64

	// # MEMORY MANAGEMENT (directives_maxmemory.go)
	MemoryLimits

	// TLS holds the tls-* directives (tls.go).
	TLS TLS

	// # LATENCY MONITOR, CLIENT-SIDE CACHING

	// LatencyMonitorThreshold is the latency, in milliseconds, from which
	// an event is recorded by the latency monitor; 0 turns it off
	// (latency-monitor-threshold). Default 0.
	LatencyMonitorThreshold int64
	// LatencyTracking keeps per-command latency histograms for INFO
	// latencystats and LATENCY HISTOGRAM (latency-tracking). Default yes.
	// The percentiles INFO shows are latency-tracking-info-percentiles,
	// see [Config.LatencyPercentiles].
	LatencyTracking bool
	// TrackingTableMaxKeys bounds the keys client-side caching tracks;
	// past it, tracked keys are evicted with an invalidation
	// (tracking-table-max-keys; 0 is no limit). Default 1000000.
	TrackingTableMaxKeys int64

	// stored holds the values of the directives that have no field of
	// their own (Redis parameters Vesta accepts without acting on them), in
	// CONFIG GET form, by canonical name.
	stored map[string]string
	// ignoredSet lists the Ignored directives the loaded configuration
	// text set, for [Config.Ineffective].
	ignoredSet []string

	// path is the absolute path of the configuration file, "" when the
	// server was started without one.
	path string
	// hooks are the OnApply callbacks, by canonical directive name.
	hooks map[string][]func(*Config) error
	// load is non-nil while a configuration text is being loaded.
	load *loadState
}

// Path returns the absolute path of the configuration file the Config was
// loaded from, or "" when there was none (defaults, or only stdin and
// command-line options). CONFIG REWRITE writes to this path.
func (c *Config) Path() string { return c.path }

// StoredValue is the value of a directive without a field of its own
// (the replica's parameters, among others), as CONFIG GET shows it.
func (c *Config) StoredValue(name string) string { return c.stored[name] }

// SetStoredValue records a value set by a command rather than CONFIG SET
// (REPLICAOF sets replicaof), in CONFIG GET form.
func (c *Config) SetStoredValue(name, v string) {
	if c.stored == nil {
		c.stored = make(map[string]string)
	}
	c.stored[name] = v
}

// Default returns the built-in configuration, as a server started without a
// configuration file would have it.
func Default() *Config {
	c := &Config{}
	for i := range directives {
		d := &directives[i]
		if err := d.set(c, defaultArgs(d)); err != nil {
			if d.Name == "dir" {
				// The working directory is gone or unreadable: leave Dir
				// empty, as Redis's CONFIG GET dir shows "" then.
				continue
			}
			panic("config: bad built-in default for " + d.Name + ": " + err.Error())
		}
	}
	return c
}

// clone returns a copy of c that shares nothing mutable with it. Setters
// always replace slices rather than writing into them, so copying the slice
// headers is enough; the map of stored values is copied.
func (c *Config) clone() *Config {
	cp := *c
	cp.stored = make(map[string]string, len(c.stored))
	for k, v := range c.stored {
		cp.stored[k] = v
	}
	return &cp
}
