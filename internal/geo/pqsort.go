package geo

// PartialSort orders a[:n] by less-or-equal cmp (negative, zero, positive)
// so that positions lo..hi hold what a full sort would put there, with the
// exact sequence of comparisons and swaps of Redis's pqsort (NetBSD's
// Bentley-McIlroy quicksort that skips partitions outside lo..hi, without
// the switch to insertion sort after a pass without swaps): among
// elements that compare equal, the order that comes out is Redis's.
func PartialSort[T any](a []T, cmp func(x, y *T) int, lo, hi int) {
	pqsort(a, cmp, lo, hi)
}

// pqsort sorts the window a (which starts at offset base of the original
// array) as _pqsort does; lo and hi are absolute indexes of the range to
// get right.
func pqsort[T any](a []T, cmp func(x, y *T) int, lo, hi int) {
	base := 0
	n := len(a)
	for {
		w := a[base : base+n]
		if n < 7 {
			insertionSort(w, cmp)
			return
		}
		pm := n / 2
		if n > 7 {
			pl, pn := 0, n-1
			if n > 40 {
				d := n / 8
				pl = med3(w, pl, pl+d, pl+2*d, cmp)
				pm = med3(w, pm-d, pm, pm+d, cmp)
				pn = med3(w, pn-2*d, pn-d, pn, cmp)
			}
			pm = med3(w, pl, pm, pn, cmp)
		}
		w[0], w[pm] = w[pm], w[0]
		pa, pb := 1, 1
		pc, pd := n-1, n-1
		for {
			for pb <= pc {
				r := cmp(&w[pb], &w[0])
				if r > 0 {
					break
				}
				if r == 0 {
					w[pa], w[pb] = w[pb], w[pa]
					pa++
				}
				pb++
			}
			for pb <= pc {
				r := cmp(&w[pc], &w[0])
				if r < 0 {
					break
				}
				if r == 0 {
					w[pc], w[pd] = w[pd], w[pc]
					pd--
				}
				pc--
			}
			if pb > pc {
				break
			}
			w[pb], w[pc] = w[pc], w[pb]
			pb++
			pc--
		}
		pn := n
		r := min(pa, pb-pa)
		vecswap(w, 0, pb-r, r)
		r = min(pd-pc, pn-pd-1)
		vecswap(w, pb, pn-r, r)
		if r = pb - pa; r > 1 {
			// The left part, a recursion in Redis, unless it lies wholly
			// outside lo..hi.
			l, rr := base, base+r-1
			if !((lo < l && hi < l) || (lo > rr && hi > rr)) {
				pqsort(a[base:base+r], cmp, lo-base, hi-base)
			}
		}
		if r = pd - pc; r > 1 {
			base = base + pn - r
			n = r
			l, rr := base, base+r-1
			if !((lo < l && hi < l) || (lo > rr && hi > rr)) {
				continue
			}
		}
		return
	}
}

func insertionSort[T any](w []T, cmp func(x, y *T) int) {
	for pm := 1; pm < len(w); pm++ {
		for pl := pm; pl > 0 && cmp(&w[pl-1], &w[pl]) > 0; pl-- {
			w[pl], w[pl-1] = w[pl-1], w[pl]
		}
	}
}

func vecswap[T any](w []T, i, j, n int) {
	for k := 0; k < n; k++ {
		w[i+k], w[j+k] = w[j+k], w[i+k]
	}
}

func med3[T any](w []T, a, b, c int, cmp func(x, y *T) int) int {
	if cmp(&w[a], &w[b]) < 0 {
		if cmp(&w[b], &w[c]) < 0 {
			return b
		}
		if cmp(&w[a], &w[c]) < 0 {
			return c
		}
		return a
	}
	if cmp(&w[b], &w[c]) > 0 {
		return b
	}
	if cmp(&w[a], &w[c]) < 0 {
		return a
	}
	return c
}
