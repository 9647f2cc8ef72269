package command

import (
	"time"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/resp"
)

// Env is what command handlers need from the server beyond the keyspace.
// The server implements it; tests can use a small fake.
type Env interface {
	// AlsoPropagate queues an extra operation for the AOF, after the
	// command's own (Redis's alsoPropagate).
	AlsoPropagate(db int, args [][]byte)
	// Limits are the encoding thresholds from the configuration.
	Limits() *Limits
	// Block suspends the client that runs c until one of keys (in c.DB) is
	// signalled as modified, the deadline passes (zero: never), or CLIENT
	// UNBLOCK. Each time a key may be ready, serve runs under the server
	// lock with a context for the blocked client (its DB and reply writer):
	// it either serves the client (writes the reply, records changes with
	// Changed and what to propagate with Rewrite, as a command would) and
	// returns true, or returns false to keep waiting. Clients blocked on
	// the same key are served in the order they blocked. On timeout the
	// client gets a null array, or a null bulk when nullBulk is set.
	// Block copies keys. Inside MULTI/EXEC commands must not block: check
	// InExec first and reply as on timeout.
	Block(c *Ctx, keys [][]byte, deadline time.Time, nullBulk bool, serve func(c *Ctx, key []byte) bool)
	// InExec reports whether the command runs inside MULTI/EXEC (or another
	// context where it must not block).
	InExec(c *Ctx) bool
}

// Limits are the configuration values data types consult.
type Limits struct {
	HashMaxListpackEntries int
	HashMaxListpackValue   int
	ZSetMaxListpackEntries int
	ZSetMaxListpackValue   int
	SetMaxIntsetEntries    int
	ListMaxListpackSize    int
	ListCompressDepth      int
	// HLLSparseMaxBytes is hll-sparse-max-bytes: the largest sparse
	// HyperLogLog, header included, before it turns dense.
	HLLSparseMaxBytes int
	// StreamNodeMaxBytes and StreamNodeMaxEntries are
	// stream-node-max-bytes and stream-node-max-entries.
	StreamNodeMaxBytes   int64
	StreamNodeMaxEntries int64
	ProtoMaxBulkLen      int64
	LazyfreeLazyUserDel  bool
	LazyfreeLazyExpire   bool
	// RDBCompression is rdbcompression: DUMP compresses strings with LZF
	// as the RDB writer does.
	RDBCompression bool
}

// Ctx is the context of one command execution. The server reuses one per
// client, so handlers must not keep it.
type Ctx struct {
	Args [][]byte
	Spec *Spec
	W    *resp.Writer
	KS   *keyspace.Keyspace
	DB   *keyspace.DB
	Env  Env
	// Client is the connection state, opaque to data commands; nil for the
	// AOF loader's connection-less client.
	Client any
	// Obey marks the AOF loader's client (Redis's mustObeyClient): what
	// was logged is replayed as it is, without the limits a client's
	// command gets (XADD/XTRIM's LIMIT).
	Obey bool

	// Propagation decisions made by the handler; the server reads and
	// resets them around each call.
	rewritten [][]byte
	noProp    bool
	force     bool
	// idArg holds the ID an XADD with '*' logs in its place: valid until
	// the next command on this context (the server copies what a
	// command propagates when the command ends).
	idArg []byte
}

// Reset prepares the context for the next command.
func (c *Ctx) Reset() {
	c.rewritten = c.rewritten[:0]
	c.noProp = false
	c.force = false
}

// Arg returns argument i as a string (allocates).
func (c *Ctx) Arg(i int) string { return string(c.Args[i]) }

// Rewrite sets the arguments that reach the AOF instead of the client's
// (relative expiries made absolute, SETEX as SET … PXAT, …).
func (c *Ctx) Rewrite(args ...[]byte) {
	c.rewritten = append(c.rewritten[:0], args...)
}

// RewriteArg makes argument i read v in what reaches the AOF, the other
// arguments staying as the client sent them (or as rewritten so far).
func (c *Ctx) RewriteArg(i int, v []byte) {
	if len(c.rewritten) == 0 {
		c.rewritten = append(c.rewritten[:0], c.Args...)
	}
	c.rewritten[i] = v
}

// Propagated returns what the AOF should record for this command: the
// rewritten arguments if any, else the originals, and whether to propagate
// even if nothing changed (FLUSHALL).
func (c *Ctx) Propagated() (args [][]byte, propagate, force bool) {
	if c.noProp {
		return nil, false, false
	}
	if len(c.rewritten) > 0 {
		return c.rewritten, true, c.force
	}
	return c.Args, true, c.force
}

// NoPropagate keeps the command itself out of the AOF (it propagated its
// effects another way, through AlsoPropagate).
func (c *Ctx) NoPropagate() { c.noProp = true }

// ForcePropagate logs the command even if it changed nothing.
func (c *Ctx) ForcePropagate() { c.force = true }

// Dirty records n changes to the dataset (server.dirty in Redis).
func (c *Ctx) Dirty(n int) { c.KS.Dirty += int64(n) }

// Changed signals that key was modified and counts one change.
func (c *Ctx) Changed(key []byte) {
	c.KS.Dirty++
	c.DB.Signal(key)
}

// Error replies with an error.
func (c *Ctx) Error(msg string) { c.W.Error(msg) }

// SyntaxError replies "-ERR syntax error".
func (c *Ctx) SyntaxError() { c.W.Error(ErrSyntax) }
