package command

import (
	"bytes"
	"slices"

	"github.com/vestadb/vesta/internal/cfloat"
	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/types/hash"
	"github.com/vestadb/vesta/internal/types/list"
	"github.com/vestadb/vesta/internal/types/set"
	"github.com/vestadb/vesta/internal/types/zset"
)

// SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC]
// [ALPHA] [STORE destination], and SORT_RO (the same without STORE), as
// Redis 7.0 runs them:
//
//   - Elements of a list, set or sorted set sort by their numeric value, by
//     their bytes with ALPHA, or by the value of another key named by the
//     BY pattern (its first '*' replaced by the element; "key->field" reads
//     a hash field). Missing BY keys sort as 0 (or first, with ALPHA). Equal
//     numeric values fall back to comparing the elements' bytes, so the
//     order does not depend on how the input was iterated.
//   - A BY pattern without '*' ("nosort") skips sorting: lists and sorted
//     sets come in their own order (reversed by DESC), sets in iteration
//     order, except that with STORE a set is sorted ALPHA, so that what is
//     stored does not depend on hash order.
//   - ALPHA without STORE compares like strcoll in the C locale (bytes up
//     to the first NUL); with STORE, whole byte strings.
//   - A sorted set is converted to the skiplist encoding first, even by
//     SORT_RO, as Redis does.
//   - STORE writes a list (the GET values, empty strings for missing ones)
//     and counts one change per element; an empty result deletes the
//     destination.
//
// The sort is stable. Redis uses glibc's qsort, a stable merge sort, for a
// full sort, which gives the same order; with BY, ALPHA and a LIMIT it uses
// its own partial quicksort, whose order for equal BY values Vesta does not
// reproduce (see docs/COMPATIBILITY.md).

func registerSort(t *Table) {
	t.Define("sort", func(c *Ctx) { sortGeneric(c, false) })
	t.Define("sort_ro", func(c *Ctx) { sortGeneric(c, true) })
	t.Get("sort").GetKeys = sortGetKeys
}

// sortOptions are SORT's parsed arguments.
type sortOptions struct {
	desc, alpha, dontSort bool
	start, count          int64 // LIMIT; count -1 when absent
	by                    []byte
	store                 []byte
	hasStore              bool
	gets                  [][]byte
}

// parseSort parses SORT's options, replying the error Redis gives.
func parseSort(c *Ctx, readOnly bool) (o sortOptions, ok bool) {
	o.count = -1
	for j := 2; j < len(c.Args); j++ {
		left := len(c.Args) - j - 1
		switch a := c.Args[j]; {
		case EqFold(a, "asc"):
			o.desc = false
		case EqFold(a, "desc"):
			o.desc = true
		case EqFold(a, "alpha"):
			o.alpha = true
		case EqFold(a, "limit") && left >= 2:
			if o.start, ok = c.intArg(j + 1); !ok {
				return o, false
			}
			if o.count, ok = c.intArg(j + 2); !ok {
				return o, false
			}
			j += 2
		case !readOnly && EqFold(a, "store") && left >= 1:
			o.store, o.hasStore = c.Args[j+1], true
			j++
		case EqFold(a, "by") && left >= 1:
			o.by = c.Args[j+1]
			// Once a BY without '*' is seen, nothing is sorted, whatever
			// later BYs say.
			if bytes.IndexByte(cString(o.by), '*') < 0 {
				o.dontSort = true
			} else if !fullKeyAccess(c) {
				c.Error("ERR BY option of SORT denied due to insufficient ACL permissions.")
				return o, false
			}
			j++
		case EqFold(a, "get") && left >= 1:
			if !fullKeyAccess(c) {
				c.Error("ERR GET option of SORT denied due to insufficient ACL permissions.")
				return o, false
			}
			o.gets = append(o.gets, c.Args[j+1])
			j++
		default:
			c.SyntaxError()
			return o, false
		}
	}
	return o, true
}

// fullKeyAccess reports whether the client's ACL user may read any key
// (SORT's BY and GET patterns name keys the key specs cannot see). An Env
// without users allows everything.
func fullKeyAccess(c *Ctx) bool {
	if ka, ok := c.Env.(interface{ FullKeyAccess(c *Ctx) bool }); ok {
		return ka.FullKeyAccess(c)
	}
	return true
}

// cString is b as C sees it: up to its first NUL byte.
func cString(b []byte) []byte {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i]
	}
	return b
}

// sortItem is one element to sort, with what it sorts by.
type sortItem struct {
	elem  []byte
	score float64
	cmp   []byte // the BY value with ALPHA
	// hasCmp is false when the BY key or field is missing: such items sort
	// before every present value, even an empty one.
	hasCmp bool
}

func sortGeneric(c *Ctx, readOnly bool) {
	o, ok := parseSort(c, readOnly)
	if !ok {
		return
	}
	key := c.Args[1]
	e := c.DB.Lookup(key)
	if e != nil && e.Type() != keyspace.TypeList && e.Type() != keyspace.TypeSet && e.Type() != keyspace.TypeZSet {
		c.Error(ErrWrongType)
		return
	}
	var obj keyspace.Object
	if e != nil {
		obj = e.Obj()
	}
	if _, isSet := obj.(*set.Set); isSet && o.dontSort && o.hasStore {
		o.dontSort, o.alpha, o.by = false, true, nil
	}
	if z, isZSet := obj.(*zset.ZSet); isZSet && z.IsListpack() {
		c.DB.LookupWrite(key)
		z.ToSkiplist()
	}
	n := int64(0)
	if obj != nil {
		n = int64(obj.(interface{ Len() int }).Len())
	}

	// LIMIT, clamped to the input as Redis clamps it.
	start := min(max(o.start, 0), n)
	count := min(max(o.count, -1), n)
	end := n - 1
	if count >= 0 {
		end = start + count - 1
	}
	if start >= n {
		start, end = n-1, n-2
	}
	end = min(end, n-1)

	items := loadSortItems(obj, o, &start, &end)
	convErr := false
	if !o.dontSort {
		convErr = scoreSortItems(c, items, o)
		slices.SortStableFunc(items, sortCompare(o))
	}

	var out []sortItem
	if end >= start {
		out = items[start : end+1]
	}
	outLen := int64(len(out))
	if len(o.gets) > 0 {
		outLen *= int64(len(o.gets))
	}
	switch {
	case convErr:
		c.Error(ErrSortScores)
	case !o.hasStore:
		c.W.Array(int(outLen))
		for _, it := range out {
			if len(o.gets) == 0 {
				c.W.Bulk(it.elem)
			}
			for _, g := range o.gets {
				if v, ok := sortLookup(c, g, it.elem); ok {
					c.W.Bulk(v)
				} else {
					c.W.Null()
				}
			}
		}
	default:
		storeSorted(c, o, out, outLen)
	}
}

// loadSortItems reads the elements to sort. Without sorting, a list or
// sorted set is read only in the LIMIT range, in order (reversed for
// DESC), and start and end are rebased on what was read.
func loadSortItems(obj keyspace.Object, o sortOptions, start, end *int64) []sortItem {
	var items []sortItem
	add := func(elem []byte) {
		items = append(items, sortItem{elem: bytes.Clone(elem)})
	}
	switch v := obj.(type) {
	case nil:
	case *list.List:
		if !o.dontSort {
			v.Each(func(elem []byte) bool { add(elem); return true })
			break
		}
		if *end >= *start {
			items = make([]sortItem, 0, *end-*start+1)
			from := int(*start)
			if o.desc {
				from = v.Len() - 1 - int(*start)
			}
			want := int(*end - *start + 1)
			v.Range(from, o.desc, func(elem []byte) bool {
				add(elem)
				return len(items) < want
			})
			*end -= *start
			*start = 0
		}
	case *set.Set:
		items = make([]sortItem, 0, v.Len())
		v.Each(func(m []byte) bool { add(m); return true })
	case *zset.ZSet:
		if !o.dontSort {
			items = make([]sortItem, 0, v.Len())
			v.Each(func(m []byte, _ float64) bool { add(m); return true })
			break
		}
		if *end >= *start {
			items = make([]sortItem, 0, *end-*start+1)
			v.RangeByRank(int(*start), int(*end), o.desc, func(m []byte, _ float64) bool {
				add(m)
				return true
			})
		}
		*end -= *start
		*start = 0
	}
	return items
}

// scoreSortItems fills in what each item sorts by and reports whether a
// numeric value could not be parsed.
func scoreSortItems(c *Ctx, items []sortItem, o sortOptions) (convErr bool) {
	for i := range items {
		it := &items[i]
		by := it.elem
		if o.by != nil {
			v, ok := sortLookup(c, o.by, it.elem)
			if !ok {
				continue
			}
			by = v
		}
		if o.alpha {
			if o.by != nil {
				it.cmp, it.hasCmp = by, true
			}
			continue
		}
		// strtod over the C string: all of it must convert, without a
		// range error or NaN ("" is 0).
		s := cString(by)
		f, n, erange := cfloat.Strtod(s)
		if n != len(s) || erange || f != f {
			convErr = true
		}
		it.score = f
	}
	return convErr
}

// sortCompare returns SORT's comparison for the options.
func sortCompare(o sortOptions) func(a, b sortItem) int {
	cmp := func(a, b sortItem) int {
		switch {
		case !o.alpha:
			switch {
			case a.score > b.score:
				return 1
			case a.score < b.score:
				return -1
			}
			return bytes.Compare(a.elem, b.elem)
		case o.by != nil:
			switch {
			case !a.hasCmp && !b.hasCmp:
				return 0
			case !a.hasCmp:
				return -1
			case !b.hasCmp:
				return 1
			case o.hasStore:
				return bytes.Compare(a.cmp, b.cmp)
			}
			return bytes.Compare(cString(a.cmp), cString(b.cmp))
		case o.hasStore:
			return bytes.Compare(a.elem, b.elem)
		}
		return bytes.Compare(cString(a.elem), cString(b.elem))
	}
	if o.desc {
		return func(a, b sortItem) int { return -cmp(a, b) }
	}
	return cmp
}

// sortLookup resolves a BY or GET pattern for an element: "#" is the
// element itself; otherwise the first '*' (in the pattern as a C string)
// is replaced by the element and the key read, or, for "pattern->field",
// the field of the hash at that key. ok is false for a missing key or
// field, a key of the wrong type, or a pattern without '*'.
func sortLookup(c *Ctx, pattern, elem []byte) ([]byte, bool) {
	cp := cString(pattern)
	if len(cp) == 1 && cp[0] == '#' {
		return elem, true
	}
	star := bytes.IndexByte(cp, '*')
	if star < 0 {
		return nil, false
	}
	var field []byte
	post := pattern[star+1:]
	if f := bytes.Index(cp[star+1:], []byte("->")); f >= 0 && star+1+f+2 < len(cp) {
		field = pattern[star+1+f+2:]
		post = pattern[star+1 : star+1+f]
	}
	k := make([]byte, 0, star+len(elem)+len(post))
	k = append(append(append(k, pattern[:star]...), elem...), post...)
	e := c.DB.Lookup(k)
	if e == nil {
		return nil, false
	}
	if field != nil {
		h, isHash := e.Obj().(*hash.Hash)
		if !isHash {
			return nil, false
		}
		return h.Get(nil, field)
	}
	if e.Type() != keyspace.TypeString {
		return nil, false
	}
	return e.Str(), true
}

// storeSorted writes the result of SORT ... STORE as a list.
func storeSorted(c *Ctx, o sortOptions, items []sortItem, outLen int64) {
	dst := o.store
	if outLen == 0 {
		// As in Redis, the destination goes whatever its TTL says.
		if c.DB.Find(dst) != nil {
			c.DB.Unlink(dst)
			c.Changed(dst)
			c.Notify(NotifyGeneric, "del", dst)
		}
		c.W.Int(0)
		return
	}
	l := newList(c)
	for _, it := range items {
		if len(o.gets) == 0 {
			l.PushTail(it.elem)
		}
		for _, g := range o.gets {
			v, _ := sortLookup(c, g, it.elem)
			l.PushTail(v)
		}
	}
	c.DB.LookupWrite(dst) // an expired destination goes first, as in setKey
	c.DB.SetObject(dst, l, false)
	c.DB.Signal(dst)
	c.Notify(NotifyList, "sortstore", dst)
	c.Dirty(int(outLen))
	c.W.Int(outLen)
}

// sortGetKeys finds SORT's keys as Redis's sortGetKeys does: the sorted key,
// then the last STORE destination, skipping the arguments of LIMIT, GET
// and BY (the keys those patterns name are not reported).
func sortGetKeys(args [][]byte) []KeyRef {
	keys := []KeyRef{{Pos: 1, Spec: 0}}
	store := -1
	for i := 2; i < len(args); i++ {
		switch a := args[i]; {
		case EqFold(a, "limit"):
			i += 2
		case EqFold(a, "get"), EqFold(a, "by"):
			i++
		case EqFold(a, "store") && i+1 < len(args):
			store = i + 1
		}
	}
	if store >= 0 {
		keys = append(keys, KeyRef{Pos: store, Spec: 2}) // spec 1 is BY/GET patterns
	}
	return keys
}
