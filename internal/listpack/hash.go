package listpack

// The hash layout stores field1, value1, field2, value2, ... as consecutive
// entries, in insertion order.

// HashFind returns the position of field's entry in a hash layout, or -1.
// The value is at lp.Next(pos).
func (lp Listpack) HashFind(field []byte) int {
	return lp.Find(field, 1)
}

// HashSet sets field to value in a hash layout: an existing value is
// replaced in place, a new pair is appended at the tail. It returns the
// updated listpack and whether the field was new.
func (lp Listpack) HashSet(field, value []byte) (Listpack, bool) {
	if p := lp.HashFind(field); p >= 0 {
		return lp.Replace(lp.Next(p), value), false
	}
	return lp.Append(field, value), true
}

// HashDelete removes field and its value from a hash layout. It returns the
// updated listpack and whether the field was there.
func (lp Listpack) HashDelete(field []byte) (Listpack, bool) {
	p := lp.HashFind(field)
	if p < 0 {
		return lp, false
	}
	lp, _ = lp.DeleteN(p, 2)
	return lp, true
}
