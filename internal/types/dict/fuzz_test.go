package dict

import "testing"

// FuzzOps runs a byte-coded sequence of operations against a map model.
func FuzzOps(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte("\x00a\x01a\x02b\x00\x00"))
	f.Fuzz(func(t *testing.T, ops []byte) {
		d := New(true)
		m := map[string]string{}
		for i := 0; i+1 < len(ops); i += 2 {
			k := []byte{ops[i+1] % 64}
			v := []byte{ops[i]}
			switch ops[i] % 3 {
			case 0, 1:
				d.Set(k, v)
				m[string(k)] = string(v)
			case 2:
				d.Delete(k)
				delete(m, string(k))
			}
		}
		check(t, d, m)
		seen := map[string]bool{}
		for c := d.Scan(0, func(k, _ string) { seen[k] = true }); c != 0; {
			c = d.Scan(c, func(k, _ string) { seen[k] = true })
		}
		if len(seen) != len(m) {
			t.Fatalf("scan saw %d keys, want %d", len(seen), len(m))
		}
	})
}
