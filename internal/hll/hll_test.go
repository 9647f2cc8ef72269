package hll

import (
	"bytes"
	"math/rand/v2"
	"strconv"
	"testing"
)

func sparseOf(ops ...byte) []byte {
	v := New()[:HeaderSize]
	return append(v, ops...)
}

// Ensure that values are accepted or refused as Redis's isHLLObjectOrReply
// does.
func TestValid(t *testing.T) {
	dense := make([]byte, DenseSize)
	copy(dense, "HYLL")
	cases := []struct {
		name string
		v    []byte
		want bool
	}{
		{"new", New(), true},
		{"header only", New()[:HeaderSize], true},
		{"short", []byte("HYLL\x01"), false},
		{"magic", append([]byte("HYLX"), New()[4:]...), false},
		{"encoding 2", append([]byte("HYLL\x02"), New()[5:]...), false},
		{"dense", dense, true},
		{"dense short", dense[:DenseSize-1], false},
		{"dense long", append(bytes.Clone(dense), 0), false},
	}
	for _, c := range cases {
		if got := Valid(c.v); got != c.want {
			t.Errorf("%s: Valid = %v, want %v", c.name, got, c.want)
		}
	}
}

// Ensure that sparse updates split and merge opcodes as Redis does.
func TestSparseSet(t *testing.T) {
	type step struct {
		index int
		count uint8
		want  string
		res   int
	}
	steps := []step{
		{1000, 2, "Z:1000 v:2,1 Z:15383", Changed},
		{1000, 1, "Z:1000 v:2,1 Z:15383", Unchanged},
		{1001, 2, "Z:1000 v:2,2 Z:15382", Changed},
		{1020, 3, "Z:1000 v:2,2 z:18 v:3,1 Z:15363", Changed},
		{0, 5, "v:5,1 Z:999 v:2,2 z:18 v:3,1 Z:15363", Changed},
		{16383, 32, "v:5,1 Z:999 v:2,2 z:18 v:3,1 Z:15362 v:32,1", Changed},
		{1002, 2, "v:5,1 Z:999 v:2,3 z:17 v:3,1 Z:15362 v:32,1", Changed},
		{1001, 4, "v:5,1 Z:999 v:2,1 v:4,1 v:2,1 z:17 v:3,1 Z:15362 v:32,1", Changed},
	}
	v := New()
	for _, s := range steps {
		var r int
		v, r = Set(v, s.index, s.count, DefaultSparseMaxBytes)
		if got := Decode(v); got != s.want || r != s.res {
			t.Fatalf("Set(%d, %d) = %q (%d), want %q (%d)", s.index, s.count, got, r, s.want, s.res)
		}
	}
	// A register above 32 promotes to dense, keeping every register.
	d, r := Set(bytes.Clone(v), 7, 33, DefaultSparseMaxBytes)
	if r != Changed || Encoding(d) != Dense || len(d) != DenseSize {
		t.Fatalf("promotion: encoding %d, len %d", Encoding(d), len(d))
	}
	for i, want := range map[int]uint8{0: 5, 7: 33, 1000: 2, 1001: 4, 1002: 2, 1020: 3, 16383: 32, 5: 0} {
		if got := DenseGet(d[HeaderSize:], i); got != want {
			t.Errorf("register %d = %d, want %d", i, got, want)
		}
	}
	// Growing past the sparse limit promotes too.
	if d, _ := Set(bytes.Clone(v), 5000, 1, len(v)); Encoding(d) != Dense {
		t.Errorf("growth past hll-sparse-max-bytes stayed sparse")
	}
}

// Ensure that sparse and dense HyperLogLogs built from the same elements
// hold the same registers and estimates, and that estimates are close.
func TestSparseDenseAgree(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{0, 1, 10, 100, 1000, 5000, 50000} {
		s := New()
		d, _ := ToDense(New())
		for i := 0; i < n; i++ {
			ele := []byte(strconv.FormatUint(rnd.Uint64(), 16))
			s, _ = Add(s, ele, 1<<20)
			d, _ = Add(d, ele, 1<<20)
		}
		sd, ok := ToDense(s)
		if !ok || !bytes.Equal(sd[HeaderSize:], d[HeaderSize:]) {
			t.Fatalf("n=%d: registers differ", n)
		}
		c1, bad := Count(s)
		c2, _ := Count(d)
		var max [Registers]uint8
		Merge(&max, s)
		if c3 := CountRegisters(&max); bad || c1 != c2 || c2 != c3 {
			t.Fatalf("n=%d: counts %d %d %d (invalid %v)", n, c1, c2, c3, bad)
		}
		if diff := float64(c1) - float64(n); diff > 0.05*float64(n)+1 || -diff > 0.05*float64(n)+1 {
			t.Errorf("n=%d: estimate %d", n, c1)
		}
	}
}

func TestSelfTest(t *testing.T) {
	if err := SelfTest(); err != nil {
		t.Fatal(err)
	}
}

func TestCache(t *testing.T) {
	v := New()
	if c, ok := CachedCard(v); !ok || c != 0 {
		t.Fatalf("new: cache %d %v", c, ok)
	}
	InvalidateCache(v)
	if _, ok := CachedCard(v); ok {
		t.Fatal("invalidated cache still valid")
	}
	SetCachedCard(v, 12345)
	if c, ok := CachedCard(v); !ok || c != 12345 {
		t.Fatalf("cache %d %v", c, ok)
	}
}

// FuzzSparse feeds arbitrary opcodes to every reader of the sparse form:
// none may panic, and those that accept the value must agree.
func FuzzSparse(f *testing.F) {
	f.Add([]byte{0x7f, 0xff}, 5, uint8(3))
	f.Add([]byte{0x40, 0x00, 0x80, 0x7f}, 0, uint8(40))
	f.Add([]byte{0x7f}, 16383, uint8(1))
	f.Add([]byte{0xff, 0x3f, 0x7f, 0xf0}, 70, uint8(2))
	f.Fuzz(func(t *testing.T, ops []byte, index int, count uint8) {
		v := sparseOf(ops...)
		index &= Registers - 1
		count = count%(Q+1) + 1
		_ = Decode(v)
		c, invalid := Count(v)
		var max [Registers]uint8
		merged := Merge(&max, v)
		d, ok := ToDense(v)
		if ok {
			if !merged {
				t.Fatalf("ToDense accepted what Merge refused")
			}
			if cd, _ := Count(d); !invalid && cd != c {
				t.Fatalf("sparse count %d, dense %d", c, cd)
			}
		}
		s, r := Set(bytes.Clone(v), index, count, 1+len(ops)*2)
		if r == Corrupt {
			return
		}
		if !Valid(s) {
			t.Fatalf("Set made an invalid value")
		}
		if ok {
			sd, ok2 := ToDense(s)
			denseSetMax(d[HeaderSize:], index, count)
			if ok2 && !bytes.Equal(sd[HeaderSize:], d[HeaderSize:]) {
				t.Fatalf("sparse Set and dense Set disagree")
			}
		}
	})
}

// randomDense is a dense HyperLogLog with random registers.
func randomDense(rnd *rand.Rand) []byte {
	v, _ := ToDense(New())
	for i := range Registers {
		DenseSet(v[HeaderSize:], i, uint8(rnd.IntN(RegMax+1)))
	}
	return v
}

// TestDenseGroups: Merge and Count of dense values, which read four
// registers at a time, agree with DenseGet one register at a time.
func TestDenseGroups(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 7))
	var got, want [Registers]uint8
	for round := range 20 {
		v := randomDense(rnd)
		var histo [64]int
		for i := range Registers {
			r := DenseGet(v[HeaderSize:], i)
			want[i] = max(want[i], r)
			histo[r]++
		}
		if !Merge(&got, v) {
			t.Fatal("Merge refused a dense value")
		}
		if got != want {
			t.Fatalf("round %d: Merge differs from DenseGet", round)
		}
		if c, _ := Count(v); c != estimate(&histo) {
			t.Fatalf("round %d: Count %d, want %d", round, c, estimate(&histo))
		}
	}
}

// BenchmarkMergeDense is PFCOUNT of ten keys: ten dense HyperLogLogs of
// 20,000 elements each merged into empty registers.
func BenchmarkMergeDense(b *testing.B) {
	var vs [][]byte
	for k := range 10 {
		v := New()
		for i := range 20000 {
			v, _ = Add(v, []byte(strconv.Itoa(k)+":"+strconv.Itoa(i)), 3000)
		}
		if v[4] != Dense {
			b.Fatal("not dense")
		}
		vs = append(vs, v)
	}
	for b.Loop() {
		var regs [Registers]uint8
		for _, v := range vs {
			Merge(&regs, v)
		}
	}
}
