package listpack_test

import (
	"bytes"
	"testing"

	"github.com/vestadb/vesta/internal/listpack"
	"github.com/vestadb/vesta/internal/listpack/redistest"
)

// addFixtureSeeds adds every Redis-made blob from testdata as a seed.
func addFixtureSeeds(f *testing.F, add func(b []byte)) {
	file, err := redistest.ReadFile(fixturePath)
	if err != nil {
		f.Fatal(err)
	}
	for _, c := range file.Cases {
		for _, b := range c.Blobs {
			if len(b) < 4096 {
				add(b)
			}
		}
	}
}

// FuzzListpackValidate feeds arbitrary bytes to Validate. It must never
// panic; whenever the deep check accepts the bytes, every reading method
// must work and walking forward and backward must visit the same entries.
func FuzzListpackValidate(f *testing.F) {
	addFixtureSeeds(f, func(b []byte) { f.Add(b) })
	f.Add([]byte(listpack.New()))
	f.Add([]byte{7, 0, 0, 0, 0, 0, 0xff})
	f.Add([]byte{13, 0, 0, 0, 1, 0, 0xF0, 0xff, 0xff, 0xff, 0xff, 1, 0xff})
	f.Add([]byte{10, 0, 0, 0, 0xff, 0xff, 0x01, 0x01, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		shallow := listpack.Validate(b, false, false)
		deep := listpack.Validate(b, true, false)
		if deep == nil && shallow != nil {
			t.Fatalf("deep accepts what shallow rejects: %v", shallow)
		}
		pairsErr := listpack.Validate(b, true, true)
		if deep != nil {
			return
		}
		lp := listpack.FromBytes(b)
		var fwd []int
		for p := lp.First(); p >= 0; p = lp.Next(p) {
			fwd = append(fwd, p)
			_, _, _ = lp.Get(p)
			_ = lp.AppendGet(nil, p)
		}
		var back []int
		for p := lp.Last(); p >= 0; p = lp.Prev(p) {
			back = append(back, p)
		}
		if len(fwd) != len(back) {
			t.Fatalf("forward saw %d entries, backward %d", len(fwd), len(back))
		}
		for i := range fwd {
			if fwd[i] != back[len(back)-1-i] {
				t.Fatalf("entry %d: forward at %d, backward at %d", i, fwd[i], back[len(back)-1-i])
			}
		}
		if lp.Len() != len(fwd) {
			t.Fatalf("Len = %d, walked %d", lp.Len(), len(fwd))
		}
		for i, p := range fwd {
			if q := lp.Seek(i); q != p {
				t.Fatalf("Seek(%d) = %d, want %d", i, q, p)
			}
		}
		if pairsErr == nil {
			_ = listpack.CheckUniqueFields(lp)
		}
		// A valid listpack must stay valid through a mutation.
		c := lp.Clone().Append([]byte("fuzz"), []byte("42"))
		if err := listpack.Validate(c, true, false); err != nil {
			t.Fatalf("after Append: %v", err)
		}
		if len(fwd) > 0 {
			c, _ = c.Delete(c.First())
			if err := listpack.Validate(c, true, false); err != nil {
				t.Fatalf("after Delete: %v", err)
			}
		}
	})
}

// FuzzListpackRoundTrip builds a listpack from the elements in data
// (separated by 0x00 bytes), checks that iterating returns them, then
// applies the mutations scripted by ops to the listpack and to a [][]byte
// model and requires both to agree after every step.
func FuzzListpackRoundTrip(f *testing.F) {
	f.Add([]byte("a\x00123\x00-5\x00hello\x0001\x00-0\x009223372036854775807"), []byte{0, 1, 2, 3, 4, 5, 6, 7})
	f.Add([]byte("x"), []byte{})
	f.Add(bytes.Repeat([]byte("long"), 2000), []byte{3, 0, 3, 1})
	f.Fuzz(func(t *testing.T, data, ops []byte) {
		var model [][]byte
		for _, e := range bytes.Split(data, []byte{0}) {
			if len(model) == 300 {
				break
			}
			model = append(model, e)
		}
		lp := listpack.New().Append(model...)
		one := listpack.New()
		for _, e := range model {
			one = one.Append(e)
		}
		if !bytes.Equal(lp, one) {
			t.Fatalf("Append(all) and Append one by one differ")
		}
		checkModel(t, lp, model, "initial")
		for i := 0; i+1 < len(ops) && i < 200; i += 2 {
			op, arg := ops[i]%7, int(ops[i+1])
			e := []byte{ops[i+1]}
			if arg%3 == 0 {
				e = []byte("-" + string(rune('1'+arg%9)))
			}
			if len(model) == 0 {
				op = 0
			}
			switch op {
			case 0:
				lp = lp.Append(e)
				model = append(model, e)
			case 1:
				lp = lp.Prepend(e)
				model = append([][]byte{e}, model...)
			case 2:
				k := arg % len(model)
				lp, _ = lp.Insert(lp.Seek(k), e, false)
				model = append(model[:k], append([][]byte{e}, model[k:]...)...)
			case 3:
				k := arg % len(model)
				lp = lp.Replace(lp.Seek(k), e)
				model[k] = e
			case 4:
				k := arg % len(model)
				lp, _ = lp.Delete(lp.Seek(k))
				model = append(model[:k], model[k+1:]...)
			case 5:
				k, n := arg%len(model), arg%5
				lp = lp.DeleteRange(k, n)
				model = append(model[:k], model[min(k+n, len(model)):]...)
			case 6:
				k := arg % len(model)
				if p := lp.Find(model[k], 0); p < 0 || !lp.Equal(p, model[k]) {
					t.Fatalf("Find(%q) = %d", model[k], p)
				}
			}
			checkModel(t, lp, model, "after op")
		}
	})
}
