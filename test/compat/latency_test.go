package compat

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/testutil"
)

var (
	// histUsec masks the buckets of a LATENCY HISTOGRAM entry (they
	// depend on timing; internal/latency checks their arithmetic).
	histUsec = regexp.MustCompile(`histogram_usec\r\n[*%]\d+\r\n(:\d+\r\n)*`)
	// digits masks every number, for replies that carry times.
	digits = regexp.MustCompile(`\d+`)
	// percentileValue masks the values of INFO latencystats.
	percentileValue = regexp.MustCompile(`=\d+\.\d{3}`)
)

// TestLatencyShapes sends the same LATENCY and latency-tracking steps to
// both servers, over RESP2 and RESP3, and compares the replies, with
// times and latencies masked where they depend on timing: HELP, the
// replies with no events, LATEST/HISTORY/GRAPH/DOCTOR after a 50 ms
// DEBUG SLEEP with latency-monitor-threshold 1, RESET, HISTOGRAM for
// named commands and containers, INFO latencystats with the default and
// other percentiles and with latency-tracking off, and the errors.
func TestLatencyShapes(t *testing.T) {
	p := StartPair(t)
	type step struct {
		args []string
		mask *regexp.Regexp // nil: compare bytes
		info bool           // an INFO section: sort its lines, mask values
	}
	a := strings.Fields
	steps := []step{
		{args: a("LATENCY HELP")},
		{args: a("LATENCY LATEST")},
		{args: a("LATENCY HISTORY command")},
		{args: a("LATENCY GRAPH command")},
		{args: a("LATENCY RESET")},
		{args: a("LATENCY DOCTOR")},
		{args: a("LATENCY NOSUCH")},
		{args: a("LATENCY HISTORY")},
		{args: a("LATENCY GRAPH a b")},
		{args: a("CONFIG SET latency-monitor-threshold 1")},
		{args: a("DEBUG SLEEP 0.05")},
		{args: a("LATENCY LATEST"), mask: digits},
		{args: a("LATENCY HISTORY command"), mask: digits},
		{args: a("LATENCY HISTORY COMMAND")},
		{args: a("LATENCY GRAPH command"), mask: digits},
		{args: a("LATENCY DOCTOR"), mask: digits},
		{args: a("LATENCY RESET COMMAND nosuch")},
		{args: a("LATENCY LATEST")},
		{args: a("CONFIG SET latency-monitor-threshold 0")},
		{args: a("CONFIG RESETSTAT")},
		{args: a("SET k v")},
		{args: a("SET k v")},
		{args: a("CLIENT ID"), mask: digits},
		{args: a("LATENCY HISTOGRAM set client nosuch get SET client|id"), mask: histUsec},
		{args: a("LATENCY HISTOGRAM set client"), mask: histUsec},
		{args: a("INFO latencystats"), info: true},
		{args: []string{"CONFIG", "SET", "latency-tracking-info-percentiles", "0 100 12.5"}},
		{args: a("INFO latencystats"), info: true},
		{args: []string{"CONFIG", "SET", "latency-tracking-info-percentiles", ""}},
		{args: a("INFO latencystats"), info: true},
		{args: a("CONFIG SET latency-tracking no")},
		{args: a("GET k")},
		{args: a("INFO latencystats"), info: true},
		{args: a("LATENCY HISTOGRAM get")},
		{args: a("CONFIG SET latency-tracking yes")},
		{args: []string{"CONFIG", "SET", "latency-tracking-info-percentiles", "50 99 99.9"}},
		{args: a("CONFIG GET latency-tracking-info-percentiles")},
		{args: a("CONFIG GET latency-tracking")},
	}
	for _, proto := range []string{"2", "3"} {
		t.Run("RESP"+proto, func(t *testing.T) {
			var got [2][]string
			for i, srv := range []*testutil.Server{p.Vesta, p.Redis} {
				c := testutil.Dial(t, srv.Addr)
				c.Do("HELLO", proto)
				c.Do("LATENCY", "RESET")
				for _, st := range steps {
					b := string(c.Do(st.args...))
					switch {
					case st.info:
						_, body, _ := strings.Cut(b, "\r\n")
						lines := strings.Split(strings.TrimSpace(percentileValue.ReplaceAllString(body, "=V")), "\r\n")
						slices.Sort(lines)
						b = strings.Join(lines, "\n")
					case st.mask == histUsec:
						b = histUsec.ReplaceAllString(b, "histogram_usec<masked>")
					case st.mask != nil:
						b = st.mask.ReplaceAllString(b, "N")
					}
					got[i] = append(got[i], strings.Join(st.args, " ")+" -> "+testutil.Escape([]byte(b)))
				}
				c.Close()
			}
			for j := range got[0] {
				if got[0][j] != got[1][j] {
					t.Errorf("step %d\nvesta: %s\nredis: %s", j, got[0][j], got[1][j])
				}
			}
		})
	}
}
