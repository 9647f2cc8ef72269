package rdb

import (
	"errors"
	"fmt"
)

// errNothingToSkip is returned by SkipValue when Next did not stop at an
// unsupported value.
var errNothingToSkip = errors.New("rdb: SkipValue called with no unsupported value pending")

// SkipValue consumes the value that Next reported with an error wrapping
// [ErrUnsupportedType], without decoding it, so that reading can go on:
// MODULE_2 values and module AUX data (walked through their typed opcodes, as
// redis-check-rdb does). A pre-GA MODULE (type 6) value has no framing and
// cannot be skipped: that is an error, and the Reader is spent.
func (r *Reader) SkipValue() error {
	if r.err != nil {
		return r.err
	}
	kind, key := r.pending, string(r.pendKey) // the arena is about to be reused
	if kind == pendingNone {
		return errNothingToSkip
	}
	r.pending, r.pendKey = pendingNone, nil
	if r.opts.Alias {
		r.arena = r.arena[:0]
	}
	var err error
	switch kind {
	case pendingModule2, pendingModuleAux:
		err = r.skipModuleOpcodes()
	case pendingModule1:
		err = fmt.Errorf("%w: a MODULE (v1) value cannot be skipped", ErrUnsupportedType)
	}
	if err != nil {
		if kind != pendingModuleAux {
			err = fmt.Errorf("skipping value of key %q: %w", key, err)
		}
		return r.fail(err)
	}
	return nil
}

// skipModuleOpcodes consumes module data: typed opcodes up to the EOF
// opcode.
func (r *Reader) skipModuleOpcodes() error {
	for {
		op, err := r.readLen()
		if err != nil {
			return err
		}
		switch op {
		case moduleOpEOF:
			return nil
		case moduleOpSInt, moduleOpUInt:
			_, err = r.readLen()
		case moduleOpFloat:
			err = r.skip(4)
		case moduleOpDouble:
			err = r.skip(8)
		case moduleOpString:
			err = r.skipString()
		default:
			err = fmt.Errorf("%w: unknown module opcode %d", ErrCorrupt, op)
		}
		if err != nil {
			return err
		}
	}
}
