package listpack_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/vestadb/vesta/internal/listpack"
)

func TestMutations(t *testing.T) {
	tests := []struct {
		name string
		do   func(listpack.Listpack) listpack.Listpack
		want []string
	}{
		{"prepend is lpush", func(lp listpack.Listpack) listpack.Listpack {
			return lp.Prepend([]byte("x"), []byte("y"))
		}, []string{"y", "x", "a", "b", "c"}},
		{"insert before", func(lp listpack.Listpack) listpack.Listpack {
			lp, _ = lp.Insert(lp.Seek(1), []byte("x"), false)
			return lp
		}, []string{"a", "x", "b", "c"}},
		{"insert after last", func(lp listpack.Listpack) listpack.Listpack {
			lp, _ = lp.Insert(lp.Last(), []byte("7"), true)
			return lp
		}, []string{"a", "b", "c", "7"}},
		{"insert at terminator", func(lp listpack.Listpack) listpack.Listpack {
			lp, _ = lp.Insert(len(lp)-1, []byte("z"), false)
			return lp
		}, []string{"a", "b", "c", "z"}},
		{"replace grows", func(lp listpack.Listpack) listpack.Listpack {
			return lp.Replace(lp.Seek(1), bytes.Repeat([]byte("B"), 300))
		}, []string{"a", string(bytes.Repeat([]byte("B"), 300)), "c"}},
		{"replace int", func(lp listpack.Listpack) listpack.Listpack {
			return lp.ReplaceInt(lp.Seek(0), -5)
		}, []string{"-5", "b", "c"}},
		{"delete middle", func(lp listpack.Listpack) listpack.Listpack {
			lp, _ = lp.Delete(lp.Seek(1))
			return lp
		}, []string{"a", "c"}},
		{"deleteN past tail", func(lp listpack.Listpack) listpack.Listpack {
			lp, _ = lp.DeleteN(lp.Seek(1), 10)
			return lp
		}, []string{"a"}},
		{"delete range negative", func(lp listpack.Listpack) listpack.Listpack {
			return lp.DeleteRange(-2, 1)
		}, []string{"a", "c"}},
		{"delete range to tail", func(lp listpack.Listpack) listpack.Listpack {
			return lp.DeleteRange(1, 5)
		}, []string{"a"}},
		{"delete range out of range", func(lp listpack.Listpack) listpack.Listpack {
			return lp.DeleteRange(3, 1)
		}, []string{"a", "b", "c"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lp := tc.do(build("a", "b", "c"))
			if err := listpack.Validate(lp, true, false); err != nil {
				t.Fatalf("Validate = %v", err)
			}
			if got := entries(lp); !equalStrings(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDeleteReturnsNext(t *testing.T) {
	lp := build("a", "b", "c")
	lp, next := lp.Delete(lp.First())
	if got := string(lp.AppendGet(nil, next)); got != "b" {
		t.Fatalf("next after Delete(first) = %q, want b", got)
	}
	_, next = lp.Delete(lp.Last())
	if next != -1 {
		t.Fatalf("next after Delete(last) = %d, want -1", next)
	}
}

// TestRandomOpsAgainstModel applies random mutations to a listpack and to a
// [][]byte model and checks they agree after every step.
func TestRandomOpsAgainstModel(t *testing.T) {
	seed := uint64(20261122)
	rng := rand.New(rand.NewPCG(seed, seed))
	t.Logf("seed %d", seed)
	lp := listpack.New()
	var model [][]byte
	for step := range 3000 {
		e := randomElem(rng)
		op := rng.IntN(8)
		switch {
		case op <= 1 || len(model) == 0:
			lp = lp.Append(e)
			model = append(model, e)
		case op == 2:
			lp = lp.Prepend(e)
			model = append([][]byte{e}, model...)
		case op == 3:
			i := rng.IntN(len(model))
			after := rng.IntN(2) == 0
			lp, _ = lp.Insert(lp.Seek(i), e, after)
			if after {
				i++
			}
			model = append(model[:i], append([][]byte{e}, model[i:]...)...)
		case op == 4:
			i := rng.IntN(len(model))
			lp = lp.Replace(lp.Seek(i), e)
			model[i] = e
		case op == 5:
			i := rng.IntN(len(model))
			lp, _ = lp.Delete(lp.Seek(i))
			model = append(model[:i], model[i+1:]...)
		case op == 6:
			i, n := rng.IntN(len(model)), rng.IntN(4)
			lp = lp.DeleteRange(i, n)
			model = append(model[:i], model[min(i+n, len(model)):]...)
		default:
			i := rng.IntN(len(model))
			p := lp.Find(model[i], 0)
			if p < 0 || !lp.Equal(p, model[i]) {
				t.Fatalf("step %d: Find(%q) = %d", step, model[i], p)
			}
		}
		checkModel(t, lp, model, fmt.Sprintf("step %d op %d", step, op))
	}
}

func randomElem(rng *rand.Rand) []byte {
	switch rng.IntN(6) {
	case 0:
		return fmt.Appendf(nil, "%d", rng.Int64N(200)-100)
	case 1:
		return fmt.Appendf(nil, "%d", rng.Int64()-rng.Int64())
	case 2:
		return bytes.Repeat([]byte{byte('a' + rng.IntN(26))}, rng.IntN(5000))
	case 3:
		return []byte("0" + fmt.Sprint(rng.IntN(10)))
	}
	b := make([]byte, rng.IntN(80))
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

func checkModel(t *testing.T, lp listpack.Listpack, model [][]byte, ctx string) {
	t.Helper()
	if err := listpack.Validate(lp, true, false); err != nil {
		t.Fatalf("%s: Validate = %v", ctx, err)
	}
	if lp.Len() != len(model) {
		t.Fatalf("%s: Len = %d, want %d", ctx, lp.Len(), len(model))
	}
	i := 0
	for p := lp.First(); p >= 0; p = lp.Next(p) {
		if got := lp.AppendGet(nil, p); !bytes.Equal(got, model[i]) {
			t.Fatalf("%s: entry %d = %q, want %q", ctx, i, got, model[i])
		}
		i++
	}
	for p := lp.Last(); p >= 0; p = lp.Prev(p) {
		i--
		if !lp.Equal(p, model[i]) {
			t.Fatalf("%s: backward entry %d differs", ctx, i)
		}
	}
}
