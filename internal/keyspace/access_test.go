package keyspace

import "testing"

func TestLFUCounter(t *testing.T) {
	const minute = 60000
	tests := []struct {
		name    string
		decay   int
		counter uint32
		lastMin uint32
		nowMin  int64
		want    uint8
	}{
		{"fresh", 1, 5, 100, 100, 5},
		{"one idle minute", 1, 5, 100, 101, 4},
		{"decay 2, three minutes", 2, 9, 100, 103, 8},
		{"decays to zero", 1, 3, 100, 110, 0},
		{"no decay", 0, 7, 100, 10000, 7},
		{"minute clock wrapped", 1, 20, 65530, 65536 + 4, 11}, // 65535-65530+4 = 9 periods
	}
	for _, tc := range tests {
		ks := New(1)
		ks.Access = Access{LFU: true, LogFactor: 10, DecayTime: tc.decay}
		ks.Now = tc.nowMin * minute
		e := newStringEntry([]byte("k"), nil)
		e.setLRU(tc.lastMin<<8 | tc.counter)
		if got := ks.LFUCounter(e); got != tc.want {
			t.Errorf("%s: LFUCounter = %d, want %d", tc.name, got, tc.want)
		}
	}
}

// TestLFUAccess checks the logarithmic increment: with lfu-log-factor 0
// every access counts up to 255; with the default a thousand accesses
// raise a new key's counter but far less than a thousand.
func TestLFUAccess(t *testing.T) {
	ks := New(1)
	ks.Now = 1_700_000_000_000
	db := ks.DBs[0]
	ks.Access = Access{LFU: true, LogFactor: 0, DecayTime: 1}
	db.SetString([]byte("a"), []byte("v"), false)
	e := db.Peek([]byte("a"))
	if got := ks.LFUCounter(e); got != lfuInitVal {
		t.Fatalf("new key: counter %d, want %d", got, lfuInitVal)
	}
	for range 300 {
		db.Lookup([]byte("a"))
	}
	if got := ks.LFUCounter(e); got != 255 {
		t.Errorf("log factor 0: counter %d after 300 hits, want 255", got)
	}

	ks.Access.LogFactor = 10
	db.SetString([]byte("b"), []byte("v"), false)
	for range 1000 {
		db.Lookup([]byte("b"))
	}
	got := ks.LFUCounter(db.Peek([]byte("b")))
	if got <= lfuInitVal+5 || got >= 100 {
		t.Errorf("log factor 10: counter %d after 1000 hits, want well above 5 and well below 100", got)
	}
}

// TestLRUAccess checks that under LRU a read stamps the clock and Peek
// does not.
func TestLRUAccess(t *testing.T) {
	ks := New(1)
	db := ks.DBs[0]
	ks.LRUClock = 100
	db.SetString([]byte("a"), []byte("v"), false)
	ks.LRUClock = 200
	e := db.Peek([]byte("a"))
	if e.LRU() != 100 {
		t.Fatalf("Peek touched the clock: %d", e.LRU())
	}
	db.Lookup([]byte("a"))
	if e.LRU() != 200 {
		t.Errorf("Lookup left the clock at %d", e.LRU())
	}
}

func TestSizeClass(t *testing.T) {
	for _, tc := range []struct{ n, want int }{{0, 0}, {1, 16}, {16, 16}, {17, 32}, {256, 256}, {257, 288}, {1000, 1024}, {1100, 1152}, {40000, 40960}} {
		if got := sizeClass(tc.n); got != tc.want {
			t.Errorf("sizeClass(%d) = %d, want %d", tc.n, got, tc.want)
		}
	}
}
