package config

import (
	"math"
	"strconv"
	"strings"
)

// MemoryLimits are the MEMORY MANAGEMENT directives (maxmemory and
// eviction). Config embeds them, so they read as c.Maxmemory and so on.
type MemoryLimits struct {
	// Maxmemory is the most memory, in bytes, the dataset may use before
	// keys are evicted (or, under noeviction, write commands are refused
	// with -OOM); 0 is no limit (maxmemory). Vesta also ties the Go
	// runtime's soft memory limit to it (docs/ARCHITECTURE.md). Default 0.
	Maxmemory uint64
	// MaxmemoryPolicy is what goes when memory is over maxmemory
	// (maxmemory-policy). Default noeviction.
	MaxmemoryPolicy MaxmemoryPolicy
	// MaxmemorySamples is how many keys each eviction round samples into
	// the eviction pool (maxmemory-samples, 1..2^31-1). Default 5.
	MaxmemorySamples int
	// MaxmemoryEvictionTenacity bounds how long one command may spend
	// evicting before the rest is done between commands
	// (maxmemory-eviction-tenacity, 0..100; 100 never stops). Default 10.
	MaxmemoryEvictionTenacity int
	// LFULogFactor is how hard an LFU counter is to raise: the higher, the
	// more accesses it takes (lfu-log-factor). Default 10.
	LFULogFactor int
	// LFUDecayTime is how many minutes of idleness take one off a key's
	// LFU counter, 0 never (lfu-decay-time). Default 1.
	LFUDecayTime int
	// MaxmemoryClients caps the memory that normal and Pub/Sub clients
	// use together; over it the largest are disconnected (client
	// eviction, maxmemory-clients). Positive: bytes; negative: a
	// percentage of Maxmemory (-10 is "10%"); 0: off. Default 0.
	MaxmemoryClients int64
}

// MaxmemoryPolicy is maxmemory-policy.
type MaxmemoryPolicy int

// The eviction policies, in the order Redis lists them.
const (
	VolatileLRU MaxmemoryPolicy = iota
	VolatileLFU
	VolatileRandom
	VolatileTTL
	AllkeysLRU
	AllkeysLFU
	AllkeysRandom
	NoEviction
)

var maxmemoryPolicyNames = []string{"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
	"allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"}

// String returns the directive spelling of the policy.
func (p MaxmemoryPolicy) String() string { return enumName(maxmemoryPolicyNames, int(p)) }

// LFU reports whether the policy ranks keys by access frequency.
func (p MaxmemoryPolicy) LFU() bool { return p == VolatileLFU || p == AllkeysLFU }

// LRU reports whether the policy ranks keys by idle time.
func (p MaxmemoryPolicy) LRU() bool { return p == VolatileLRU || p == AllkeysLRU }

// AllKeys reports whether any key may be evicted, not only keys with a TTL.
func (p MaxmemoryPolicy) AllKeys() bool {
	return p == AllkeysLRU || p == AllkeysLFU || p == AllkeysRandom
}

// maxmemoryDirectives are the MEMORY MANAGEMENT section of vesta.conf.
var maxmemoryDirectives = []Directive{
	maxmemoryDirective(),
	enumDirective("maxmemory-policy", 0, maxmemoryPolicyNames, NoEviction,
		func(c *Config) *MaxmemoryPolicy { return &c.MaxmemoryPolicy }),
	intDirective("maxmemory-samples", "", 0, 1, intMax, 5, func(c *Config) *int { return &c.MaxmemorySamples }),
	intDirective("maxmemory-eviction-tenacity", "", 0, 0, 100, 10,
		func(c *Config) *int { return &c.MaxmemoryEvictionTenacity }),
	intDirective("lfu-log-factor", "", 0, 0, intMax, 10, func(c *Config) *int { return &c.LFULogFactor }),
	intDirective("lfu-decay-time", "", 0, 0, intMax, 1, func(c *Config) *int { return &c.LFUDecayTime }),
	maxmemoryClientsDirective(),
}

// maxmemoryDirective is maxmemory: an unsigned byte count up to 2^64-1,
// shown in bytes and rewritten with the largest exact unit.
func maxmemoryDirective() Directive {
	canon := canonMemory(0, math.MaxUint64)
	return Directive{
		Name: "maxmemory", Kind: KindMemory, Min: 0, Max: longMax, Default: "0",
		get: func(c *Config) string { return strconv.FormatUint(c.Maxmemory, 10) },
		set: func(c *Config, args []string) error {
			v, err := canon(args)
			if err != nil {
				return err
			}
			c.Maxmemory, _ = strconv.ParseUint(v, 10, 64)
			return nil
		},
		rewrite: func(c *Config, st *rewriteState, d *Directive) {
			st.rewriteLine(d.Name, d.Name+" "+formatMemory(c.Maxmemory), c.Maxmemory != st.defaults.Maxmemory)
		},
	}
}

// maxmemoryClientsDirective is maxmemory-clients: bytes up to 2^63-1, or a
// percentage of maxmemory up to 100%, shown as "10%". The canonical text
// is kept as a stored value (CONFIG GET and REWRITE show it) and parsed
// into MaxmemoryClients for the server.
func maxmemoryClientsDirective() Directive {
	d := stored("maxmemory-clients", "", KindMemory, 0, "0", rwMemory, canonMemoryPercent(100, longMax))
	d.Min, d.Max = -100, longMax
	set := d.set
	d.set = func(c *Config, args []string) error {
		if err := set(c, args); err != nil {
			return err
		}
		v := c.stored["maxmemory-clients"]
		if p, ok := strings.CutSuffix(v, "%"); ok {
			n, _ := strconv.ParseInt(p, 10, 64)
			c.MaxmemoryClients = -n
		} else {
			c.MaxmemoryClients, _ = strconv.ParseInt(v, 10, 64)
		}
		return nil
	}
	return d
}
