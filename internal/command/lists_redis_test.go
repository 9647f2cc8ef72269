package command

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/listpack/redistest"
)

// The list commands are compared with a real redis-server 7.0.15: each
// script runs against an empty Redis and an empty Vesta keyspace, and every
// raw reply (RESP2, or RESP3 for scripts marked so) and every change of the
// dirty counter must be identical. Blocking commands appear only in forms
// that do not block (served at once, refused, or timing out quickly: the test
// Env replies at once as on timeout). The test is skipped when redis-server
// is not installed, unless CI=true.

// listScripts are the scripts of the differential test. Arguments are split
// on spaces; a token of two single quotes stands for the empty string, and
// "@x*N" for x repeated N times.
var listScripts = []struct {
	name  string
	resp3 bool
	cmds  []string
}{
	{"push", false, []string{
		"LPUSH l a b c", "RPUSH l 1 2 3", "LRANGE l 0 -1", "LPUSHX nokey a", "RPUSHX nokey a b",
		"LPUSHX l x y", "RPUSHX l z", "LLEN l", "LLEN nokey", "SET s v", "LPUSH s a", "RPUSHX s a",
		"LLEN s", "LPUSH", "LPUSH l", "RPUSH l ''", "LINDEX l -1", "OBJECT ENCODING l",
		"RPUSH big @x*9000 @y*9000", "LRANGE big 0 -1",
	}},
	{"pop", false, []string{
		"RPUSH l a b c d e", "LPOP l", "RPOP l", "LPOP l 0", "LPOP l 2", "RPOP l 5", "EXISTS l",
		"LPOP l", "LPOP l 1", "RPOP nokey 0", "LPOP nokey -1", "LPOP nokey x", "RPUSH l 1",
		"LPOP l -1", "LPOP l abc", "LPOP l 1 2", "LPOP l 99999999999999999999", "SET s v",
		"LPOP s", "RPOP s 0", "RPOP l 9223372036854775807", "EXISTS l",
	}},
	{"pop-resp3", true, []string{
		"RPUSH l a b c", "LPOP l 0", "LPOP nokey 0", "LPOP nokey", "RPOP l 2", "RPOP l", "RPOP l",
		"LRANGE nokey 0 1", "LINDEX nokey 0", "LPOS nokey a", "LPOS nokey a COUNT 0",
		"LMPOP 1 nokey LEFT", "BLPOP nokey 0.01", "BLMOVE nokey x LEFT LEFT 0.01",
		"RPUSH l 1 2 x", "LMPOP 1 l RIGHT COUNT 2", "BLPOP l 0", "LMOVE nokey x LEFT LEFT",
	}},
	{"range", false, []string{
		"RPUSH l a b c d e f 10 -20 300", "LRANGE l 0 -1", "LRANGE l -3 -1", "LRANGE l 5 2",
		"LRANGE l -100 100", "LRANGE l 8 8", "LRANGE l 9 10", "LRANGE l -9223372036854775808 9223372036854775807",
		"LRANGE l x 1", "LRANGE l 1 y", "LRANGE nokey x 1", "LRANGE nokey 0 1", "SET s v", "LRANGE s 0 1",
		"LRANGE s x 1", "LINDEX l 0", "LINDEX l -1", "LINDEX l 9", "LINDEX l -10", "LINDEX l 6",
		"LINDEX l x", "LINDEX nokey x", "LINDEX s x", "LINDEX l 9223372036854775807",
	}},
	{"lset", false, []string{
		"RPUSH l a b c", "LSET l 0 x", "LSET l -1 y", "LSET l 3 z", "LSET l -4 z", "LSET l x z",
		"LSET nokey x z", "LSET nokey 0 z", "SET s v", "LSET s 0 z", "LSET s x z", "LRANGE l 0 -1",
		"LSET l 1 12345", "LSET l 1 @q*5000", "LRANGE l 0 -1", "LSET l 1 1", "LINDEX l 1",
	}},
	{"linsert", false, []string{
		"RPUSH l a b c a", "LINSERT l BEFORE a x", "LINSERT l after a y", "LINSERT l AFTER zz y",
		"LINSERT l MIDDLE a y", "LINSERT nokey BEFORE a x", "LINSERT nokey MIDDLE a x", "SET s v",
		"LINSERT s BEFORE a x", "LINSERT s MIDDLE a x", "LRANGE l 0 -1", "RPUSH n 1 2 3",
		"LINSERT n AFTER 2 007", "LINSERT n AFTER 007 8", "LINSERT n BEFORE 01 8", "LRANGE n 0 -1",
	}},
	{"lrem", false, []string{
		"RPUSH l a b a c a b a", "LREM l 1 a", "LRANGE l 0 -1", "LREM l -1 a", "LRANGE l 0 -1",
		"LREM l 0 a", "LRANGE l 0 -1", "LREM l 0 zz", "LREM l x a", "LREM nokey 0 a", "LREM nokey x a",
		"SET s v", "LREM s 0 a", "LREM l -9223372036854775808 b", "LREM l 0 c", "EXISTS l",
		"RPUSH n 1 2 1 01 1", "LREM n 0 1", "LRANGE n 0 -1",
	}},
	{"ltrim", false, []string{
		"RPUSH l a b c d e f", "LTRIM l 1 -2", "LRANGE l 0 -1", "LTRIM l 0 -1", "LTRIM l -100 100",
		"LTRIM l 2 1", "EXISTS l", "LTRIM nokey 0 1", "LTRIM nokey x 1", "RPUSH l a b c", "LTRIM l x 1",
		"LTRIM l 0 y", "SET s v", "LTRIM s 0 1", "LTRIM s x 1", "LTRIM l 5 10", "EXISTS l",
		"RPUSH l a b c", "LTRIM l -9223372036854775808 9223372036854775807", "LRANGE l 0 -1",
		"LTRIM l 9223372036854775807 -9223372036854775808", "EXISTS l",
	}},
	{"lpos", false, []string{
		"RPUSH l a b c a b c 1 a", "LPOS l a", "LPOS l c", "LPOS l zz", "LPOS l a RANK 2",
		"LPOS l a RANK -1", "LPOS l a RANK -2", "LPOS l a RANK 9", "LPOS l a COUNT 0", "LPOS l a COUNT 2",
		"LPOS l a COUNT 2 RANK -1", "LPOS l a COUNT 0 MAXLEN 4", "LPOS l a MAXLEN 1", "LPOS l a MAXLEN 3 RANK 2",
		"LPOS l 1", "LPOS l 01", "LPOS l a RANK 0", "LPOS l a RANK x", "LPOS l a RANK 0 foo",
		"LPOS l a COUNT -1", "LPOS l a COUNT x", "LPOS l a MAXLEN -1", "LPOS l a MAXLEN x", "LPOS l a foo",
		"LPOS l a RANK", "LPOS l a COUNT", "LPOS l a RANK -9223372036854775808",
		"LPOS l a RANK -9223372036854775808 COUNT 1", "LPOS l a RANK 9223372036854775807 COUNT 0",
		"LPOS l a COUNT 1 COUNT 2", "LPOS l a rank 1 count 1 maxlen 0", "LPOS nokey a COUNT 1",
		"LPOS nokey a RANK 0", "SET s v", "LPOS s a", "LPOS s a RANK 0",
	}},
	{"lpos-resp3", true, []string{
		"RPUSH l a b a", "LPOS l a", "LPOS l zz", "LPOS l a COUNT 0", "LPOS l zz COUNT 0", "LPOS nokey a",
	}},
	{"lmove", false, []string{
		"RPUSH src a b c", "LMOVE src dst LEFT RIGHT", "LMOVE src dst right left", "LRANGE src 0 -1",
		"LRANGE dst 0 -1", "LMOVE src src LEFT RIGHT", "LMOVE src dst LEFT LEFT", "EXISTS src",
		"LMOVE src dst LEFT LEFT", "LMOVE src dst UP LEFT", "LMOVE src dst LEFT UP", "LMOVE nokey dst UP LEFT",
		"SET s v", "LMOVE s dst LEFT LEFT", "LMOVE dst s LEFT LEFT", "LMOVE nokey s LEFT LEFT",
		"LRANGE dst 0 -1", "RPOPLPUSH dst dst", "RPOPLPUSH dst new", "RPOPLPUSH nokey new",
		"RPOPLPUSH s new", "RPOPLPUSH new s", "LRANGE new 0 -1", "RPUSH one x", "LMOVE one one RIGHT LEFT",
		"LRANGE one 0 -1",
	}},
	{"lmpop", false, []string{
		"RPUSH l a b c", "LMPOP 0 l LEFT", "LMPOP x l LEFT", "LMPOP -1 l LEFT", "LMPOP 2 l LEFT",
		"LMPOP 1 l MIDDLE", "LMPOP 1 l LEFT COUNT 0", "LMPOP 1 l LEFT COUNT x", "LMPOP 1 l LEFT COUNT -1",
		"LMPOP 1 l LEFT COUNT 1 COUNT 1", "LMPOP 1 l LEFT foo", "LMPOP 1 l LEFT COUNT",
		"LMPOP 1 l left count 2", "LMPOP 2 nokey l RIGHT COUNT 10", "LMPOP 1 l LEFT", "LMPOP 2 nokey l LEFT",
		"LMPOP 9223372036854775807 l LEFT", "LMPOP 2 l l", "SET s v", "RPUSH l x", "LMPOP 2 s l LEFT",
		"LMPOP 2 l s LEFT", "LMPOP 2 nokey s LEFT", "LMPOP 1 s LEFT COUNT 0",
	}},
	{"blocking", false, []string{
		"BLPOP l -1", "BLPOP l x", "BLPOP l inf", "BLPOP l -inf", "BLPOP l nan", "BLPOP l 1e400",
		"BLPOP l 1e5000", "BLPOP l 1e16", "BLPOP l 9223372036854775.808", "BLPOP l -0.0011", "BLPOP l ''",
		"BLPOP l", "BLPOP l 0.001", "BRPOP l 0.001", "SET s v", "RPUSH l2 v w", "BLPOP s l2 0",
		"BLPOP l2 s 0", "BRPOP nokey l2 s 0", "BLPOP l2 0.001", "BLMOVE a b LEFT UP 1", "BLMOVE a b UP LEFT x",
		"BLMOVE a b LEFT LEFT x", "BLMOVE a b LEFT LEFT -1", "BRPOPLPUSH a b -1", "BRPOPLPUSH a b x",
		"RPUSH l3 1 2 3", "BLMOVE l3 s LEFT LEFT 0", "BLMOVE s l3 LEFT LEFT 0", "BLMOVE l3 d LEFT RIGHT 0",
		"BRPOPLPUSH l3 d 0", "LRANGE d 0 -1", "BLMOVE nokey d LEFT RIGHT 0.001",
		"BRPOPLPUSH nokey d 0.001", "BLMPOP x 1 l LEFT", "BLMPOP -1 1 l LEFT", "BLMPOP 0.01 0 l LEFT",
		"BLMPOP x 0 l LEFT", "BLMPOP 0.01 1 l MIDDLE", "BLMPOP x 1 l MIDDLE", "BLMPOP 0.01 1 l LEFT COUNT 0",
		"RPUSH l4 a b c", "BLMPOP 0 2 nokey l4 RIGHT COUNT 2", "BLMPOP 0 1 l4 LEFT", "BLMPOP 0.001 1 l4 LEFT",
		"BLMPOP 0 1 s LEFT", "BLMPOP 0 2 l4 s LEFT",
	}},
	{"blocking-resp3", true, []string{
		"BLPOP nokey 0.001", "BLMOVE nokey d LEFT RIGHT 0.001", "BLMPOP 0.001 1 nokey LEFT",
		"RPUSH l a b", "BLPOP l 0", "BLMPOP 0 1 l LEFT COUNT 5",
	}},
	{"integers", false, []string{
		"RPUSH l 0 -1 127 128 -4096 4095 4096 32767 -32768 8388607 -8388608 2147483647 -2147483648",
		"RPUSH l 9223372036854775807 -9223372036854775808 9223372036854775808 +1 -0 007 1.5 ''",
		"LRANGE l 0 -1", "LPOS l 127", "LPOS l 0127", "LREM l 0 -0", "LINDEX l 1", "LPOP l 3", "RPOP l 3",
	}},
	{"other-commands-on-lists", false, []string{
		"RPUSH l a 1", "TYPE l", "OBJECT ENCODING l", "GET l", "INCR l", "APPEND l x", "ZADD l 1 a",
		"ZCARD l", "ZUNIONSTORE d 1 l", "ZINTER 1 l", "ZDIFF 1 l", "ZUNIONSTORE d 2 nokey l", "EXISTS d",
		"SADD l x", "SMEMBERS l", "SINTER l", "SUNIONSTORE d l", "SMOVE l d x", "HSET l f v", "HGETALL l",
		"SADD st a", "LPUSH st a", "LINSERT st BEFORE a b", "LMOVE l st LEFT LEFT", "SINTERCARD 1 l",
		"SET s v", "RPUSH z 1", "ZADD zz 1 a", "LPUSH zz a", "LRANGE zz 0 -1", "RENAME l l2", "LRANGE l2 0 -1",
		"COPY l2 l3", "LPUSH l3 new", "LRANGE l2 0 -1", "LRANGE l3 0 -1", "DEL l2 l3", "EXISTS l2 l3",
	}},
	{"wrong-arity", false, []string{
		"LLEN", "LLEN a b", "LRANGE l 0", "LINDEX l", "LSET l 0", "LINSERT l BEFORE a", "LREM l 0",
		"LTRIM l 0", "LPOS l", "LMOVE a b LEFT", "RPOPLPUSH a", "LMPOP 1 l", "BLPOP", "BLMOVE a b LEFT LEFT",
		"BRPOPLPUSH a b", "BLMPOP 0 1 l", "RPUSHX l", "LPUSHX l",
	}},
}

// expandListArg turns a script token into its argument bytes.
func expandListArg(tok string) string {
	if tok == "''" {
		return ""
	}
	if strings.HasPrefix(tok, "@") {
		if s, n, ok := strings.Cut(tok[1:], "*"); ok {
			if k, err := strconv.Atoi(n); err == nil {
				return strings.Repeat(s, k)
			}
		}
	}
	return tok
}

func TestListsAgainstRedis(t *testing.T) {
	if _, err := exec.LookPath("redis-server"); err != nil && os.Getenv("VESTA_REDIS_SERVER") == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-server is required in CI")
		}
		t.Skip("redis-server not installed")
	}
	srv := redistest.Start(t)
	conn, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(srv.Port))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rc := &rawClient{conn: conn, r: bufio.NewReader(conn)}
	for _, sc := range listScripts {
		t.Run(sc.name, func(t *testing.T) {
			tt := newTester(t)
			rc.do(t, "FLUSHALL")
			if sc.resp3 {
				rc.do(t, "HELLO", "3")
				tt.w.Proto = 3
				defer rc.do(t, "HELLO", "2")
			}
			for _, line := range sc.cmds {
				var args []string
				for _, tok := range strings.Fields(line) {
					args = append(args, expandListArg(tok))
				}
				d0 := rc.dirty(t)
				want := rc.do(t, args...)
				d1 := rc.dirty(t)
				dirty0 := tt.ks.Dirty
				got := tt.doArgs(args...)
				if got != want {
					t.Errorf("%.80s:\n got  %.300q\n want %.300q", line, got, want)
				}
				if dv, dr := tt.ks.Dirty-dirty0, d1-d0; dv != dr {
					t.Errorf("%.80s: dirty +%d, Redis +%d", line, dv, dr)
				}
			}
		})
	}
}

// rawClient talks RESP to Redis and returns raw replies.
type rawClient struct {
	conn net.Conn
	r    *bufio.Reader
}

func (rc *rawClient) do(t *testing.T, args ...string) string {
	t.Helper()
	var b bytes.Buffer
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := rc.conn.Write(b.Bytes()); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := readRawReply(rc.r, &out); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// dirty returns Redis's rdb_changes_since_last_save.
func (rc *rawClient) dirty(t *testing.T) int64 {
	t.Helper()
	info := rc.do(t, "INFO", "persistence")
	_, rest, _ := strings.Cut(info, "rdb_changes_since_last_save:")
	n, _ := strconv.ParseInt(strings.TrimSpace(strings.SplitN(rest, "\r\n", 2)[0]), 10, 64)
	return n
}

// readRawReply copies one complete RESP2 or RESP3 reply to out.
func readRawReply(r *bufio.Reader, out *bytes.Buffer) error {
	line, err := r.ReadString('\n')
	if err != nil {
		return err
	}
	out.WriteString(line)
	body := strings.TrimSuffix(line[1:], "\r\n")
	switch line[0] {
	case '$', '=', '!':
		n, _ := strconv.Atoi(body)
		if n < 0 {
			return nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return err
		}
		out.Write(buf)
	case '*', '~', '>', '%', '|':
		n, _ := strconv.Atoi(body)
		if line[0] == '%' || line[0] == '|' {
			n *= 2
		}
		for range max(n, 0) {
			if err := readRawReply(r, out); err != nil {
				return err
			}
		}
		if line[0] == '|' {
			return readRawReply(r, out) // the attribute precedes the reply
		}
	}
	return nil
}
