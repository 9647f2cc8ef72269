package resp

import (
	"math"
	"strconv"
)

// Writer appends replies to B for a client speaking protocol Proto (2 or 3).
// The zero value speaks RESP2.
type Writer struct {
	B     []byte
	Proto int
	// Errors counts error replies, for INFO's total_error_replies.
	Errors int64
	// LastError is the code of the last error reply (ERR, WRONGTYPE, …).
	LastError string
	// OnError, when set, is told the code of every error reply as INFO
	// errorstats names it: the first word, or ERR when the message has no
	// space within its first 31 bytes (as Redis's afterErrorReply).
	OnError func(code string)
}

var crlf = []byte("\r\n")

// Reset empties the buffer, keeping its capacity.
func (w *Writer) Reset() { w.B = w.B[:0] }

// Len is the number of buffered bytes.
func (w *Writer) Len() int { return len(w.B) }

// Raw appends pre-encoded protocol bytes.
func (w *Writer) Raw(b []byte) { w.B = append(w.B, b...) }

// Simple appends a status reply such as +OK.
func (w *Writer) Simple(s string) {
	w.B = append(w.B, '+')
	w.B = append(w.B, s...)
	w.B = append(w.B, crlf...)
}

// OK appends +OK.
func (w *Writer) OK() { w.B = append(w.B, "+OK\r\n"...) }

// Error appends an error reply. msg starts with the error code ("ERR …",
// "WRONGTYPE …"); a message without one gets "ERR " like Redis's
// addReplyError. CR and LF are replaced by spaces so that the reply stays one
// line.
func (w *Writer) Error(msg string) {
	w.Errors++
	w.B = append(w.B, '-')
	start := len(w.B)
	w.B = append(w.B, msg...)
	for i := start; i < len(w.B); i++ {
		if w.B[i] == '\r' || w.B[i] == '\n' {
			w.B[i] = ' '
		}
	}
	code := msg
	for i := 0; i < len(msg); i++ {
		if msg[i] == ' ' {
			code = msg[:i]
			break
		}
	}
	w.LastError = code
	if w.OnError != nil {
		if len(code) == len(msg) || len(code) >= 31 {
			w.OnError("ERR")
		} else {
			w.OnError(code)
		}
	}
	w.B = append(w.B, crlf...)
}

// Int appends an integer reply.
func (w *Writer) Int(n int64) {
	if n >= 0 && n < int64(len(smallInts)) {
		w.B = append(w.B, smallInts[n]...)
		return
	}
	w.B = append(w.B, ':')
	w.B = strconv.AppendInt(w.B, n, 10)
	w.B = append(w.B, crlf...)
}

// Bulk appends a bulk string.
func (w *Writer) Bulk(b []byte) {
	w.header('$', len(b))
	w.B = append(w.B, b...)
	w.B = append(w.B, crlf...)
}

// BulkString appends a bulk string.
func (w *Writer) BulkString(s string) {
	w.header('$', len(s))
	w.B = append(w.B, s...)
	w.B = append(w.B, crlf...)
}

// BulkInt appends n formatted as a bulk string.
func (w *Writer) BulkInt(n int64) {
	var tmp [24]byte
	w.Bulk(strconv.AppendInt(tmp[:0], n, 10))
}

// Null appends the null bulk string ($-1, or _ in RESP3).
func (w *Writer) Null() {
	if w.Proto >= 3 {
		w.B = append(w.B, "_\r\n"...)
	} else {
		w.B = append(w.B, "$-1\r\n"...)
	}
}

// NullArray appends the null array (*-1, or _ in RESP3).
func (w *Writer) NullArray() {
	if w.Proto >= 3 {
		w.B = append(w.B, "_\r\n"...)
	} else {
		w.B = append(w.B, "*-1\r\n"...)
	}
}

// Array appends an array header for n elements.
func (w *Writer) Array(n int) { w.header('*', n) }

// Map appends a map header for n key/value pairs (a 2n array in RESP2).
func (w *Writer) Map(n int) {
	if w.Proto >= 3 {
		w.header('%', n)
	} else {
		w.header('*', 2*n)
	}
}

// Set appends a set header (an array in RESP2).
func (w *Writer) Set(n int) {
	if w.Proto >= 3 {
		w.header('~', n)
	} else {
		w.header('*', n)
	}
}

// Push appends an out-of-band push header (an array in RESP2).
func (w *Writer) Push(n int) {
	if w.Proto >= 3 {
		w.header('>', n)
	} else {
		w.header('*', n)
	}
}

// Bool appends a boolean (:1 or :0 in RESP2).
func (w *Writer) Bool(b bool) {
	switch {
	case w.Proto >= 3 && b:
		w.B = append(w.B, "#t\r\n"...)
	case w.Proto >= 3:
		w.B = append(w.B, "#f\r\n"...)
	case b:
		w.B = append(w.B, ":1\r\n"...)
	default:
		w.B = append(w.B, ":0\r\n"...)
	}
}

// Double appends a double: ",<%.17g>" in RESP3, a bulk string in RESP2,
// formatted like Redis 7.0's addReplyDouble.
func (w *Writer) Double(f float64) {
	var tmp [32]byte
	s := AppendDouble(tmp[:0], f)
	if w.Proto >= 3 {
		w.B = append(w.B, ',')
		w.B = append(w.B, s...)
		w.B = append(w.B, crlf...)
		return
	}
	w.Bulk(s)
}

// AppendDouble formats f with %.17g, the way Redis 7.0 prints doubles in
// replies (inf, -inf and nan spelled out).
func AppendDouble(dst []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	case math.IsNaN(f):
		return append(dst, "nan"...)
	}
	return strconv.AppendFloat(dst, f, 'g', 17, 64)
}

// Verbatim appends a verbatim string with a three-letter format ("txt"); a
// bulk string in RESP2.
func (w *Writer) Verbatim(s string, format string) {
	if w.Proto < 3 {
		w.BulkString(s)
		return
	}
	w.header('=', len(s)+4)
	w.B = append(w.B, format...)
	w.B = append(w.B, ':')
	w.B = append(w.B, s...)
	w.B = append(w.B, crlf...)
}

// BigNum appends a big number (a bulk string in RESP2).
func (w *Writer) BigNum(s string) {
	if w.Proto < 3 {
		w.BulkString(s)
		return
	}
	w.B = append(w.B, '(')
	w.B = append(w.B, s...)
	w.B = append(w.B, crlf...)
}

// Deferred reserves room for a header whose count is not known yet.
type Deferred struct{ pos int }

// Defer marks where a later header goes; finish with [Writer.ArrayAt] etc.
func (w *Writer) Defer() Deferred { return Deferred{len(w.B)} }

// ArrayAt inserts an array header of n elements at d.
func (w *Writer) ArrayAt(d Deferred, n int) { w.insertHeader(d, '*', n) }

// MapAt inserts a map header of n pairs at d.
func (w *Writer) MapAt(d Deferred, n int) {
	if w.Proto >= 3 {
		w.insertHeader(d, '%', n)
	} else {
		w.insertHeader(d, '*', 2*n)
	}
}

// SetAt inserts a set header of n elements at d.
func (w *Writer) SetAt(d Deferred, n int) {
	if w.Proto >= 3 {
		w.insertHeader(d, '~', n)
	} else {
		w.insertHeader(d, '*', n)
	}
}

func (w *Writer) insertHeader(d Deferred, t byte, n int) {
	var tmp [24]byte
	h := append(tmp[:0], t)
	h = strconv.AppendInt(h, int64(n), 10)
	h = append(h, crlf...)
	w.B = append(w.B, h...) // grow by len(h)
	copy(w.B[d.pos+len(h):], w.B[d.pos:len(w.B)-len(h)])
	copy(w.B[d.pos:], h)
}

func (w *Writer) header(t byte, n int) {
	w.B = append(w.B, t)
	w.B = strconv.AppendInt(w.B, int64(n), 10)
	w.B = append(w.B, crlf...)
}

var smallInts = func() [][]byte {
	s := make([][]byte, 128)
	for i := range s {
		s[i] = []byte(":" + strconv.Itoa(i) + "\r\n")
	}
	return s
}()
