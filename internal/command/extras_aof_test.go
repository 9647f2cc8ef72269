package command_test

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestExtrasAOFAgainstRedis runs the write commands of this family on both
// servers with appendonly yes and compares what each wrote to its AOF:
// SETBIT and BITFIELD only when they changed something, BITFIELD's
// create-without-change not at all, BITOP and SORT ... STORE as sent,
// RESTORE with a relative TTL made absolute plus ABSTTL (the absolute times
// are masked: the servers run a few milliseconds apart), a RESTORE whose
// TTL has passed as DEL when REPLACE removed a key, and lazy expiry of
// the keys these commands touch.
func TestExtrasAOFAgainstRedis(t *testing.T) {
	rdir, vdir := t.TempDir(), t.TempDir()
	redis := dial(t, startRedis(t, rdir))
	vesta := dial(t, startVesta(t, vdir))
	payload := "\x00\x05hello\n\x00cr\xdfve4 \n" // DUMP of "hello" by Redis
	script := []string{
		// Lazy expiry is what this test compares: the active cycle would
		// delete the PX 1 keys first at a moment of its own choosing on
		// each server (a standalone DEL instead of one inside MULTI).
		"DEBUG SET-ACTIVE-EXPIRE 0",
		"SETBIT b 0 0", "SETBIT b 0 0", "SETBIT b 0 1", "SETBIT b 0 1", "SETBIT b 100 0",
		"BITFIELD f OVERFLOW FAIL INCRBY u2 0 10", "BITFIELD f SET u8 0 0", "BITFIELD f SET u8 0 1",
		"BITFIELD f GET u8 0", "BITFIELD f INCRBY u8 0 0", "BITFIELD f INCRBY u8 0 1 SET u8 16 0",
		"BITFIELD_RO f GET u8 0",
		"BITOP AND d b f", "BITOP OR d nokey", "BITOP OR d nokey", "BITOP NOT d2 b",
		"RPUSH l 3 1 2", "SORT l", "SORT l STORE s", "SORT l LIMIT 0 0 STORE s", "SORT l LIMIT 0 0 STORE s",
		"SORT_RO l", "SORT l BY nosort GET # STORE s2",
		"SET e v PX 1", "SLEEP", "BITOP OR e b", "SET e v PX 1", "SLEEP", "SETBIT e 3 1",
		"SET e v PX 1", "SLEEP", "SORT l STORE e", "SET e v PX 1", "SLEEP", "BITCOUNT e",
		"RESTORE r1 0 P", "RESTORE r2 100000 P", "RESTORE r3 100000 P ABSTTL",
		"RESTORE r4 100000 P IDLETIME 5 REPLACE", "RESTORE r4 1 P ABSTTL REPLACE", "RESTORE r5 1 P ABSTTL",
		"RESTORE r1 0 P", "RESTORE r1 0 P REPLACE",
		"LCS b f", "DUMP b",
	}
	for _, line := range script {
		if line == "SLEEP" {
			time.Sleep(5 * time.Millisecond)
			continue
		}
		args := strings.Fields(line)
		for i, a := range args {
			if a == "P" {
				args[i] = payload
			}
		}
		redis.do(t, args)
		vesta.do(t, args)
	}
	time.Sleep(100 * time.Millisecond)
	absTTL := regexp.MustCompile(`^(RESTORE r\d) \d+ (.*ABSTTL)$`)
	pxat := regexp.MustCompile(`PXAT \d+`)
	mask := func(cmds []string) string {
		for i, c := range cmds {
			c = strings.ReplaceAll(c, payload, "P")
			c = pxat.ReplaceAllString(c, "PXAT <t>")
			if m := absTTL.FindStringSubmatch(c); m != nil && !strings.Contains(c, " 100000 P ABSTTL") {
				c = m[1] + " <abs> " + m[2]
			}
			cmds[i] = c
		}
		return strings.Join(cmds, "\n")
	}
	want, got := mask(readAOF(t, rdir, false)), mask(readAOF(t, vdir, false))
	if !strings.Contains(want, "RESTORE r2 <abs> P ABSTTL") {
		t.Fatalf("Redis's AOF lacks the rewritten RESTORE:\n%s", want)
	}
	if want != got {
		t.Fatalf("AOF differs.\nredis:\n%s\nvesta:\n%s", want, got)
	}
}
