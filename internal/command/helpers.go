package command

import (
	"bytes"
	"math"
	"strconv"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/resp"
)

// Shared argument spellings for rewritten commands.
var (
	argSET       = []byte("SET")
	argDEL       = []byte("DEL")
	argUNLINK    = []byte("UNLINK")
	argPXAT      = []byte("PXAT")
	argPEXPIREAT = []byte("PEXPIREAT")
	argPERSIST   = []byte("PERSIST")
	argKEEPTTL   = []byte("KEEPTTL")
)

// eq reports whether arg equals the upper-case keyword, ignoring case.
func eq(arg []byte, upper string) bool {
	if len(arg) != len(upper) {
		return false
	}
	for i := 0; i < len(arg); i++ {
		c := arg[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != upper[i] {
			return false
		}
	}
	return true
}

// ParseInt parses an integer argument like Redis's string2ll.
func ParseInt(b []byte) (int64, bool) { return resp.ParseInt(b) }

// intArg parses argument i as an int64, replying the Redis error if it is
// not one.
func (c *Ctx) intArg(i int) (int64, bool) {
	n, ok := resp.ParseInt(c.Args[i])
	if !ok {
		c.W.Error(ErrNotInt)
	}
	return n, ok
}

// ErrIntRange is Redis's getIntFromObjectOrReply reply to an integer that
// fits a long long but not a C int.
const ErrIntRange = "ERR value is out of range, value must between -2147483648 and 2147483647"

// Int32Arg parses argument i like Redis's getIntFromObjectOrReply: not an
// integer gives ErrNotInt, one outside the C int range ErrIntRange.
func (c *Ctx) Int32Arg(i int) (int64, bool) {
	n, ok := c.intArg(i)
	if ok && (n < math.MinInt32 || n > math.MaxInt32) {
		c.W.Error(ErrIntRange)
		return 0, false
	}
	return n, ok
}

// lookupRead returns key's entry for reading (nil when absent). If the key
// holds another type than t it replies WRONGTYPE and returns ok=false.
func (c *Ctx) lookupRead(key []byte, t keyspace.Type) (*keyspace.Entry, bool) {
	e := c.DB.Lookup(key)
	if e != nil && e.Type() != t {
		c.W.Error(ErrWrongType)
		return nil, false
	}
	return e, true
}

// lookupWrite is lookupRead for a command that modifies the value in place.
func (c *Ctx) lookupWrite(key []byte, t keyspace.Type) (*keyspace.Entry, bool) {
	e := c.DB.LookupWrite(key)
	if e != nil && e.Type() != t {
		c.W.Error(ErrWrongType)
		return nil, false
	}
	return e, true
}

// delArg is DEL, or UNLINK when lazy freeing of user deletions is on.
func (c *Ctx) delArg(lazy bool) []byte {
	if lazy {
		return argUNLINK
	}
	return argDEL
}

func itob(n int64) []byte { return strconv.AppendInt(nil, n, 10) }

func copyBytes(b []byte) []byte { return bytes.Clone(b) }
