package command

import (
	"strings"

	"github.com/vestadb/vesta/internal/latency"
)

// Flag is a command flag, as COMMAND reports it.
type Flag uint32

// Command flags (Redis 7.0 names in [Flag.Names]).
const (
	Write Flag = 1 << iota
	ReadOnly
	DenyOOM
	Admin
	PubSub
	NoScript
	Blocking
	Loading // allowed while the dataset is loading
	Stale
	SkipMonitor
	SkipSlowlog
	Fast
	NoAuth // allowed before authentication
	MayReplicate
	NoMulti // refused inside MULTI
	NoMandatoryKeys
	AllowBusy
	MovableKeys
	Protected // DEBUG and friends: gated by enable-*-command
)

var flagNames = []struct {
	f    Flag
	name string
}{
	{Write, "write"}, {ReadOnly, "readonly"}, {DenyOOM, "denyoom"}, {Admin, "admin"},
	{PubSub, "pubsub"}, {NoScript, "noscript"}, {Blocking, "blocking"}, {Loading, "loading"},
	{Stale, "stale"}, {SkipMonitor, "skip_monitor"}, {SkipSlowlog, "skip_slowlog"},
	{Fast, "fast"}, {NoAuth, "no_auth"}, {MayReplicate, "may_replicate"}, {NoMulti, "no_multi"},
	{NoMandatoryKeys, "no_mandatory_keys"}, {AllowBusy, "allow_busy"}, {MovableKeys, "movablekeys"},
}

// Names returns the flag names in Redis's order.
func (f Flag) Names() []string {
	var out []string
	for _, fn := range flagNames {
		if f&fn.f != 0 {
			out = append(out, fn.name)
		}
	}
	return out
}

// ParseFlag returns the flag for a Redis flag name.
func ParseFlag(name string) (Flag, bool) {
	for _, fn := range flagNames {
		if fn.name == name {
			return fn.f, true
		}
	}
	return 0, false
}

// KeySpec describes where a command's keys are (Redis 7 key specs), as
// COMMAND INFO reports them.
type KeySpec struct {
	Notes string
	Flags []string // RO, RW, OW, RM, ACCESS, UPDATE, INSERT, DELETE, …

	// BeginSearch: "index" (Index) or "keyword" (Keyword from StartFrom);
	// "unknown" when neither.
	BeginSearch string
	Index       int
	Keyword     string
	StartFrom   int

	// FindKeys: "range" (LastKey, KeyStep, Limit) or "keynum" (KeyNumIdx,
	// FirstKey, KeyStep); "unknown" when neither.
	FindKeys  string
	LastKey   int
	KeyStep   int
	Limit     int
	KeyNumIdx int
	FirstKey  int
}

// KeyRef is a key found in a command's arguments: its index, and the index
// of the key spec that describes it (for its flags).
type KeyRef struct {
	Pos, Spec int
}

// Arg documents one argument for COMMAND DOCS (used by redis-cli's hints).
type Arg struct {
	Name        string
	Type        string // key, string, integer, double, pattern, unix-time, pure-token, oneof, block
	DisplayText string
	KeySpecIdx  int // -1 when the argument is not a key
	Token       string
	Since       string
	Flags       []string // optional, multiple, multiple_token
	Args        []Arg    // for oneof and block
}

// Spec is one command (or subcommand) of the table: everything COMMAND
// reports about it, plus the handler.
type Spec struct {
	Name  string // lowercase; "config|get" for a subcommand
	Arity int    // > 0: exact argument count; < 0: at least -Arity
	Flags Flag

	// Legacy key positions (COMMAND's first/last/step).
	FirstKey, LastKey, KeyStep int
	ACL                        []string // ACL categories without the '@'
	Tips                       []string
	KeySpecs                   []KeySpec

	// Documentation (COMMAND DOCS).
	Summary    string
	Since      string
	Group      string
	Complexity string
	DocFlags   []string
	Args       []Arg

	Subcommands map[string]*Spec
	Parent      *Spec

	// GetKeys, when set, finds the keys of a call instead of the key specs,
	// like Redis's getkeys_proc for commands whose specs cannot describe
	// them (SORT).
	GetKeys func(args [][]byte) []KeyRef

	Run func(c *Ctx)

	// Stats are the INFO commandstats counters of this command in the
	// server that owns the table (each table holds its own copies).
	Stats CallStats
}

// CallStats are a command's INFO commandstats counters: calls, their total
// execution time, and the calls refused before running (Rejected) or that
// replied an error while running (Failed), as Redis 7.0 counts them.
type CallStats struct {
	Calls, Usec, Rejected, Failed int64
	// Latency is the command's latency histogram (INFO latencystats,
	// LATENCY HISTOGRAM), in nanoseconds.
	Latency latency.Histogram
}

// FullName is the name as Redis prints it in errors: "config|get" becomes
// "config|get", a plain command its name.
func (s *Spec) FullName() string { return s.Name }

// SubName is the part after the '|' for a subcommand.
func (s *Spec) SubName() string {
	if i := strings.IndexByte(s.Name, '|'); i >= 0 {
		return s.Name[i+1:]
	}
	return s.Name
}

// Has reports whether the spec has all flags in f.
func (s *Spec) Has(f Flag) bool { return s.Flags&f == f }

// Keys returns the argument indexes of the keys in args, using the legacy
// first/last/step positions (commands with movable keys provide KeysFunc).
func (s *Spec) Keys(args [][]byte) []int {
	if s.FirstKey <= 0 {
		return nil
	}
	last := s.LastKey
	if last < 0 {
		last = len(args) + last
	}
	var out []int
	step := max(s.KeyStep, 1)
	for i := s.FirstKey; i <= last && i < len(args); i += step {
		out = append(out, i)
	}
	return out
}
