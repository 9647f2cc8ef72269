package rdb_test

import (
	"bytes"
	"fmt"
	"io"

	"github.com/vestadb/vesta/internal/rdb"
)

// Write a small file and read it back.
func Example() {
	var file bytes.Buffer
	w := rdb.NewWriter(&file, rdb.WriterOptions{})
	w.Header()
	w.WriteStandardAux(rdb.RedisVersion, 1700000000, 1<<20, false)
	w.SelectDB(0)
	w.ResizeDB(2, 1)
	w.ExpireMs(4102444800000)
	w.Type(rdb.TypeString)
	w.Str("greeting")
	w.Str("hello")
	w.Type(rdb.TypeList)
	w.Str("numbers")
	w.Len(2)
	w.Int(1)
	w.Int(-70000)
	if err := w.End(); err != nil {
		panic(err)
	}

	r, err := rdb.NewReader(&file, rdb.ReaderOptions{})
	if err != nil {
		panic(err)
	}
	for {
		item, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			panic(err)
		}
		switch it := item.(type) {
		case rdb.Aux:
			fmt.Printf("aux %s=%s\n", it.Key, it.Val)
		case rdb.SelectDB:
			fmt.Printf("db %d\n", it.N)
		case *rdb.Key:
			fmt.Printf("key %s (%s) expire=%d: %q %q\n", it.Key, rdb.TypeName(it.Type), it.ExpireMs, it.Value.Str, it.Value.Elems)
		case rdb.EOF:
			fmt.Println("end, checksum verified:", it.Verified)
		}
	}
	// Output:
	// aux redis-ver=7.0.15
	// aux redis-bits=64
	// aux ctime=1700000000
	// aux used-mem=1048576
	// aux aof-base=0
	// db 0
	// key greeting (STRING) expire=4102444800000: "hello" []
	// key numbers (LIST) expire=-1: "" ["1" "-70000"]
	// end, checksum verified: true
}
