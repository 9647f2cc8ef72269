package rdbcheck_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/intset"
	"github.com/vestadb/vesta/internal/listpack"
	"github.com/vestadb/vesta/internal/rdb"
	"github.com/vestadb/vesta/internal/rdbcheck"
	"github.com/vestadb/vesta/internal/ziplist"
)

// now is the time the tests judge expiry against.
var now = time.UnixMilli(1_800_000_000_000)

// file builds an RDB image: header, AUX fields, SELECTDB 0, then whatever
// body writes, then EOF and the CRC.
func file(t testing.TB, opts rdb.WriterOptions, body func(w *rdb.Writer)) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := rdb.NewWriter(&buf, opts)
	w.Header()
	w.WriteStandardAux(rdb.RedisVersion, now.Unix(), 1<<20, false)
	w.SelectDB(0)
	body(w)
	if err := w.End(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// key writes the type byte and the key name.
func key(w *rdb.Writer, t byte, name string) {
	w.Type(t)
	w.Str(name)
}

func lp(elems ...string) []byte {
	l := listpack.New()
	for _, e := range elems {
		l = l.Append([]byte(e))
	}
	return l.Bytes()
}

func iset(vals ...int64) []byte {
	s := intset.New()
	for _, v := range vals {
		s, _ = s.Add(v)
	}
	return s.Bytes()
}

// zl encodes a ziplist of short strings.
func zl(elems ...string) []byte {
	b := make([]byte, 10)
	prev, tail := 0, 10
	for _, e := range elems {
		tail = len(b)
		b = append(b, byte(prev), byte(len(e)))
		b = append(b, e...)
		prev = 2 + len(e)
	}
	b = append(b, 0xff)
	binary.LittleEndian.PutUint32(b[0:], uint32(len(b)))
	binary.LittleEndian.PutUint32(b[4:], uint32(tail))
	binary.LittleEndian.PutUint16(b[8:], uint16(len(elems)))
	return b
}

// zm encodes a zipmap of short pairs.
func zm(pairs ...string) []byte {
	b := []byte{byte(len(pairs) / 2)}
	for i := 0; i < len(pairs); i += 2 {
		b = append(b, byte(len(pairs[i])))
		b = append(b, pairs[i]...)
		b = append(b, byte(len(pairs[i+1])), 0)
		b = append(b, pairs[i+1]...)
	}
	return append(b, 0xff)
}

// every writes one key of every value type Redis 7.0 loads, except
// streams.
func every(w *rdb.Writer) {
	key(w, rdb.TypeString, "s")
	w.Str("v")
	key(w, rdb.TypeList, "l1")
	w.Len(2)
	w.Str("a")
	w.Str("b")
	key(w, rdb.TypeSet, "s1")
	w.Len(2)
	w.Str("a")
	w.Str("b")
	key(w, rdb.TypeZSet, "z1")
	w.Len(1)
	w.Str("a")
	w.TextDouble(1.5)
	key(w, rdb.TypeHash, "h1")
	w.Len(1)
	w.Str("f")
	w.Str("v")
	key(w, rdb.TypeZSet2, "z2")
	w.Len(2)
	w.Str("a")
	w.Double(2)
	w.Str("b")
	w.Double(1)
	key(w, rdb.TypeHashZipmap, "hzm")
	w.Blob(zm("f", "v"))
	key(w, rdb.TypeListZiplist, "lzl")
	w.Blob(zl("a", "b"))
	key(w, rdb.TypeSetIntset, "si")
	w.Blob(iset(3, 1, 2))
	key(w, rdb.TypeZSetZiplist, "zzl")
	w.Blob(zl("a", "1"))
	key(w, rdb.TypeHashZiplist, "hzl")
	w.Blob(zl("f", "v"))
	key(w, rdb.TypeListQuicklist, "lql")
	w.Len(1)
	w.Blob(zl("a"))
	key(w, rdb.TypeHashListpack, "hlp")
	w.Blob(lp("f", "v", "g", "w"))
	key(w, rdb.TypeZSetListpack, "zlp")
	w.Blob(lp("a", "1", "b", "2"))
	key(w, rdb.TypeListQuicklist2, "lq2")
	w.Len(2)
	w.Len(uint64(rdb.ContainerPacked))
	w.Blob(lp("a", "b"))
	w.Len(uint64(rdb.ContainerPlain))
	w.Str("big")
}

// Ensure that Check accepts every value type, counts keys per database,
// kind and expiry, and reports what Vesta cannot load without failing.
func TestCheck_Valid(t *testing.T) {
	data := file(t, rdb.WriterOptions{}, func(w *rdb.Writer) {
		every(w)
		w.ExpireMs(now.UnixMilli() - 1)
		key(w, rdb.TypeString, "gone")
		w.Str("v")
		w.ExpireMs(now.UnixMilli() + 1000)
		key(w, rdb.TypeString, "later")
		w.Str("v")
		key(w, rdb.TypeModule2, "mod") // a module value: id, UINT 5, EOF
		w.Len(12345 << 10)
		w.Len(2)
		w.Len(5)
		w.Len(0)
		key(w, rdb.TypeList, "empty")
		w.Len(0)
		w.Function("#!lua name=lib\nredis.register_function('f', function() return 1 end)")
		w.Write([]byte{rdb.OpModuleAux}) // module AUX: id, when, one UINT, EOF
		w.Len(12345 << 10)
		w.Len(2)
		w.Len(2)
		w.Len(2)
		w.Len(7)
		w.Len(0)
		w.SelectDB(5)
		key(w, rdb.TypeString, "k5")
		w.Str("v")
		w.SelectDB(0)
		key(w, rdb.TypeString, "again0")
		w.Str("v")
	})
	rep, err := rdbcheck.Check(bytes.NewReader(data), int64(len(data)), rdbcheck.Options{Now: now, Name: "dump.rdb"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Keys != 21 || rep.Expires != 2 || rep.AlreadyExpired != 1 {
		t.Errorf("got %d keys, %d expires, %d expired; want 21, 2, 1", rep.Keys, rep.Expires, rep.AlreadyExpired)
	}
	if len(rep.DBs) != 2 || rep.DBs[0].DB != 0 || rep.DBs[0].Keys != 20 || rep.DBs[1].DB != 5 || rep.DBs[1].Keys != 1 {
		t.Fatalf("got databases %+v", rep.DBs)
	}
	kinds := rep.DBs[0].Kinds
	want := [rdbcheck.NumKinds]int64{rdbcheck.KindString: 4, rdbcheck.KindList: 5, rdbcheck.KindSet: 2,
		rdbcheck.KindZSet: 4, rdbcheck.KindHash: 4, rdbcheck.KindModule: 1}
	if kinds != want {
		t.Errorf("got kinds %v, want %v", kinds, want)
	}
	if rep.Unsupported != 1 || rep.Functions != 1 || rep.ModuleAux != 1 || rep.EmptyKeys != 1 || rep.RepeatedSelects != 1 || rep.VestaCanLoad() {
		t.Errorf("got unsupported %d, functions %d, module AUX %d, empty %d, repeated selects %d",
			rep.Unsupported, rep.Functions, rep.ModuleAux, rep.EmptyKeys, rep.RepeatedSelects)
	}
	if rep.Checksum != rdbcheck.ChecksumOK || rep.End != int64(len(data)) || rep.Version != 10 {
		t.Errorf("got checksum %v, end %d, version %d", rep.Checksum, rep.End, rep.Version)
	}
	if v, ok := rep.AuxValue("redis-ver"); !ok || v != rdb.RedisVersion {
		t.Errorf("got redis-ver %q, %v", v, ok)
	}
	var out strings.Builder
	rep.WriteTo(&out)
	for _, line := range []string{
		"[offset 0] Checking RDB file dump.rdb\n",
		"] AUX FIELD redis-ver = '" + rdb.RedisVersion + "'\n",
		"] Selecting DB ID 5\n",
		"] Checksum OK\n",
		"] \\o/ RDB looks OK! \\o/\n[info] 21 keys read\n[info] 2 expires\n[info] 1 already expired\n",
		"Vesta cannot load",
	} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("output lacks %q:\n%s", line, out.String())
		}
	}
}

// Ensure that the first bad item is reported with its offset, its key and
// an error that names the cause.
func TestCheck_Invalid(t *testing.T) {
	var keyAt int64
	mark := func(w *rdb.Writer) { w.Flush(); keyAt = w.Offset() }
	tests := []struct {
		name  string
		body  func(w *rdb.Writer)
		opts  rdbcheck.Options
		want  []error
		doing string
		atKey bool
	}{
		{"duplicate set member", func(w *rdb.Writer) {
			mark(w)
			key(w, rdb.TypeSet, "s")
			w.Len(2)
			w.Str("a")
			w.Str("a")
		}, rdbcheck.Options{}, []error{rdbcheck.ErrIntegrity}, "read-object-value", true},
		{"duplicate hash field in a listpack", func(w *rdb.Writer) {
			key(w, rdb.TypeString, "before")
			w.Str("v")
			mark(w)
			key(w, rdb.TypeHashListpack, "h")
			w.Blob(lp("f", "1", "f", "2"))
		}, rdbcheck.Options{}, []error{rdbcheck.ErrIntegrity, listpack.ErrDuplicate}, "read-object-value", true},
		{"odd zset listpack", func(w *rdb.Writer) {
			mark(w)
			key(w, rdb.TypeZSetListpack, "z")
			w.Blob(lp("a", "1", "b"))
		}, rdbcheck.Options{}, []error{listpack.ErrOddPairs}, "read-object-value", true},
		{"bad listpack in a quicklist", func(w *rdb.Writer) {
			mark(w)
			key(w, rdb.TypeListQuicklist2, "l")
			w.Len(1)
			w.Len(uint64(rdb.ContainerPacked))
			bad := lp("a", "b")
			bad[6] = 0xf6 // the first entry's encoding byte
			w.Blob(bad)
		}, rdbcheck.Options{}, []error{listpack.ErrEncoding}, "read-object-value", true},
		{"unsorted intset", func(w *rdb.Writer) {
			mark(w)
			key(w, rdb.TypeSetIntset, "i")
			b := iset(1, 2)
			b[8], b[10] = 2, 1
			w.Blob(b)
		}, rdbcheck.Options{}, []error{intset.ErrOrder}, "read-object-value", true},
		{"empty intset", func(w *rdb.Writer) {
			mark(w)
			key(w, rdb.TypeSetIntset, "i")
			w.Blob([]byte{2, 0, 0, 0, 0, 0, 0, 0})
		}, rdbcheck.Options{}, []error{intset.ErrEmpty}, "read-object-value", true},
		{"bad ziplist", func(w *rdb.Writer) {
			mark(w)
			key(w, rdb.TypeListZiplist, "z")
			b := zl("a", "b")
			b[4] = 99 // zltail
			w.Blob(b)
		}, rdbcheck.Options{}, []error{ziplist.ErrTail}, "read-object-value", true},
		{"duplicate hash ziplist field", func(w *rdb.Writer) {
			mark(w)
			key(w, rdb.TypeHashZiplist, "z")
			w.Blob(zl("f", "1", "f", "2"))
		}, rdbcheck.Options{}, []error{ziplist.ErrDuplicate}, "read-object-value", true},
		{"unknown type", func(w *rdb.Writer) {
			mark(w)
			w.Type(0x30)
		}, rdbcheck.Options{}, []error{rdb.ErrCorrupt}, "read-type", true},
		{"database out of range", func(w *rdb.Writer) {
			mark(w)
			w.SelectDB(16)
		}, rdbcheck.Options{Databases: 16}, []error{rdbcheck.ErrDatabase}, "read-len", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := file(t, rdb.WriterOptions{}, tt.body)
			rep, err := rdbcheck.Check(bytes.NewReader(data), int64(len(data)), tt.opts)
			var ce *rdbcheck.Error
			if !errors.As(err, &ce) || rep.Problem != ce {
				t.Fatalf("got %v, want an *Error", err)
			}
			for _, w := range tt.want {
				if !errors.Is(err, w) {
					t.Errorf("got %v, want it to wrap %v", err, w)
				}
			}
			if ce.Doing != tt.doing || (tt.atKey && ce.Offset != keyAt) {
				t.Errorf("got %q at offset %d, want %q at %d", ce.Doing, ce.Offset, tt.doing, keyAt)
			}
			var out strings.Builder
			rep.WriteTo(&out)
			if !strings.Contains(out.String(), "--- RDB ERROR DETECTED ---\n") || strings.Contains(out.String(), "looks OK") {
				t.Errorf("output does not report the error:\n%s", out.String())
			}
		})
	}
}

// Ensure that damage to the header, the trailer or the length of the file
// is found, and that a zero checksum is accepted as "disabled".
func TestCheck_Framing(t *testing.T) {
	good := file(t, rdb.WriterOptions{}, every)
	noCRC := file(t, rdb.WriterOptions{NoChecksum: true}, every)
	flipCRC := bytes.Clone(good)
	flipCRC[len(flipCRC)-1] ^= 1
	flipBody := bytes.Clone(good)
	flipBody[bytes.Index(flipBody, []byte("big"))] = 'B'
	tests := []struct {
		name     string
		data     []byte
		want     error
		checksum rdbcheck.Checksum
		doing    string
	}{
		{"good", good, nil, rdbcheck.ChecksumOK, ""},
		{"checksum disabled", noCRC, nil, rdbcheck.ChecksumDisabled, ""},
		{"bad trailer", flipCRC, rdb.ErrChecksum, rdbcheck.ChecksumNotReached, "check-sum"},
		{"changed payload", flipBody, rdb.ErrChecksum, rdbcheck.ChecksumNotReached, "check-sum"},
		{"truncated", good[:len(good)-20], rdb.ErrTruncated, rdbcheck.ChecksumNotReached, ""},
		{"newer version", append([]byte("REDIS0011"), good[9:]...), rdb.ErrVersion, rdbcheck.ChecksumNotReached, "start"},
		{"not an RDB", []byte("*1\r\n$4\r\nPING\r\n"), rdb.ErrCorrupt, rdbcheck.ChecksumNotReached, "start"},
		{"empty", nil, rdb.ErrTruncated, rdbcheck.ChecksumNotReached, "start"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := rdbcheck.Check(bytes.NewReader(tt.data), int64(len(tt.data)), rdbcheck.Options{Now: now})
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if rep.Checksum != tt.checksum {
				t.Errorf("got checksum state %v, want %v", rep.Checksum, tt.checksum)
			}
			if tt.doing != "" && rep.Problem.Doing != tt.doing {
				t.Errorf("got doing %q, want %q", rep.Problem.Doing, tt.doing)
			}
			if err != nil && (rep.Problem.Offset < 0 || rep.Problem.Offset > int64(len(tt.data))) {
				t.Errorf("got offset %d outside the file", rep.Problem.Offset)
			}
		})
	}
}

// Ensure that an RDB followed by more bytes (an AOF with a preamble) stops
// at the checksum and says where the rest starts.
func TestCheck_Trailing(t *testing.T) {
	img := file(t, rdb.WriterOptions{}, every)
	data := append(bytes.Clone(img), "*1\r\n$4\r\nPING\r\n"...)
	rep, err := rdbcheck.Check(bytes.NewReader(data), int64(len(data)), rdbcheck.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.End != int64(len(img)) || rep.Trailing != 14 {
		t.Errorf("got end %d and %d trailing bytes, want %d and 14", rep.End, rep.Trailing, len(img))
	}
}
