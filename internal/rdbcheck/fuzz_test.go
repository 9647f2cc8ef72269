package rdbcheck_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/vestadb/vesta/internal/rdb"
	"github.com/vestadb/vesta/internal/rdbcheck"
)

// FuzzCheck checks that no input makes Check panic, and that its report
// is consistent: totals equal the sum over databases, a sound file has an
// end inside the input, a problem has an offset inside it, and the same
// bytes read one at a time give the same verdict.
func FuzzCheck(f *testing.F) {
	f.Add(file(f, rdb.WriterOptions{}, every))
	f.Add(file(f, rdb.WriterOptions{NoChecksum: true}, every))
	f.Add(file(f, rdb.WriterOptions{}, func(w *rdb.Writer) {
		w.ExpireMs(1)
		key(w, rdb.TypeHashListpack, "h")
		w.Blob(lp("f", "1", "f", "2"))
	}))
	f.Add(file(f, rdb.WriterOptions{}, func(w *rdb.Writer) {
		key(w, rdb.TypeModule2, "m")
		w.Len(1 << 10)
		w.Len(5)
		w.Str("x")
		w.Len(0)
	}))
	f.Add([]byte("REDIS0010\xff\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Add(file(f, rdb.WriterOptions{}, func(w *rdb.Writer) {
		w.Function("#!lua name=a\nredis.register_function('f', function() return 1 end)")
		w.Function("#!lua name=b\n")
	}))
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := rdbcheck.Check(bytes.NewReader(data), int64(len(data)), rdbcheck.Options{Now: now, Databases: 16})
		var sum int64
		for _, db := range rep.DBs {
			sum += db.Keys
		}
		if sum != rep.Keys {
			t.Fatalf("databases hold %d keys, total says %d", sum, rep.Keys)
		}
		if rep.Functions != len(rep.Libraries) {
			t.Fatalf("%d function libraries counted, %d named", rep.Functions, len(rep.Libraries))
		}
		var ce *rdbcheck.Error
		switch {
		case err == nil:
			if rep.End <= 0 || rep.End > int64(len(data)) || rep.Problem != nil {
				t.Fatalf("sound file with end %d of %d and problem %v", rep.End, len(data), rep.Problem)
			}
		case errors.As(err, &ce):
			if ce.Offset < 0 || ce.Offset > int64(len(data)) || rep.Problem != ce || ce.Reason() == "" {
				t.Fatalf("problem %v at offset %d of %d", ce, ce.Offset, len(data))
			}
		default:
			t.Fatalf("error %v is not an *Error", err)
		}
		_, err2 := rdbcheck.Check(io.Reader(&oneByte{data}), 0, rdbcheck.Options{Now: now, Databases: 16})
		if (err == nil) != (err2 == nil) {
			t.Fatalf("with the size %v, byte by byte without it %v", err, err2)
		}
		rep.WriteTo(io.Discard)
	})
}

// oneByte reads one byte at a time.
type oneByte struct{ b []byte }

func (o *oneByte) Read(p []byte) (int, error) {
	if len(o.b) == 0 {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	p[0] = o.b[0]
	o.b = o.b[1:]
	return 1, nil
}
