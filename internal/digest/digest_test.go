package digest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/digest"
)

// TestDatasetFixtures checks Dataset against digests recorded from
// redis-server 7.0.15, without needing a server.
func TestDatasetFixtures(t *testing.T) {
	for _, fx := range datasetFixtures {
		t.Run(fx.name, func(t *testing.T) {
			var d digest.Dataset
			fx.feed(&d)
			if got := d.Sum().String(); got != fx.want {
				t.Errorf("got %s, want %s", got, fx.want)
			}
		})
	}
}

// TestValueFixtures checks the value digests against DEBUG DIGEST-VALUE
// replies recorded from redis-server 7.0.15, without needing a server.
func TestValueFixtures(t *testing.T) {
	for _, fx := range valueFixtures {
		t.Run(fx.name, func(t *testing.T) {
			if got := fx.sum().String(); got != fx.want {
				t.Errorf("got %s, want %s", got, fx.want)
			}
		})
	}
}

// TestPopulateFixtures checks datasets of the DEBUG POPULATE shape, up to
// a million keys, against digests recorded from redis-server 7.0.15.
func TestPopulateFixtures(t *testing.T) {
	for _, fx := range populateFixtures {
		t.Run(fmt.Sprintf("db=%d/n=%d/size=%d", fx.db, fx.n, fx.size), func(t *testing.T) {
			if fx.slow && testing.Short() {
				t.Skip("slow fixture skipped with -short")
			}
			var d digest.Dataset
			fx.feed(&d)
			if got := d.Sum().String(); got != fx.want {
				t.Errorf("got %s, want %s", got, fx.want)
			}
		})
	}
}

// TestDistinctions checks which changes to a dataset must and must not change
// its digest, mirroring Redis's algorithm.
func TestDistinctions(t *testing.T) {
	str := func(db int, key, val string, exp int64) func(*digest.Dataset) {
		return func(d *digest.Dataset) {
			d.DB(db)
			d.String([]byte(key), []byte(val), exp)
		}
	}
	sum := func(feeds ...func(*digest.Dataset)) digest.Sum {
		var d digest.Dataset
		for _, f := range feeds {
			f(&d)
		}
		return d.Sum()
	}
	tests := []struct {
		name  string
		a, b  digest.Sum
		equal bool
	}{
		{"key order within a db", sum(str(0, "a", "1", -1), str(0, "b", "2", -1)),
			sum(str(0, "b", "2", -1), str(0, "a", "1", -1)), true},
		{"same keys in another db", sum(str(0, "a", "1", -1)), sum(str(1, "a", "1", -1)), false},
		{"expire time value", sum(str(0, "a", "1", 1)), sum(str(0, "a", "1", farFuture)), true},
		{"expire presence", sum(str(0, "a", "1", -1)), sum(str(0, "a", "1", farFuture)), false},
		{"key versus value", sum(str(0, "a", "b", -1)), sum(str(0, "b", "a", -1)), false},
		{"repeated DB call", sum(str(3, "a", "1", -1), str(3, "b", "1", -1)),
			sum(func(d *digest.Dataset) {
				d.DB(3)
				d.String([]byte("a"), []byte("1"), -1)
				d.DB(3)
				d.String([]byte("b"), []byte("1"), -1)
			}), true},
		{"list order", digest.ListValue(elems("a", "b"), -1), digest.ListValue(elems("b", "a"), -1), false},
		{"list split point", digest.ListValue(elems("fo", "obar"), -1), digest.ListValue(elems("foo", "bar"), -1), false},
		{"set order", digest.SetValue(elems("a", "b", "c"), -1), digest.SetValue(elems(reversed("a", "b", "c")...), -1), true},
		{"list versus set", digest.ListValue(elems("a"), -1), digest.SetValue(elems("a"), -1), false},
		{"hash order", digest.HashValue(pairs("f", "1", "g", "2"), -1), digest.HashValue(pairs("g", "2", "f", "1"), -1), true},
		{"hash field versus value", digest.HashValue(pairs("f", "1"), -1), digest.HashValue(pairs("1", "f"), -1), false},
		{"zset order", digest.ZSetValue(zmembers(zmember{"a", 1}, zmember{"b", 2}), -1),
			digest.ZSetValue(zmembers(zmember{"b", 2}, zmember{"a", 1}), -1), true},
		{"zset negative zero", digest.ZSetValue(zmembers(zmember{"a", 0}), -1),
			digest.ZSetValue(zmembers(zmember{"a", negZero}), -1), false},
		{"zset score formatted, not bits", digest.ZSetValue(zmembers(zmember{"a", 1}), -1),
			digest.HashValue(pairs("a", "1"), -1), false},
		{"value digest excludes the key", digest.StringValue([]byte("v"), -1),
			sum(str(0, "k", "v", -1)), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.a == tt.b; got != tt.equal {
				t.Errorf("got equal=%v (%s vs %s), want %v", got, tt.a, tt.b, tt.equal)
			}
		})
	}
}

// TestSumHex checks the hex rendering of a digest.
func TestSumHex(t *testing.T) {
	var s digest.Sum
	for i := range s {
		s[i] = byte(i * 13)
	}
	want := "000d1a2734414e5b6875828f9ca9b6c3d0ddeaf7"
	if got := s.String(); got != want {
		t.Errorf("String: got %s, want %s", got, want)
	}
	if got := string(s.AppendHex([]byte("x"))); got != "x"+want {
		t.Errorf("AppendHex: got %s, want x%s", got, want)
	}
	if s.IsZero() || !(digest.Sum{}).IsZero() {
		t.Errorf("IsZero: got %v for non-zero and %v for zero", s.IsZero(), (digest.Sum{}).IsZero())
	}
	if got := (digest.Sum{}).String(); got != strings.Repeat("0", 40) {
		t.Errorf("zero String: got %s, want 40 zeros", got)
	}
}
