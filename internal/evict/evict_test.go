package evict

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/keyspace"
)

func TestTimeLimit(t *testing.T) {
	tests := []struct {
		tenacity int
		want     time.Duration
	}{
		{0, 0},
		{1, 50 * time.Microsecond},
		{10, 500 * time.Microsecond},
		{11, 575 * time.Microsecond},
		{20, 2022 * time.Microsecond}, // 500 × 1.15^10
		{99, 120 * time.Second},       // about two minutes
		{100, time.Duration(1<<63 - 1)},
	}
	for _, tc := range tests {
		got := TimeLimit(tc.tenacity)
		if tc.tenacity == 99 {
			if got < 100*time.Second || got > 140*time.Second {
				t.Errorf("TimeLimit(99) = %v, want about 2 minutes", got)
			}
			continue
		}
		if got.Round(time.Microsecond) != tc.want {
			t.Errorf("TimeLimit(%d) = %v, want %v", tc.tenacity, got, tc.want)
		}
	}
}

func TestIdleMillis(t *testing.T) {
	tests := []struct {
		now, lru uint32
		want     uint64
	}{
		{100, 100, 0},
		{100, 40, 60000},
		{5, 1<<24 - 1, 5000}, // the clock wrapped
		{0, 1<<24 - 2, 1000}, // likewise
	}
	for _, tc := range tests {
		if got := IdleMillis(tc.now, tc.lru); got != tc.want {
			t.Errorf("IdleMillis(%d, %d) = %d, want %d", tc.now, tc.lru, got, tc.want)
		}
	}
}

// TestPoolInsert checks that the pool keeps the best PoolSize candidates
// by ascending score, each key once.
func TestPoolInsert(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 50; round++ {
		var p Picker
		best := map[string]uint64{}
		for i := 0; i < 200; i++ {
			k := fmt.Sprintf("k%d", rnd.IntN(60))
			score := rnd.Uint64N(1000)
			p.insert(score, 0, []byte(k))
			best[k] = score // a re-inserted key takes its new score
		}
		if p.n > PoolSize {
			t.Fatalf("pool holds %d", p.n)
		}
		seen := map[string]bool{}
		for i := 0; i < p.n; i++ {
			c := p.pool[i]
			if i > 0 && p.pool[i-1].score > c.score {
				t.Fatalf("pool not sorted at %d", i)
			}
			if seen[string(c.key)] {
				t.Fatalf("key %s twice", c.key)
			}
			seen[string(c.key)] = true
		}
	}
}

// dataset builds a keyspace of n keys in db 0 and 3; keys whose number is
// even get a TTL at now+number seconds.
func dataset(n int) *keyspace.Keyspace {
	ks := keyspace.New(4)
	ks.Now = 1_000_000_000
	ks.LRUClock = 50_000
	for i := 0; i < n; i++ {
		db := ks.DBs[0]
		if i%3 == 0 {
			db = ks.DBs[3]
		}
		k := []byte(fmt.Sprintf("key:%d", i))
		e := db.SetString(k, []byte("v"), false)
		if i%2 == 0 {
			db.SetExpire(db.LookupWrite(k), ks.Now+int64(i)*1000)
		}
		_ = e
	}
	return ks
}

// TestPick checks every policy's choice on a small dataset, sampled so
// densely that the approximations find the true best key.
func TestPick(t *testing.T) {
	const n = 40
	tests := []struct {
		policy config.MaxmemoryPolicy
		// setup prepares the access clocks; want checks the first pick.
		setup func(ks *keyspace.Keyspace)
		want  func(key string) bool
	}{
		{config.NoEviction, nil, nil},
		{config.AllkeysRandom, nil, func(string) bool { return true }},
		{config.VolatileRandom, nil, func(k string) bool { return num(k)%2 == 0 }},
		{config.VolatileTTL, nil, func(k string) bool { return k == "key:0" }},
		{config.AllkeysLRU, ageAllBut7, func(k string) bool { return k == "key:7" }},
		{config.VolatileLRU, ageAllBut7, func(k string) bool { return k == "key:6" }},
		{config.AllkeysLFU, hitAllBut(7), func(k string) bool { return k == "key:7" }},
		{config.VolatileLFU, hitAllBut(7, 8), func(k string) bool { return k == "key:8" }},
	}
	for _, tc := range tests {
		t.Run(tc.policy.String(), func(t *testing.T) {
			ks := dataset(n)
			ks.Access.LFU = tc.policy.LFU()
			ks.Access.LogFactor = 0 // every hit counts
			if tc.setup != nil {
				tc.setup(ks)
			}
			var p Picker
			db, key, ok := p.Pick(ks, tc.policy, 2000)
			if tc.want == nil {
				if ok {
					t.Fatalf("picked %s", key)
				}
				return
			}
			if !ok || db.Find(key) == nil {
				t.Fatalf("picked nothing (%v) or an absent key %q", ok, key)
			}
			if !tc.want(string(key)) {
				t.Errorf("picked %s", key)
			}
		})
	}
}

func num(key string) int {
	var n int
	fmt.Sscanf(key, "key:%d", &n)
	return n
}

// ageAllBut7 makes key:7 the least recently used key and key:6 the least
// recently used one with a TTL: key:i is touched at clock 1000+i, except
// key:7 at 10 and key:6 at 20.
func ageAllBut7(ks *keyspace.Keyspace) {
	touch(ks, func(k string) uint32 {
		switch k {
		case "key:7":
			return 10
		case "key:6":
			return 20
		}
		return 1000 + uint32(num(k))
	})
}

func touch(ks *keyspace.Keyspace, clock func(string) uint32) {
	for _, db := range ks.DBs {
		db.Each(func(e *keyspace.Entry) bool {
			e.SetLRU(clock(string(e.Key())))
			return true
		})
	}
}

// hitAllBut reads every key but the given ones three times (an LFU
// counter then reads 8, the others stay at 5).
func hitAllBut(cold ...int) func(ks *keyspace.Keyspace) {
	return func(ks *keyspace.Keyspace) {
		// New keys get their initial counter under the LFU layout.
		touch(ks, func(string) uint32 { return 5 })
		for _, db := range ks.DBs {
			var keys [][]byte
			db.Each(func(e *keyspace.Entry) bool {
				if !slices.Contains(cold, num(string(e.Key()))) {
					keys = append(keys, append([]byte(nil), e.Key()...))
				}
				return true
			})
			for _, k := range keys {
				for range 3 {
					db.Lookup(k)
				}
			}
		}
	}
}

// TestPickEmpty checks that nothing is picked from an empty keyspace, nor
// by a volatile policy when no key has a TTL.
func TestPickEmpty(t *testing.T) {
	ks := keyspace.New(2)
	var p Picker
	for _, pol := range []config.MaxmemoryPolicy{config.AllkeysLRU, config.AllkeysRandom, config.VolatileTTL} {
		if _, k, ok := p.Pick(ks, pol, 5); ok {
			t.Errorf("%s on an empty keyspace picked %q", pol, k)
		}
	}
	ks.DBs[1].SetString([]byte("k"), []byte("v"), false)
	for _, pol := range []config.MaxmemoryPolicy{config.VolatileLRU, config.VolatileLFU, config.VolatileRandom, config.VolatileTTL} {
		if _, k, ok := p.Pick(ks, pol, 5); ok {
			t.Errorf("%s without TTLs picked %q", pol, k)
		}
	}
}

// TestPickDrains evicts every key one by one under each policy: each
// pick is a present key, never twice, until none is left.
func TestPickDrains(t *testing.T) {
	for _, pol := range []config.MaxmemoryPolicy{config.AllkeysLRU, config.AllkeysLFU, config.AllkeysRandom,
		config.VolatileLRU, config.VolatileLFU, config.VolatileRandom, config.VolatileTTL} {
		ks := dataset(100)
		ks.Access.LFU = pol.LFU()
		var p Picker
		want := 100
		if !pol.AllKeys() {
			want = 50
		}
		got := 0
		for {
			db, key, ok := p.Pick(ks, pol, 5)
			if !ok {
				break
			}
			e := db.Find(key)
			if e == nil {
				t.Fatalf("%s: picked absent %s", pol, key)
			}
			if !pol.AllKeys() && !e.HasTTL() {
				t.Fatalf("%s: picked %s without a TTL", pol, key)
			}
			db.Evict(key)
			got++
		}
		if got != want {
			t.Errorf("%s: evicted %d keys, want %d", pol, got, want)
		}
	}
}
