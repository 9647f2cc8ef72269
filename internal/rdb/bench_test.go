package rdb

import (
	"bytes"
	"errors"
	"strconv"
	"testing"
)

// benchFile builds a file of 100k keys: mostly short strings, with some
// hashes, lists and sets, like a typical cache dataset.
func benchFile(b *testing.B) []byte {
	b.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf, WriterOptions{})
	w.Header()
	w.WriteStandardAux(RedisVersion, 1700000000, 1<<30, false)
	w.SelectDB(0)
	w.ResizeDB(100000, 0)
	for i := range 100000 {
		key := "user:" + strconv.Itoa(i)
		switch i % 10 {
		case 0:
			w.Type(TypeHash)
			w.Str(key)
			w.Len(4)
			for f := range 4 {
				w.Str("field" + strconv.Itoa(f))
				w.Str("value-" + strconv.Itoa(i*f))
			}
		case 1:
			w.Type(TypeList)
			w.Str(key)
			w.Len(5)
			for e := range 5 {
				w.Int(int64(i + e))
			}
		default:
			w.Type(TypeString)
			w.Str(key)
			w.Str("session-token-" + strconv.Itoa(i*7919) + "-payload-data")
		}
	}
	if err := w.End(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func BenchmarkReader(b *testing.B) {
	data := benchFile(b)
	for _, alias := range []bool{false, true} {
		name := "copy"
		if alias {
			name = "alias"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				r, err := NewReader(bytes.NewReader(data), ReaderOptions{Alias: alias, Size: int64(len(data))})
				if err != nil {
					b.Fatal(err)
				}
				keys := 0
				for {
					it, err := r.Next()
					if err != nil {
						b.Fatal(err)
					}
					if _, ok := it.(*Key); ok {
						keys++
					}
					if eof, ok := it.(EOF); ok {
						if !eof.Verified || keys != 100000 {
							b.Fatal(errors.New("bad file"))
						}
						break
					}
				}
			}
		})
	}
}

func BenchmarkWriter(b *testing.B) {
	data := benchFile(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		benchFile(b)
	}
}
