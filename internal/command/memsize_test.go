package command

import (
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/keyspace"
)

func TestMallocSize(t *testing.T) {
	for _, tc := range [][2]int{
		{0, 8}, {1, 8}, {8, 8}, {9, 16}, {16, 16}, {17, 32}, {21, 32}, {33, 48}, {128, 128},
		{129, 160}, {256, 256}, {257, 320}, {536, 640}, {3008, 3072}, {4097, 5120}, {5000, 5120},
	} {
		if got := MallocSize(tc[0]); got != tc[1] {
			t.Errorf("MallocSize(%d) = %d, want %d", tc[0], got, tc[1])
		}
	}
	for _, tc := range [][2]int{{0, 8}, {1, 8}, {5, 8}, {31, 48}, {32, 48}, {51, 64}, {255, 320}, {256, 320}, {300, 320}} {
		if got := sdsAllocSize(tc[0]); got != tc[1] {
			t.Errorf("sdsAllocSize(%d) = %d, want %d", tc[0], got, tc[1])
		}
	}
	for _, tc := range [][2]int{{1, 4}, {4, 4}, {5, 8}, {8, 8}, {9, 16}, {1500, 2048}} {
		if got := dictSlots(tc[0]); got != tc[1] {
			t.Errorf("dictSlots(%d) = %d, want %d", tc[0], got, tc[1])
		}
	}
}

// TestMemoryUsageFigures checks MEMORY USAGE and serializedlength against
// figures redis-server 7.0.15 printed for the same values.
func TestMemoryUsageFigures(t *testing.T) {
	tt := newTester(t)
	cases := []struct {
		setup      string
		key        string
		usage, ser int
	}{
		{"SET a 1", "a", 48, 2},
		{"SET foo bar", "foo", 64, 4},
		{"SET n 12345", "n", 48, 3},
		{"SET aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 1", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 104, 2},
		{"RPUSH l a b c", "l", 144, 0},
		{"SADD i 1 2 3", "i", 64, 0},
		{"SADD s a b c", "s", 232, 0},
		{"HSET h a b", "h", 64, 0},
		{"ZADD z 1 a", "z", 64, 0},
	}
	for _, tc := range cases {
		tt.do(tc.setup)
		e := tt.ks.DBs[0].Find([]byte(tc.key))
		if got := MemoryUsage(e, DefaultMemorySamples); got != int64(tc.usage) {
			t.Errorf("%s: MEMORY USAGE %d, want %d", tc.setup, got, tc.usage)
		}
		if got := SerializedLength(e, true); tc.ser != 0 && got != tc.ser {
			t.Errorf("%s: serializedlength %d, want %d", tc.setup, got, tc.ser)
		}
	}
}

// TestNotifyEvents checks the events commands raise, and that nothing is
// raised for the classes that are off.
func TestNotifyEvents(t *testing.T) {
	tt := newTester(t)
	var got []string
	tt.ks.Hooks.Notify = func(db *keyspace.DB, class int, event string, key []byte) {
		got = append(got, event+":"+string(key))
	}
	tt.ks.Notify = int(config.NotifyAll | config.NotifyNew | config.NotifyKeyMiss)
	cases := []struct{ cmd, events string }{
		{"SET k v EX 100", "new:k set:k expire:k"},
		{"GET nokey", "keymiss:nokey"},
		{"APPEND k x", "append:k"},
		{"INCR n", "new:n incrby:n"},
		{"RENAME n m", "new:m rename_from:n rename_to:m"},
		{"RPUSH l a", "new:l rpush:l"},
		{"LMOVE l l2 LEFT RIGHT", "new:l2 rpush:l2 lpop:l del:l"},
		{"HSET h f v", "new:h hset:h"},
		{"HDEL h f", "hdel:h del:h"},
		{"SADD s a", "new:s sadd:s"},
		{"SMOVE s s2 a", "srem:s del:s new:s2 sadd:s2"},
		{"ZADD z INCR 1 a", "new:z zincr:z"},
		{"ZREMRANGEBYSCORE z 0 5", "zremrangebyscore:z del:z"},
		{"PERSIST k", "persist:k"},
		{"EXPIRE k 0", "del:k"},
		{"SETBIT b 1 1", "new:b setbit:b"},
		{"SETBIT b 1 1", ""},
		{"TYPE nokey", "keymiss:nokey"},
	}
	for _, tc := range cases {
		got = nil
		tt.do(tc.cmd)
		if g := strings.Join(got, " "); g != tc.events {
			t.Errorf("%s: events %q, want %q", tc.cmd, g, tc.events)
		}
	}
	tt.ks.Notify = int(config.NotifyList)
	got = nil
	tt.do("SET x y")
	tt.do("RPUSH q a")
	if g := strings.Join(got, " "); g != "rpush:q" {
		t.Errorf("with only l on: %q", g)
	}
}
