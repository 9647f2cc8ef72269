package config

import (
	"math"
	"strconv"
	"strings"
)

// The C limits Redis uses as bounds.
const (
	intMin  = math.MinInt32
	intMax  = math.MaxInt32
	uintMax = math.MaxUint32
	longMax = math.MaxInt64
	mb      = 1 << 20
)

// directives is the table of every directive Vesta knows: those it
// implements, grouped as in vesta.conf, then the Redis parameters it accepts
// without acting on them. Bounds, flags and defaults are those of Redis
// 7.0.15 unless a field comment in [Config] says otherwise.
var directives = group(coreDirectives, tlsDirectives, maxmemoryDirectives, redisOnlyDirectives)

// coreDirectives are the directives Vesta implements.
var coreDirectives = []Directive{
	// NETWORK
	bindDirective(),
	boolDirective("protected-mode", 0, true, func(c *Config) *bool { return &c.ProtectedMode }),
	intDirective("port", "", 0, 0, 65535, 6379, func(c *Config) *int { return &c.Port }),
	intDirective("tcp-backlog", "", Immutable, 0, intMax, 511, func(c *Config) *int { return &c.TCPBacklog }),
	intDirective("timeout", "", 0, 0, intMax, 0, func(c *Config) *int { return &c.Timeout }),
	intDirective("tcp-keepalive", "", 0, 0, intMax, 300, func(c *Config) *int { return &c.TCPKeepAlive }),
	stringDirective("unixsocket", Immutable, "", true, nil, func(c *Config) *string { return &c.UnixSocket }),
	unixSocketPermDirective(),

	// GENERAL
	boolDirective("daemonize", Immutable, false, func(c *Config) *bool { return &c.Daemonize }),
	enumDirective("supervised", Immutable, supervisedNames, SupervisedNo, func(c *Config) *SupervisedMode { return &c.Supervised }),
	stringDirective("pidfile", Immutable, "", true, nil, func(c *Config) *string { return &c.PidFile }),
	enumDirective("loglevel", 0, logLevelNames, LogNotice, func(c *Config) *LogLevel { return &c.LogLevel }),
	stringDirective("logfile", Immutable, "", false, nil, func(c *Config) *string { return &c.LogFile }),
	boolDirective("syslog-enabled", Immutable, false, func(c *Config) *bool { return &c.SyslogEnabled }),
	stringDirective("syslog-ident", Immutable, "redis", false, nil, func(c *Config) *string { return &c.SyslogIdent }),
	enumDirective("syslog-facility", Immutable, syslogFacilityNames, SyslogLocal0,
		func(c *Config) *SyslogFacility { return &c.SyslogFacility }),
	boolDirective("always-show-logo", Immutable, false, func(c *Config) *bool { return &c.AlwaysShowLogo }),
	vestaOnly(enumDirective("log-format", Immutable, logFormatNames, LogFormatRedis,
		func(c *Config) *LogFormat { return &c.LogFormat })),
	intDirective("databases", "", Immutable, 1, intMax, 16, func(c *Config) *int { return &c.Databases }),
	enumDirective("enable-debug-command", Immutable, protectedNames, ProtectedNo,
		func(c *Config) *ProtectedAction { return &c.EnableDebugCommand }),
	hzDirective(),
	boolDirective("dynamic-hz", 0, true, func(c *Config) *bool { return &c.DynamicHZ }),
	intDirective("active-expire-effort", "", 0, 1, 10, 1, func(c *Config) *int { return &c.ActiveExpireEffort }),
	boolDirective("activerehashing", 0, true, func(c *Config) *bool { return &c.ActiveRehashing }),
	intDirective("watchdog-period", "", Hidden, 0, intMax, 0, func(c *Config) *int { return &c.WatchdogPeriod }),
	shutdownDirective("shutdown-on-sigterm", func(c *Config) *ShutdownFlags { return &c.ShutdownOnSigterm }),
	shutdownDirective("shutdown-on-sigint", func(c *Config) *ShutdownFlags { return &c.ShutdownOnSigint }),

	// SECURITY
	stringDirective("requirepass", 0, "", true, nil, func(c *Config) *string { return &c.RequirePass }),
	// ACL (see acl.go): kept as stored values, read through accessors.
	xString("aclfile", "", Immutable, "", false, nil),
	xInt("acllog-max-len", "", 0, 0, longMax, 128),
	xEnum("acl-pubsub-default", 0, []string{"allchannels", "resetchannels"}, "resetchannels"),
	enumDirective("enable-protected-configs", Immutable, protectedNames, ProtectedNo,
		func(c *Config) *ProtectedAction { return &c.EnableProtectedConfigs }),

	// LIMITS
	intDirective("maxclients", "", 0, 1, uintMax, 10000, func(c *Config) *int64 { return &c.MaxClients }),
	memoryDirective("proto-max-bulk-len", "", 0, 1*mb, longMax, "512mb", func(c *Config) *int64 { return &c.ProtoMaxBulkLen }),
	memoryDirective("client-query-buffer-limit", "", 0, 1*mb, longMax, "1gb",
		func(c *Config) *int64 { return &c.ClientQueryBufferLimit }),
	outputBufferDirective(),

	// LUA SCRIPTING
	intDirective("busy-reply-threshold", "lua-time-limit", 0, 0, longMax, 5000,
		func(c *Config) *int64 { return &c.BusyReplyThreshold }),

	// SNAPSHOTTING
	saveDirective(),
	boolDirective("stop-writes-on-bgsave-error", 0, true, func(c *Config) *bool { return &c.StopWritesOnBgsaveError }),
	boolDirective("rdbcompression", 0, true, func(c *Config) *bool { return &c.RDBCompression }),
	boolDirective("rdbchecksum", Immutable, true, func(c *Config) *bool { return &c.RDBChecksum }),
	stringDirective("dbfilename", Protected, "dump.rdb", false, validDBFilename,
		func(c *Config) *string { return &c.DBFilename }),
	boolDirective("rdb-del-sync-files", 0, false, func(c *Config) *bool { return &c.RDBDelSyncFiles }),
	dirDirective(),
	boolDirective("rdb-save-incremental-fsync", 0, true, func(c *Config) *bool { return &c.RDBSaveIncrementalFsync }),
	intDirective("rdb-key-save-delay", "", Hidden, intMin, intMax, 0, func(c *Config) *int { return &c.RDBKeySaveDelay }),
	enumDirective("sanitize-dump-payload", 0, sanitizeNames, SanitizeNo,
		func(c *Config) *SanitizeMode { return &c.SanitizeDumpPayload }),

	// APPEND ONLY MODE
	boolDirective("appendonly", 0, false, func(c *Config) *bool { return &c.AppendOnly }),
	stringDirective("appendfilename", Immutable, "appendonly.aof", false, validAOFFilename,
		func(c *Config) *string { return &c.AppendFilename }),
	stringDirective("appenddirname", Immutable, "appendonlydir", false, validAOFDirname,
		func(c *Config) *string { return &c.AppendDirname }),
	enumDirective("appendfsync", 0, fsyncNames, FsyncEverySec, func(c *Config) *FsyncPolicy { return &c.AppendFsync }),
	boolDirective("no-appendfsync-on-rewrite", 0, false, func(c *Config) *bool { return &c.NoAppendfsyncOnRewrite }),
	intDirective("auto-aof-rewrite-percentage", "", 0, 0, intMax, 100,
		func(c *Config) *int { return &c.AutoAOFRewritePercentage }),
	memoryDirective("auto-aof-rewrite-min-size", "", 0, 0, longMax, "64mb",
		func(c *Config) *int64 { return &c.AutoAOFRewriteMinSize }),
	boolDirective("aof-load-truncated", 0, true, func(c *Config) *bool { return &c.AOFLoadTruncated }),
	boolDirective("aof-use-rdb-preamble", 0, true, func(c *Config) *bool { return &c.AOFUseRDBPreamble }),
	boolDirective("aof-rewrite-incremental-fsync", 0, true, func(c *Config) *bool { return &c.AOFRewriteIncrementalFsync }),
	boolDirective("aof-timestamp-enabled", 0, false, func(c *Config) *bool { return &c.AOFTimestampEnabled }),
	boolDirective("aof-disable-auto-gc", 0, false, func(c *Config) *bool { return &c.AOFDisableAutoGC }),

	// LAZY FREEING
	boolDirective("lazyfree-lazy-eviction", 0, false, func(c *Config) *bool { return &c.LazyfreeLazyEviction }),
	boolDirective("lazyfree-lazy-expire", 0, false, func(c *Config) *bool { return &c.LazyfreeLazyExpire }),
	boolDirective("lazyfree-lazy-server-del", 0, false, func(c *Config) *bool { return &c.LazyfreeLazyServerDel }),
	boolDirective("lazyfree-lazy-user-del", 0, false, func(c *Config) *bool { return &c.LazyfreeLazyUserDel }),
	boolDirective("lazyfree-lazy-user-flush", 0, false, func(c *Config) *bool { return &c.LazyfreeLazyUserFlush }),

	// REPLICATION (the master side; the replica side is not built yet)
	boolDirective("repl-diskless-sync", 0, true, func(c *Config) *bool { return &c.ReplDisklessSync }),
	intDirective("repl-diskless-sync-delay", "", 0, 0, intMax, 5, func(c *Config) *int { return &c.ReplDisklessSyncDelay }),
	intDirective("repl-diskless-sync-max-replicas", "", 0, 0, intMax, 0,
		func(c *Config) *int { return &c.ReplDisklessSyncMaxReplicas }),
	replBacklogSizeDirective(),
	intDirective("repl-backlog-ttl", "", 0, 0, longMax, 3600, func(c *Config) *int64 { return &c.ReplBacklogTTL }),
	intDirective("repl-timeout", "", 0, 1, intMax, 60, func(c *Config) *int { return &c.ReplTimeout }),
	intDirective("repl-ping-replica-period", "repl-ping-slave-period", 0, 1, intMax, 10,
		func(c *Config) *int { return &c.ReplPingReplicaPeriod }),
	intDirective("min-replicas-to-write", "min-slaves-to-write", 0, 0, intMax, 0,
		func(c *Config) *int { return &c.MinReplicasToWrite }),
	intDirective("min-replicas-max-lag", "min-slaves-max-lag", 0, 0, intMax, 10,
		func(c *Config) *int { return &c.MinReplicasMaxLag }),

	// EVENT NOTIFICATION, SLOW LOG
	notifyDirective(),
	intDirective("slowlog-log-slower-than", "", 0, -1, math.MaxInt64, 10000,
		func(c *Config) *int64 { return &c.SlowlogLogSlowerThan }),
	intDirective("slowlog-max-len", "", 0, 0, longMax, 128, func(c *Config) *int64 { return &c.SlowlogMaxLen }),

	// LATENCY MONITOR, CLIENT-SIDE CACHING
	intDirective("latency-monitor-threshold", "", 0, 0, longMax, 0,
		func(c *Config) *int64 { return &c.LatencyMonitorThreshold }),
	boolDirective("latency-tracking", 0, true, func(c *Config) *bool { return &c.LatencyTracking }),
	percentilesDirective(),
	intDirective("tracking-table-max-keys", "", 0, 0, longMax, 1000000,
		func(c *Config) *int64 { return &c.TrackingTableMaxKeys }),

	// ADVANCED CONFIG
	intDirective("hash-max-listpack-entries", "hash-max-ziplist-entries", 0, 0, longMax, 512,
		func(c *Config) *int64 { return &c.HashMaxListpackEntries }),
	memoryDirective("hash-max-listpack-value", "hash-max-ziplist-value", 0, 0, longMax, "64",
		func(c *Config) *int64 { return &c.HashMaxListpackValue }),
	intDirective("zset-max-listpack-entries", "zset-max-ziplist-entries", 0, 0, longMax, 128,
		func(c *Config) *int64 { return &c.ZsetMaxListpackEntries }),
	memoryDirective("zset-max-listpack-value", "zset-max-ziplist-value", 0, 0, longMax, "64",
		func(c *Config) *int64 { return &c.ZsetMaxListpackValue }),
	intDirective("set-max-intset-entries", "", 0, 0, longMax, 512, func(c *Config) *int64 { return &c.SetMaxIntsetEntries }),
	intDirective("list-max-listpack-size", "list-max-ziplist-size", 0, intMin, intMax, -2,
		func(c *Config) *int { return &c.ListMaxListpackSize }),
	intDirective("list-compress-depth", "", 0, 0, intMax, 0, func(c *Config) *int { return &c.ListCompressDepth }),
	memoryDirective("hll-sparse-max-bytes", "", 0, 0, longMax, "3000",
		func(c *Config) *int64 { return &c.HLLSparseMaxBytes }),
	memoryDirective("stream-node-max-bytes", "", 0, 0, longMax, "4096",
		func(c *Config) *int64 { return &c.StreamNodeMaxBytes }),
	intDirective("stream-node-max-entries", "", 0, 0, longMax, 100,
		func(c *Config) *int64 { return &c.StreamNodeMaxEntries }),
}

// deprecatedDirectives are accepted in a configuration text, with exactly
// one argument, and ignored, as Redis 7.0 does.
var deprecatedDirectives = map[string]bool{
	"list-max-ziplist-entries": true,
	"list-max-ziplist-value":   true,
	"lua-replicate-commands":   true,
}

// hzDirective accepts any non-negative rate but clamps it to 1..500, as
// Redis does after loading and on CONFIG SET.
func hzDirective() Directive {
	d := intDirective("hz", "", 0, 0, intMax, 10, func(c *Config) *int { return &c.HZ })
	set := d.set
	d.set = func(c *Config, args []string) error {
		if err := set(c, args); err != nil {
			return err
		}
		c.HZ = min(max(c.HZ, 1), 500)
		return nil
	}
	return d
}

// replBacklogSizeDirective raises a size below 16 KiB to 16 KiB, as Redis
// does when it applies the value.
func replBacklogSizeDirective() Directive {
	d := memoryDirective("repl-backlog-size", "", 0, 1, longMax, "1048576", func(c *Config) *int64 { return &c.ReplBacklogSize })
	set := d.set
	d.set = func(c *Config, args []string) error {
		if err := set(c, args); err != nil {
			return err
		}
		c.ReplBacklogSize = max(c.ReplBacklogSize, 16*1024)
		return nil
	}
	return d
}

// unixSocketPermDirective is unixsocketperm: permission bits in octal,
// parsed like C's strtoll(s, &end, 8) and shown in octal.
func unixSocketPermDirective() Directive {
	const hi = 0o777
	return Directive{
		Name: "unixsocketperm", Kind: KindInt, Flags: Immutable, Min: 0, Max: hi, Default: "0",
		get: func(c *Config) string { return strconv.FormatUint(uint64(c.UnixSocketPerm), 8) },
		set: func(c *Config, args []string) error {
			v, ok := parseCOctal(args[0])
			if !ok {
				return reason("argument couldn't be parsed as an octal number")
			}
			if uint64(v) > hi {
				return reason("argument must be between 0 and 777 inclusive")
			}
			c.UnixSocketPerm = uint32(v)
			return nil
		},
		rewrite: rewritePlain,
	}
}

// parseCOctal is strtoll(s, &end, 8) with a check that all of s was used
// and nothing overflowed; like strtoll, "" is 0.
func parseCOctal(s string) (int64, bool) {
	t := strings.TrimLeft(s, " \t\n\v\f\r")
	if t == "" {
		return 0, s == ""
	}
	v, err := strconv.ParseInt(t, 8, 64)
	if err != nil {
		return 0, false
	}
	return v, true
}

func validDBFilename(v string) error {
	if !isBaseName(v) {
		return reason("dbfilename can't be a path, just a filename")
	}
	return nil
}

func validAOFFilename(v string) error {
	if v == "" {
		return reason("appendfilename can't be empty")
	}
	if !isBaseName(v) {
		return reason("appendfilename can't be a path, just a filename")
	}
	return nil
}

func validAOFDirname(v string) error {
	if v == "" {
		return reason("appenddirname can't be empty")
	}
	if !isBaseName(v) {
		return reason("appenddirname can't be a path, just a dirname")
	}
	return nil
}
