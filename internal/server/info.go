package server

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/vestadb/vesta/internal/command"
)

// INFO: the sections and field names of Redis 7.0, so that tools reading
// INFO work. Fields describing machinery Vesta does not have (forks, io
// threads, cluster links, active defragmentation) report the idle values
// Redis reports when that machinery is unused.

var defaultSections = []string{"server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "errorstats", "cluster", "keyspace"}
var allSections = []string{"server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "commandstats", "errorstats", "latencystats", "cluster", "keyspace"}

func (s *Server) cmdInfo(c *command.Ctx) {
	want := map[string]bool{}
	if len(c.Args) == 1 {
		for _, sec := range defaultSections {
			want[sec] = true
		}
	}
	for _, a := range c.Args[1:] {
		switch sec := strings.ToLower(string(a)); sec {
		case "all":
			for _, x := range allSections {
				want[x] = true
			}
			delete(want, "modules")
		case "everything":
			for _, x := range allSections {
				want[x] = true
			}
		case "default":
			for _, x := range defaultSections {
				want[x] = true
			}
		default:
			want[sec] = true
		}
	}
	var b strings.Builder
	for _, sec := range allSections {
		if !want[sec] {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\r\n")
		}
		s.infoSection(&b, sec)
	}
	c.W.Verbatim(b.String(), "txt")
}

func field(b *strings.Builder, name string, v any) {
	fmt.Fprintf(b, "%s:%v\r\n", name, v)
}

func (s *Server) infoSection(b *strings.Builder, sec string) {
	now := time.Now()
	switch sec {
	case "server":
		b.WriteString("# Server\r\n")
		field(b, "redis_version", Version)
		field(b, "redis_git_sha1", "00000000")
		field(b, "redis_git_dirty", 0)
		field(b, "redis_build_id", "0")
		field(b, "redis_mode", "standalone")
		field(b, "vesta_version", VestaVersion)
		field(b, "os", osString())
		field(b, "arch_bits", 64)
		field(b, "monotonic_clock", "POSIX clock_gettime")
		field(b, "multiplexing_api", "epoll")
		field(b, "atomicvar_api", "c11-builtin")
		field(b, "gcc_version", "0.0.0")
		field(b, "go_version", runtime.Version())
		field(b, "process_id", os.Getpid())
		field(b, "process_supervised", "no")
		field(b, "run_id", s.runID)
		field(b, "tcp_port", s.infoTCPPort())
		field(b, "server_time_usec", now.UnixMicro())
		up := int64(now.Sub(s.start).Seconds())
		field(b, "uptime_in_seconds", up)
		field(b, "uptime_in_days", up/86400)
		field(b, "hz", s.cfg.HZ)
		field(b, "configured_hz", s.cfg.HZ)
		field(b, "lru_clock", s.ks.LRUClock)
		exe, _ := os.Executable()
		field(b, "executable", exe)
		field(b, "config_file", s.cfg.Path())
		field(b, "io_threads_active", 0)
	case "clients":
		b.WriteString("# Clients\r\n")
		field(b, "connected_clients", len(s.clients))
		field(b, "cluster_connections", 0)
		field(b, "maxclients", s.cfg.MaxClients)
		field(b, "client_recent_max_input_buffer", 0)
		field(b, "client_recent_max_output_buffer", 0)
		field(b, "blocked_clients", s.blockedClients)
		field(b, "tracking_clients", s.track.clients)
		field(b, "clients_in_timeout_table", 0)
	case "memory":
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		used := s.usedMemory()
		if used > s.stats.peakMemory {
			s.stats.peakMemory = used
		}
		rss := rssBytes()
		b.WriteString("# Memory\r\n")
		field(b, "used_memory", used)
		field(b, "used_memory_human", human(used))
		field(b, "used_memory_rss", rss)
		field(b, "used_memory_rss_human", human(rss))
		field(b, "used_memory_peak", s.stats.peakMemory)
		field(b, "used_memory_peak_human", human(s.stats.peakMemory))
		field(b, "used_memory_peak_perc", fmt.Sprintf("%.2f%%", 100*float64(used)/float64(max(s.stats.peakMemory, 1))))
		s.infoMemoryOverhead(b, used)
		field(b, "allocator_allocated", ms.HeapAlloc)
		field(b, "allocator_active", ms.HeapInuse)
		field(b, "allocator_resident", ms.HeapSys-ms.HeapReleased)
		field(b, "total_system_memory", totalSystemMemory())
		field(b, "total_system_memory_human", human(totalSystemMemory()))
		s.infoScripts(b)
		s.infoMaxmemory(b)
		// info_fields.go: allocator_frag_ratio .. mem_fragmentation_bytes,
		// mem_replication_backlog, mem_total_replication_buffers.
		infoFragmentation(b, &ms, used, rss)
		field(b, "mem_not_counted_for_evict", s.notCountedForEvict())
		s.infoReplBuffers(b)
		s.infoClientsMemory(b) // client_evict.go
		// No cluster: no cluster bus links.
		field(b, "mem_cluster_links", 0)
		field(b, "mem_aof_buffer", s.eng.AOFBuffered())
		field(b, "mem_allocator", "go-"+runtime.Version())
		field(b, "active_defrag_running", 0) // no active defragmentation
		field(b, "lazyfree_pending_objects", 0)
		field(b, "lazyfreed_objects", 0)
	case "persistence":
		s.eng.Info(b)
	case "stats":
		ks := &s.ks.Stats
		b.WriteString("# Stats\r\n")
		field(b, "total_connections_received", s.stats.connectionsReceived.Load())
		field(b, "total_commands_processed", s.stats.commandsProcessed)
		field(b, "instantaneous_ops_per_sec", s.instantaneousOps())
		field(b, "total_net_input_bytes", s.stats.netInput.Load())
		field(b, "total_net_output_bytes", s.stats.netOutput.Load())
		field(b, "total_net_repl_input_bytes", 0)
		field(b, "total_net_repl_output_bytes", s.repl.OutputBytes.Load())
		field(b, "instantaneous_input_kbps", "0.00")
		field(b, "instantaneous_output_kbps", "0.00")
		field(b, "instantaneous_input_repl_kbps", "0.00")
		field(b, "instantaneous_output_repl_kbps", "0.00")
		field(b, "rejected_connections", s.stats.rejectedConns.Load())
		field(b, "sync_full", s.repl.SyncFull)
		field(b, "sync_partial_ok", s.repl.SyncPartialOK)
		field(b, "sync_partial_err", s.repl.SyncPartialErr)
		field(b, "expired_keys", ks.ExpiredKeys)
		field(b, "expired_stale_perc", fmt.Sprintf("%.2f", ks.ExpiredStalePerc*100))
		field(b, "expired_time_cap_reached_count", ks.ExpiredTimeCapCount)
		field(b, "expire_cycle_cpu_milliseconds", ks.ExpireCycleMicros/1000)
		field(b, "evicted_keys", s.evict.evictedKeys)
		field(b, "evicted_clients", s.evictedClients())
		evTotal, evCurrent := s.evictionExceeded()
		field(b, "total_eviction_exceeded_time", evTotal)
		field(b, "current_eviction_exceeded_time", evCurrent)
		field(b, "keyspace_hits", ks.KeyspaceHits)
		field(b, "keyspace_misses", ks.KeyspaceMisses)
		field(b, "pubsub_channels", len(s.channels))
		field(b, "pubsub_patterns", len(s.patterns))
		field(b, "pubsubshard_channels", len(s.shardChannels))
		cut, cuts := s.eng.ForkStats()
		field(b, "latest_fork_usec", cut.Microseconds())
		field(b, "total_forks", cuts)
		field(b, "migrate_cached_sockets", 0)
		field(b, "slave_expires_tracked_keys", 0)
		field(b, "active_defrag_hits", 0)
		field(b, "active_defrag_misses", 0)
		field(b, "active_defrag_key_hits", 0)
		field(b, "active_defrag_key_misses", 0)
		field(b, "total_active_defrag_time", 0)
		field(b, "current_active_defrag_time", 0)
		tkeys, titems, tprefixes := s.infoTrackingTotals()
		field(b, "tracking_total_keys", tkeys)
		field(b, "tracking_total_items", titems)
		field(b, "tracking_total_prefixes", tprefixes)
		field(b, "unexpected_error_replies", 0)
		field(b, "total_error_replies", s.stats.errorReplies)
		field(b, "dump_payload_sanitizations", 0)
		field(b, "total_reads_processed", 0)
		field(b, "total_writes_processed", 0)
		field(b, "io_threaded_reads_processed", 0)
		field(b, "io_threaded_writes_processed", 0)
		s.infoReplyBuffers(b) // info_fields.go
	case "replication":
		b.WriteString("# Replication\r\n")
		s.repl.Info(func(name string, v any) { field(b, name, v) })
	case "cpu":
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		sys := float64(ru.Stime.Sec) + float64(ru.Stime.Usec)/1e6
		user := float64(ru.Utime.Sec) + float64(ru.Utime.Usec)/1e6
		b.WriteString("# CPU\r\n")
		field(b, "used_cpu_sys", fmt.Sprintf("%.6f", sys))
		field(b, "used_cpu_user", fmt.Sprintf("%.6f", user))
		field(b, "used_cpu_sys_children", "0.000000")
		field(b, "used_cpu_user_children", "0.000000")
	case "modules":
		b.WriteString("# Modules\r\n")
	case "commandstats":
		b.WriteString("# Commandstats\r\n")
		s.infoCommandStats(b)
	case "errorstats":
		b.WriteString("# Errorstats\r\n")
		s.infoErrorStats(b)
	case "latencystats":
		b.WriteString("# Latencystats\r\n")
		s.infoLatencyStats(b)
	case "cluster":
		b.WriteString("# Cluster\r\n")
		field(b, "cluster_enabled", 0)
	case "keyspace":
		b.WriteString("# Keyspace\r\n")
		for _, db := range s.ks.DBs {
			if db.Len() == 0 {
				continue
			}
			fmt.Fprintf(b, "db%d:keys=%d,expires=%d,avg_ttl=%d\r\n", db.ID, db.Len(), db.ExpiresLen(), db.AvgTTL)
		}
	}
}

func (s *Server) instantaneousOps() int64 {
	var sum int64
	for _, v := range s.stats.opsSamples {
		sum += v
	}
	return sum / int64(len(s.stats.opsSamples))
}

func human(n uint64) string {
	f := float64(n)
	switch {
	case f < 1024:
		return fmt.Sprintf("%dB", n)
	case f < 1024*1024:
		return fmt.Sprintf("%.2fK", f/1024)
	case f < 1024*1024*1024:
		return fmt.Sprintf("%.2fM", f/1024/1024)
	case f < 1024*1024*1024*1024:
		return fmt.Sprintf("%.2fG", f/1024/1024/1024)
	default:
		return fmt.Sprintf("%.2fT", f/1024/1024/1024/1024)
	}
}

func osString() string {
	var u syscall.Utsname
	if syscall.Uname(&u) != nil {
		return runtime.GOOS
	}
	str := func(a [65]int8) string {
		var sb strings.Builder
		for _, c := range a {
			if c == 0 {
				break
			}
			sb.WriteByte(byte(c))
		}
		return sb.String()
	}
	return str(u.Sysname) + " " + str(u.Release) + " " + str(u.Machine)
}

// rssBytes reads the resident set size from /proc.
func rssBytes() uint64 {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	var size, rss uint64
	fmt.Sscan(string(data), &size, &rss)
	return rss * uint64(os.Getpagesize())
}

func totalSystemMemory() uint64 {
	var si syscall.Sysinfo_t
	if syscall.Sysinfo(&si) != nil {
		return 0
	}
	return si.Totalram * uint64(si.Unit)
}
