package rdbcheck

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vestadb/vesta/internal/rdb"
)

// Kind is the logical type of a key, whatever its encoding.
type Kind int

// The kinds of keys counted in [DBStats].
const (
	KindString Kind = iota
	KindList
	KindSet
	KindZSet
	KindHash
	KindStream
	KindModule
	NumKinds
)

var kindNames = [NumKinds]string{"string", "list", "set", "zset", "hash", "stream", "module"}

// String returns the kind's name as TYPE prints it.
func (k Kind) String() string {
	if k >= 0 && k < NumKinds {
		return kindNames[k]
	}
	return "unknown"
}

// KindOf returns the logical type of an RDB value type.
func KindOf(t byte) Kind {
	switch t {
	case rdb.TypeString:
		return KindString
	case rdb.TypeList, rdb.TypeListZiplist, rdb.TypeListQuicklist, rdb.TypeListQuicklist2:
		return KindList
	case rdb.TypeSet, rdb.TypeSetIntset:
		return KindSet
	case rdb.TypeZSet, rdb.TypeZSet2, rdb.TypeZSetZiplist, rdb.TypeZSetListpack:
		return KindZSet
	case rdb.TypeHash, rdb.TypeHashZipmap, rdb.TypeHashZiplist, rdb.TypeHashListpack:
		return KindHash
	case rdb.TypeStreamListpacks, rdb.TypeStreamListpacks2:
		return KindStream
	}
	return KindModule
}

// Checksum says what became of the CRC64 trailer.
type Checksum int

// The states of the checksum.
const (
	// ChecksumNotReached: the check stopped before the end of the file.
	ChecksumNotReached Checksum = iota
	// ChecksumOK: the trailer matched.
	ChecksumOK
	// ChecksumDisabled: the trailer is 0, the file was saved with
	// rdbchecksum no.
	ChecksumDisabled
	// ChecksumIgnored: Options.IgnoreChecksum was set.
	ChecksumIgnored
	// ChecksumAbsent: versions below 5 have no trailer.
	ChecksumAbsent
)

// DBStats counts the keys of one database.
type DBStats struct {
	DB uint64
	// Keys counts every key, Expires those with a TTL and AlreadyExpired
	// those whose TTL had passed at Options.Now.
	Keys, Expires, AlreadyExpired int64
	// Kinds counts the keys per logical type.
	Kinds [NumKinds]int64
}

// AuxField is an AUX field and the offset just after it.
type AuxField struct {
	Offset   int64
	Key, Val string
}

// Report describes a checked RDB image.
type Report struct {
	// Name and Size are those given to Check.
	Name string
	Size int64
	// Version is the RDB format version of the header.
	Version int
	// Aux lists the AUX fields in file order.
	Aux []AuxField
	// DBs are the databases holding keys, in ascending order.
	DBs []DBStats
	// Keys, Expires and AlreadyExpired are the totals over DBs.
	Keys, Expires, AlreadyExpired int64
	// Functions counts function libraries (FUNCTION2 items); Libraries
	// are their names in file order.
	Functions int
	Libraries []string
	// ModuleAux counts module AUX records (Vesta cannot load them).
	ModuleAux int
	// Unsupported counts module keys: checked for framing
	// only, valid for Redis, not loadable by Vesta.
	Unsupported int64
	// EmptyKeys counts empty collections, which loaders skip.
	EmptyKeys int64
	// RepeatedSelects counts SELECTDB opcodes for a database already
	// selected before (Vesta's snapshots write them).
	RepeatedSelects int64
	// Checksum is the state of the trailer.
	Checksum Checksum
	// End is the offset just after the checksum (where the RESP part of
	// an AOF with an RDB preamble starts), or 0 if it was not reached.
	End int64
	// Trailing is the number of bytes after End, when Size is known.
	Trailing int64
	// Problem is the first problem found, or nil.
	Problem *Error

	events []event
}

// event is a line of progress output: an AUX field, a SELECTDB, the
// checksum.
type event struct {
	off  int64
	text string
}

// OK reports whether the image is sound.
func (r *Report) OK() bool { return r.Problem == nil }

// VestaCanLoad reports whether the image holds only what Vesta loads: no
// modules.
func (r *Report) VestaCanLoad() bool {
	return r.Unsupported == 0 && r.ModuleAux == 0
}

// AuxValue returns the value of the AUX field key and whether it is
// present.
func (r *Report) AuxValue(key string) (string, bool) {
	for _, a := range r.Aux {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// Reason describes the problem in one line, starting with
// redis-check-rdb's words for it.
func (e *Error) Reason() string {
	msg := e.Err.Error()
	headline := ""
	switch {
	case errors.Is(e.Err, rdb.ErrTruncated):
		headline = "Unexpected EOF reading RDB file"
		msg = strings.TrimPrefix(strings.TrimSuffix(msg, rdb.ErrTruncated.Error()), ": ")
	case errors.Is(e.Err, rdb.ErrChecksum):
		headline = "RDB CRC error"
		msg = strings.TrimPrefix(msg, rdb.ErrChecksum.Error()+": ")
	}
	msg = strings.TrimSuffix(msg, ": ")
	switch {
	case headline == "":
		return msg
	case msg == "":
		return headline
	}
	return headline + " (" + msg + ")"
}

// printable renders a key for a message: printable ASCII as is, other
// bytes as \xNN escapes.
func printable(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			b.WriteString(`\\`)
		case c >= 0x20 && c < 0x7f:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, `\x%02x`, c)
		}
	}
	return b.String()
}

// typeNames are redis-check-rdb's names of the value types.
var typeNames = []string{
	"string", "list-linked", "set-hashtable", "zset-v1", "hash-hashtable",
	"zset-v2", "module-pre-release", "module-value", "", "hash-zipmap",
	"list-ziplist", "set-intset", "zset-ziplist", "hash-ziplist",
	"quicklist", "stream", "hash-listpack", "zset-listpack",
	"quicklist-v2", "stream-v2",
}

func typeName(t int) string {
	if t >= 0 && t < len(typeNames) && typeNames[t] != "" {
		return typeNames[t]
	}
	return "unknown"
}

// WriteTo prints the report in the shape of redis-check-rdb's output,
// followed by Vesta's summary lines.
func (r *Report) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	b := bufio.NewWriter(cw)
	fmt.Fprintf(b, "[offset 0] Checking RDB file %s\n", r.Name)
	for _, ev := range r.events {
		fmt.Fprintf(b, "[offset %d] %s\n", ev.off, ev.text)
	}
	if r.RepeatedSelects > 0 {
		fmt.Fprintf(b, "[info] %d more SELECTDB opcodes for databases already selected (written by forkless snapshots)\n", r.RepeatedSelects)
	}
	if p := r.Problem; p != nil {
		fmt.Fprintf(b, "--- RDB ERROR DETECTED ---\n")
		fmt.Fprintf(b, "[offset %d] %s\n", p.Offset, p.Reason())
		fmt.Fprintf(b, "[additional info] While doing: %s\n", p.Doing)
		if p.HasKey {
			fmt.Fprintf(b, "[additional info] Reading key '%s'\n", printable(p.Key))
		}
		if p.Type >= 0 {
			fmt.Fprintf(b, "[additional info] Reading type %d (%s)\n", p.Type, typeName(p.Type))
		}
	} else {
		fmt.Fprintf(b, "[offset %d] \\o/ RDB looks OK! \\o/\n", r.End)
	}
	fmt.Fprintf(b, "[info] %d keys read\n", r.Keys)
	fmt.Fprintf(b, "[info] %d expires\n", r.Expires)
	fmt.Fprintf(b, "[info] %d already expired\n", r.AlreadyExpired)
	r.writeSummary(b)
	err := b.Flush()
	return cw.n, err
}

// writeSummary prints Vesta's lines: keys per database and kind, and what
// Vesta cannot load.
func (r *Report) writeSummary(b *bufio.Writer) {
	fmt.Fprintf(b, "[info] RDB version %d\n", r.Version)
	for _, db := range r.DBs {
		var kinds []string
		for k, n := range db.Kinds {
			if n > 0 {
				kinds = append(kinds, fmt.Sprintf("%s %d", Kind(k), n))
			}
		}
		fmt.Fprintf(b, "[info] db %d: %d keys (%s), %d expires, %d already expired\n",
			db.DB, db.Keys, strings.Join(kinds, ", "), db.Expires, db.AlreadyExpired)
	}
	if r.EmptyKeys > 0 {
		fmt.Fprintf(b, "[info] %d empty collections (valid; loaders skip them)\n", r.EmptyKeys)
	}
	if r.Trailing > 0 {
		fmt.Fprintf(b, "[info] %d bytes follow the RDB checksum at offset %d (the AOF part of an RDB-preamble file; check it with vesta-check-aof)\n", r.Trailing, r.End)
	}
	if r.Unsupported > 0 {
		fmt.Fprintf(b, "[warning] %d module keys: valid for Redis, but Vesta cannot load them\n", r.Unsupported)
	}
	if r.ModuleAux > 0 {
		fmt.Fprintf(b, "[warning] %d module AUX records: valid for Redis, but Vesta cannot load them\n", r.ModuleAux)
	}
	if r.Functions > 0 {
		fmt.Fprintf(b, "[info] %d function libraries: %s\n", r.Functions, strings.Join(r.Libraries, ", "))
	}
}

// countWriter counts the bytes written through it, for WriteTo's result.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
