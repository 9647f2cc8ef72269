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
// stream values (types 15 and 19, walked per their layout), MODULE_2
// values and module AUX data (walked through their typed opcodes, as
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
	case pendingStream, pendingStream2:
		err = r.skipStream(kind == pendingStream2)
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

// skipStream consumes a STREAM_LISTPACKS (v1) or STREAM_LISTPACKS_2 value.
func (r *Reader) skipStream(v2 bool) error {
	nodes, _, err := r.readCount(2)
	if err != nil {
		return err
	}
	for range nodes {
		id, err := r.readString()
		if err != nil {
			return err
		}
		if len(id) != 16 {
			return fmt.Errorf("%w: stream node key of %d bytes, want 16", ErrCorrupt, len(id))
		}
		if err := r.skipString(); err != nil {
			return err
		}
	}
	// length, last id (ms, seq); v2 adds first id, max deleted id and
	// entries added.
	fields := 3
	if v2 {
		fields = 8
	}
	for range fields {
		if _, err := r.readLen(); err != nil {
			return err
		}
	}
	groups, _, err := r.readCount(3)
	if err != nil {
		return err
	}
	for range groups {
		if err := r.skipString(); err != nil { // name
			return err
		}
		lens := 2 // last id
		if v2 {
			lens = 3 // and entries read
		}
		for range lens {
			if _, err := r.readLen(); err != nil {
				return err
			}
		}
		pel, _, err := r.readCount(16 + 8 + 1)
		if err != nil {
			return err
		}
		for range pel {
			if err := r.skip(16 + 8); err != nil { // raw id, delivery time
				return err
			}
			if _, err := r.readLen(); err != nil { // delivery count
				return err
			}
		}
		consumers, _, err := r.readCount(1 + 8 + 1)
		if err != nil {
			return err
		}
		for range consumers {
			if err := r.skipString(); err != nil { // name
				return err
			}
			if err := r.skip(8); err != nil { // seen time
				return err
			}
			ids, _, err := r.readCount(16)
			if err != nil {
				return err
			}
			if ids > 0 {
				if ids > 1<<58 {
					return fmt.Errorf("%w: %d consumer PEL entries", ErrCorrupt, ids)
				}
				if err := r.skip(16 * ids); err != nil {
					return err
				}
			}
		}
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
