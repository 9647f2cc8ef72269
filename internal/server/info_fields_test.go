package server

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/config"
)

// infoFields parses an INFO reply (as conn.read returns it) into its
// fields.
func infoFields(t *testing.T, reply string) map[string]string {
	t.Helper()
	if !strings.HasPrefix(reply, "$") {
		t.Fatalf("INFO = %q", reply)
	}
	out := map[string]string{}
	for _, line := range strings.Split(reply[1:], "\r\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(k, "#") {
			out[k] = v
		}
	}
	return out
}

// infoInt is an integer field; the test fails if it is absent.
func infoInt(t *testing.T, f map[string]string, name string) int64 {
	t.Helper()
	v, ok := f[name]
	if !ok {
		t.Fatalf("INFO lacks %s", name)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		t.Fatalf("%s:%s is not an integer", name, v)
	}
	return n
}

// infoRatio is a ratio field: two decimals, as Redis prints them.
func infoRatio(t *testing.T, f map[string]string, name string) float64 {
	t.Helper()
	v := f[name]
	if i := strings.IndexByte(v, '.'); i < 0 || len(v)-i != 3 {
		t.Fatalf("%s:%q is not printed with two decimals", name, v)
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil {
		t.Fatalf("%s:%q: %v", name, v, err)
	}
	return x
}

// TestInfoMemoryFragmentationFields: the fragmentation figures of one
// INFO memory call agree with its used_memory, used_memory_rss and
// allocator_* figures, as Redis defines them; the cluster and
// defragmentation fields are those of a server without either; without a
// replica nor a backlog the replication buffers are empty.
func TestInfoMemoryFragmentationFields(t *testing.T) {
	ts := startServer(t, func(c *config.Config) { c.Dir = t.TempDir() }) // no dump.rdb (and its backlog) from elsewhere
	c := ts.dial(t)
	for i := 0; i < 200; i++ {
		c.do("SET", "k"+strconv.Itoa(i), strings.Repeat("v", 100))
	}
	f := infoFields(t, c.do("INFO", "memory"))
	used, rss := infoInt(t, f, "used_memory"), infoInt(t, f, "used_memory_rss")
	allocated, active := infoInt(t, f, "allocator_allocated"), infoInt(t, f, "allocator_active")
	resident := infoInt(t, f, "allocator_resident")
	if rss == 0 || used == 0 || allocated == 0 {
		t.Fatalf("used_memory %d, used_memory_rss %d, allocator_allocated %d", used, rss, allocated)
	}
	bytes := []struct {
		name string
		want int64
	}{
		{"mem_fragmentation_bytes", rss - used},
		{"allocator_frag_bytes", active - allocated},
		{"allocator_rss_bytes", resident - active},
		{"rss_overhead_bytes", rss - resident},
		{"mem_cluster_links", 0},
		{"active_defrag_running", 0},
		{"mem_replication_backlog", 0},
		{"mem_total_replication_buffers", 0},
	}
	for _, b := range bytes {
		if got := infoInt(t, f, b.name); got != b.want {
			t.Errorf("%s:%d, want %d", b.name, got, b.want)
		}
	}
	ratios := []struct {
		name string
		a, b int64
	}{
		{"mem_fragmentation_ratio", rss, used},
		{"allocator_frag_ratio", active, allocated},
		{"allocator_rss_ratio", resident, active},
		{"rss_overhead_ratio", rss, resident},
	}
	for _, r := range ratios {
		want := float64(r.a) / float64(r.b)
		if got := infoRatio(t, f, r.name); got < want-0.006 || got > want+0.006 {
			t.Errorf("%s:%.2f, want %.4f (%d/%d)", r.name, got, want, r.a, r.b)
		}
	}
	if active < allocated || resident < active {
		t.Errorf("allocator figures out of order: allocated %d active %d resident %d", allocated, active, resident)
	}
}

// TestInfoReplicationBufferMemory: once a replica has synchronised, the
// backlog holds the stream and INFO memory reports its blocks: the
// shared buffer's size, and the backlog's part of it (all of it, while it
// is below repl-backlog-size, plus the block index).
func TestInfoReplicationBufferMemory(t *testing.T) {
	ts := startServer(t, func(c *config.Config) { c.Dir = t.TempDir() }) // no dump.rdb (and its backlog) from elsewhere
	c := ts.dial(t)
	rep := ts.dial(t)
	rep.expect("+OK", "REPLCONF", "listening-port", "7777")
	rep.send("PSYNC", "?", "-1") // its RDB and stream are left unread
	deadline := time.Now().Add(5 * time.Second)
	for {
		c.do("SET", "k", strings.Repeat("v", 1000))
		f := infoFields(t, c.do("INFO", "memory"))
		total := infoInt(t, f, "mem_total_replication_buffers")
		backlog := infoInt(t, f, "mem_replication_backlog")
		if total > 0 {
			if backlog <= total {
				t.Errorf("mem_replication_backlog:%d, want the whole buffer (%d) plus its index", backlog, total)
			}
			if total < 1000 {
				t.Errorf("mem_total_replication_buffers:%d after a 1000-byte SET reached the backlog", total)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no replication buffer memory with a replica:\n%v\n%s", f, c.do("INFO", "replication"))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if r := c.do("INFO", "replication"); !strings.Contains(r, "repl_backlog_active:1") {
		t.Errorf("backlog not active:\n%s", r)
	}
}

// TestInfoReplyBufferEvents: a reply larger than the reply buffer grows
// it (an expansion; the first allocation of a new client's buffer is
// not one), a buffer over 4*maxBatchReply is released once written (a
// shrink, seen at the client's next batch), and CONFIG RESETSTAT clears
// both counters.
func TestInfoReplyBufferEvents(t *testing.T) {
	ts := startServer(t, func(c *config.Config) { c.Dir = t.TempDir() }) // no dump.rdb (and its backlog) from elsewhere
	setup := ts.dial(t)
	big := strings.Repeat("x", 5*maxBatchReply)
	setup.expect("+OK", "SET", "big", big)
	setup.expect("+OK", "CONFIG", "RESETSTAT")
	counts := func() (shrinks, expands int64) {
		f := infoFields(t, ts.dial(t).do("INFO", "stats")) // a new client: no event of its own
		return infoInt(t, f, "reply_buffer_shrinks"), infoInt(t, f, "reply_buffer_expands")
	}
	if s, e := counts(); s != 0 || e != 0 {
		t.Fatalf("after CONFIG RESETSTAT: reply_buffer_shrinks:%d reply_buffer_expands:%d", s, e)
	}
	c := ts.dial(t)
	c.expect("+PONG", "PING")
	if s, e := counts(); s != 0 || e != 0 {
		t.Fatalf("a new client's first reply: reply_buffer_shrinks:%d reply_buffer_expands:%d, want 0 0", s, e)
	}
	if got := c.do("GET", "big"); got != "$"+big {
		t.Fatalf("GET big: %d bytes", len(got))
	}
	if s, e := counts(); s != 0 || e != 1 {
		t.Fatalf("after a large reply: reply_buffer_shrinks:%d reply_buffer_expands:%d, want 0 1", s, e)
	}
	c.expect("+PONG", "PING")
	if s, e := counts(); s != 1 || e != 1 {
		t.Fatalf("after the large buffer's release: reply_buffer_shrinks:%d reply_buffer_expands:%d, want 1 1", s, e)
	}
	setup.expect("+OK", "CONFIG", "RESETSTAT")
	if s, e := counts(); s != 0 || e != 0 {
		t.Fatalf("after CONFIG RESETSTAT: reply_buffer_shrinks:%d reply_buffer_expands:%d", s, e)
	}
}
