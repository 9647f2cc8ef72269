package dict

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// check compares d with the model m.
func check(t *testing.T, d *Dict, m map[string]string) {
	t.Helper()
	if d.Len() != len(m) {
		t.Fatalf("Len = %d, want %d", d.Len(), len(m))
	}
	seen := map[string]bool{}
	d.Each(func(k, v string) bool {
		if seen[k] {
			t.Fatalf("Each returned %q twice", k)
		}
		seen[k] = true
		want, ok := m[k]
		if !ok || want != v {
			t.Fatalf("Each: %q=%q, model has %q (present %v)", k, v, want, ok)
		}
		return true
	})
	for k, v := range m {
		got, ok := d.Get([]byte(k))
		if !ok || got != v {
			t.Fatalf("Get(%q) = %q, %v; want %q", k, got, ok, v)
		}
	}
}

// Ensure that random operations agree with a map, for sets and hashes.
func TestModel(t *testing.T) {
	for _, pairs := range []bool{false, true} {
		t.Run(fmt.Sprint("pairs=", pairs), func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			d := New(pairs)
			m := map[string]string{}
			for i := 0; i < 20000; i++ {
				k := fmt.Sprint(r.IntN(600))
				v := fmt.Sprint("v", r.IntN(1000))
				if !pairs {
					v = ""
				}
				switch op := r.IntN(10); {
				case op < 5:
					_, had := m[k]
					if added := d.Set([]byte(k), []byte(v)); added == had {
						t.Fatalf("Set(%q) added=%v, model had it: %v", k, added, had)
					}
					m[k] = v
				case op < 6:
					_, had := m[k]
					if added := d.Add([]byte(k), []byte(v)); added == had {
						t.Fatalf("Add(%q) added=%v", k, added)
					}
					if !had {
						m[k] = v
					}
				default:
					_, had := m[k]
					if del := d.Delete([]byte(k)); del != had {
						t.Fatalf("Delete(%q) = %v, model %v", k, del, had)
					}
					delete(m, k)
				}
				if i%997 == 0 {
					check(t, d, m)
					check(t, d.Clone(), m)
				}
			}
			check(t, d, m)
		})
	}
}

// Ensure that a scan returns every element present for its whole duration,
// even when the table grows and shrinks between calls.
func TestScanGuarantee(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for round := 0; round < 50; round++ {
		d := New(false)
		stable := map[string]bool{}
		for i := 0; i < 200; i++ {
			k := fmt.Sprint("s", i)
			d.Set([]byte(k), nil)
			stable[k] = true
		}
		seen := map[string]bool{}
		cursor := uint64(0)
		extra := 0
		for {
			cursor = d.Scan(cursor, func(k, _ string) { seen[k] = true })
			// Churn: grow or shrink with transient elements.
			if r.IntN(2) == 0 {
				for j := 0; j < r.IntN(400); j++ {
					d.Set(fmt.Appendf(nil, "x%d", extra), nil)
					extra++
				}
			} else {
				for j := 0; j < extra; j++ {
					d.Delete(fmt.Appendf(nil, "x%d", j))
				}
				extra = 0
			}
			if cursor == 0 {
				break
			}
		}
		for k := range stable {
			if !seen[k] {
				t.Fatalf("round %d: scan missed %q", round, k)
			}
		}
	}
}

// Ensure that Random reaches every element with a roughly equal frequency.
func TestRandomSpread(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	d := New(true)
	const n = 100
	for i := 0; i < n; i++ {
		d.Set(fmt.Appendf(nil, "k%d", i), []byte("v"))
	}
	counts := map[string]int{}
	const draws = 200000
	for i := 0; i < draws; i++ {
		k, v, ok := d.Random(r.Uint64N)
		if !ok || v != "v" {
			t.Fatal("Random failed")
		}
		counts[k]++
	}
	if len(counts) != n {
		t.Fatalf("Random reached %d of %d elements", len(counts), n)
	}
	for k, c := range counts {
		// Chains of length up to 3 or so make some keys rarer; Redis has
		// the same bias. Accept a factor of 4 around the mean.
		if c < draws/n/4 || c > draws/n*4 {
			t.Errorf("%s drawn %d times, mean %d", k, c, draws/n)
		}
	}
}

func TestShrinks(t *testing.T) {
	d := New(false)
	for i := 0; i < 1000; i++ {
		d.Set(fmt.Appendf(nil, "%d", i), nil)
	}
	for i := 0; i < 995; i++ {
		d.Delete(fmt.Appendf(nil, "%d", i))
	}
	for d.Rehash(100) {
	}
	// Shrinking is decided on deletes that happen while no rehash runs, as
	// in Redis, so the last deletes may leave the table at an intermediate
	// size.
	if b := d.Buckets(); b > 128 {
		t.Fatalf("after deletes the table still has %d buckets", b)
	}
}

func TestEmptyKeyAndLongKey(t *testing.T) {
	d := New(true)
	long := make([]byte, 300)
	d.Set(nil, []byte("empty"))
	d.Set(long, nil)
	if v, ok := d.Get(nil); !ok || v != "empty" {
		t.Fatalf("Get(\"\") = %q, %v", v, ok)
	}
	if v, ok := d.Get(long); !ok || v != "" {
		t.Fatalf("Get(long) = %q, %v", v, ok)
	}
}
