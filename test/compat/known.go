package compat

import (
	"strconv"
	"strings"
)

// Known differences found by this framework, reported to the lead. Each
// has a regression script; see docs/COMPATIBILITY.md.

func init() {
	RegisterKnownBug(KnownBug{
		Fixed: true,
		ID:    "debug-digest-bulk",
		What:  "DEBUG DIGEST replies with a bulk string; Redis replies with a simple string (+<40 hex digits>)",
		Match: func(_ Script, c Cmd) bool {
			return c.Name() == "DEBUG" && len(c.Args) == 2 && strings.EqualFold(c.Args[1], "DIGEST")
		},
		Script: Script{C("SET", "k", "v"), C("DEBUG", "DIGEST")},
	})
	RegisterKnownBug(KnownBug{
		Fixed: true,
		ID:    "nul-in-error-text",
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
		Fixed: true,
		ID:    "incrbyfloat-int-encoding",
		What:  "INCRBYFLOAT stores an integer-looking result int-encoded; Redis stores it as embstr (OBJECT ENCODING differs)",
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
		Fixed: true,
		ID:    "expiretime-rounding-overflow",
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

func init() {
	RegisterKnownBug(KnownBug{
		Fixed: true,
		ID:    "float-huge-negative-exponent",
		What: "INCRBYFLOAT accepts a float whose negative exponent is huge (1e-2123456789) as 0; " +
			"Redis's strtold underflows with ERANGE and replies 'value is not a valid float'",
		Match: func(prefix Script, c Cmd) bool {
			// The stored value gets such an exponent when digits are
			// appended to a value like "5.0e-2".
			return c.Name() == "INCRBYFLOAT" && used(prefix, "APPEND") && hasNegativeExponent(prefix)
		},
		Script: Script{C("SET", "k", "5.0e-2"), C("APPEND", "k", "123456789"), C("INCRBYFLOAT", "k", "1"),
			C("INCRBYFLOAT", "j", "1e-2123456789")},
	})
}

// hasNegativeExponent reports whether any argument in s looks like a float
// with a negative exponent.
func hasNegativeExponent(s Script) bool {
	for _, c := range s {
		for _, a := range c.Args {
			if strings.Contains(a, "e-") || strings.Contains(a, "E-") {
				return true
			}
		}
	}
	return false
}

func init() {
	RegisterKnownBug(KnownBug{
		Fixed: true,
		ID:    "getrange-negative-shortcut",
		What: "GETRANGE/SUBSTR with start < 0, end < 0 and start > end replies \"\" before looking the key up, " +
			"so an expired key is not deleted (DBSIZE differs) and a key of another type gives \"\" instead of " +
			"WRONGTYPE; Redis 7.0 looks the key up first",
		Match: func(_ Script, c Cmd) bool {
			if (c.Name() != "GETRANGE" && c.Name() != "SUBSTR") || len(c.Args) != 4 {
				return false
			}
			start, err1 := strconv.ParseInt(c.Args[2], 10, 64)
			end, err2 := strconv.ParseInt(c.Args[3], 10, 64)
			return err1 == nil && err2 == nil && start < 0 && end < 0 && start > end
		},
		Script: Script{C("SET", "k", "v", "PXAT", "1"), C("GETRANGE", "k", "-1", "-5"), C("DBSIZE")},
	})
}

// inMulti reports whether connection conn is inside MULTI after prefix, as
// far as the commands tell (a MULTI that failed counts as one).
func inMulti(prefix Script, conn int) bool {
	open := false
	for _, c := range prefix {
		if c.Conn != conn {
			continue
		}
		switch c.Name() {
		case "MULTI":
			open = open || len(c.Args) == 1
		case "EXEC", "DISCARD", "RESET":
			open = false
		}
	}
	return open
}

func init() {
	RegisterKnownBug(KnownBug{
		Fixed: true,
		ID:    "multi-empty-arg",
		What: "an empty argument of a command queued by MULTI reaches the command as nil (queueCommand copies " +
			"with append([]byte(nil), a...)), and parsers that test for a missing argument with == nil take it " +
			"as absent: MULTI, GETEX k PX \"\", EXEC gives [-ERR syntax error] where Redis replies [nil] " +
			"(and SET k v EX \"\" a syntax error instead of 'value is not an integer')",
		Match: func(prefix Script, c Cmd) bool {
			if !inMulti(prefix, c.Conn) {
				return false
			}
			for _, a := range c.Args[min(1, len(c.Args)):] {
				if a == "" {
					return true
				}
			}
			return false
		},
		Script: Script{C("SET", "k", "v"), C("MULTI"), C("GETEX", "d", "PX", ""), C("SET", "k", "v", "EX", ""), C("EXEC")},
	})
}

func init() {
	RegisterKnownBug(KnownBug{
		Fixed: true,
		ID:    "client-unblock-arity",
		What: "CLIENT UNBLOCK with more than four arguments replies '-ERR syntax error'; Redis replies " +
			"\"-ERR unknown subcommand or wrong number of arguments for 'UNBLOCK'. Try CLIENT HELP.\"",
		Match: func(_ Script, c Cmd) bool {
			return c.Name() == "CLIENT" && len(c.Args) > 4 && strings.EqualFold(c.Args[1], "UNBLOCK")
		},
		Script: Script{C("CLIENT", "UNBLOCK", "1", "TIMEOUT", "x")},
	})
}

// Pub/Sub differences found by the scenarios of pubsub_test.go. The random
// families send no Pub/Sub commands, so their matchers only keep a
// future generator away from them.

func init() {
	RegisterKnownBug(KnownBug{
		Fixed: true,
		ID:    "pubsub-numsub-resp3",
		What: "PUBSUB NUMSUB over RESP3 replies with a map (%N); Redis 7.0 replies with a flat array " +
			"of channel, count pairs in RESP3 too",
		Match: func(prefix Script, c Cmd) bool {
			return c.Name() == "PUBSUB" && len(c.Args) >= 2 && strings.EqualFold(c.Args[1], "NUMSUB")
		},
		Script: Script{C("HELLO", "3").With(Ignore), C("PUBSUB", "NUMSUB", "a", "b")},
	})
	RegisterKnownBug(KnownBug{
		Fixed: true,
		ID:    "pubsub-subcommand-arity",
		What: "PUBSUB CHANNELS with two patterns replies \"-ERR wrong number of arguments for 'pubsub|channels' " +
			"command\"; Redis replies \"-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. " +
			"Try PUBSUB HELP.\"",
		Match: func(_ Script, c Cmd) bool {
			return c.Name() == "PUBSUB" && len(c.Args) > 3 && strings.EqualFold(c.Args[1], "CHANNELS")
		},
		Script: Script{C("PUBSUB", "CHANNELS", "a", "b")},
	})
	RegisterKnownBug(KnownBug{
		Fixed: true,
		ID:    "subscribed-ping-arity",
		What: "PING with two arguments from a RESP2 client in the subscribed context replies [pong, first " +
			"argument]; Redis checks the arity first: \"-ERR wrong number of arguments for 'ping' command\"",
		Match: func(prefix Script, c Cmd) bool {
			return c.Name() == "PING" && len(c.Args) > 2 && used(prefix, "SUBSCRIBE")
		},
		Script: Script{C("SUBSCRIBE", "a").On(1), C("PING", "a", "b").On(1)},
	})
	RegisterKnownBug(KnownBug{
		Fixed: true,
		ID:    "sharded-pubsub",
		What: "sharded Pub/Sub (SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH, PUBSUB SHARDCHANNELS and SHARDNUMSUB), " +
			"which Redis 7.0 serves outside cluster mode too, is missing: unknown command",
		Match: func(_ Script, c Cmd) bool {
			switch c.Name() {
			case "SSUBSCRIBE", "SUNSUBSCRIBE", "SPUBLISH":
				return true
			}
			return c.Name() == "PUBSUB" && len(c.Args) >= 2 && strings.HasPrefix(strings.ToUpper(c.Args[1]), "SHARD")
		},
		Script: Script{C("SPUBLISH", "s", "x"), C("PUBSUB", "SHARDCHANNELS"), C("PUBSUB", "SHARDNUMSUB", "s")},
	})
}

func init() {
	RegisterKnownBug(KnownBug{
		Fixed: true,
		ID:    "pubsub-help-text",
		What: "PUBSUB HELP has 9 lines where Redis 7.0.15 has 14: the NUMSUB line lacks \", excluding pattern " +
			"subscriptions(default: no channels).\", SHARDCHANNELS and SHARDNUMSUB are missing, and the last " +
			"line reads \"Print this help.\" where Redis has \"Prints this help.\"",
		Match: func(_ Script, c Cmd) bool {
			return c.Name() == "PUBSUB" && len(c.Args) == 2 && strings.EqualFold(c.Args[1], "HELP")
		},
		Script: Script{C("PUBSUB", "HELP")},
	})
}

func init() {
	RegisterKnownBug(KnownBug{
		Fixed: true,
		ID:    "async-output-lost-on-close",
		What: "a client whose output is queued (subscribed, or MONITOR) loses what is queued when the " +
			"connection closes: QUIT after SUBSCRIBE closes without the +OK (Redis sends it), and a pipeline " +
			"SUBSCRIBE a + QUIT gets nothing at all; unlinkClient closes the socket without waiting for the " +
			"writer goroutine to drain the queue",
		Match: func(prefix Script, c Cmd) bool {
			return (c.Name() == "QUIT" || c.Name() == "CLIENT") && used(prefix, "SUBSCRIBE")
		},
		Script: Script{C("SUBSCRIBE", "a").On(1), C("QUIT").On(1)},
	})
}

func init() {
	RegisterKnownBug(KnownBug{
		Fixed: true,
		ID:    "watch-expired-flush",
		What: "a WATCHed key that had already expired when watched (active expiry off, or not reached yet) " +
			"makes EXEC fail when FLUSHALL, FLUSHDB or SWAPDB removes it or swaps in another expired key; " +
			"Redis 7.0 counts an expired key as absent, so neither is a change and EXEC runs",
		Match: func(prefix Script, c Cmd) bool {
			switch c.Name() {
			case "FLUSHALL", "FLUSHDB", "SWAPDB":
				return watching(prefix) && mayHoldExpired(prefix)
			}
			return false
		},
		Script: Script{
			C("SET", "k", "v", "PXAT", "1"), C("WATCH", "k"), C("FLUSHALL").On(1), C("MULTI"), C("EXEC"),
			C("SET", "k", "v", "PXAT", "1"), C("WATCH", "k"), C("FLUSHDB").On(1), C("MULTI"), C("EXEC"),
			C("SELECT", "1"), C("SET", "k", "v", "PXAT", "1"), C("SELECT", "0"), C("WATCH", "k"),
			C("SWAPDB", "0", "1").On(1), C("MULTI"), C("EXEC"),
		},
	})
}

// watching reports whether connection 0 may be watching keys after s: a
// WATCH not followed by EXEC, DISCARD, UNWATCH or RESET.
func watching(s Script) bool {
	w := false
	for _, c := range s {
		if c.Conn != 0 {
			continue
		}
		switch c.Name() {
		case "WATCH":
			w = true
		case "EXEC", "DISCARD", "UNWATCH", "RESET":
			w = false
		}
	}
	return w
}

// mayHoldExpired reports whether keys whose time has passed may exist
// after s: set with an absolute time (EXAT, PXAT, EXPIREAT, PEXPIREAT, in
// the past or not) or a short relative one (watchTTL).
func mayHoldExpired(s Script) bool {
	short := strconv.FormatInt(watchTTL.Milliseconds(), 10)
	for _, c := range s {
		switch c.Name() {
		case "EXPIREAT", "PEXPIREAT":
			return true
		}
		for i, a := range c.Args {
			switch strings.ToUpper(a) {
			case "EXAT", "PXAT":
				return true
			case "PX":
				if i+1 < len(c.Args) && c.Args[i+1] == short {
					return true
				}
			}
		}
	}
	return false
}

func init() {
	RegisterKnownBug(KnownBug{
		Fixed: true,
		ID:    "exec-rejected",
		What: "EXEC refused by the command checks (EXEC x: wrong arity) replies a plain error and leaves an open " +
			"transaction open; Redis 7.0 replies \"-EXECABORT Transaction discarded because of: wrong number of " +
			"arguments for 'exec' command\", inside MULTI or not, and discards the transaction",
		Match: func(_ Script, c Cmd) bool { return c.Name() == "EXEC" && len(c.Args) > 1 },
		Script: Script{C("EXEC", "x"), C("MULTI"), C("SET", "a", "1"), C("EXEC", "x"), C("SET", "a", "2"),
			C("EXEC"), C("GET", "a")},
	})
}
