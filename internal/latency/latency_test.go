package latency

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// The expected figures are redis-server 7.0.15's, read from INFO
// latencystats and LATENCY HISTOGRAM after commands of known duration.
func TestHistogramPercentiles(t *testing.T) {
	for _, tc := range []struct {
		values []int64
		p      float64
		want   int64
	}{
		{[]int64{3000}, 0, 2992},
		{[]int64{3000}, 100, 3007},
		{[]int64{3000, 5000}, 100, 5023},
		{[]int64{4000, 4000, 5000}, 50, 4015},
		{[]int64{4000, 4000, 5000}, 99, 5023},
		{[]int64{96000}, 50, 96255},
		{[]int64{96000}, 0, 95744},
		{[]int64{2000}, 99.9, 2007},
		{[]int64{0}, 50, 1}, // clamped to MinValue
		{[]int64{1 << 40}, 50, 1_000_000_000 + 1<<22 - 1 - 1_000_000_000%(1<<22)}, // clamped to MaxValue
		{[]int64{100, 200, 255}, 100, 255},                                        // single-unit resolution below 256
		{nil, 50, 0},
	} {
		var h Histogram
		for _, v := range tc.values {
			h.Record(v)
		}
		if got := h.Percentile(tc.p); got != tc.want {
			t.Errorf("%v p%v = %d, want %d", tc.values, tc.p, got, tc.want)
		}
	}
}

func TestHistogramCumulative(t *testing.T) {
	var h Histogram
	for _, v := range []int64{4000, 4000, 5000} {
		h.Record(v)
	}
	got := h.Cumulative()
	want := []Step{{4127, 2}, {8255, 3}}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	// The bounds Redis prints (divided by 1000): 1 2 4 8 16 33 66 132 ...
	var all Histogram
	for v := int64(1000); v <= 600_000_000; v *= 2 {
		all.Record(v)
	}
	all.Record(900_000_000)
	var keys []int64
	for _, s := range all.Cumulative() {
		keys = append(keys, s.UpTo/1000)
	}
	wantKeys := []int64{1, 2, 4, 8, 16, 33, 66, 132, 264, 528, 1056, 2113, 4227, 8454, 16908, 33816, 67633, 135266, 270532, 541065}
	if !slices.Equal(keys, wantKeys) {
		t.Fatalf("bounds %v, want %v", keys, wantKeys)
	}
	// 900,000,000 lies past the last level: counted,
	// but in no step, as in Redis.
	if c := all.Cumulative(); c[len(c)-1].Count != all.Count()-1 {
		t.Fatalf("last step %v of %d", c[len(c)-1], all.Count())
	}
}

// Every value is kept within 1/128 of itself, and percentiles agree with
// a sort of the raw values to that precision.
func TestHistogramPrecision(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var h Histogram
	var raw []int64
	for i := 0; i < 20000; i++ {
		v := int64(r.ExpFloat64()*50_000) + 1
		raw = append(raw, min(v, MaxValue))
		h.Record(v)
	}
	slices.Sort(raw)
	for _, p := range []float64{1, 50, 90, 99, 99.9, 100} {
		idx := max(int(p/100*float64(len(raw))+0.5), 1) - 1
		exact := raw[idx]
		got := h.Percentile(p)
		if got < exact || float64(got-exact) > float64(exact)/128+1 {
			t.Errorf("p%v = %d, exact %d", p, got, exact)
		}
	}
}

func TestMonitor(t *testing.T) {
	var m Monitor
	m.AddIfNeededAt("command", 50, 100) // off: threshold 0
	if m.Len() != 0 {
		t.Fatal("sample kept with the monitor off")
	}
	m.SetThreshold(10)
	m.AddIfNeededAt("command", 5, 100) // under the threshold
	m.AddIfNeededAt("command", 50, 100)
	m.AddIfNeededAt("command", 20, 100) // same second: the worst stays
	m.AddIfNeededAt("command", 30, 101)
	m.AddIfNeededAt("fast-command", 12, 101)
	if got := m.History("command"); !slices.Equal(got, []Sample{{100, 50}, {101, 30}}) {
		t.Fatalf("history %v", got)
	}
	if got := m.Latest(); !slices.Equal(got, []Latest{{"command", 101, 30, 50}, {"fast-command", 101, 12, 12}}) {
		t.Fatalf("latest %v", got)
	}
	for i := int64(0); i < SeriesLen+5; i++ {
		m.AddIfNeededAt("expire-cycle", 10+i, 1000+i)
	}
	h := m.History("expire-cycle")
	if len(h) != SeriesLen || h[0].Time != 1005 || h[len(h)-1].Time != 1000+SeriesLen+4 {
		t.Fatalf("ring: %d samples, %v .. %v", len(h), h[0], h[len(h)-1])
	}
	if n := m.Reset("COMMAND", "nosuch"); n != 1 {
		t.Fatalf("reset %d", n)
	}
	if n := m.Reset(); n != 2 {
		t.Fatalf("reset all %d", n)
	}
}

// The graph of one sample, byte for byte as redis-server 7.0.15 drew it.
func TestGraph(t *testing.T) {
	var m Monitor
	m.SetThreshold(1)
	m.AddIfNeededAt("command", 50, 1000)
	got, ok := m.Graph("command", 1000)
	want := "command - high 50 ms, low 50 ms (all time high 50 ms)\n" + strings.Repeat("-", 80) + "\n" +
		" \n \n \n_\n \n0\ns\n"
	if !ok || got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	if _, ok := m.Graph("nosuch", 1000); ok {
		t.Fatal("graph of an unknown event")
	}
	// Three samples: the highest reaches the top row, labels in minutes.
	m.AddIfNeededAt("command", 10, 1001)
	m.AddIfNeededAt("command", 100, 1002)
	got, _ = m.Graph("command", 1002+120)
	lines := strings.Split(got, "\n")
	if strings.Join(lines[2:], "/") != "  #/  |/# |/|_|/   /222/mmm/" {
		t.Fatalf("graph %q", got)
	}
}

func TestDoctor(t *testing.T) {
	var m Monitor
	cfg := DoctorConfig{SlowlogSlowerThan: 10000, HZ: 10}
	if got := m.Doctor(cfg, 1000); !strings.HasPrefix(got, "I'm sorry, Dave") {
		t.Fatal(got)
	}
	cfg.Threshold = 1
	m.SetThreshold(1)
	if got := m.Doctor(cfg, 1000); !strings.HasPrefix(got, "Dave, no latency spike") {
		t.Fatal(got)
	}
	m.AddIfNeededAt("command", 50, 1000)
	want := "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n" +
		"1. command: 1 latency spikes (average 50ms, mean deviation 0ms, period 1.00 sec). Worst all time event 50ms.\n" +
		"\nI have a few advices for you:\n\n" +
		"- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than 1000'.\n" +
		adviceText[adviseSlowlogInspect] + adviceText[adviseLargeObjects]
	if got := m.Doctor(cfg, 1000); got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

func BenchmarkRecord(b *testing.B) {
	var h Histogram
	for i := 0; i < b.N; i++ {
		h.Record(int64(i&0xffff) * 1000)
	}
}

// FuzzHistogram records arbitrary values and checks the invariants:
// percentiles grow with p and bound the values, the cumulative steps grow
// and never exceed the count.
func FuzzHistogram(f *testing.F) {
	f.Add([]byte{0, 1, 2, 255, 7, 9, 200, 100})
	f.Add([]byte("\xff\xff\xff\xff\xff\xff\xff\x7f"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var h Histogram
		var lo, hi int64 = MaxValue, MinValue
		for len(data) >= 4 {
			v := int64(data[0]) | int64(data[1])<<8 | int64(data[2])<<16 | int64(data[3])<<24
			v <<= data[0] % 9
			data = data[4:]
			h.Record(v)
			c := min(max(v, MinValue), MaxValue)
			lo, hi = min(lo, c), max(hi, c)
		}
		if h.Count() == 0 {
			if h.Percentile(50) != 0 || len(h.Cumulative()) != 0 {
				t.Fatal("empty histogram reports values")
			}
			return
		}
		prev := int64(0)
		for _, p := range []float64{0, 0.1, 1, 25, 50, 75, 99, 99.9, 100, 1000} {
			v := h.Percentile(p)
			if v < prev || v < lowest(lo) || v > highest(hi) {
				t.Fatalf("p%v = %d (previous %d, values %d..%d)", p, v, prev, lo, hi)
			}
			prev = v
		}
		var last Step
		for _, s := range h.Cumulative() {
			if s.UpTo <= last.UpTo || s.Count <= last.Count || s.Count > h.Count() {
				t.Fatalf("steps %v", h.Cumulative())
			}
			last = s
		}
	})
}

// FuzzGraph draws arbitrary sample series: no panic, and every line of
// the drawing is as wide as its chunk of samples.
func FuzzGraph(f *testing.F) {
	f.Add([]byte{1, 50, 2, 10, 3, 100})
	f.Fuzz(func(t *testing.T, data []byte) {
		var m Monitor
		m.SetThreshold(1)
		now := int64(1000)
		for len(data) >= 2 {
			now += int64(data[0]%3) + 1
			m.AddIfNeededAt("e", int64(data[1])<<(data[0]%40), now)
			data = data[2:]
		}
		g, ok := m.Graph("e", now+int64(len(data))*100000)
		if !ok {
			return
		}
		n := len(m.History("e"))
		lines := strings.Split(strings.TrimSuffix(g, "\n"), "\n")[2:]
		for _, l := range lines {
			if l != "" && len(l) != min(n, graphCols) && len(l) != n%graphCols {
				t.Fatalf("line %q of a %d-sample graph", l, n)
			}
		}
	})
}
