package repl

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

var testMark = []byte(strings.Repeat("m", 20) + strings.Repeat("k", 20))

// chunked returns a reader giving data in reads of the given sizes.
type chunked struct {
	data  []byte
	sizes []int
}

func (c *chunked) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := len(c.data)
	if len(c.sizes) > 0 {
		n = min(n, c.sizes[0])
		c.sizes = c.sizes[1:]
	}
	n = copy(p, c.data[:n])
	c.data = c.data[n:]
	return n, nil
}

func TestEOFReader(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789"), 1000)
	tests := []struct {
		name  string
		input []byte
		sizes []int
		want  []byte
		err   error
	}{
		{"one read", append(append([]byte{}, body...), testMark...), nil, body, nil},
		{"byte by byte", append([]byte("abc"), testMark...), []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, []byte("abc"), nil},
		{"mark split", append(append([]byte{}, body...), testMark...), []int{9990, 30, 20}, body, nil},
		{"empty body", testMark, nil, []byte{}, nil},
		{"truncated", body, nil, nil, io.ErrUnexpectedEOF},
		{"mark cut short", append(append([]byte{}, body...), testMark[:39]...), nil, nil, io.ErrUnexpectedEOF},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := &eofReader{r: &chunked{data: tc.input, sizes: tc.sizes}, mark: testMark}
			got, err := io.ReadAll(e)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tc.want) || !e.found {
				t.Fatalf("got %d bytes (found %v), want %d", len(got), e.found, len(tc.want))
			}
		})
	}
	// Small reads by the consumer.
	e := &eofReader{r: bytes.NewReader(append(append([]byte{}, body...), testMark...)), mark: testMark}
	got, err := io.ReadAll(iotest.OneByteReader(e))
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("one byte at a time: %d bytes, %v", len(got), err)
	}
}

// FuzzEOFReader: whatever the data and the read sizes, the reader returns
// exactly the bytes before the mark, or an error when the mark is not at
// the end.
func FuzzEOFReader(f *testing.F) {
	f.Add([]byte("hello"), uint8(3))
	f.Add(testMark, uint8(1))
	f.Add([]byte{}, uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, step uint8) {
		in := append(append([]byte{}, data...), testMark...)
		var sizes []int
		if step > 0 {
			for n := 0; n < len(in); n += int(step) {
				sizes = append(sizes, int(step))
			}
		}
		e := &eofReader{r: &chunked{data: in, sizes: sizes}, mark: testMark}
		got, err := io.ReadAll(e)
		if err != nil {
			t.Fatal(err)
		}
		// The mark may also occur earlier at a read boundary: then the
		// reader stops there, a prefix of the data.
		if !bytes.HasPrefix(data, got) {
			t.Fatalf("got %q, not a prefix of %q", got, data)
		}
		if len(got) != len(data) && !bytes.Contains(in[:len(in)-len(testMark)], testMark) {
			t.Fatalf("stopped early at %d of %d bytes", len(got), len(data))
		}
		// Without the mark at the end: an error, never a silent end, unless
		// the mark occurs inside the data at a read boundary (Redis stops
		// there too: it only ever compares the last bytes read).
		e = &eofReader{r: &chunked{data: data, sizes: sizes}, mark: testMark}
		if _, err := io.ReadAll(e); err == nil && !bytes.Contains(data, testMark) {
			t.Fatalf("no error for data without the mark")
		}
	})
}
