package rdb

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"
)

// sample writes one key of every plain type plus blobs through w.
func sample(w interface {
	SelectDB(uint64) error
	ResizeDB(uint64, uint64) error
	ExpireMs(int64) error
	Type(byte) error
	Str(string) error
	String([]byte) error
	Len(uint64) error
	Double(float64) error
	Blob([]byte) error
	Int(int64) error
}) {
	w.SelectDB(0)
	w.ResizeDB(6, 1)
	w.ExpireMs(4102444800000)
	w.Type(TypeString)
	w.Str("s")
	w.String([]byte(strings.Repeat("compressible ", 10)))
	w.Type(TypeString)
	w.Str("i")
	w.Int(-70000)
	w.Type(TypeList)
	w.Str("l")
	w.Len(3)
	for _, e := range []string{"a", "12", strings.Repeat("x", 30)} {
		w.Str(e)
	}
	w.Type(TypeHash)
	w.Str("h")
	w.Len(1)
	w.Str("f")
	w.Str("v")
	w.Type(TypeZSet2)
	w.Str("z")
	w.Len(2)
	w.Str("hi")
	w.Double(2.5)
	w.Str("lo")
	w.Double(math.Inf(-1))
	w.Type(TypeSetIntset)
	w.Str("is")
	w.Blob([]byte{2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 2, 0})
}

func TestWriterMatchesEncoder(t *testing.T) {
	var e Encoder
	e.Compress = true
	e.Header()
	e.StandardAux(RedisVersion, 1700000000, 12345, nil, false)
	sample(encoderAdapter{&e})
	e.EOF(true)

	for _, size := range []int{0, 1, 7, 64} {
		var buf bytes.Buffer
		w := NewWriter(&buf, WriterOptions{BufferSize: size})
		w.Header()
		w.WriteStandardAux(RedisVersion, 1700000000, 12345, false)
		sample(w)
		if err := w.End(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), e.Bytes()) {
			t.Fatalf("buffer %d: Writer and Encoder output differ:\n%x\n%x", size, buf.Bytes(), e.Bytes())
		}
		if w.Offset() != int64(buf.Len()) {
			t.Errorf("Offset: got %d, want %d", w.Offset(), buf.Len())
		}
	}
}

// encoderAdapter gives Encoder the error-returning method set of Writer.
type encoderAdapter struct{ e *Encoder }

func (a encoderAdapter) SelectDB(n uint64) error    { a.e.SelectDB(n); return nil }
func (a encoderAdapter) ResizeDB(k, x uint64) error { a.e.ResizeDB(k, x); return nil }
func (a encoderAdapter) ExpireMs(ms int64) error    { a.e.ExpireMs(ms); return nil }
func (a encoderAdapter) Type(t byte) error          { a.e.Type(t); return nil }
func (a encoderAdapter) Str(s string) error         { a.e.Str(s); return nil }
func (a encoderAdapter) String(b []byte) error      { a.e.String(b); return nil }
func (a encoderAdapter) Len(n uint64) error         { a.e.Len(n); return nil }
func (a encoderAdapter) Double(f float64) error     { a.e.Double(f); return nil }
func (a encoderAdapter) Blob(b []byte) error        { a.e.Blob(b); return nil }
func (a encoderAdapter) Int(v int64) error          { a.e.Int(v); return nil }

// TestWriterChunks builds a file from chunks encoded separately (as
// snapshot workers do) and checks it equals the one-pass file, whether
// the Writer sums the chunks itself or combines precomputed CRCs.
func TestWriterChunks(t *testing.T) {
	var whole bytes.Buffer
	w := NewWriter(&whole, WriterOptions{})
	w.Header()
	w.SelectDB(0)
	for i := range 50 {
		w.Type(TypeString)
		w.Str(strings.Repeat("k", i+1))
		w.Str(strings.Repeat("value ", i))
	}
	w.End()

	chunks := make([][]byte, 0, 5)
	for c := range 5 {
		e := NewEncoder(true)
		for i := c * 10; i < c*10+10; i++ {
			e.Type(TypeString)
			e.Str(strings.Repeat("k", i+1))
			e.Str(strings.Repeat("value ", i))
		}
		chunks = append(chunks, e.Take())
		if e.Size() != 0 {
			t.Fatal("Take left bytes behind")
		}
	}
	for _, mode := range []string{"Write", "WriteChunk"} {
		var got bytes.Buffer
		w := NewWriter(&got, WriterOptions{BufferSize: 100})
		w.Header()
		w.SelectDB(0)
		for _, c := range chunks {
			var err error
			if mode == "Write" {
				_, err = w.Write(c)
			} else {
				err = w.WriteChunk(c, CRC64(0, c))
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := w.End(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), whole.Bytes()) {
			t.Fatalf("%s: chunked file differs from the one-pass file", mode)
		}
		if err := readToEnd(got.Bytes(), ReaderOptions{}); err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
	}
}

func TestWriterNoChecksum(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, WriterOptions{NoChecksum: true, NoCompression: true})
	w.Header()
	w.SelectDB(0)
	w.Type(TypeString)
	w.Str("k")
	w.String(bytes.Repeat([]byte("a"), 100))
	if err := w.End(); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.Equal(b[len(b)-8:], make([]byte, 8)) {
		t.Errorf("trailer: got %x, want zeros", b[len(b)-8:])
	}
	if !bytes.Contains(b, bytes.Repeat([]byte("a"), 100)) {
		t.Error("NoCompression: string was compressed")
	}
	if w.Checksum() != 0 {
		t.Errorf("Checksum: got %x, want 0", w.Checksum())
	}
}

type failWriter struct{ n int }

var errDisk = errors.New("disk full")

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errDisk
	}
	f.n--
	return len(p), nil
}

func TestWriterStickyError(t *testing.T) {
	w := NewWriter(&failWriter{n: 1}, WriterOptions{BufferSize: 16})
	w.Header()
	for range 10 {
		w.Str("0123456789abcdef")
	}
	if err := w.Str("x"); !errors.Is(err, errDisk) {
		t.Fatalf("got %v, want the disk error", err)
	}
	if err := w.End(); !errors.Is(err, errDisk) {
		t.Fatalf("End: got %v, want the disk error", err)
	}

	var buf bytes.Buffer
	w = NewWriter(&buf, WriterOptions{})
	w.Header()
	if err := w.End(); err != nil {
		t.Fatal(err)
	}
	if err := w.Type(TypeString); !errors.Is(err, ErrWriterEnded) {
		t.Fatalf("after End: got %v, want ErrWriterEnded", err)
	}
}

// TestWriterRoundTrip writes every type and reads it back.
func TestWriterRoundTrip(t *testing.T) {
	for _, compress := range []bool{false, true} {
		var buf bytes.Buffer
		w := NewWriter(&buf, WriterOptions{NoCompression: !compress})
		w.Header()
		w.WriteStandardAux(RedisVersion, 1700000000, 1<<40, true)
		w.Function("#!lua name=x\nreturn 1")
		sample(w)
		w.Type(TypeZSet)
		w.Str("z3")
		w.Len(1)
		w.Str("m")
		w.TextDouble(0.1)
		w.Type(TypeListQuicklist2)
		w.Str("q")
		w.Len(2)
		w.Len(uint64(ContainerPlain))
		w.Str(strings.Repeat("plain", 10))
		w.Len(uint64(ContainerPacked))
		w.CompressedBlob(LZFCompress(nil, []byte(strings.Repeat("lp", 40))), 80)
		if err := w.End(); err != nil {
			t.Fatal(err)
		}
		desc, keys, eof := readAllItems(t, buf.Bytes(), bytes.NewReader(buf.Bytes()), ReaderOptions{})
		if !eof.Verified {
			t.Fatal("checksum not verified")
		}
		wantAux := []string{
			`rdb.Aux{Key:"redis-ver", Val:"7.0.15"}`,
			`rdb.Aux{Key:"redis-bits", Val:"64"}`,
			`rdb.Aux{Key:"ctime", Val:"1700000000"}`,
			`rdb.Aux{Key:"used-mem", Val:"1099511627776"}`,
			`rdb.Aux{Key:"aof-base", Val:"1"}`,
		}
		for i, want := range wantAux {
			if desc[i] != want {
				t.Errorf("item %d: got %s, want %s", i, desc[i], want)
			}
		}
		checks := map[string]string{
			"0/s":  strings.Repeat("compressible ", 10),
			"0/i":  "-70000",
			"0/z3": "",
		}
		for k, v := range checks {
			if keys[k] == nil || string(keys[k].Value.Str) != v {
				t.Errorf("%s: got %v, want %q", k, keys[k], v)
			}
		}
		if s := keys["0/s"]; s.ExpireMs != 4102444800000 {
			t.Errorf("expire: got %d", s.ExpireMs)
		}
		if l := keys["0/l"]; len(l.Value.Elems) != 3 || string(l.Value.Elems[1]) != "12" {
			t.Errorf("list: got %s", describe(l))
		}
		if z := keys["0/z"]; z.Value.Scores[0] != 2.5 || !math.IsInf(z.Value.Scores[1], -1) {
			t.Errorf("zset: got %s", describe(z))
		}
		if z := keys["0/z3"]; z.Value.Scores[0] != 0.1 {
			t.Errorf("zset text: got %s", describe(z))
		}
		if q := keys["0/q"]; string(q.Value.Nodes[1]) != strings.Repeat("lp", 40) || q.Value.Containers[0] != ContainerPlain {
			t.Errorf("quicklist: got %s", describe(q))
		}
		if is := keys["0/is"]; len(is.Value.Blob) != 12 {
			t.Errorf("intset: got %s", describe(is))
		}
	}
}
