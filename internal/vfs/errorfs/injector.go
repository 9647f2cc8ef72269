package errorfs

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"syscall"
)

// Injector decides whether an operation fails. MaybeError is called before
// every operation, possibly from several goroutines at once, and returns
// nil to let the operation run or the error to fail it with.
type Injector interface {
	MaybeError(op Op) error
}

// InjectorFunc adapts a function to an [Injector].
type InjectorFunc func(op Op) error

// MaybeError implements [Injector].
func (f InjectorFunc) MaybeError(op Op) error { return f(op) }

// Filter selects operations. A nil Filter selects every operation.
type Filter func(op Op) bool

func (f Filter) match(op Op) bool { return f == nil || f(op) }

// AllOps selects every operation.
var AllOps Filter = func(Op) bool { return true }

// ReadOps selects the operations that only read (see [OpKind.IsRead]).
var ReadOps Filter = func(op Op) bool { return op.Kind.IsRead() }

// WriteOps selects the operations that can change what is on disk.
var WriteOps Filter = func(op Op) bool { return !op.Kind.IsRead() }

// OfKind selects operations of the given kinds.
func OfKind(kinds ...OpKind) Filter {
	var set uint32
	for _, k := range kinds {
		set |= 1 << k
	}
	return func(op Op) bool { return set&(1<<op.Kind) != 0 }
}

// PathContains selects operations whose Path or NewPath contains s.
func PathContains(s string) Filter {
	return func(op Op) bool {
		return strings.Contains(op.Path, s) || (op.NewPath != "" && strings.Contains(op.NewPath, s))
	}
}

// And selects operations that every filter selects.
func And(filters ...Filter) Filter {
	return func(op Op) bool {
		for _, f := range filters {
			if !f.match(op) {
				return false
			}
		}
		return true
	}
}

// orEIO returns err, or syscall.EIO when err is nil.
func orEIO(err error) error {
	if err == nil {
		return syscall.EIO
	}
	return err
}

// Index is an [Injector] that fails exactly one operation: the n-th
// (counting from 0) of those its filter selects.
type Index struct {
	n      int64
	filter Filter
	err    error
	seen   atomic.Int64
}

// OnIndex returns an injector that fails the n-th (from 0) operation
// selected by filter with err (syscall.EIO if err is nil). Later
// operations succeed.
func OnIndex(n int, filter Filter, err error) *Index {
	return &Index{n: int64(n), filter: filter, err: orEIO(err)}
}

// MaybeError implements [Injector].
func (x *Index) MaybeError(op Op) error {
	if !x.filter.match(op) {
		return nil
	}
	if x.seen.Add(1)-1 == x.n {
		return x.err
	}
	return nil
}

// Fired reports whether the n-th operation has been reached and failed.
func (x *Index) Fired() bool { return x.seen.Load() > x.n }

// Switch is an [Injector] that fails every selected operation while it is
// on. It can be turned on and off at any time, from any goroutine.
type Switch struct {
	on     atomic.Bool
	hits   atomic.Int64
	filter Filter
	err    error
}

// Always returns a switch, initially on, that fails every operation
// selected by filter with err (syscall.EIO if err is nil).
func Always(filter Filter, err error) *Switch {
	s := &Switch{filter: filter, err: orEIO(err)}
	s.on.Store(true)
	return s
}

// On makes the switch fail selected operations.
func (s *Switch) On() { s.on.Store(true) }

// Off lets every operation through.
func (s *Switch) Off() { s.on.Store(false) }

// Enabled reports whether the switch is on.
func (s *Switch) Enabled() bool { return s.on.Load() }

// Hits returns how many operations the switch has failed.
func (s *Switch) Hits() int64 { return s.hits.Load() }

// MaybeError implements [Injector].
func (s *Switch) MaybeError(op Op) error {
	if !s.on.Load() || !s.filter.match(op) {
		return nil
	}
	s.hits.Add(1)
	return s.err
}

// Counter is an [Injector] that never fails and counts the operations its
// filter selects.
type Counter struct {
	filter Filter
	n      atomic.Int64
}

// Count returns a counter of the operations selected by filter.
func Count(filter Filter) *Counter { return &Counter{filter: filter} }

// MaybeError implements [Injector]; it always returns nil.
func (c *Counter) MaybeError(op Op) error {
	if c.filter.match(op) {
		c.n.Add(1)
	}
	return nil
}

// N returns the number of selected operations seen so far.
func (c *Counter) N() int { return int(c.n.Load()) }

// Any returns an injector that asks every injector, in order, and returns
// the first error. All injectors see every operation, so counters and
// indexes stay in step even after one of them has failed an operation.
func Any(injectors ...Injector) Injector {
	return InjectorFunc(func(op Op) error {
		var first error
		for _, inj := range injectors {
			if err := inj.MaybeError(op); err != nil && first == nil {
				first = err
			}
		}
		return first
	})
}

// ShortWriteError, returned by an injector for a write, makes the write
// pass its first Keep bytes to the inner file and then fail with Err, as a
// write(2) on a nearly full disk does. A negative Keep keeps half of the
// buffer. The written count is always less than the buffer length. For
// other operations the wrapper returns Err alone.
type ShortWriteError struct {
	Keep int
	Err  error
}

// ShortWrite returns a *ShortWriteError keeping keep bytes and failing with
// err (syscall.ENOSPC if err is nil).
func ShortWrite(keep int, err error) error {
	if err == nil {
		err = syscall.ENOSPC
	}
	return &ShortWriteError{Keep: keep, Err: err}
}

func (e *ShortWriteError) Error() string {
	return fmt.Sprintf("errorfs: short write of %d bytes: %v", e.Keep, e.Err)
}

// Unwrap returns Err.
func (e *ShortWriteError) Unwrap() error { return e.Err }

// asShort returns err as a *ShortWriteError, if it is one.
func asShort(err error) (*ShortWriteError, bool) {
	var sw *ShortWriteError
	ok := errors.As(err, &sw)
	return sw, ok
}
