package latency

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// SeriesLen is how many samples an event keeps (Redis's LATENCY_TS_LEN).
const SeriesLen = 160

// Sample is one second's worst latency of an event.
type Sample struct {
	Time    int64 // unix seconds
	Latency int64 // milliseconds
}

// series is one event's ring of samples.
type series struct {
	samples [SeriesLen]Sample
	idx     int   // where the next sample goes
	max     int64 // all-time high
}

// Monitor is the latency monitor: per event, the worst latency of each
// second in which the event went over latency-monitor-threshold, the last
// SeriesLen of them, and the all-time high. It is safe for concurrent
// use (the AOF writer reports from its own goroutine). Events are listed
// in the order they were first seen, where Redis lists them in its hash
// table's order.
type Monitor struct {
	mu     sync.Mutex
	events map[string]*series
	order  []string
	// threshold is latency-monitor-threshold in milliseconds; 0 turns
	// the monitor off. Read without the lock: the check costs every
	// command one atomic load.
	threshold atomic.Int64
}

// SetThreshold sets latency-monitor-threshold (ms).
func (m *Monitor) SetThreshold(ms int64) { m.threshold.Store(ms) }

// Threshold returns latency-monitor-threshold (ms).
func (m *Monitor) Threshold() int64 { return m.threshold.Load() }

// AddIfNeeded records a latency of ms milliseconds for event, now, when
// the monitor is on and ms reaches the threshold (Redis's
// latencyAddSampleIfNeeded).
func (m *Monitor) AddIfNeeded(event string, ms int64) {
	if t := m.threshold.Load(); t == 0 || ms < t {
		return
	}
	m.AddIfNeededAt(event, ms, time.Now().Unix())
}

// AddIfNeededAt is AddIfNeeded at unix second now.
func (m *Monitor) AddIfNeededAt(event string, ms, now int64) {
	if t := m.threshold.Load(); t == 0 || ms < t {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.add(event, ms, now)
}

func (m *Monitor) add(event string, ms, now int64) {
	ts := m.events[event]
	if ts == nil {
		if m.events == nil {
			m.events = map[string]*series{}
		}
		ts = &series{}
		m.events[event] = ts
		m.order = append(m.order, event)
	}
	ts.max = max(ts.max, ms)
	// One sample per second: the worst of that second.
	prev := &ts.samples[(ts.idx+SeriesLen-1)%SeriesLen]
	if prev.Time == now {
		prev.Latency = max(prev.Latency, ms)
		return
	}
	ts.samples[ts.idx] = Sample{Time: now, Latency: ms}
	ts.idx = (ts.idx + 1) % SeriesLen
}

// Latest is one row of LATENCY LATEST.
type Latest struct {
	Event         string
	Time, Latency int64 // the last sample
	Max           int64 // all-time high
}

// Latest returns the last sample of every event.
func (m *Monitor) Latest() []Latest {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Latest, 0, len(m.order))
	for _, e := range m.order {
		ts := m.events[e]
		last := ts.samples[(ts.idx+SeriesLen-1)%SeriesLen]
		out = append(out, Latest{Event: e, Time: last.Time, Latency: last.Latency, Max: ts.max})
	}
	return out
}

// History returns an event's samples, oldest first (nil if it has none).
func (m *Monitor) History(event string) []Sample {
	m.mu.Lock()
	defer m.mu.Unlock()
	ts := m.events[event]
	if ts == nil {
		return nil
	}
	return ts.history()
}

func (ts *series) history() []Sample {
	var out []Sample
	for j := 0; j < SeriesLen; j++ {
		s := ts.samples[(ts.idx+j)%SeriesLen]
		if s.Time != 0 {
			out = append(out, s)
		}
	}
	return out
}

// Reset forgets the named events (matched without regard to case, as
// Redis does), or every event when none is named, and returns how many
// it forgot.
func (m *Monitor) Reset(events ...string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(events) == 0 {
		n := len(m.order)
		m.events, m.order = nil, nil
		return n
	}
	n := 0
	for _, want := range events {
		kept := m.order[:0]
		for _, e := range m.order {
			if strings.EqualFold(e, want) {
				delete(m.events, e)
				n++
				continue
			}
			kept = append(kept, e)
		}
		m.order = kept
	}
	return n
}

// graphCols is the width of LATENCY GRAPH (LATENCY_GRAPH_COLS).
const graphCols = 80

// Graph renders LATENCY GRAPH for event at unix second now; ok is false
// when the event has no samples.
func (m *Monitor) Graph(event string, now int64) (graph string, ok bool) {
	m.mu.Lock()
	ts := m.events[event]
	if ts == nil {
		m.mu.Unlock()
		return "", false
	}
	hist, all := ts.history(), ts.max
	m.mu.Unlock()

	var lo, hi int64
	seq := make([]sparkSample, 0, len(hist))
	for i, s := range hist {
		if i == 0 {
			lo, hi = s.Latency, s.Latency
		}
		lo, hi = min(lo, s.Latency), max(hi, s.Latency)
		seq = append(seq, sparkSample{float64(s.Latency), agoLabel(now - s.Time)})
	}
	var b strings.Builder
	b.WriteString(event)
	b.WriteString(" - high ")
	b.WriteString(strconv.FormatInt(hi, 10))
	b.WriteString(" ms, low ")
	b.WriteString(strconv.FormatInt(lo, 10))
	b.WriteString(" ms (all time high ")
	b.WriteString(strconv.FormatInt(all, 10))
	b.WriteString(" ms)\n")
	b.WriteString(strings.Repeat("-", graphCols))
	b.WriteByte('\n')
	renderSparkline(&b, seq, graphCols, 4)
	return b.String(), true
}

// agoLabel is a sample's label in LATENCY GRAPH: how long ago, in the
// largest unit under which it fits.
func agoLabel(sec int64) string {
	switch {
	case sec < 60:
		return strconv.FormatInt(sec, 10) + "s"
	case sec < 3600:
		return strconv.FormatInt(sec/60, 10) + "m"
	case sec < 86400:
		return strconv.FormatInt(sec/3600, 10) + "h"
	}
	return strconv.FormatInt(sec/86400, 10) + "d"
}

// EventStats are an event's figures for LATENCY DOCTOR.
type EventStats struct {
	Event              string
	Samples            int
	Avg, MAD, Min, Max int64 // over the samples kept, ms
	Period             int64 // seconds from the oldest sample to now (at least 1)
	AllTimeHigh        int64
}

// Stats analyses every event as LATENCY DOCTOR does, at unix second now.
func (m *Monitor) Stats(now int64) []EventStats {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []EventStats
	for _, e := range m.order {
		ts := m.events[e]
		st := EventStats{Event: e, AllTimeHigh: ts.max}
		var sum, oldest int64
		for _, s := range ts.samples {
			if s.Time == 0 {
				continue
			}
			st.Samples++
			if st.Samples == 1 {
				st.Min, st.Max = s.Latency, s.Latency
			}
			st.Min, st.Max = min(st.Min, s.Latency), max(st.Max, s.Latency)
			sum += s.Latency
			if oldest == 0 || s.Time < oldest {
				oldest = s.Time
			}
		}
		if st.Samples > 0 {
			st.Avg = sum / int64(st.Samples)
			st.Period = max(now-oldest, 1)
			var dev int64
			for _, s := range ts.samples {
				if s.Time != 0 {
					d := st.Avg - s.Latency
					dev += max(d, -d)
				}
			}
			st.MAD = dev / int64(st.Samples)
		}
		out = append(out, st)
	}
	return out
}

// Len is how many events have samples.
func (m *Monitor) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.order)
}
