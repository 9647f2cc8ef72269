package script

import (
	"os"
	"runtime"
	"strconv"
	"testing"

	"github.com/vestadb/vesta/internal/resp"
)

// TestMeasure prints the figures docs/ARCHITECTURE.md records for the
// choice of gopher-lua (VESTA_MEASURE=1): the cost of one Lua state, of one
// cached script, and the time of a one-call script run.
func TestMeasure(t *testing.T) {
	if os.Getenv("VESTA_MEASURE") == "" {
		t.Skip("VESTA_MEASURE=1 prints the engine's figures")
	}
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := heap()
	engines := make([]*Engine, 20)
	for i := range engines {
		engines[i] = New()
	}
	t.Logf("one Lua state: %d bytes", (heap()-before)/uint64(len(engines)))
	e := engines[0]
	before = heap()
	const n = 1000
	for i := 0; i < n; i++ {
		e.Load("local v = redis.call('INCR', KEYS[1]) if v > " + strconv.Itoa(i) + " then return v end return 0")
	}
	t.Logf("one cached script (~80 bytes of source): %d bytes (estimate used by INFO: %d)", (heap()-before)/n, e.Memory()/n)
	sha, _ := e.Load("return redis.call('INCR', KEYS[1])")
	h := &fakeHost{}
	keys := [][]byte{[]byte("k")}
	r := testing.Benchmark(func(b *testing.B) {
		w := resp.Writer{}
		for i := 0; i < b.N; i++ {
			w.Reset()
			h.calls = h.calls[:0]
			e.Run(sha, keys, nil, h, &w)
		}
	})
	t.Logf("EVALSHA of a one-call script, engine side: %v/op, %d allocs/op", r.NsPerOp(), r.AllocsPerOp())
	runtime.KeepAlive(engines)
}
