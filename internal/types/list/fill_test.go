package list

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// layout describes the nodes as "count/size" pairs.
func layout(l *List) string {
	var parts []string
	for i := range l.nodes() {
		nd := &l.nodes()[i]
		parts = append(parts, fmt.Sprintf("%d/%d", nd.count, nd.size()))
	}
	return strings.Join(parts, " ")
}

// Ensure that a node takes an element while its size plus the element plus 8
// bytes stays within the fill limit: the counts per node are those of a real
// redis-server 7.0.15 after RPUSH of n equal elements (fill -2).
func TestFillBoundary(t *testing.T) {
	tests := []struct {
		elem string
		n    int
		want string
	}{
		{"x", 2800, "2726/8185 74/229"},
		{"xx", 2100, "2044/8183 56/231"},
		{"xxxxxxxx", 900, "817/8177 83/837"},
	}
	for _, tc := range tests {
		l := New(-2, 0)
		for range tc.n {
			l.PushTail([]byte(tc.elem))
		}
		if got := layout(l); got != tc.want {
			t.Errorf("%d × %q: nodes %s, want %s", tc.n, tc.elem, got, tc.want)
		}
	}
}

// Ensure that two nodes merge when their sizes add up to the limit plus 11
// bytes, as in Redis (the merged node then exceeds the limit by up to 4
// bytes). The scenario is a fixed pseudo-random sequence of RPUSH and LINSERT
// AFTER with fill -1; the final layout was recorded from redis-server 7.0.15.
func TestMergeBoundary(t *testing.T) {
	r := rand.New(rand.NewPCG(0, 9))
	l := New(-1, 0)
	for range 137 {
		e := bytes.Repeat([]byte{'a' + byte(r.IntN(3))}, 1+r.IntN(250))
		if r.IntN(3) == 0 || l.Len() < 5 {
			l.PushTail(e)
			continue
		}
		pivot, _ := l.Index(r.IntN(l.Len()), nil)
		l.Insert(pivot, e, true)
	}
	const want = "18/2442 18/2252 32/4100 29/3313 14/2356 26/2675"
	if got := layout(l); got != want {
		t.Fatalf("nodes %s, want %s", got, want)
	}
}
