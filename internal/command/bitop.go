package command

import (
	"encoding/binary"

	"github.com/vestadb/vesta/internal/keyspace"
)

// BITOP AND|OR|XOR|NOT destkey key [key ...]: missing keys are empty
// strings, shorter strings are padded with zeros, and the result, as long
// as the longest input, replaces destkey (as a raw string, without TTL); an
// empty result deletes destkey.

type bitOp uint8

const (
	opAnd bitOp = iota
	opOr
	opXor
	opNot
)

func cmdBitOp(c *Ctx) {
	var op bitOp
	switch name := c.Args[1]; {
	case EqFold(name, "and"):
		op = opAnd
	case EqFold(name, "or"):
		op = opOr
	case EqFold(name, "xor"):
		op = opXor
	case EqFold(name, "not"):
		op = opNot
	default:
		c.SyntaxError()
		return
	}
	if op == opNot && len(c.Args) != 4 {
		c.Error(ErrBitopNot)
		return
	}
	dst := c.Args[2]
	srcs := make([][]byte, 0, len(c.Args)-3)
	maxLen := 0
	for _, key := range c.Args[3:] {
		e, ok := c.lookupRead(key, keyspace.TypeString)
		if !ok {
			return
		}
		var s []byte
		if e != nil {
			s = e.Str()
		}
		srcs = append(srcs, s)
		maxLen = max(maxLen, len(s))
	}
	if maxLen == 0 {
		// Redis deletes without looking at the TTL: an expired destkey
		// counts as deleted.
		if c.DB.Find(dst) != nil {
			c.DB.Unlink(dst)
			c.Changed(dst)
			c.Notify(NotifyGeneric, "del", dst)
		}
		c.W.Int(0)
		return
	}
	res := make([]byte, maxLen)
	bitopInto(res, op, srcs)
	c.DB.LookupWrite(dst) // an expired destkey goes first, as in setKey
	e := c.DB.SetString(dst, nil, false)
	c.DB.UpdateString(e, res, keyspace.EncRaw)
	c.Changed(dst)
	c.Notify(NotifyString, "set", dst)
	c.W.Int(int64(maxLen))
}

// bitopInto computes op over srcs into res (as long as the longest source).
// The sources may alias entries of the keyspace, res must not.
func bitopInto(res []byte, op bitOp, srcs [][]byte) {
	copy(res, srcs[0]) // the rest of res is zero: a padded first source
	if op == opNot {
		for i := range res {
			res[i] = ^res[i]
		}
		return
	}
	for _, s := range srcs[1:] {
		n := len(s)
		if op == opAnd {
			// Past the end of a shorter source, AND gives zeros.
			clear(res[n:])
		}
		i := 0
		for ; i+8 <= n; i += 8 {
			a, b := binary.LittleEndian.Uint64(res[i:]), binary.LittleEndian.Uint64(s[i:])
			switch op {
			case opAnd:
				a &= b
			case opOr:
				a |= b
			case opXor:
				a ^= b
			}
			binary.LittleEndian.PutUint64(res[i:], a)
		}
		for ; i < n; i++ {
			switch op {
			case opAnd:
				res[i] &= s[i]
			case opOr:
				res[i] |= s[i]
			case opXor:
				res[i] ^= s[i]
			}
		}
	}
}
