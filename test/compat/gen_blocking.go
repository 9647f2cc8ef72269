package compat

// The "blocking" family: one to three clients (connections 1 to 3) block
// on keys of the shared key space with a timeout that cannot expire during
// a run, in a known order; connection 0 then runs pushes to those keys
// (plain, several elements at once, inside MULTI/EXEC, moved there by
// LMOVE), ordinary commands, DEL, SET of another type, FLUSHDB, SWAPDB and
// CLIENT UNBLOCK; finally each blocked client's reply is read, a client
// still blocked being released by the runner with CLIENT UNBLOCK. Which
// clients are served, in which order and with what, is deterministic on
// both servers: a key is served when the command that made it ready ends.
//
// The list and sorted-set families keep generating blocking commands with
// timeouts that cannot block for long, for their argument parsing.

func init() {
	RegisterSeq("blocking", "block and wake", 5, true, genBlocking)
}

// genBlocking returns blocked clients, the commands that may wake them, and
// the reads of their replies.
func genBlocking(g *Gen) Script {
	var s Script
	nb := g.Int(1, 3)
	var keys []string
	zset := g.Chance(0.35)
	for conn := 1; conn <= nb; conn++ {
		c, ks := g.blockingCmd(zset)
		keys = append(keys, ks...)
		s = append(s, c.On(conn).Blocking())
	}
	for n := g.Int(1, 5); n > 0; n-- {
		s = append(s, g.waker(keys, zset, nb)...)
	}
	for _, conn := range g.R.Perm(nb) {
		s = append(s, WaitReply(conn+1))
	}
	return s
}

// blockingCmd returns a blocking command on lists (or sorted sets) and the
// keys it waits on.
func (g *Gen) blockingCmd(zset bool) (Cmd, []string) {
	timeout := g.Pick("0", "0", "0", "100", "1000.5")
	if zset {
		keys := g.KeysN(g.Int(1, 2))
		switch g.R.IntN(3) {
		case 0:
			return C(append(append([]string{"BZPOPMIN"}, keys...), timeout)...), keys
		case 1:
			return C(append(append([]string{"BZPOPMAX"}, keys...), timeout)...), keys
		}
		args := append([]string{"BZMPOP", timeout, Itoa(len(keys))}, keys...)
		args = append(args, g.Pick("MIN", "MAX"))
		if g.Chance(0.5) {
			args = append(args, "COUNT", g.Pick("1", "2", "10"))
		}
		return C(args...), keys
	}
	keys := g.KeysN(g.Int(1, 2))
	switch g.R.IntN(5) {
	case 0:
		return C(append(append([]string{"BLPOP"}, keys...), timeout)...), keys
	case 1:
		return C(append(append([]string{"BRPOP"}, keys...), timeout)...), keys
	case 2:
		return C("BLMOVE", keys[0], g.Key(), g.Pick("LEFT", "RIGHT"), g.Pick("LEFT", "RIGHT"), timeout), keys[:1]
	case 3:
		return C("BRPOPLPUSH", keys[0], g.Key(), timeout), keys[:1]
	}
	args := append([]string{"BLMPOP", timeout, Itoa(len(keys))}, keys...)
	args = append(args, g.Pick("LEFT", "RIGHT"))
	if g.Chance(0.5) {
		args = append(args, "COUNT", g.Pick("1", "2", "10"))
	}
	return C(args...), keys
}

// waker returns steps for connection 0 that may wake blocked clients.
func (g *Gen) waker(keys []string, zset bool, nb int) Script {
	k := keys[g.R.IntN(len(keys))]
	push := func() Cmd {
		if zset {
			args := []string{"ZADD", k}
			for n := g.Int(1, 3); n > 0; n-- {
				args = append(args, g.Pick("1", "2", "-1", "0"), g.Pick("a", "b", "c", "d"))
			}
			return C(args...)
		}
		args := []string{g.Pick("LPUSH", "RPUSH", "RPUSH"), k}
		for n := g.Int(1, 3); n > 0; n-- {
			args = append(args, g.Pick("a", "b", "c", "1", "2"))
		}
		return C(args...)
	}
	switch g.R.IntN(14) {
	case 0, 1, 2, 3:
		return Script{push()}
	case 4:
		// Pushes inside a transaction are served after EXEC, all of
		// them.
		return Script{C("MULTI"), push(), push(), C("EXEC")}
	case 5:
		return Script{C("MULTI"), push(), C("DEL", k), C("EXEC")}
	case 6:
		if zset {
			return Script{C("ZUNIONSTORE", k, "2", g.Key(), g.Key())}
		}
		if g.Chance(0.3) {
			return Script{C("RPOPLPUSH", g.Key(), k)}
		}
		return Script{C("LMOVE", g.Key(), k, g.Pick("LEFT", "RIGHT"), g.Pick("LEFT", "RIGHT"))}
	case 7:
		return Script{C("SET", k, "string")} // of another type: no wake-up
	case 8:
		return Script{C("DEL", k)}
	case 9:
		return Script{C(g.Pick("FLUSHDB", "FLUSHALL"))}
	case 10:
		// Another database's key swapped in under the blocked clients.
		// SWAPDB makes the keys with blocked clients ready in Redis's
		// hash order: only one key may be waited on.
		if !allSame(keys) {
			return Script{push()}
		}
		g.DB = 0
		return Script{C("SELECT", "1"), push(), C("SELECT", "0"), C("SWAPDB", "0", "1")}
	case 11:
		args := []string{"CLIENT", "UNBLOCK", ClientID(g.Int(1, nb))}
		if g.Chance(0.7) {
			args = append(args, g.Pick("TIMEOUT", "ERROR"))
		}
		return Script{C(args...)}
	}
	return Script{g.transactionBody()}
}

func allSame(keys []string) bool {
	for _, k := range keys {
		if k != keys[0] {
			return false
		}
	}
	return true
}
