package hash

import (
	"bytes"
	"testing"

	"github.com/vestadb/vesta/internal/listpack"
)

// FuzzOps applies byte-coded HSET/HDEL operations to a hash and to a map,
// with small limits so that both encodings and the conversion are reached.
func FuzzOps(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, uint8(4), uint8(3))
	f.Add([]byte("\x00a\x01a\x02b\x00\x00"), uint8(1), uint8(0))
	f.Fuzz(func(t *testing.T, ops []byte, maxEntries, maxValue uint8) {
		lim := Limits{MaxEntries: int(maxEntries % 16), MaxValue: int(maxValue % 8)}
		h := New()
		m := map[string]string{}
		for i := 0; i+2 < len(ops); i += 3 {
			field := []byte{'f', ops[i+1] % 16}
			if ops[i+1]&0x80 != 0 {
				field = []byte{'1', '0' + ops[i+1]%10} // integer-encoded field
			}
			val := bytes.Repeat([]byte{'0' + ops[i+2]%10}, int(ops[i+2]%5))
			if ops[i]%3 == 2 {
				h.Delete(field)
				delete(m, string(field))
			} else {
				h.Set(field, val, lim)
				m[string(field)] = string(val)
			}
		}
		check(t, h, m)
		if b, ok := h.Listpack(); ok {
			if err := listpack.Validate(b, true, true); err != nil {
				t.Fatal(err)
			}
			if len(m) > lim.MaxEntries {
				t.Fatalf("listpack with %d fields over a limit of %d", len(m), lim.MaxEntries)
			}
		}
	})
}
