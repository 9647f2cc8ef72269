package keyspace

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"testing"
)

func TestDictModel(t *testing.T) {
	NewDict().Prefetch([][]byte{[]byte("k")}) // no table yet
	for seed := uint64(1); seed <= 5; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rnd := rand.New(rand.NewPCG(seed, 0))
			ks := New(1)
			db := ks.DBs[0]
			model := map[string]string{}
			for i := 0; i < 50000; i++ {
				k := fmt.Sprintf("k%d", rnd.IntN(3000))
				switch rnd.IntN(10) {
				case 0, 1, 2, 3:
					v := fmt.Sprint(rnd.Int())
					db.SetString([]byte(k), []byte(v), false)
					model[k] = v
				case 4, 5, 6:
					_, had := model[k]
					if got := db.Delete([]byte(k)); got != had {
						t.Fatalf("Delete(%s) = %v, want %v", k, got, had)
					}
					delete(model, k)
				case 7:
					ks.Cron(rnd.IntN(50))
				default:
					// Prefetch, in every state of the table (empty,
					// rehashing), must change nothing.
					db.Prefetch([][]byte{[]byte(k), []byte(fmt.Sprintf("k%d", rnd.IntN(3000))), {}})
					e := db.Lookup([]byte(k))
					v, ok := model[k]
					if (e != nil) != ok || (ok && string(e.Str()) != v) {
						t.Fatalf("Lookup(%s) mismatch", k)
					}
				}
				if db.Len() != len(model) {
					t.Fatalf("Len = %d, want %d", db.Len(), len(model))
				}
			}
			// Delete most keys so the table shrinks, then check everything.
			for k := range model {
				if rnd.IntN(10) > 0 {
					db.Delete([]byte(k))
					delete(model, k)
				}
			}
			for db.ShrinkIfNeeded() || db.rehashing() {
				db.Rehash(100)
			}
			n := 0
			db.Each(func(e *Entry) bool {
				n++
				if model[string(e.Key())] != string(e.Str()) {
					t.Fatalf("entry %s has a wrong value", e.Key())
				}
				return true
			})
			if n != len(model) {
				t.Fatalf("Each saw %d entries, want %d", n, len(model))
			}
		})
	}
}

// Ensure that SCAN returns every key that is present for the whole scan at
// least once, even while the table grows and shrinks between calls.
func TestDictScanGuarantee(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 7))
	ks := New(1)
	db := ks.DBs[0]
	for i := 0; i < 1000; i++ {
		db.SetString([]byte(fmt.Sprintf("stable%d", i)), []byte("v"), false)
	}
	seen := map[string]bool{}
	cursor := uint64(0)
	churn := 0
	for {
		cursor = db.Scan(cursor, func(e *Entry) { seen[string(e.Key())] = true })
		// Grow a lot, then shrink, while scanning.
		for j := 0; j < 40; j++ {
			churn++
			k := []byte(fmt.Sprintf("tmp%d", churn))
			if churn%3000 < 1500 {
				db.SetString(k, []byte("x"), false)
			} else {
				db.Delete([]byte(fmt.Sprintf("tmp%d", churn-1500)))
			}
		}
		if rnd.IntN(4) == 0 {
			ks.Cron(rnd.IntN(20))
		}
		if cursor == 0 {
			break
		}
	}
	for i := 0; i < 1000; i++ {
		if !seen[fmt.Sprintf("stable%d", i)] {
			t.Fatalf("stable%d was never returned by SCAN", i)
		}
	}
}

func TestTTLIndex(t *testing.T) {
	ks := New(1)
	db := ks.DBs[0]
	ks.Now = 1000
	for i := 0; i < 100; i++ {
		e := db.SetString([]byte(fmt.Sprint(i)), []byte("v"), false)
		db.SetExpire(db.LookupWrite(e.Key()), int64(2000+i))
	}
	if db.ExpiresLen() != 100 {
		t.Fatalf("ExpiresLen = %d, want 100", db.ExpiresLen())
	}
	for i := 0; i < 100; i += 2 {
		db.Persist(db.LookupWrite([]byte(fmt.Sprint(i))))
	}
	for i := 1; i < 100; i += 4 {
		db.Delete([]byte(fmt.Sprint(i)))
	}
	for i := 0; i < 100; i++ {
		e := db.Find([]byte(fmt.Sprint(i)))
		switch {
		case i%4 == 1:
			if e != nil {
				t.Fatalf("%d: deleted key still present", i)
			}
		case i%2 == 0:
			if got := db.ExpireAt(e); got != -1 {
				t.Fatalf("%d: ExpireAt = %d, want -1", i, got)
			}
		default:
			if got := db.ExpireAt(e); got != int64(2000+i) {
				t.Fatalf("%d: ExpireAt = %d, want %d", i, got, 2000+i)
			}
		}
	}
	// Everything expires: lazy lookups and the active cycle delete them.
	var expired []string
	ks.Hooks.Expired = func(db *DB, key []byte) { expired = append(expired, string(key)) }
	ks.Now = 10000
	if db.Lookup([]byte("3")) != nil {
		t.Fatal("expired key returned by Lookup")
	}
	var c ExpireCycle
	for db.ExpiresLen() > 0 {
		ks.ActiveExpire(&c, 1e9, 1)
	}
	if len(expired) != 25 || ks.Stats.ExpiredKeys != 25 {
		t.Fatalf("expired %d keys (stat %d), want 25", len(expired), ks.Stats.ExpiredKeys)
	}
}

type snapVal struct {
	val string
	ttl int64
}

func dump(ks *Keyspace) map[int]map[string]snapVal {
	out := map[int]map[string]snapVal{}
	for _, db := range ks.DBs {
		if db.Len() == 0 {
			continue
		}
		m := map[string]snapVal{}
		db.Each(func(e *Entry) bool {
			m[string(e.Key())] = snapVal{string(e.Str()), db.ExpireAt(e)}
			return true
		})
		out[db.ID] = m
	}
	return out
}

// Ensure that a snapshot sees every key exactly once with the value and TTL
// it had at the cut, while random writes (including ones that resize the
// table, FLUSHDB and SWAPDB) run between walker steps.
func TestSnapshotPointInTime(t *testing.T) {
	for seed := uint64(1); seed <= 40; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rnd := rand.New(rand.NewPCG(seed, 99))
			ks := New(3)
			space := 50 + rnd.IntN(3000)
			op := func() {
				db := ks.DBs[rnd.IntN(3)]
				k := []byte(fmt.Sprintf("k%d", rnd.IntN(space)))
				switch r := rnd.IntN(100); {
				case r < 40:
					db.SetString(k, []byte(fmt.Sprint(rnd.Int())), rnd.IntN(2) == 0)
				case r < 50:
					if e := db.LookupWrite(k); e != nil {
						db.UpdateString(e, append(append([]byte(nil), e.Str()...), 'x'), EncRaw)
					}
				case r < 60:
					if e := db.LookupWrite(k); e != nil {
						db.SetExpire(e, int64(1e12+rnd.IntN(1000)))
					}
				case r < 65:
					if e := db.LookupWrite(k); e != nil {
						db.Persist(e)
					}
				case r < 90:
					db.Delete(k)
				case r < 97:
					ks.Cron(rnd.IntN(30))
				case r < 98:
					db.Flush()
				default:
					ks.Swap(rnd.IntN(3), rnd.IntN(3))
				}
			}
			for i := 0; i < rnd.IntN(20000); i++ {
				op()
			}
			got := map[int]map[string]snapVal{}
			snap := ks.StartSnapshot(func(db int, e *Entry, at int64) {
				if got[db] == nil {
					got[db] = map[string]snapVal{}
				}
				k := string(e.Key())
				if _, dup := got[db][k]; dup {
					t.Fatalf("key %s of db %d serialised twice", k, db)
				}
				got[db][k] = snapVal{string(e.Str()), at}
			})
			want := dump(ks)
			for {
				for i := rnd.IntN(200); i > 0; i-- {
					op()
				}
				if snap.Step(1+rnd.IntN(64), func() bool { return true }) {
					break
				}
			}
			snap.End()
			if len(got) != len(want) {
				t.Fatalf("snapshot has %d dbs, want %d", len(got), len(want))
			}
			for id, m := range want {
				if !maps.Equal(m, got[id]) {
					t.Fatalf("db %d: snapshot differs from the dataset at the cut (%d vs %d keys)", id, len(got[id]), len(m))
				}
			}
			if snap.Keys != snap.Total {
				t.Fatalf("Keys = %d, Total = %d", snap.Keys, snap.Total)
			}
			// The next snapshot works too, with no writes in between.
			n := 0
			s2 := ks.StartSnapshot(func(int, *Entry, int64) { n++ })
			for !s2.Step(1000, func() bool { return true }) {
			}
			s2.End()
			total := 0
			for _, db := range ks.DBs {
				total += db.Len()
			}
			if n != total {
				t.Fatalf("second snapshot saw %d keys, want %d", n, total)
			}
		})
	}
}

func BenchmarkDictSet(b *testing.B) {
	ks := New(1)
	db := ks.DBs[0]
	keys := make([][]byte, 1<<16)
	for i := range keys {
		keys[i] = []byte(fmt.Sprintf("key:%012d", i))
	}
	val := []byte("xxx")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		db.SetString(keys[i&(len(keys)-1)], val, false)
		i++
	}
}

func BenchmarkDictGet(b *testing.B) {
	ks := New(1)
	db := ks.DBs[0]
	keys := make([][]byte, 1<<16)
	for i := range keys {
		keys[i] = []byte(fmt.Sprintf("key:%012d", i))
		db.SetString(keys[i], []byte("xxx"), false)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		db.Lookup(keys[i&(len(keys)-1)])
		i++
	}
}

func BenchmarkDictGrow(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		ks := New(1)
		db := ks.DBs[0]
		for i := 0; i < 100000; i++ {
			db.AddString(fmt.Appendf(nil, "k%d", i), nil)
		}
	}
}

// BenchmarkDictLookup16 looks up 16 random keys of 2M at a time, as a
// pipeline of 16 GETs does, with and without Prefetch first.
func BenchmarkDictLookup16(b *testing.B) {
	ks := New(1)
	db := ks.DBs[0]
	const n = 1 << 21
	keys := make([][]byte, n)
	for i := range keys {
		keys[i] = []byte(fmt.Sprintf("key:%012d", i))
		db.SetString(keys[i], []byte("xxx"), false)
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	batch := make([][]byte, 16)
	for _, prefetch := range []bool{false, true} {
		b.Run(fmt.Sprintf("prefetch=%v", prefetch), func(b *testing.B) {
			for b.Loop() {
				for i := range batch {
					batch[i] = keys[rnd.IntN(n)]
				}
				if prefetch {
					db.Prefetch(batch)
				}
				for _, k := range batch {
					if db.Lookup(k) == nil {
						b.Fatal("key missing")
					}
				}
			}
		})
	}
}
