package set

import "strconv"

// Random calls fn with a random member; nothing when the set is empty.
func (s *Set) Random(rnd Rand, fn func(member []byte)) {
	s.Sample(1, rnd, fn)
}

// Sample calls fn with count random members, repetitions allowed
// (SRANDMEMBER with a negative count).
func (s *Set) Sample(count int, rnd Rand, fn func(member []byte)) {
	if s.d != nil {
		s.d.Sample(count, rnd, func(k, _ string) { fn(sbytes(k)) })
		return
	}
	is := s.ints()
	n := is.Len()
	if n == 0 {
		return
	}
	var buf [20]byte
	for ; count > 0; count-- {
		fn(strconv.AppendInt(buf[:0], is.Get(int(rnd(uint64(n)))), 10))
	}
}

// SampleUnique calls fn with count distinct random members in random order;
// count must be below Len. It costs O(count) (see dict.Dict.SampleUnique;
// an intset uses the same two strategies over indexes).
func (s *Set) SampleUnique(count int, rnd Rand, fn func(member []byte)) {
	if s.d != nil {
		s.d.SampleUnique(count, rnd, func(k, _ string) { fn(sbytes(k)) })
		return
	}
	is := s.ints()
	n := is.Len()
	count = min(count, n)
	var buf [20]byte
	emit := func(i int) { fn(strconv.AppendInt(buf[:0], is.Get(i), 10)) }
	if count*3 > n {
		idx := make([]int32, n)
		for i := range idx {
			idx[i] = int32(i)
		}
		for i := 0; i < count; i++ {
			j := i + int(rnd(uint64(n-i)))
			idx[i], idx[j] = idx[j], idx[i]
			emit(int(idx[i]))
		}
		return
	}
	seen := make(map[int]struct{}, count)
	for len(seen) < count {
		i := int(rnd(uint64(n)))
		if _, dup := seen[i]; dup {
			continue
		}
		seen[i] = struct{}{}
		emit(i)
	}
}

// Scan calls fn for the members of one SCAN step and returns the next
// cursor. An intset is returned whole with cursor 0, as Redis does (COUNT
// does not apply); a hashtable follows dict.Dict.Scan.
func (s *Set) Scan(cursor uint64, fn func(member []byte)) uint64 {
	if s.d != nil {
		return s.d.Scan(cursor, func(k, _ string) { fn(sbytes(k)) })
	}
	s.Each(func(m []byte) bool {
		fn(m)
		return true
	})
	return 0
}
