package rdbcheck

import (
	"bytes"
	"fmt"

	"github.com/vestadb/vesta/internal/intset"
	"github.com/vestadb/vesta/internal/listpack"
	"github.com/vestadb/vesta/internal/rdb"
	"github.com/vestadb/vesta/internal/types/stream"
	"github.com/vestadb/vesta/internal/ziplist"
)

// checkValue validates the value of k as Redis's loader does with deep
// sanitisation, and reports whether it is an empty collection (which
// loaders skip).
func (c *checker) checkValue(k *rdb.Key) (empty bool, err error) {
	v := &k.Value
	switch k.Type {
	case rdb.TypeString:
		return false, nil

	case rdb.TypeList:
		return len(v.Elems) == 0, nil

	case rdb.TypeSet:
		return len(v.Elems) == 0, c.unique(v.Elems, "set member")

	case rdb.TypeZSet, rdb.TypeZSet2: // NaN scores are refused by the reader
		return len(v.Elems) == 0, c.unique(v.Elems, "sorted set member")

	case rdb.TypeHash:
		return len(v.Elems) == 0, c.unique(v.Elems, "hash field")

	case rdb.TypeStreamListpacks, rdb.TypeStreamListpacks2:
		if _, err := stream.DecodeRDB(k); err != nil {
			return false, err
		}
		return false, nil

	case rdb.TypeSetIntset:
		if err := intset.Validate(v.Blob, true); err != nil {
			return false, integrity("Intset", err)
		}
		return false, nil

	case rdb.TypeHashListpack, rdb.TypeZSetListpack:
		what := "Hash listpack"
		if k.Type == rdb.TypeZSetListpack {
			what = "Zset listpack"
		}
		if err := listpack.Validate(v.Blob, true, true); err != nil {
			return false, integrity(what, err)
		}
		lp := listpack.FromBytes(v.Blob)
		if err := c.uniqueFields(lp); err != nil {
			return false, integrity(what, err)
		}
		return lp.Len() == 0, nil

	case rdb.TypeListQuicklist2:
		entries := 0
		for i, node := range v.Nodes {
			if v.Containers[i] != rdb.ContainerPacked {
				entries++ // a plain node is one element
				continue
			}
			if err := listpack.Validate(node, true, false); err != nil {
				return false, integrity(fmt.Sprintf("Quicklist node %d listpack", i), err)
			}
			entries += listpack.FromBytes(node).Len()
		}
		return entries == 0, nil

	case rdb.TypeListQuicklist:
		entries := 0
		for i, node := range v.Nodes {
			lp, err := ziplist.ToListpack(node)
			if err != nil {
				return false, integrity(fmt.Sprintf("Quicklist node %d ziplist", i), err)
			}
			entries += lp.Len()
		}
		return entries == 0, nil

	case rdb.TypeListZiplist:
		lp, err := ziplist.ToListpack(v.Blob)
		if err != nil {
			return false, integrity("List ziplist", err)
		}
		return lp.Len() == 0, nil

	case rdb.TypeHashZiplist, rdb.TypeZSetZiplist:
		what := "Hash ziplist"
		if k.Type == rdb.TypeZSetZiplist {
			what = "Zset ziplist"
		}
		lp, err := ziplist.ToListpackPairs(v.Blob)
		if err != nil {
			return false, integrity(what, err)
		}
		return lp.Len() == 0, nil

	case rdb.TypeHashZipmap:
		if _, err := ziplist.ZipmapToListpack(v.Blob); err != nil {
			return false, integrity("Zipmap", err)
		}
		return false, nil
	}
	return false, fmt.Errorf("%w: unexpected value type %d", rdb.ErrCorrupt, k.Type)
}

// unique reports a repeated element of a plain collection.
func (c *checker) unique(elems [][]byte, what string) error {
	clear(c.seen)
	for _, e := range elems {
		if _, dup := c.seen[string(e)]; dup {
			return fmt.Errorf("%w: duplicate %s %q", ErrIntegrity, what, e)
		}
		c.seen[string(e)] = struct{}{}
	}
	return nil
}

// uniqueFields reports a repeated field or member in a pair layout,
// comparing by string form as Redis does. lp must have passed a deep
// Validate with pairs. Small listpacks (all those Redis writes by default)
// are compared pairwise in a reused buffer, so that checking a file of
// small hashes allocates nothing per key; larger ones use a set.
func (c *checker) uniqueFields(lp listpack.Listpack) error {
	c.fields, c.ends = c.fields[:0], c.ends[:0]
	for p := lp.First(); p >= 0; {
		c.fields = lp.AppendGet(c.fields, p)
		c.ends = append(c.ends, len(c.fields))
		if p = lp.Next(p); p < 0 {
			break
		}
		p = lp.Next(p)
	}
	field := func(i int) []byte {
		from := 0
		if i > 0 {
			from = c.ends[i-1]
		}
		return c.fields[from:c.ends[i]]
	}
	n := len(c.ends)
	if n > 64 {
		clear(c.seen)
		for i := range n {
			f := field(i)
			if _, dup := c.seen[string(f)]; dup {
				return fmt.Errorf("%w: %q", listpack.ErrDuplicate, f)
			}
			c.seen[string(f)] = struct{}{}
		}
		return nil
	}
	for i := 1; i < n; i++ {
		for j := range i {
			if bytes.Equal(field(i), field(j)) {
				return fmt.Errorf("%w: %q", listpack.ErrDuplicate, field(i))
			}
		}
	}
	return nil
}

func integrity(what string, err error) error {
	return &integrityError{what: what, err: err}
}

// integrityError is a failed deep check of an encoded value. It reads like
// Redis's message ("Hash listpack integrity check failed") followed by the
// encoding package's reason, and matches both [ErrIntegrity] and that
// package's sentinel error.
type integrityError struct {
	what string
	err  error
}

func (e *integrityError) Error() string {
	return e.what + " integrity check failed: " + e.err.Error()
}

func (e *integrityError) Unwrap() []error { return []error{ErrIntegrity, e.err} }
