package list

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"testing"

	"github.com/vestadb/vesta/internal/listpack/redistest"
	"github.com/vestadb/vesta/internal/rdb"
)

// The node layout is compared with a real redis-server 7.0.15: the same
// random commands run against Redis and against a List, and after each one
// DUMP's LIST_QUICKLIST_2 nodes must equal Nodes byte for byte. The test is
// skipped when redis-server is not installed, unless CI=true.

func startRedis(t *testing.T, extra ...string) *redistest.Server {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil && os.Getenv("VESTA_REDIS_SERVER") == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-server is required in CI")
		}
		t.Skip("redis-server not installed")
	}
	return redistest.Start(t, extra...)
}

// dumpNodes decodes a DUMP payload of a list into its nodes, inflating
// nodes that Redis keeps LZF-compressed in memory (and so dumps as LZF
// strings whatever rdbcompression says).
func dumpNodes(t *testing.T, p []byte) (nodes [][]byte, plain, compressed []bool) {
	t.Helper()
	if len(p) == 0 || p[0] != rdb.TypeListQuicklist2 {
		t.Fatalf("DUMP payload is not a LIST_QUICKLIST_2: % x", p[:min(len(p), 8)])
	}
	b := p[1:]
	next := func() (uint64, bool) {
		n, special, size, err := rdb.ParseLen(b)
		if err != nil {
			t.Fatalf("DUMP payload: bad length at % x", b[:min(len(b), 8)])
		}
		b = b[size:]
		return n, special
	}
	count, _ := next()
	for ; count > 0; count-- {
		container, _ := next()
		n, special := next()
		lzf := special && n == 3
		if special && !lzf {
			t.Fatalf("DUMP payload: unexpected string encoding %d", n)
		}
		var data []byte
		if lzf {
			clen, _ := next()
			ulen, _ := next()
			var err error
			if data, err = rdb.LZFDecompress(nil, b[:clen], int(ulen)); err != nil {
				t.Fatal(err)
			}
			b = b[clen:]
		} else {
			data, b = b[:n], b[n:]
		}
		nodes = append(nodes, data)
		plain = append(plain, container == uint64(rdb.ContainerPlain))
		compressed = append(compressed, lzf)
	}
	return nodes, plain, compressed
}

func compareNodes(t *testing.T, s *redistest.Server, l *List, what string) {
	t.Helper()
	v, err := s.Do("DUMP", "l")
	if err != nil {
		t.Fatal(err)
	}
	if v == nil {
		if l.Len() != 0 {
			t.Fatalf("after %s: Redis has no list, we have %d elements", what, l.Len())
		}
		return
	}
	dump := []byte(v.(string))
	if l.depth == 0 {
		// EncodeRDB writes the value bytes of DUMP (after the type byte,
		// before the version and CRC), once the type and key are skipped.
		enc := rdb.NewEncoder(false)
		if err := l.EncodeRDB(enc, []byte("l")); err != nil {
			t.Fatal(err)
		}
		got := enc.Bytes()[3:]
		if want := dump[1 : len(dump)-10]; !bytes.Equal(got, want) {
			t.Fatalf("after %s: EncodeRDB differs from DUMP\ngot  %.200x\nwant %.200x", what, got, want)
		}
	}
	want, wantPlain, wantComp := dumpNodes(t, dump)
	i := 0
	l.Nodes(func(data []byte, plain bool) bool {
		if i >= len(want) {
			t.Fatalf("after %s: %d nodes, Redis has %d", what, l.NodeCount(), len(want))
		}
		if plain != wantPlain[i] || !bytes.Equal(data, want[i]) {
			t.Fatalf("after %s: node %d differs (plain %v, Redis %v)\ngot  %.200x\nwant %.200x",
				what, i, plain, wantPlain[i], data, want[i])
		}
		if comp := l.nodes()[i].compressed(); comp != wantComp[i] {
			t.Fatalf("after %s: node %d compressed %v, Redis %v (%s)", what, i, comp, wantComp[i], layout(l))
		}
		i++
		return true
	})
	if i != len(want) {
		t.Fatalf("after %s: %d nodes, Redis has %d", what, i, len(want))
	}
}

// Ensure that random list commands leave the same nodes as Redis 7.0.15.
func TestRedisNodeLayout(t *testing.T) {
	for _, fill := range []int{-2, -1, 3, 16} {
		for _, threshold := range []int64{0, 2000} {
			t.Run(fmt.Sprintf("fill=%d,threshold=%d", fill, threshold), func(t *testing.T) {
				s := startRedis(t, "--rdbcompression", "no", "--list-max-listpack-size", strconv.Itoa(fill))
				if threshold != 0 {
					setThreshold(t, threshold)
					if _, err := s.Do("DEBUG", "QUICKLIST-PACKED-THRESHOLD", strconv.FormatInt(threshold, 10)); err != nil {
						t.Fatal(err)
					}
				}
				for seed := uint64(1); seed <= 3; seed++ {
					if _, err := s.Do("DEL", "l"); err != nil {
						t.Fatal(err)
					}
					src := rngSource{rand.New(rand.NewPCG(seed, uint64(fill+100)))}
					runRedisOps(t, s, src, New(fill, 0), 400, genElem)
				}
			})
		}
	}
}

// Ensure that node boundaries match Redis where they are decided by a few
// bytes: many small elements of random sizes fill nodes to their limits, and
// insertions in the middle split full nodes and merge their neighbours.
func TestRedisNodeBoundaries(t *testing.T) {
	small := func(src opSource) []byte {
		if src.intn(8) == 0 {
			return []byte(strconv.Itoa(src.intn(100000)))
		}
		return bytes.Repeat([]byte{'a' + byte(src.intn(3))}, 1+src.intn(250))
	}
	for _, fill := range []int{-1, -2, 5, 40} {
		t.Run(fmt.Sprintf("fill=%d", fill), func(t *testing.T) {
			s := startRedis(t, "--rdbcompression", "no", "--list-max-listpack-size", strconv.Itoa(fill))
			for seed := uint64(1); seed <= 4; seed++ {
				if _, err := s.Do("DEL", "l"); err != nil {
					t.Fatal(err)
				}
				src := rngSource{rand.New(rand.NewPCG(seed, uint64(fill+200)))}
				runRedisOps(t, s, src, New(fill, 0), 1500, small)
			}
		})
	}
}

// Ensure that with list-compress-depth the same nodes are compressed as in
// Redis.
func TestRedisCompression(t *testing.T) {
	for _, depth := range []int{1, 2} {
		t.Run(fmt.Sprintf("depth=%d", depth), func(t *testing.T) {
			s := startRedis(t, "--rdbcompression", "no", "--list-compress-depth", strconv.Itoa(depth))
			for seed := uint64(1); seed <= 3; seed++ {
				if _, err := s.Do("DEL", "l"); err != nil {
					t.Fatal(err)
				}
				src := rngSource{rand.New(rand.NewPCG(seed, uint64(depth+300)))}
				runRedisOps(t, s, src, New(-2, depth), 600, genElem)
			}
		})
	}
}

// runRedisOps applies n random commands to Redis's key "l" and to l.
func runRedisOps(t *testing.T, s *redistest.Server, src opSource, l *List, n int, genElem func(opSource) []byte) {
	t.Helper()
	do := func(args ...string) {
		t.Helper()
		if _, err := s.Do(args...); err != nil {
			t.Fatalf("%.60q: %v", args, err)
		}
	}
	elemAt := func() []byte {
		if l.Len() == 0 {
			return []byte("none")
		}
		v, _ := l.Index(src.intn(l.Len()), nil)
		return v
	}
	for op := 0; op < n; op++ {
		var args []string
		switch src.intn(12) {
		case 0, 1, 2:
			e := genElem(src)
			args = []string{"RPUSH", "l", string(e)}
			l.PushTail(e)
		case 3, 4:
			e := genElem(src)
			args = []string{"LPUSH", "l", string(e)}
			l.PushHead(e)
		case 5, 6:
			if l.Len() == 0 {
				continue
			}
			pivot, e, after := elemAt(), genElem(src), src.intn(2) == 0
			where := "BEFORE"
			if after {
				where = "AFTER"
			}
			args = []string{"LINSERT", "l", where, string(pivot), string(e)}
			l.Insert(pivot, e, after)
		case 7:
			if l.Len() == 0 {
				continue
			}
			i, e := src.intn(2*l.Len())-l.Len(), genElem(src)
			args = []string{"LSET", "l", strconv.Itoa(i), string(e)}
			l.Set(i, e)
		case 8:
			if l.Len() == 0 {
				continue
			}
			e, count := elemAt(), src.intn(5)-2
			args = []string{"LREM", "l", strconv.Itoa(count), string(e)}
			l.Remove(e, int64(count))
		case 9:
			if src.intn(3) != 0 {
				continue
			}
			start, stop := src.intn(8)-2, -1-src.intn(8)
			args = []string{"LTRIM", "l", strconv.Itoa(start), strconv.Itoa(stop)}
			l.Trim(start, stop)
		case 10:
			count := 1 + src.intn(3)
			if src.intn(2) == 0 {
				args = []string{"LPOP", "l", strconv.Itoa(count)}
				l.DeleteRange(0, count)
			} else {
				args = []string{"RPOP", "l", strconv.Itoa(count)}
				l.DeleteRange(-min(count, l.Len()), count)
			}
		case 11:
			if src.intn(2) == 0 {
				args = []string{"LPOP", "l"}
				l.PopHead(nil)
			} else {
				args = []string{"RPOP", "l"}
				l.PopTail(nil)
			}
		}
		do(args...)
		compareNodes(t, s, l, fmt.Sprintf("op %d %.80q", op, args))
	}
}
