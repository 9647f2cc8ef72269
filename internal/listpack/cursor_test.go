package listpack_test

import (
	"bytes"
	"strconv"
	"testing"

	"github.com/vestadb/vesta/internal/listpack"
)

func build(elems ...string) listpack.Listpack {
	lp := listpack.New()
	for _, e := range elems {
		lp = lp.Append([]byte(e))
	}
	return lp
}

// strings returns the string forms of all entries, head to tail.
func entries(lp listpack.Listpack) []string {
	var out []string
	for it := lp.Iter(); it.Next(); {
		out = append(out, string(lp.AppendGet(nil, it.Pos())))
	}
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestEmpty(t *testing.T) {
	lp := listpack.New()
	if want := []byte{7, 0, 0, 0, 0, 0, 0xff}; !bytes.Equal(lp.Bytes(), want) {
		t.Fatalf("New() = %x, want %x", lp.Bytes(), want)
	}
	if lp.Len() != 0 || lp.First() != -1 || lp.Last() != -1 || lp.Seek(0) != -1 || lp.Seek(-1) != -1 {
		t.Fatalf("empty listpack: Len %d First %d Last %d", lp.Len(), lp.First(), lp.Last())
	}
	it := lp.Iter()
	if first, second := it.Next(), it.Next(); first || second {
		t.Fatal("Iterator.Next on empty listpack returned true")
	}
	if err := listpack.Validate(lp, true, true); err != nil {
		t.Fatalf("Validate(empty) = %v", err)
	}
	if got := listpack.NewWithCapacity(100); !bytes.Equal(got, lp) || cap(got) != 100 {
		t.Fatalf("NewWithCapacity(100) = %x cap %d", []byte(got), cap(got))
	}
}

func TestSeek(t *testing.T) {
	elems := []string{"a", "1", "bb", "-300", "ccc", "70000", "d"}
	lp := build(elems...)
	for i := -len(elems) - 2; i < len(elems)+2; i++ {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			p := lp.Seek(i)
			j := i
			if j < 0 {
				j += len(elems)
			}
			if j < 0 || j >= len(elems) {
				if p != -1 {
					t.Fatalf("Seek(%d) = %d, want -1", i, p)
				}
				return
			}
			if got := string(lp.AppendGet(nil, p)); got != elems[j] {
				t.Fatalf("Seek(%d) entry = %q, want %q", i, got, elems[j])
			}
		})
	}
}

func TestWalkBothWays(t *testing.T) {
	elems := []string{"x", "0", "-1", "4096", "9999999999", string(bytes.Repeat([]byte("y"), 200)), ""}
	lp := build(elems...)
	if got := entries(lp); !equalStrings(got, elems) {
		t.Fatalf("forward = %q, want %q", got, elems)
	}
	var back []string
	for p := lp.Last(); p >= 0; p = lp.Prev(p) {
		back = append([]string{string(lp.AppendGet(nil, p))}, back...)
	}
	if !equalStrings(back, elems) {
		t.Fatalf("backward = %q, want %q", back, elems)
	}
}

func TestGetInts(t *testing.T) {
	vals := []int64{0, 127, 128, -1, -4096, 4095, 32767, -32768, 8388607, -8388608, 1 << 31, -(1 << 31) - 1, 1<<63 - 1, -1 << 63}
	lp := listpack.New()
	for _, v := range vals {
		lp = lp.AppendInt(v)
	}
	i := 0
	for it := lp.Iter(); it.Next(); i++ {
		s, n, isInt := it.Entry()
		if !isInt || s != nil || n != vals[i] {
			t.Fatalf("entry %d = %q, %d, %v, want %d", i, s, n, isInt, vals[i])
		}
	}
	if i != len(vals) {
		t.Fatalf("iterated %d entries, want %d", i, len(vals))
	}
}

func TestGetStringIsClipped(t *testing.T) {
	lp := build("abc", "def")
	s, _, _ := lp.Get(lp.First())
	_ = append(s, 'X')
	if got := entries(lp); !equalStrings(got, []string{"abc", "def"}) {
		t.Fatalf("append to Get result changed the listpack: %q", got)
	}
}

// TestSaturatedCount builds a listpack with more than 65535 entries and
// checks that the header count saturates and Len/Seek still work.
func TestSaturatedCount(t *testing.T) {
	const n = 70000
	lp := listpack.New()
	for i := range n {
		lp = lp.AppendInt(int64(i % 100))
	}
	if lp.HeaderCount() != listpack.CountUnknown {
		t.Fatalf("HeaderCount = %d, want %d", lp.HeaderCount(), listpack.CountUnknown)
	}
	if lp.Len() != n {
		t.Fatalf("Len = %d, want %d", lp.Len(), n)
	}
	if err := listpack.Validate(lp, true, true); err != nil {
		t.Fatalf("Validate = %v", err)
	}
	if _, v, _ := lp.Get(lp.Seek(-1)); v != (n-1)%100 {
		t.Fatalf("Seek(-1) = %d, want %d", v, (n-1)%100)
	}
	if _, v, _ := lp.Get(lp.Seek(65600)); v != 65600%100 {
		t.Fatalf("Seek(65600) = %d, want %d", v, 65600%100)
	}
	lp, _ = lp.Delete(lp.First())
	if lp.HeaderCount() != listpack.CountUnknown {
		t.Fatalf("after Delete HeaderCount = %d, want saturated", lp.HeaderCount())
	}
	lp = lp.DeleteRange(0, 10000)
	if lp.HeaderCount() != n-10001 || lp.Len() != n-10001 {
		t.Fatalf("after DeleteRange HeaderCount = %d Len = %d, want %d", lp.HeaderCount(), lp.Len(), n-10001)
	}
}

func TestShrinkToFitAndClone(t *testing.T) {
	lp := build("a", "b", "c")
	s := lp.ShrinkToFit()
	if cap(s) != len(s) || !bytes.Equal(s, lp) {
		t.Fatalf("ShrinkToFit: cap %d len %d", cap(s), len(s))
	}
	c := lp.Clone()
	_ = c.Append([]byte("d"))
	if got := entries(lp); !equalStrings(got, []string{"a", "b", "c"}) {
		t.Fatalf("Clone shares memory: original now %q", got)
	}
}
