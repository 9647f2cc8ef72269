package server

import (
	"runtime"
	"runtime/debug"

	"github.com/vestadb/vesta/internal/command"
)

// MEMORY USAGE, DOCTOR, MALLOC-STATS, PURGE and HELP. MEMORY STATS is not
// there yet (docs/COMPATIBILITY.md).

const memoryDoctorEmpty = "Hi Sam, this instance is empty or is using very little memory, " +
	"my issues detector can't be used in these conditions. " +
	"Please, leave for your mission on Earth and fill it with some data. " +
	"The new Sam and I will be back to our programming as soon as I finished rebooting.\n"

const memoryDoctorFine = "Hi Sam, I can't find any memory issue in your instance. " +
	"I can only account for what occurs on this base.\n"

func (s *Server) registerMemoryCommands(t *command.Table) {
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
	used := ms.HeapAlloc
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
