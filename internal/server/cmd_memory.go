package server

import (
	"runtime"
	"runtime/debug"
	"strconv"

	"github.com/vestadb/vesta/internal/command"
)

// MEMORY USAGE, STATS, DOCTOR, MALLOC-STATS, PURGE and HELP.

const memoryDoctorEmpty = "Hi Sam, this instance is empty or is using very little memory, " +
	"my issues detector can't be used in these conditions. " +
	"Please, leave for your mission on Earth and fill it with some data. " +
	"The new Sam and I will be back to our programming as soon as I finished rebooting.\n"

const memoryDoctorFine = "Hi Sam, I can't find any memory issue in your instance. " +
	"I can only account for what occurs on this base.\n"

func (s *Server) registerMemoryCommands(t *command.Table) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	s.memStartup = ms.HeapAlloc
	t.Define("memory|stats", s.memoryStats)
	t.Define("memory|usage", func(c *command.Ctx) {
		samples := int64(command.DefaultMemorySamples)
		for j := 3; j < len(c.Args); j++ {
			if !command.EqFold(c.Args[j], "samples") || j+1 >= len(c.Args) {
				c.SyntaxError()
				return
			}
			n, ok := command.ParseInt(c.Args[j+1])
			if !ok {
				c.Error(command.ErrNotInt)
				return
			}
			if n < 0 {
				c.SyntaxError()
				return
			}
			samples = n
			j++
		}
		// Like Redis's dbFind: no expiry check, no keyspace statistics.
		e := c.DB.Find(c.Args[2])
		if e == nil {
			c.W.Null()
			return
		}
		if samples > int64(^uint(0)>>1) {
			samples = 0
		}
		c.W.Int(command.MemoryUsage(e, int(samples)))
	})
	t.Define("memory|doctor", func(c *command.Ctx) { c.W.Verbatim(s.memoryDoctor(), "txt") })
	t.Define("memory|malloc-stats", func(c *command.Ctx) {
		// What Redis replies when it is not built with jemalloc; Go's
		// allocator figures are in INFO memory.
		c.W.Verbatim("Stats not supported for the current allocator", "txt")
	})
	t.Define("memory|purge", func(c *command.Ctx) {
		debug.FreeOSMemory()
		c.W.OK()
	})
	t.Define("memory|help", func(c *command.Ctx) {
		command.ReplyHelp(c, "MEMORY", []string{
			"DOCTOR",
			"    Return memory problems reports.",
			"MALLOC-STATS",
			"    Return internal statistics report from the memory allocator.",
			"PURGE",
			"    Attempt to purge dirty pages for reclamation by the allocator.",
			"STATS",
			"    Return information about the memory usage of the server.",
			"USAGE <key> [SAMPLES <count>]",
			"    Return memory in bytes used by <key> and its value. Nested values are",
			"    sampled up to <count> times (default: 5, 0 means sample all).",
		})
	})
}

// memoryDoctor is MEMORY DOCTOR's report, with Redis's checks where Vesta
// has the figures: an (almost) empty instance, a peak over 150% of the heap
// in use, an RSS over 1.4 times the heap and 10 MB above it, and clients'
// output buffers over 200 KB each on average. Called under mu.
func (s *Server) memoryDoctor() string {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	used := s.usedMemory()
	if used > s.stats.peakMemory {
		s.stats.peakMemory = used
	}
	if used < 5<<20 {
		return memoryDoctorEmpty
	}
	var report string
	if float64(s.stats.peakMemory)/float64(used) > 1.5 {
		report += " * Peak memory: In the past this instance used more than 150% the memory that is currently using. " +
			"The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, " +
			"however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) " +
			"is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. " +
			"If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, " +
			"otherwise the only other option is to shutdown and restart the instance.\n\n"
	}
	if rss := rssBytes(); float64(rss)/float64(used) > 1.4 && rss > used+10<<20 {
		report += " * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 " +
			"(this means that the Resident Set Size of the Redis process is much larger than the sum of the logical allocations Redis performed). " +
			"This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) " +
			"or may result from a workload that causes the allocator to fragment memory a lot. If the problem is a large peak memory, " +
			"then there is no issue. Otherwise, make sure you are using the Jemalloc allocator and not the default libc malloc. " +
			"Note: The currently used allocator is \"go\".\n\n"
	}
	var out int64
	for _, cl := range s.clients {
		out += int64(cl.pendingBytes())
	}
	if n := int64(len(s.clients)); n > 0 && out/n > 200<<10 {
		report += " * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on average). " +
			"This may result from different causes, like Pub/Sub clients subscribed to channels bot not receiving data fast enough, " +
			"so that data piles on the Redis instance output buffer, or clients sending commands with large replies or very large " +
			"sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to investigate the issue " +
			"if it causes problems in your instance, or to understand better why certain clients are using a big amount of memory.\n\n"
	}
	if report == "" {
		return memoryDoctorFine
	}
	return "Sam, I detected a few issues in this Redis instance memory implants:\n\n" + report +
		"I'm here to keep you safe, Sam. I want to help you.\n"
}

// dbOverhead is a database's share of the overhead in Redis's accounting.
type dbOverhead struct {
	id            int
	main, expires int64
}

// memOverheads are the parts of Redis's used_memory_overhead over Vesta's
// figures (MEMORY STATS, INFO memory).
type memOverheads struct {
	clients, aofBuf, luaCaches, fnCaches int64
	replicaClients                       int64 // replicas' tot-mem (clients.slaves)
	dbs                                  []dbOverhead
	keys                                 int64
	total                                int64 // startup memory included
}

// memOverheads computes the overheads. Called under mu.
func (s *Server) memOverheads() memOverheads {
	var m memOverheads
	m.clients, m.replicaClients = s.clientsMemory() // client_evict.go
	m.aofBuf = int64(s.eng.AOFBuffered())
	m.luaCaches, m.fnCaches = s.scriptCaches()
	m.total = int64(s.memStartup) + m.clients + m.replicaClients + m.aofBuf + m.luaCaches + m.fnCaches
	for _, db := range s.ks.DBs {
		n := int64(db.Len())
		if n == 0 {
			continue
		}
		m.keys += n
		x := int64(db.ExpiresLen())
		o := dbOverhead{id: db.ID,
			main:    n*24 + int64(redisDictSlots(n))*8 + n*16,
			expires: x*24 + int64(redisDictSlots(x))*8,
		}
		m.total += o.main + o.expires
		m.dbs = append(m.dbs, o)
	}
	return m
}

// memoryStats is MEMORY STATS: Redis 7.0's fields, in its order. The
// allocator figures are the Go heap's (allocated: HeapAlloc, active:
// HeapInuse, resident: HeapSys-HeapReleased); the per-database overheads
// use Redis's formula over the key and TTL counts, as MEMORY USAGE uses
// Redis's accounting. Called under mu.
func (s *Server) memoryStats(c *command.Ctx) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	used := int64(s.usedMemory())
	if uint64(used) > s.stats.peakMemory {
		s.stats.peakMemory = uint64(used)
	}
	peak := int64(s.stats.peakMemory)
	startup := int64(s.memStartup)
	m := s.memOverheads()
	clients, aofBuf, luaCaches, fnCaches, dbs, keys := m.clients, m.aofBuf, m.luaCaches, m.fnCaches, m.dbs, m.keys
	overhead := m.total
	net := max(used-startup, 1)
	perKey := int64(0)
	if keys > 0 {
		perKey = net / keys
	}
	dataset := used - overhead
	rss := int64(rssBytes())
	allocated, active := int64(ms.HeapAlloc), int64(ms.HeapInuse)
	resident := int64(ms.HeapSys - ms.HeapReleased)
	ratio := func(a, b int64) float64 { return float64(float32(float64(a) / float64(max(b, 1)))) }

	c.W.Map(27 + len(dbs))
	kv := func(k string, v int64) { c.W.BulkString(k); c.W.Int(v) }
	kd := func(k string, v float64) { c.W.BulkString(k); c.W.Double(v) }
	kv("peak.allocated", peak)
	kv("total.allocated", used)
	kv("startup.allocated", startup)
	kv("replication.backlog", 0) // no replication yet
	kv("clients.slaves", m.replicaClients)
	kv("clients.normal", clients)
	kv("cluster.links", 0)
	kv("aof.buffer", aofBuf)
	kv("lua.caches", luaCaches)
	kv("functions.caches", fnCaches)
	for _, o := range dbs {
		c.W.BulkString("db." + itoa(o.id))
		c.W.Map(3)
		kv("overhead.hashtable.main", o.main)
		kv("overhead.hashtable.expires", o.expires)
		kv("overhead.hashtable.slot-to-keys", 0)
	}
	kv("overhead.total", overhead)
	kv("keys.count", keys)
	kv("keys.bytes-per-key", perKey)
	kv("dataset.bytes", dataset)
	kd("dataset.percentage", float64(float32(float64(dataset)*100/float64(net))))
	kd("peak.percentage", float64(float32(float64(used)*100/float64(max(peak, 1)))))
	kv("allocator.allocated", allocated)
	kv("allocator.active", active)
	kv("allocator.resident", resident)
	kd("allocator-fragmentation.ratio", ratio(active, allocated))
	kv("allocator-fragmentation.bytes", active-allocated)
	kd("allocator-rss.ratio", ratio(resident, active))
	kv("allocator-rss.bytes", resident-active)
	kd("rss-overhead.ratio", ratio(rss, resident))
	kv("rss-overhead.bytes", rss-resident)
	kd("fragmentation", ratio(rss, used))
	kv("fragmentation.bytes", rss-used)
}

// redisDictSlots is the bucket count of a Redis dict of n entries (0 when
// empty).
func redisDictSlots(n int64) int64 {
	if n == 0 {
		return 0
	}
	slots := int64(4)
	for slots < n {
		slots *= 2
	}
	return slots
}

func itoa(n int) string { return strconv.Itoa(n) }
