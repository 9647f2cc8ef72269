package rdbcheck_test

import (
	"bytes"
	"fmt"

	"github.com/vestadb/vesta/internal/rdb"
	"github.com/vestadb/vesta/internal/rdbcheck"
)

// Check a snapshot and read the summary; then damage one byte and read the
// diagnosis.
func ExampleCheck() {
	var buf bytes.Buffer
	w := rdb.NewWriter(&buf, rdb.WriterOptions{})
	w.Header()
	w.SelectDB(0)
	w.Type(rdb.TypeString)
	w.Str("greeting")
	w.Str("hello")
	w.End()
	data := buf.Bytes()

	rep, err := rdbcheck.Check(bytes.NewReader(data), int64(len(data)), rdbcheck.Options{})
	fmt.Println(err, rep.Keys, rep.DBs[0].Kinds[rdbcheck.KindString])

	data[len(data)-1] ^= 0xff // damage the checksum
	rep, err = rdbcheck.Check(bytes.NewReader(data), int64(len(data)), rdbcheck.Options{})
	fmt.Println(rep.OK(), rep.Problem.Offset, rep.Problem.Doing)
	_ = err
	// Output:
	// <nil> 1 1
	// false 28 check-sum
}
