package zset

import (
	"fmt"

	"github.com/vestadb/vesta/internal/listpack"
)

// check verifies the internal invariants of z and returns the first
// violation found.
func (z *ZSet) check() error {
	if (z.sl == nil) == (z.lp == nil) {
		return fmt.Errorf("exactly one encoding must be set")
	}
	if z.sl == nil {
		if err := listpack.Validate(z.lp, true, true); err != nil {
			return err
		}
		prev := pair{}
		i := 0
		var err error
		z.eachListpack(func(m []byte, s float64) bool {
			if i > 0 && !before(&node{member: prev.member, score: prev.score}, s, string(m)) {
				err = fmt.Errorf("listpack out of order at %d: %q %v after %q %v", i, m, s, prev.member, prev.score)
				return false
			}
			prev = pair{string(m), s}
			i++
			return true
		})
		return err
	}
	return z.sl.check()
}

func (sl *skiplist) check() error {
	rank := map[*node]int{sl.head: 0}
	n := 0
	var last *node
	for x := sl.first(); x != nil; x = x.next(0) {
		n++
		rank[x] = n
		if last != nil && !before(last, x.score, x.member) {
			return fmt.Errorf("out of order at rank %d", n)
		}
		if int(x.level) > sl.level {
			return fmt.Errorf("node level %d above list level %d", x.level, sl.level)
		}
		if sl.dict.find(bytesOf(x.member)) != x {
			return fmt.Errorf("member %q not indexed", x.member)
		}
		last = x
	}
	if n != sl.length {
		return fmt.Errorf("length %d, walked %d", sl.length, n)
	}
	if sl.tail != last {
		return fmt.Errorf("wrong tail")
	}
	if sl.dict.len() != n {
		return fmt.Errorf("index holds %d, list %d", sl.dict.len(), n)
	}
	if sl.level > 1 && sl.head.next(sl.level-1) == nil {
		return fmt.Errorf("top level %d is empty", sl.level)
	}
	for i := 1; i < maxLevel; i++ {
		if i >= sl.level {
			if sl.head.next(i) != nil {
				return fmt.Errorf("head links at level %d above list level", i)
			}
			continue
		}
		for x := sl.head; x != nil; x = x.next(i) {
			y := x.next(i)
			want := n - rank[x]
			if y != nil {
				r, ok := rank[y]
				if !ok {
					return fmt.Errorf("level %d links to a node not in level 0", i)
				}
				want = r - rank[x]
			}
			if x.span(i) != want {
				return fmt.Errorf("level %d span after rank %d: %d, want %d", i, rank[x], x.span(i), want)
			}
		}
	}
	seen := 0
	for ti := range 2 {
		for _, b := range sl.dict.t[ti] {
			for x := b; x != nil; x = x.hnext {
				seen++
			}
		}
	}
	if seen != n {
		return fmt.Errorf("index chains hold %d nodes, want %d", seen, n)
	}
	return nil
}
