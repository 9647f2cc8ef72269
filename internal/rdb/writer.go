package rdb

import (
	"errors"
	"io"
)

// WriterOptions configures a [Writer]. The zero value matches Redis's
// defaults (rdbcompression yes, rdbchecksum yes).
type WriterOptions struct {
	// NoCompression disables LZF for strings (rdbcompression no).
	NoCompression bool
	// NoChecksum writes a zero CRC64 trailer and skips computing it
	// (rdbchecksum no).
	NoChecksum bool
	// BufferSize is how many encoded bytes are gathered before they are
	// written to the underlying io.Writer (default 256 KiB).
	BufferSize int
}

const defaultWriteBuffer = 256 << 10

// ErrWriterEnded is returned by [Writer] methods called after [Writer.End].
var ErrWriterEnded = errors.New("rdb: write after End")

// Writer streams an RDB file to an io.Writer: it buffers, keeps the running
// CRC64 of every byte it passes on, and ends the file with the EOF opcode
// and the checksum. Its encoding methods mirror [Encoder]'s; chunks that
// other Encoders produced are spliced in with [Writer.Write] or
// [Writer.WriteChunk].
//
// Errors are sticky: after the underlying writer fails, every method
// returns that error and writes nothing, so a caller may check only the
// result of [Writer.End].
type Writer struct {
	w        io.Writer
	enc      Encoder
	crc      uint64
	checksum bool
	flushAt  int
	written  int64 // bytes handed to w
	err      error
}

// NewWriter returns a Writer to w.
func NewWriter(w io.Writer, opts WriterOptions) *Writer {
	size := opts.BufferSize
	if size <= 0 {
		size = defaultWriteBuffer
	}
	wr := &Writer{w: w, checksum: !opts.NoChecksum, flushAt: size}
	wr.enc.Compress = !opts.NoCompression
	wr.enc.buf = make([]byte, 0, size+size/8)
	return wr
}

// after runs after each encoding method: it flushes a full buffer and
// reports the sticky error.
func (w *Writer) after() error {
	if w.err != nil {
		w.enc.Reset()
		return w.err
	}
	if len(w.enc.buf) >= w.flushAt {
		return w.Flush()
	}
	return nil
}

// Flush writes the buffered bytes to the underlying writer. It does not
// sync anything to disk.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	if len(w.enc.buf) == 0 {
		return nil
	}
	w.emit(w.enc.buf)
	w.enc.Reset()
	return w.err
}

// emit passes p to the underlying writer, adding it to the checksum.
func (w *Writer) emit(p []byte) {
	if w.checksum {
		w.crc = CRC64(w.crc, p)
	}
	n, err := w.w.Write(p)
	w.written += int64(n)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	if err != nil {
		w.err = err
	}
}

// Write splices pre-encoded bytes (for example a chunk from an [Encoder])
// into the file after everything written so far. It implements io.Writer.
func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if len(w.enc.buf)+len(p) <= w.flushAt {
		w.enc.buf = append(w.enc.buf, p...)
		return len(p), w.after()
	}
	if err := w.Flush(); err != nil {
		return 0, err
	}
	before := w.written
	w.emit(p)
	return int(w.written - before), w.err
}

// WriteChunk is like [Writer.Write] for a chunk whose checksum crc =
// CRC64(0, p) the producer already computed (in its own goroutine): the
// Writer extends its running checksum with [CRC64Combine] instead of
// reading p again.
func (w *Writer) WriteChunk(p []byte, crc uint64) error {
	if err := w.Flush(); err != nil {
		return err
	}
	if w.checksum {
		w.crc = CRC64Combine(w.crc, crc, int64(len(p)))
	}
	n, err := w.w.Write(p)
	w.written += int64(n)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	if err != nil {
		w.err = err
	}
	return w.err
}

// Offset returns the number of bytes of the file so far, buffered or not.
func (w *Writer) Offset() int64 { return w.written + int64(len(w.enc.buf)) }

// Checksum returns the CRC64 of the bytes so far (after [Writer.End], of
// the whole file up to and including the EOF opcode), or 0 when checksums
// are off.
func (w *Writer) Checksum() uint64 {
	if !w.checksum {
		return 0
	}
	return CRC64(w.crc, w.enc.buf)
}

// End writes the EOF opcode and the CRC64 trailer (0 with NoChecksum) and
// flushes. It does not close or sync the underlying writer. The Writer
// accepts nothing afterwards.
func (w *Writer) End() error {
	if w.err != nil {
		return w.err
	}
	w.enc.buf = append(w.enc.buf, OpEOF)
	if err := w.Flush(); err != nil {
		return err
	}
	var trailer [8]byte
	AppendMillis(trailer[:0], int64(w.Checksum()))
	n, err := w.w.Write(trailer[:])
	w.written += int64(n)
	if err == nil && n < len(trailer) {
		err = io.ErrShortWrite
	}
	if err != nil {
		w.err = err
		return err
	}
	w.err = ErrWriterEnded
	return nil
}

// Header writes "REDIS0010".
func (w *Writer) Header() error { w.enc.Header(); return w.after() }

// Aux writes an AUX field.
func (w *Writer) Aux(key, value string) error { w.enc.Aux(key, value); return w.after() }

// AuxInt writes an AUX field with an integer value.
func (w *Writer) AuxInt(key string, v int64) error { w.enc.AuxInt(key, v); return w.after() }

// WriteStandardAux writes Redis's standard AUX fields in Redis's order:
// redis-ver (ver, normally [RedisVersion]), redis-bits, ctime, used-mem
// and aof-base. See [Encoder.StandardAux] for the replication fields.
func (w *Writer) WriteStandardAux(ver string, ctime, usedMem int64, aofBase bool) error {
	w.enc.StandardAux(ver, ctime, usedMem, nil, aofBase)
	return w.after()
}

// Function writes a FUNCTION2 item.
func (w *Writer) Function(code string) error { w.enc.Function(code); return w.after() }

// SelectDB writes a SELECTDB opcode.
func (w *Writer) SelectDB(n uint64) error { w.enc.SelectDB(n); return w.after() }

// ResizeDB writes a RESIZEDB hint.
func (w *Writer) ResizeDB(keys, expires uint64) error {
	w.enc.ResizeDB(keys, expires)
	return w.after()
}

// ExpireMs writes an EXPIRETIME_MS opcode for the next key.
func (w *Writer) ExpireMs(ms int64) error { w.enc.ExpireMs(ms); return w.after() }

// Idle writes an IDLE opcode for the next key.
func (w *Writer) Idle(sec uint64) error { w.enc.Idle(sec); return w.after() }

// Freq writes a FREQ opcode for the next key.
func (w *Writer) Freq(b byte) error { w.enc.Freq(b); return w.after() }

// Type writes a value type byte.
func (w *Writer) Type(t byte) error { w.enc.Type(t); return w.after() }

// Len writes a length.
func (w *Writer) Len(n uint64) error { w.enc.Len(n); return w.after() }

// String writes b with Redis's string rules.
func (w *Writer) String(b []byte) error { w.enc.String(b); return w.after() }

// Str writes a Go string with Redis's string rules.
func (w *Writer) Str(s string) error { w.enc.Str(s); return w.after() }

// Int writes an integer string value.
func (w *Writer) Int(v int64) error { w.enc.Int(v); return w.after() }

// Double writes a binary double.
func (w *Writer) Double(f float64) error { w.enc.Double(f); return w.after() }

// TextDouble writes an old-style text double.
func (w *Writer) TextDouble(f float64) error { w.enc.TextDouble(f); return w.after() }

// Blob writes a listpack or intset blob as a string.
func (w *Writer) Blob(b []byte) error { w.enc.Blob(b); return w.after() }

// CompressedBlob writes already LZF-compressed data.
func (w *Writer) CompressedBlob(comp []byte, origLen int) error {
	w.enc.CompressedBlob(comp, origLen)
	return w.after()
}
