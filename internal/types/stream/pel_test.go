package stream

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestPELAgainstSortedSlice drives a PEL and a sorted slice with the same
// random inserts and removals and compares every query.
func TestPELAgainstSortedSlice(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var p PEL
	var ref []ID
	for step := range 20000 {
		id := ID{MS: rng.Uint64N(500), Seq: rng.Uint64N(3)}
		i, found := slices.BinarySearchFunc(ref, id, ID.Compare)
		if rng.IntN(3) == 0 {
			p.remove(id)
			if found {
				ref = slices.Delete(ref, i, i+1)
			}
		} else if !found {
			p.insert(&NACK{ID: id})
			ref = slices.Insert(ref, i, id)
		}
		if p.Len() != len(ref) {
			t.Fatalf("step %d: Len %d, want %d", step, p.Len(), len(ref))
		}
		if (p.Get(id) != nil) != slices.Contains(ref, id) {
			t.Fatalf("step %d: Get(%v) disagrees", step, id)
		}
		probe := ID{MS: rng.Uint64N(520), Seq: rng.Uint64N(3)}
		j, _ := slices.BinarySearchFunc(ref, probe, ID.Compare)
		c := p.Ceil(probe)
		if (c == nil) != (j == len(ref)) || (c != nil && c.ID != ref[j]) {
			t.Fatalf("step %d: Ceil(%v) = %v, want index %d of %v", step, probe, c, j, len(ref))
		}
	}
	var got []ID
	p.Each(func(n *NACK) bool { got = append(got, n.ID); return true })
	if !slices.Equal(got, ref) {
		t.Fatalf("Each order differs")
	}
	if len(ref) > 0 && (p.First().ID != ref[0] || p.Last().ID != ref[len(ref)-1]) {
		t.Fatalf("First/Last differ")
	}
}

// BenchmarkAckMiddle acknowledges entries in the middle of a PEL of 300,000:
// O(log n) each (the sorted slice it replaced moved 2.4 MB per XACK).
func BenchmarkAckMiddle(b *testing.B) {
	s := New()
	g := s.CreateGroup([]byte("g"), ID{}, 0)
	c := g.CreateConsumer([]byte("c"), 0)
	const n = 300000
	for i := range n {
		g.AddPending(ID{MS: uint64(i)}, c, 0, 1)
	}
	b.ResetTimer()
	for i := range b.N {
		id := ID{MS: uint64(n/2 + i%(n/2))}
		if !g.Ack(id) {
			g.AddPending(id, c, 0, 1)
		}
	}
}

// check verifies the B-tree's invariants: IDs in order within and across
// nodes, ids[i] == nacks[i].ID, node sizes within the degree's bounds,
// every leaf at the same depth, and Len.
func (p *PEL) check(t *testing.T) {
	t.Helper()
	if p.root == nil {
		if p.n != 0 {
			t.Fatalf("empty tree, Len %d", p.n)
		}
		return
	}
	leafDepth, count := -1, 0
	var prev *ID
	var walk func(n *pelNode, depth int, root bool)
	walk = func(n *pelNode, depth int, root bool) {
		if len(n.ids) != len(n.nacks) || len(n.ids) > pelMaxItems || (!root && len(n.ids) < pelMinDegree-1) || len(n.ids) == 0 {
			t.Fatalf("node of %d ids, %d nacks (root %v)", len(n.ids), len(n.nacks), root)
		}
		if n.kids != nil && len(n.kids) != len(n.ids)+1 {
			t.Fatalf("inner node of %d ids has %d children", len(n.ids), len(n.kids))
		}
		for i := range n.ids {
			if n.kids != nil {
				walk(n.kids[i], depth+1, false)
			}
			if n.nacks[i].ID != n.ids[i] {
				t.Fatalf("ids[%d] = %v, nack %v", i, n.ids[i], n.nacks[i].ID)
			}
			if prev != nil && !idLess(*prev, n.ids[i]) {
				t.Fatalf("%v after %v", n.ids[i], *prev)
			}
			prev = &n.ids[i]
			count++
		}
		if n.kids != nil {
			walk(n.kids[len(n.ids)], depth+1, false)
		} else if leafDepth == -1 {
			leafDepth = depth
		} else if depth != leafDepth {
			t.Fatalf("leaves at depths %d and %d", leafDepth, depth)
		}
	}
	walk(p.root, 0, true)
	if count != p.n {
		t.Fatalf("%d NACKs in the tree, Len %d", count, p.n)
	}
}

// TestPELTreeInvariants grows a PEL to tens of thousands of entries and
// shrinks it to nothing again, in random order and in ID order (XREADGROUP
// appends, XACK often takes the oldest), checking the tree's invariants
// and every query against a map as it goes.
func TestPELTreeInvariants(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, order := range []string{"random", "ascending", "descending"} {
		var p PEL
		ref := map[ID]*NACK{}
		const space = 40000
		pick := func(step int) ID {
			switch order {
			case "ascending":
				return ID{MS: uint64(step % space)}
			case "descending":
				return ID{MS: uint64(space - step%space)}
			}
			return ID{MS: rng.Uint64N(space), Seq: rng.Uint64N(2)}
		}
		for phase, insertShare := range []int{90, 60, 10, 0} {
			for step := range 60000 {
				id := pick(step + phase)
				if rng.IntN(100) < insertShare {
					x := &NACK{ID: id}
					p.insert(x)
					ref[id] = x
				} else {
					got := p.remove(id)
					if got != ref[id] {
						t.Fatalf("%s: remove(%v) = %p, want %p", order, id, got, ref[id])
					}
					delete(ref, id)
				}
				if step%5000 == 0 {
					p.check(t)
				}
				if got := p.Get(id); got != ref[id] {
					t.Fatalf("%s: Get(%v) = %p, want %p", order, id, got, ref[id])
				}
			}
			p.check(t)
			if p.Len() != len(ref) {
				t.Fatalf("%s phase %d: Len %d, want %d", order, phase, p.Len(), len(ref))
			}
		}
		// Empty it in ID order.
		for p.Len() > 0 {
			first := p.First()
			if p.remove(first.ID) != first {
				t.Fatal("remove(First) failed")
			}
			delete(ref, first.ID)
		}
		p.check(t)
		if len(ref) != 0 || p.First() != nil || p.Last() != nil {
			t.Fatalf("%s: %d left in the map after emptying the tree", order, len(ref))
		}
	}
}
