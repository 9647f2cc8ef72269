package compat

import (
	"strconv"
	"strings"
)

// Known differences found by this framework, reported to the lead. Each
// has a regression script; see docs/COMPATIBILITY.md.

func init() {
	RegisterKnownBug(KnownBug{
		ID:   "select-not-integer",
		What: "SELECT with a non-integer index replies 'invalid DB index'; Redis 7.0 replies 'value is not an integer or out of range'",
		Match: func(_ Script, c Cmd) bool {
			if c.Name() != "SELECT" || len(c.Args) != 2 {
				return false
			}
			_, err := strconv.ParseInt(c.Args[1], 10, 64)
			return err != nil
		},
		Script: Script{C("SELECT", "x")},
	})
	RegisterKnownBug(KnownBug{
		ID:   "debug-unknown-subcommand",
		What: "DEBUG with an unknown subcommand says 'Unknown subcommand'; Redis says 'unknown subcommand'",
		Match: func(_ Script, c Cmd) bool {
			return c.Name() == "DEBUG" && len(c.Args) > 1 && !isDebugSubcommand(c.Args[1])
		},
		Script: Script{C("DEBUG", "nosuch", "k")},
	})
}

func init() {
	RegisterKnownBug(KnownBug{
		ID:   "debug-digest-bulk",
		What: "DEBUG DIGEST replies with a bulk string; Redis replies with a simple string (+<40 hex digits>)",
		Match: func(_ Script, c Cmd) bool {
			return c.Name() == "DEBUG" && len(c.Args) == 2 && strings.EqualFold(c.Args[1], "DIGEST")
		},
		Script: Script{C("SET", "k", "v"), C("DEBUG", "DIGEST")},
	})
	RegisterKnownBug(KnownBug{
		ID: "nul-in-error-text",
		What: "error replies that quote the command name or its arguments (unknown command) quote them whole; " +
			"Redis formats them as C strings and cuts each at the first NUL byte",
		Match: func(_ Script, c Cmd) bool {
			if _, known := knownNames[c.Name()]; known {
				return false
			}
			for _, a := range c.Args {
				if strings.IndexByte(a, 0) >= 0 {
					return true
				}
			}
			return false
		},
		Script: Script{C("get\x00", "a\x00b")},
	})
}

// knownNames are the commands the generators use on purpose; anything else
// is an unknown command.
var knownNames = map[string]struct{}{}

func init() {
	for _, c := range arityCommands {
		knownNames[c.name] = struct{}{}
	}
	for _, n := range []string{"MSETNX", "SETNX", "PSETEX", "DECR", "DECRBY", "SUBSTR", "UNLINK", "TOUCH",
		"RENAMENX", "KEYS", "RANDOMKEY", "EXPIREAT", "PEXPIRE", "PEXPIREAT", "PTTL", "EXPIRETIME",
		"PEXPIRETIME", "FLUSHDB", "FLUSHALL", "OBJECT", "CLIENT", "CONFIG", "DEBUG", "COMMAND"} {
		knownNames[n] = struct{}{}
	}
}

func init() {
	RegisterKnownBug(KnownBug{
		ID:   "incrbyfloat-int-encoding",
		What: "INCRBYFLOAT stores an integer-looking result int-encoded; Redis stores it as embstr (OBJECT ENCODING differs)",
		Match: func(prefix Script, c Cmd) bool {
			// The value may have moved (COPY, RENAME, MOVE, SWAPDB): any
			// earlier INCRBYFLOAT counts.
			return c.Name() == "OBJECT" && len(c.Args) == 3 && used(prefix, "INCRBYFLOAT")
		},
		Script: Script{C("INCRBYFLOAT", "k", "1"), C("OBJECT", "ENCODING", "k")},
	})
}

func init() {
	RegisterKnownBug(KnownBug{
		ID: "expiretime-rounding-overflow",
		What: "EXPIRETIME of a key whose expiry is near the int64 limit (PXAT 9223372036854775807) " +
			"overflows to a negative number; Redis replies 9223372036854776",
		Match: func(prefix Script, c Cmd) bool {
			switch c.Name() {
			case "EXPIRETIME", "TTL":
			default:
				return false
			}
			for _, p := range prefix {
				for _, a := range p.Args {
					if strings.HasPrefix(a, "922337203685477") {
						return true
					}
				}
			}
			return false
		},
		Script: Script{C("SET", "k", "v"), C("GETEX", "k", "PXAT", "9223372036854775807"), C("EXPIRETIME", "k")},
	})
}

// used reports whether s contains a command named name.
func used(s Script, name string) bool {
	for _, c := range s {
		if c.Name() == name {
			return true
		}
	}
	return false
}

func isDebugSubcommand(s string) bool {
	switch strings.ToUpper(s) {
	case "HELP", "DIGEST", "DIGEST-VALUE", "OBJECT", "POPULATE", "SET-ACTIVE-EXPIRE", "SLEEP", "RELOAD", "LOADAOF":
		return true
	}
	return false
}
