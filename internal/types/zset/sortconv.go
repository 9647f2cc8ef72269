package zset

// ToSkiplist converts a listpack set to the skiplist encoding whatever its
// size, as Redis's SORT does to a sorted set before reading it (it never
// converts back). A skiplist set is left alone.
func (z *ZSet) ToSkiplist() {
	if z.sl == nil {
		z.convert(z.Len())
	}
}
