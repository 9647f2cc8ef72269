package persist

import (
	"bytes"
	"time"

	"github.com/vestadb/vesta/internal/rdb"
)

// EmptyImage is an RDB image holding no keys: the header, the AUX fields,
// the function libraries of opts and the trailer. It is what a replica
// that filters the data out (REPLCONF rdb-filter-only, as redis-cli
// --replica and --functions-rdb ask) receives.
func EmptyImage(opts SaveOptions) ([]byte, error) {
	var buf bytes.Buffer
	e := rdb.NewEncoder(opts.Compression)
	w := rdb.NewWriter(&buf, rdb.WriterOptions{NoCompression: !opts.Compression, NoChecksum: !opts.Checksum})
	e.Header()
	e.StandardAux(rdb.RedisVersion, time.Now().Unix(), opts.UsedMem, opts.Repl, false)
	for _, code := range opts.Functions {
		e.Function(code)
	}
	if _, err := w.Write(e.Bytes()); err != nil {
		return nil, err
	}
	if err := w.End(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
