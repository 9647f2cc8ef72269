package server

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vestadb/vesta/internal/command"
)

// maxErrorCodes bounds the distinct error codes INFO errorstats tracks:
// codes first seen past it are not counted (total_error_replies still is).
// Redis 7.0 has no bound (7.2 added this one), so that scripts replying
// made-up error codes could grow the table without end.
const maxErrorCodes = 128

// errorStats are the error counters behind INFO errorstats and the failed
// and rejected calls of INFO commandstats.
type errorStats struct {
	total  int64            // every error reply, since the last reset
	seen   int64            // total when a command was last charged with errors
	byCode map[string]int64 // errorstat_<code>
}

// countError is the client writers' OnError hook: one error reply with the
// given code (its first word). Called under mu.
func (s *Server) countError(code string) {
	s.errs.total++
	if n, ok := s.errs.byCode[code]; ok {
		s.errs.byCode[code] = n + 1
		return
	}
	if s.errs.byCode == nil {
		s.errs.byCode = map[string]int64{}
	}
	if len(s.errs.byCode) < maxErrorCodes {
		s.errs.byCode[code] = 1
	}
}

// rejected charges a command refused before it ran (arity, NOAUTH,
// MISCONF, LOADING, ...) with one rejected call. Unknown commands and
// subcommands have no spec and are only counted in errorstats. Like Redis,
// the errors counted so far are settled here, so that they are not charged
// to the next command as a failure.
func (s *Server) rejected(spec *command.Spec) {
	if spec != nil && s.errs.total > s.errs.seen {
		spec.Stats.Rejected++
	}
	s.errs.seen = s.errs.total
}

// afterCall does the bookkeeping of one executed command (Redis's call()
// after the proc): calls and time, a failed call if it replied an error
// since the last settlement (so EXEC is not charged with the errors of the
// commands it ran, which settle their own), and the slow log. The AOF
// loader's client (id -1) is not counted, as in Redis. Called under mu.
func (s *Server) afterCall(cl *client, spec *command.Spec, args [][]byte, start, end time.Time) {
	if cl.id < 0 {
		return
	}
	elapsed := end.Sub(start)
	dur := elapsed.Microseconds()
	st := &spec.Stats
	if s.errs.total > s.errs.seen {
		st.Failed++
	}
	s.errs.seen = s.errs.total
	if cl.block != nil {
		// Counted when it is served, times out or is unblocked.
		cl.block.usec = dur
		return
	}
	st.Calls++
	st.Usec += dur
	s.commandLatency(spec, elapsed)
	if spec.Flags&command.SkipSlowlog == 0 {
		s.slowlogPush(cl, args, dur, start)
	}
}

// How a blocked command that ended reaches the slow log, as in Redis 7.0:
// a served one with its arguments, a timed-out one not at all, one ended
// by CLIENT UNBLOCK with no arguments (Redis has freed them by then).
const (
	slowlogServed = iota
	slowlogNone
	slowlogNoArgs
)

// blockedDone counts a blocked command once it is served (usec: the time
// serving took), timed out or unblocked, as Redis's updateStatsOnUnblock
// does: one call, the time of its first run plus usec, a failed call if it
// ended with an error, and the slow log as slowlog says. Called under mu.
func (s *Server) blockedDone(cl *client, usec int64, failed bool, slowlog int) {
	b := cl.block
	if b == nil || b.spec == nil || cl.id < 0 {
		return
	}
	st := &b.spec.Stats
	st.Calls++
	total := b.usec + usec
	st.Usec += total
	if failed {
		st.Failed++
	}
	s.unblockedLatency(b.spec, total, usec)
	if b.spec.Flags&command.SkipSlowlog == 0 && slowlog != slowlogNone {
		args := b.args
		if slowlog == slowlogNoArgs {
			args = nil
		}
		s.slowlogPush(cl, args, total, time.Now().Add(-time.Duration(total)*time.Microsecond))
	}
}

// resetCallStats clears commandstats and errorstats (CONFIG RESETSTAT).
func (s *Server) resetCallStats() {
	eachSpec(s.table, func(spec *command.Spec) { spec.Stats = command.CallStats{} })
	s.errs = errorStats{}
}

// infoCommandStats writes INFO commandstats: one line per command or
// subcommand that was called or refused, by name.
func (s *Server) infoCommandStats(b *strings.Builder) {
	var specs []*command.Spec
	eachSpec(s.table, func(spec *command.Spec) {
		if st := spec.Stats; st.Calls > 0 || st.Rejected > 0 || st.Failed > 0 {
			specs = append(specs, spec)
		}
	})
	slices.SortFunc(specs, func(a, b *command.Spec) int { return strings.Compare(a.Name, b.Name) })
	for _, spec := range specs {
		st := spec.Stats
		per := 0.0
		if st.Calls > 0 {
			per = float64(st.Usec) / float64(st.Calls)
		}
		b.WriteString("cmdstat_")
		b.WriteString(spec.Name)
		b.WriteString(":calls=")
		b.WriteString(strconv.FormatInt(st.Calls, 10))
		b.WriteString(",usec=")
		b.WriteString(strconv.FormatInt(st.Usec, 10))
		b.WriteString(",usec_per_call=")
		b.WriteString(strconv.FormatFloat(per, 'f', 2, 64))
		b.WriteString(",rejected_calls=")
		b.WriteString(strconv.FormatInt(st.Rejected, 10))
		b.WriteString(",failed_calls=")
		b.WriteString(strconv.FormatInt(st.Failed, 10))
		b.WriteString("\r\n")
	}
}

// infoErrorStats writes INFO errorstats: errorstat_<code>:count=<n> in
// code order (Redis keeps them in a radix tree).
func (s *Server) infoErrorStats(b *strings.Builder) {
	codes := make([]string, 0, len(s.errs.byCode))
	for c := range s.errs.byCode {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		b.WriteString("errorstat_")
		b.WriteString(c)
		b.WriteString(":count=")
		b.WriteString(strconv.FormatInt(s.errs.byCode[c], 10))
		b.WriteString("\r\n")
	}
}

// eachSpec calls fn for every command and subcommand of t.
func eachSpec(t *command.Table, fn func(*command.Spec)) {
	for _, spec := range t.All() {
		fn(spec)
		for _, sub := range spec.Subcommands {
			fn(sub)
		}
	}
}
