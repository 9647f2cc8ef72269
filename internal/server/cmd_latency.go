package server

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/latency"
)

// Latency instruments: the latency monitor (LATENCY LATEST, HISTORY,
// RESET, GRAPH, DOCTOR; latency-monitor-threshold) and the per-command
// latency histograms (LATENCY HISTOGRAM, INFO latencystats;
// latency-tracking, latency-tracking-info-percentiles). The histograms
// live in each command's Spec.Stats next to its commandstats counters and
// are reset with them by CONFIG RESETSTAT. The instruments themselves are
// package latency.

// latencyState is the server's side of the instruments (under mu, except
// the monitor, which has its own lock for the AOF writer's reports).
type latencyState struct {
	mon         latency.Monitor
	tracking    bool      // latency-tracking
	percentiles []float64 // latency-tracking-info-percentiles
}

// applyLatencyConfig takes the latency parameters from the configuration.
func (s *Server) applyLatencyConfig(c *config.Config) {
	s.lat.mon.SetThreshold(c.LatencyMonitorThreshold)
	s.lat.tracking = c.LatencyTracking
	s.lat.percentiles = c.LatencyPercentiles()
}

// latencyEvent reports an event's latency to the monitor (Redis's
// latencyAddSampleIfNeeded). Safe without mu.
func (s *Server) latencyEvent(event string, d time.Duration) {
	s.lat.mon.AddIfNeeded(event, d.Milliseconds())
}

// evictionLatency reports an eviction event that began at start (zero:
// not timed, the monitor being off).
func (s *Server) evictionLatency(event string, start time.Time) {
	if !start.IsZero() {
		s.lat.mon.AddIfNeeded(event, time.Since(start).Milliseconds())
	}
}

// commandLatency records one executed command's latency: its histogram
// when latency-tracking is on, and the "command" or "fast-command"
// event. Called under mu by afterCall. Redis records whole microseconds
// (a command under 1 µs counts as 1 ns); Vesta records the nanoseconds
// it measured, in the same histogram layout.
func (s *Server) commandLatency(spec *command.Spec, d time.Duration) {
	if s.lat.tracking {
		spec.Stats.Latency.Record(int64(d))
	}
	event := "command"
	if spec.Flags&command.Fast != 0 {
		event = "fast-command"
	}
	s.lat.mon.AddIfNeeded(event, d.Milliseconds())
}

// unblockedLatency records a blocked command that ended (blockedDone):
// its whole time in the histogram, and the time its serving took as the
// "command-unblocking" event.
func (s *Server) unblockedLatency(spec *command.Spec, totalUsec, replyUsec int64) {
	if s.lat.tracking {
		spec.Stats.Latency.Record(totalUsec * 1000)
	}
	s.lat.mon.AddIfNeeded("command-unblocking", replyUsec/1000)
}

// infoLatencyStats writes INFO latencystats: the configured percentiles,
// in microseconds, of every command with a histogram. Nothing while
// latency-tracking is off.
func (s *Server) infoLatencyStats(b *strings.Builder) {
	if !s.lat.tracking {
		return
	}
	eachSpec(s.table, func(spec *command.Spec) {
		h := &spec.Stats.Latency
		if h.Count() == 0 {
			return
		}
		b.WriteString("latency_percentiles_usec_")
		b.WriteString(spec.Name)
		b.WriteByte(':')
		for i, p := range s.lat.percentiles {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('p')
			b.WriteString(trimFloat(p))
			b.WriteByte('=')
			b.WriteString(strconv.FormatFloat(float64(h.Percentile(p))/1000, 'f', 3, 64))
		}
		b.WriteString("\r\n")
	})
}

// trimFloat is C's %f without its trailing zeros (Redis's trimDoubleString).
func trimFloat(f float64) string {
	s := strconv.FormatFloat(f, 'f', 6, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

func (s *Server) registerLatencyCommands(t *command.Table) {
	t.Define("latency|latest", func(c *command.Ctx) {
		rows := s.lat.mon.Latest()
		c.W.Array(len(rows))
		for _, r := range rows {
			c.W.Array(4)
			c.W.BulkString(r.Event)
			c.W.Int(r.Time)
			c.W.Int(r.Latency)
			c.W.Int(r.Max)
		}
	})
	t.Define("latency|history", func(c *command.Ctx) {
		samples := s.lat.mon.History(string(c.Args[2]))
		c.W.Array(len(samples))
		for _, sm := range samples {
			c.W.Array(2)
			c.W.Int(sm.Time)
			c.W.Int(sm.Latency)
		}
	})
	t.Define("latency|reset", func(c *command.Ctx) {
		events := make([]string, 0, len(c.Args)-2)
		for _, a := range c.Args[2:] {
			events = append(events, string(a))
		}
		c.W.Int(int64(s.lat.mon.Reset(events...)))
	})
	t.Define("latency|graph", func(c *command.Ctx) {
		g, ok := s.lat.mon.Graph(string(c.Args[2]), time.Now().Unix())
		if !ok {
			// The event name as C's %s prints it: up to a NUL.
			c.Error("ERR No samples available for event '" + cString(string(c.Args[2])) + "'")
			return
		}
		c.W.Verbatim(g, "txt")
	})
	t.Define("latency|doctor", func(c *command.Ctx) {
		c.W.Verbatim(s.lat.mon.Doctor(latency.DoctorConfig{
			Threshold:         s.cfg.LatencyMonitorThreshold,
			SlowlogSlowerThan: s.cfg.SlowlogLogSlowerThan,
			FsyncAlways:       s.cfg.AppendFsync == config.FsyncAlways,
			HZ:                s.cfg.HZ,
			AnonHugePages:     anonHugePages(),
		}, time.Now().Unix()), "txt")
	})
	t.Define("latency|histogram", s.cmdLatencyHistogram)
	t.Define("latency|help", func(c *command.Ctx) {
		command.ReplyHelp(c, "LATENCY", []string{
			"DOCTOR", "    Return a human readable latency analysis report.",
			"GRAPH <event>", "    Return an ASCII latency graph for the <event> class.",
			"HISTORY <event>", "    Return time-latency samples for the <event> class.",
			"LATEST", "    Return the latest latency samples for all events.",
			"RESET [<event> ...]", "    Reset latency data of one or more <event> classes.",
			"    (default: reset all data for all event classes)",
			"HISTOGRAM [COMMAND ...]",
			"    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
			"    If no commands are specified then all histograms are replied.",
		})
	})
}

// cmdLatencyHistogram implements LATENCY HISTOGRAM [command ...]: a map
// from command name to its calls and cumulative distribution. A named
// container command stands for its subcommands; unknown names are
// skipped, repeated ones repeated, as in Redis.
func (s *Server) cmdLatencyHistogram(c *command.Ctx) {
	var specs []*command.Spec
	add := func(sp *command.Spec) {
		if sp.Stats.Latency.Count() > 0 {
			specs = append(specs, sp)
		}
	}
	if len(c.Args) == 2 {
		eachSpec(s.table, add)
	} else {
		for _, a := range c.Args[2:] {
			sp := s.table.Get(string(a))
			if sp == nil {
				continue
			}
			add(sp)
			for _, name := range sortedSubNames(sp) {
				add(sp.Subcommands[name])
			}
		}
	}
	c.W.Map(len(specs))
	for _, sp := range specs {
		h := &sp.Stats.Latency
		c.W.BulkString(sp.Name)
		c.W.Map(2)
		c.W.BulkString("calls")
		c.W.Int(h.Count())
		c.W.BulkString("histogram_usec")
		steps := h.Cumulative()
		c.W.Map(len(steps))
		for _, st := range steps {
			c.W.Int(st.UpTo / 1000)
			c.W.Int(st.Count)
		}
	}
}

func sortedSubNames(sp *command.Spec) []string {
	names := make([]string, 0, len(sp.Subcommands))
	for n := range sp.Subcommands {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// anonHugePages reports whether the process has transparent huge pages
// (the AnonHugePages of /proc/self/smaps_rollup), for LATENCY DOCTOR.
func anonHugePages() bool {
	data, err := os.ReadFile("/proc/self/smaps_rollup")
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "AnonHugePages:"); ok {
			f := strings.Fields(rest)
			return len(f) > 0 && f[0] != "0"
		}
	}
	return false
}
