package list

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// model is the reference implementation the quicklist is checked against.
type model [][]byte

// opSource yields the random choices of one model run; the unit test draws
// them from a PRNG and the fuzz target from its input bytes.
type opSource interface {
	intn(n int) int
}

type rngSource struct{ r *rand.Rand }

func (s rngSource) intn(n int) int { return s.r.IntN(n) }

type byteSource struct {
	b []byte
	i int
}

func (s *byteSource) intn(n int) int {
	if s.i >= len(s.b) {
		return 0
	}
	v := int(s.b[s.i])
	s.i++
	if n > 256 && s.i < len(s.b) {
		v = v<<8 | int(s.b[s.i])
		s.i++
	}
	return v % n
}

func (s *byteSource) more() bool { return s.i < len(s.b) }

// genElem returns an element: small strings and integers repeat often so
// that LREM, LPOS and LINSERT find matches; some elements are large.
func genElem(src opSource) []byte {
	switch src.intn(10) {
	case 0, 1, 2:
		return []byte{"abcde"[src.intn(5)]}
	case 3, 4:
		return []byte(strconv.Itoa(src.intn(40) - 20))
	case 5:
		return []byte([]string{"007", "-0", "+1", "", "9223372036854775807", "-9223372036854775808", "18446744073709551616"}[src.intn(7)])
	case 6:
		return bytes.Repeat([]byte{'x'}, 20+src.intn(120))
	case 7:
		return bytes.Repeat([]byte("yz"), 100+src.intn(600))
	case 8:
		return []byte(strconv.Itoa(src.intn(1 << 20)))
	default:
		return bytes.Repeat([]byte{'w'}, 3000+src.intn(6000))
	}
}

func genIndex(src opSource, n int) int {
	span := n + 4
	return src.intn(2*span+1) - span
}

// checkList compares l with m and checks l's invariants.
func checkList(t testing.TB, l *List, m model, what string) {
	t.Helper()
	if err := l.Verify(); err != nil {
		t.Fatalf("after %s: %v", what, err)
	}
	if l.Len() != len(m) {
		t.Fatalf("after %s: Len = %d, want %d", what, l.Len(), len(m))
	}
	i := 0
	l.Each(func(e []byte) bool {
		if !bytes.Equal(e, m[i]) {
			t.Fatalf("after %s: element %d = %q, want %q", what, i, e, m[i])
		}
		i++
		return true
	})
	if i != len(m) {
		t.Fatalf("after %s: Each visited %d elements, want %d", what, i, len(m))
	}
	if n := int(l.n); n > 0 {
		if l.nodes()[0].compressed() || l.nodes()[n-1].compressed() {
			t.Fatalf("after %s: an end node is compressed", what)
		}
	}
}

// runModel applies nops random operations to a list and to the model and
// compares them after each.
func runModel(t testing.TB, src opSource, fill, depth, nops int, more func() bool) {
	t.Helper()
	l := New(fill, depth)
	var m model
	for op := 0; op < nops && (more == nil || more()); op++ {
		var what string
		switch k := src.intn(16); k {
		case 0, 1, 2:
			e := genElem(src)
			what = fmt.Sprintf("PushHead(%.20q)", e)
			l.PushHead(e)
			m = slices.Insert(m, 0, e)
		case 3, 4, 5:
			e := genElem(src)
			what = fmt.Sprintf("PushTail(%.20q)", e)
			l.PushTail(e)
			m = append(m, e)
		case 6:
			head := src.intn(2) == 0
			what = fmt.Sprintf("Pop(head=%v)", head)
			got, ok := l.Pop(nil, head)
			if ok != (len(m) > 0) {
				t.Fatalf("%s: ok = %v with %d elements", what, ok, len(m))
			}
			if ok {
				var want []byte
				if head {
					want, m = m[0], m[1:]
				} else {
					want, m = m[len(m)-1], m[:len(m)-1]
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("%s = %q, want %q", what, got, want)
				}
			}
		case 7:
			i, e := genIndex(src, len(m)), genElem(src)
			what = fmt.Sprintf("Set(%d, %.20q)", i, e)
			j, ok := normModel(i, len(m))
			if got := l.Set(i, e); got != ok {
				t.Fatalf("%s = %v, want %v", what, got, ok)
			}
			if ok {
				m[j] = e
			}
		case 8:
			pivot, e, after := genElem(src), genElem(src), src.intn(2) == 0
			what = fmt.Sprintf("Insert(%.20q, %.20q, %v)", pivot, e, after)
			j := slices.IndexFunc(m, func(x []byte) bool { return bytes.Equal(x, pivot) })
			if got := l.Insert(pivot, e, after); got != (j >= 0) {
				t.Fatalf("%s = %v, want %v", what, got, j >= 0)
			}
			if j >= 0 {
				m = slices.Insert(m, j+b2i(after), e)
			}
		case 9:
			i, e, after := genIndex(src, len(m)), genElem(src), src.intn(2) == 0
			what = fmt.Sprintf("InsertAt(%d, %.20q, %v)", i, e, after)
			j, ok := normModel(i, len(m))
			if got := l.InsertAt(i, e, after); got != ok {
				t.Fatalf("%s = %v, want %v", what, got, ok)
			}
			if ok {
				m = slices.Insert(m, j+b2i(after), e)
			}
		case 10:
			e, count := genElem(src), int64(src.intn(7)-3)
			what = fmt.Sprintf("Remove(%.20q, %d)", e, count)
			var want int
			m, want = modelRemove(m, e, count)
			if got := l.Remove(e, count); got != want {
				t.Fatalf("%s = %d, want %d", what, got, want)
			}
		case 11:
			start, count := genIndex(src, len(m)), src.intn(len(m)+3)-1
			what = fmt.Sprintf("DeleteRange(%d, %d)", start, count)
			l.DeleteRange(start, count)
			m = modelDeleteRange(m, start, count)
		case 12:
			if src.intn(4) != 0 {
				continue
			}
			start, stop := genIndex(src, len(m)), genIndex(src, len(m))
			what = fmt.Sprintf("Trim(%d, %d)", start, stop)
			l.Trim(start, stop)
			m = modelTrim(m, start, stop)
		case 13:
			start, reverse := genIndex(src, len(m)), src.intn(2) == 0
			what = fmt.Sprintf("Range(%d, %v)", start, reverse)
			var got model
			l.Range(start, reverse, func(e []byte) bool {
				got = append(got, bytes.Clone(e))
				return true
			})
			if want := modelRange(m, start, reverse); !equalModels(got, want) {
				t.Fatalf("%s = %q, want %q", what, got, want)
			}
			v, ok := l.Index(start, nil)
			j, wantOK := normModel(start, len(m))
			if ok != wantOK || (ok && !bytes.Equal(v, m[j])) {
				t.Fatalf("Index(%d) = %q, %v", start, v, ok)
			}
		case 14:
			e, reverse, maxlen := genElem(src), src.intn(2) == 0, src.intn(len(m)+2)
			what = fmt.Sprintf("Positions(%.20q, %v, %d)", e, reverse, maxlen)
			var got []int
			l.Positions(e, reverse, maxlen, func(i int) bool { got = append(got, i); return true })
			if want := modelPositions(m, e, reverse, maxlen); !slices.Equal(got, want) {
				t.Fatalf("%s = %v, want %v", what, got, want)
			}
		case 15:
			what = "Clone/Nodes/FromNodes"
			c := l.Copy()
			checkList(t, c, m, "Copy")
			var nodes [][]byte
			var containers []byte
			l.Nodes(func(data []byte, plain bool) bool {
				nodes = append(nodes, bytes.Clone(data))
				containers = append(containers, byte(2-b2i(plain)))
				return true
			})
			r, err := FromNodes(fill, depth, nodes, containers)
			if err != nil {
				t.Fatal(err)
			}
			checkList(t, r, m, "FromNodes")
			if r.NodeCount() != l.NodeCount() {
				t.Fatalf("FromNodes made %d nodes, want %d", r.NodeCount(), l.NodeCount())
			}
		}
		checkList(t, l, m, what)
	}
}

func normModel(i, n int) (int, bool) {
	if i < 0 {
		i += n
	}
	return i, i >= 0 && i < n
}

func modelRemove(m model, e []byte, count int64) (model, int) {
	var idx []int
	for i, x := range m {
		if bytes.Equal(x, e) {
			idx = append(idx, i)
		}
	}
	if count > 0 && int(count) < len(idx) {
		idx = idx[:count]
	} else if count < 0 && int(-count) < len(idx) {
		idx = idx[len(idx)-int(-count):]
	}
	for k := len(idx) - 1; k >= 0; k-- {
		m = slices.Delete(m, idx[k], idx[k]+1)
	}
	return m, len(idx)
}

func modelDeleteRange(m model, start, count int) model {
	if count <= 0 {
		return m
	}
	i, ok := normModel(start, len(m))
	if !ok {
		return m
	}
	return slices.Delete(m, i, min(len(m), i+count))
}

func modelTrim(m model, start, stop int) model {
	n := len(m)
	if start < 0 {
		start += n
	}
	if stop < 0 {
		stop += n
	}
	start = max(start, 0)
	if start > stop || start >= n {
		return nil
	}
	stop = min(stop, n-1)
	return slices.Clone(m[start : stop+1])
}

func modelRange(m model, start int, reverse bool) model {
	i, ok := normModel(start, len(m))
	if !ok {
		return nil
	}
	if reverse {
		out := slices.Clone(m[:i+1])
		slices.Reverse(out)
		return out
	}
	return m[i:]
}

func modelPositions(m model, e []byte, reverse bool, maxlen int) []int {
	var out []int
	for k := 0; k < len(m) && (maxlen <= 0 || k < maxlen); k++ {
		i := k
		if reverse {
			i = len(m) - 1 - k
		}
		if bytes.Equal(m[i], e) {
			out = append(out, i)
		}
	}
	return out
}

func equalModels(a, b model) bool {
	return slices.EqualFunc(a, b, bytes.Equal)
}

// Ensure that random operations agree with a slice model, for every kind of
// fill factor, with and without compression, and with PLAIN nodes.
func TestModel(t *testing.T) {
	configs := []struct{ fill, depth int }{
		{-2, 0}, {-1, 0}, {-5, 0}, {1, 0}, {3, 0}, {128, 0}, {0, 0},
		{-2, 1}, {-1, 2}, {4, 1}, {2, 3},
	}
	for _, large := range []bool{false, true} {
		for _, cfg := range configs {
			name := fmt.Sprintf("fill=%d,depth=%d,plain=%v", cfg.fill, cfg.depth, large)
			t.Run(name, func(t *testing.T) {
				if large {
					setThreshold(t, 2000)
				}
				for seed := uint64(1); seed <= 6; seed++ {
					src := rngSource{rand.New(rand.NewPCG(seed, uint64(cfg.fill+10*cfg.depth)))}
					runModel(t, src, cfg.fill, cfg.depth, 1500, nil)
				}
			})
		}
	}
}

// setThreshold lowers the packed threshold for one test.
func setThreshold(t testing.TB, n int64) {
	t.Helper()
	old := PackedThreshold()
	SetPackedThreshold(n)
	t.Cleanup(func() { SetPackedThreshold(old) })
}
