package rdbcheck

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/vestadb/vesta/internal/rdb"
)

// Options configure [Check].
type Options struct {
	// Name is the file name printed by [Report.WriteTo].
	Name string
	// Now is the time "already expired" is judged against; the zero
	// value means time.Now().
	Now time.Time
	// IgnoreChecksum skips the CRC64 check (rdbchecksum no).
	IgnoreChecksum bool
	// Databases, when positive, makes a SELECTDB of this index or more an
	// error ([ErrDatabase]), as it is for a server configured with that
	// many databases.
	Databases int
}

// Check reads an RDB image from r to its end and verifies it completely
// (see the package documentation). size is the total size of the input
// when known (0 otherwise); it lets impossible lengths be refused before
// anything is read or allocated for them. The input may go on after the
// RDB's checksum, as an AOF with an RDB preamble does; Check stops at the
// checksum and [Report.End] says where that is.
//
// The Report is never nil: it describes what was read, up to the first
// problem. The error is nil when the image is sound, an [*Error] wrapping
// a sentinel error of this package or of package rdb when it is not, or a
// read error of r.
func Check(r io.Reader, size int64, opts Options) (*Report, error) {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	c := &checker{
		opts:  opts,
		nowMs: now.UnixMilli(),
		rep:   &Report{Name: opts.Name, Size: size},
		seen:  map[string]struct{}{},
		dbs:   map[uint64]*DBStats{},

		announced: map[uint64]bool{},
	}
	err := c.run(r)
	c.finish()
	if err != nil {
		c.rep.Problem = err
		return c.rep, err
	}
	return c.rep, nil
}

// checker holds the state of one Check.
type checker struct {
	opts  Options
	nowMs int64
	rep   *Report
	dbs   map[uint64]*DBStats
	cur   *DBStats
	seen  map[string]struct{} // members of the current value, for duplicates
	// announced holds the databases whose SELECTDB was reported.
	announced map[uint64]bool
	// fields and ends hold the fields of the listpack being checked for
	// duplicates: field i is fields[ends[i-1]:ends[i]].
	fields []byte
	ends   []int
}

func (c *checker) run(r io.Reader) *Error {
	rd, err := rdb.NewReader(r, rdb.ReaderOptions{Size: c.rep.Size, Alias: true, IgnoreChecksum: c.opts.IgnoreChecksum})
	if err != nil {
		return readerError(err, 0, "start")
	}
	c.rep.Version = rd.Version()
	c.selectDB(0)
	for {
		start := rd.Offset()
		it, err := rd.Next()
		if err != nil {
			if errors.Is(err, rdb.ErrUnsupportedType) && it != nil {
				if e := c.unsupported(rd, it, start); e != nil {
					return e
				}
				continue
			}
			return readerError(err, start, "")
		}
		switch v := it.(type) {
		case rdb.Aux:
			c.rep.Aux = append(c.rep.Aux, AuxField{Offset: rd.Offset(), Key: v.Key, Val: v.Val})
			c.event(rd.Offset(), fmt.Sprintf("AUX FIELD %s = '%s'", printable(v.Key), printable(v.Val)))
		case rdb.SelectDB:
			if c.opts.Databases > 0 && v.N >= uint64(c.opts.Databases) {
				return &Error{Offset: start, Doing: "read-len", Type: -1, Err: fmt.Errorf(
					"%w: the file uses database %d, but only %d are configured", ErrDatabase, v.N, c.opts.Databases)}
			}
			// Redis prints every SELECTDB; a forkless Vesta snapshot may
			// repeat them many times, so only the first of each is shown.
			if c.announced[v.N] {
				c.rep.RepeatedSelects++
			} else {
				c.announced[v.N] = true
				c.event(rd.Offset(), fmt.Sprintf("Selecting DB ID %d", v.N))
			}
			c.selectDB(v.N)
		case rdb.ResizeDB:
		case rdb.Function:
			if e := c.function(v.Code, start); e != nil {
				return e
			}
		case *rdb.Key:
			if e := c.key(v, start); e != nil {
				return e
			}
		case rdb.EOF:
			c.rep.End = rd.Offset()
			switch {
			case c.rep.Version < 5:
				c.rep.Checksum = ChecksumAbsent
			case c.opts.IgnoreChecksum:
				c.rep.Checksum = ChecksumIgnored
			case v.Checksum == 0:
				c.rep.Checksum = ChecksumDisabled
				c.event(rd.Offset(), "RDB file was saved with checksum disabled: no check performed.")
			default:
				c.rep.Checksum = ChecksumOK
				c.event(rd.Offset(), "Checksum OK")
			}
			return nil
		}
	}
}

// unsupported counts a module value, or module AUX data, and
// steps over it.
func (c *checker) unsupported(rd *rdb.Reader, it rdb.Item, start int64) *Error {
	var e *Error
	switch v := it.(type) {
	case *rdb.Key:
		c.count(v)
		c.rep.Unsupported++
		e = &Error{Offset: start, Doing: "read-object-value", Key: string(v.Key), HasKey: true, Type: int(v.Type)}
	case rdb.ModuleAux:
		c.rep.ModuleAux++
		e = &Error{Offset: start, Doing: "read-type", Type: -1}
	}
	if err := rd.SkipValue(); err != nil {
		var re *rdb.Error
		if errors.As(err, &re) {
			e.Offset = re.Offset
			err = re.Err
		}
		e.Err = err
		return e
	}
	return nil
}

// key counts a key and deep-checks its value.
func (c *checker) key(k *rdb.Key, start int64) *Error {
	c.count(k)
	empty, err := c.checkValue(k)
	if err != nil {
		return &Error{Offset: start, Doing: "read-object-value", Key: string(k.Key), HasKey: true, Type: int(k.Type), Err: err}
	}
	if empty {
		c.rep.EmptyKeys++
	}
	return nil
}

func (c *checker) count(k *rdb.Key) {
	kind := KindOf(k.Type)
	c.cur.Keys++
	c.cur.Kinds[kind]++
	c.rep.Keys++
	if k.ExpireMs != -1 {
		c.cur.Expires++
		c.rep.Expires++
		if k.ExpireMs < c.nowMs {
			c.cur.AlreadyExpired++
			c.rep.AlreadyExpired++
		}
	}
}

func (c *checker) selectDB(n uint64) {
	st, ok := c.dbs[n]
	if !ok {
		st = &DBStats{DB: n}
		c.dbs[n] = st
	}
	c.cur = st
}

func (c *checker) event(off int64, text string) {
	c.rep.events = append(c.rep.events, event{off, text})
}

// finish sorts the per-database statistics, leaving out databases that
// hold no key.
func (c *checker) finish() {
	for _, st := range c.dbs {
		if st.Keys > 0 {
			c.rep.DBs = append(c.rep.DBs, *st)
		}
	}
	slices.SortFunc(c.rep.DBs, func(a, b DBStats) int {
		switch {
		case a.DB < b.DB:
			return -1
		case a.DB > b.DB:
			return 1
		}
		return 0
	})
	if c.rep.End > 0 && c.rep.Size > c.rep.End {
		c.rep.Trailing = c.rep.Size - c.rep.End
	}
}

// readerError turns an error of the rdb.Reader into an *Error, naming the
// step the way redis-check-rdb does. The reader's messages say which part
// of an item was being read; that is all the step needs.
func readerError(err error, start int64, doing string) *Error {
	e := &Error{Offset: start, Type: -1, Err: err}
	var re *rdb.Error
	if errors.As(err, &re) {
		e.Offset, e.Err = re.Offset, re.Err
	}
	if doing == "" {
		msg := e.Err.Error()
		switch {
		case errors.Is(err, rdb.ErrChecksum):
			doing = "check-sum"
		case strings.HasPrefix(msg, "value of key"), strings.HasPrefix(msg, "skipping value"):
			doing = "read-object-value"
		case strings.HasPrefix(msg, "key name"):
			doing = "read-key"
		case strings.HasPrefix(msg, "AUX"):
			doing = "read-aux"
		default:
			doing = "read-type"
		}
	}
	e.Doing = doing
	return e
}
