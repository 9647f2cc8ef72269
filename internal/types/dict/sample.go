package dict

// Sample calls fn with count random entries, repetitions allowed.
func (d *Dict) Sample(count int, rnd func(n uint64) uint64, fn func(k, v string)) {
	for ; count > 0; count-- {
		k, v, ok := d.Random(rnd)
		if !ok {
			return
		}
		fn(k, v)
	}
}

// SampleUnique calls fn with count distinct random entries, in random order;
// count must be below Len. It costs O(count): when count is more than a
// third of the table it shuffles a copy of the entries (at most 3×count of
// them), otherwise it draws random entries and drops repeats, which needs
// at most 1.5 draws per entry on average.
func (d *Dict) SampleUnique(count int, rnd func(n uint64) uint64, fn func(k, v string)) {
	n := d.Len()
	if count <= 0 || n == 0 {
		return
	}
	count = min(count, n)
	if count*3 > n {
		all := make([]string, 0, n)
		for ti := 0; ti < 2; ti++ {
			for _, head := range d.t[ti].b {
				for e := head; e != nil; e = e.next {
					all = append(all, e.s)
				}
			}
		}
		for i := 0; i < count; i++ {
			j := i + int(rnd(uint64(n-i)))
			all[i], all[j] = all[j], all[i]
			fn(d.split(all[i]))
		}
		return
	}
	seen := make(map[string]struct{}, count)
	for len(seen) < count {
		k, v, _ := d.Random(rnd)
		if _, dup := seen[k]; dup {
			continue
		}
		seen[k] = struct{}{}
		fn(k, v)
	}
}
