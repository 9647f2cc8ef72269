package persist

import (
	"fmt"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/rdb"
)

// EncodeValue appends e's value without its key, as DUMP serialises it:
// the RDB value type, then the value exactly as [EncodeEntry] writes it
// after the key.
func EncodeValue(enc *rdb.Encoder, e *keyspace.Entry) error {
	if e.Obj() == nil {
		enc.Type(rdb.TypeString)
		enc.String(e.Str())
		return nil
	}
	v, ok := e.Obj().(rdbEncodable)
	if !ok {
		return fmt.Errorf("persist: cannot serialise a value of type %s", e.Type())
	}
	// The types write the type byte, then the key. An empty key is
	// always the single length byte 0, which is cut out again.
	start := enc.Size()
	if err := v.EncodeRDB(enc, nil); err != nil {
		return err
	}
	b := enc.Bytes()
	if len(b) < start+2 || b[start+1] != 0 {
		return fmt.Errorf("persist: unexpected encoding of a value of type %s", e.Type())
	}
	copy(b[start+1:], b[start+2:])
	enc.Truncate(len(b) - 1)
	return nil
}
