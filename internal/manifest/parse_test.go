package manifest_test

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/vestadb/vesta/internal/manifest"
)

func TestParse(t *testing.T) {
	for _, tt := range parseCases {
		t.Run(tt.name, func(t *testing.T) {
			m, err := manifest.Parse(strings.NewReader(tt.in))
			if tt.err == nil {
				if err != nil {
					t.Fatalf("got error %v, want none", err)
				}
				if tt.want != nil && !reflect.DeepEqual(m, tt.want) {
					t.Errorf("got %+v, want %+v", dump(m), dump(tt.want))
				}
				return
			}
			if !errors.Is(err, tt.err) {
				t.Fatalf("got error %v, want %v", err, tt.err)
			}
			var pe *manifest.ParseError
			if errors.As(err, &pe) {
				if pe.Line != tt.line {
					t.Errorf("got line %d, want %d (%v)", pe.Line, tt.line, err)
				}
			} else if tt.err != manifest.ErrEmpty {
				t.Errorf("got %T, want *manifest.ParseError", err)
			}
		})
	}
}

// dump prints a manifest for failure messages.
func dump(m *manifest.Manifest) string {
	if m == nil {
		return "<nil>"
	}
	return fmt.Sprintf("%q (cur %d/%d)", m.Marshal(), m.CurBaseSeq, m.CurIncrSeq)
}

// Ensure that Parse copes with readers that return one byte at a time or
// fail midway.
func TestParseReaders(t *testing.T) {
	in := parseCases[2].in // the default manifest
	m, err := manifest.Parse(iotest.OneByteReader(strings.NewReader(in)))
	if err != nil || !reflect.DeepEqual(m, parseCases[2].want) {
		t.Errorf("one-byte reader: got %v, %v; want %v", dump(m), err, dump(parseCases[2].want))
	}
	boom := errors.New("boom")
	_, err = manifest.Parse(iotest.DataErrReader(iotest.ErrReader(boom)))
	if !errors.Is(err, boom) {
		t.Errorf("failing reader: got %v, want %v", err, boom)
	}
	_, err = manifest.Parse(iotest.TimeoutReader(iotest.OneByteReader(strings.NewReader(b1))))
	if !errors.Is(err, iotest.ErrTimeout) {
		t.Errorf("timeout reader: got %v, want %v", err, iotest.ErrTimeout)
	}
}

func TestParseErrorText(t *testing.T) {
	_, err := manifest.Parse(strings.NewReader(b1 + "file a seq 1 type z\n"))
	want := `manifest: unknown file type at line 2: "file a seq 1 type z"`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	long := "file " + strings.Repeat("n", 200) + " seq 1 type q\n"
	_, err = manifest.Parse(strings.NewReader(long))
	var pe *manifest.ParseError
	if !errors.As(err, &pe) || len(pe.Text) != 80 {
		t.Errorf("long line: got %v, want its text cut to 80 bytes", err)
	}
}

// Ensure that a huge input without newlines fails at the first 1024 bytes
// rather than being read whole.
func TestParseStopsAtLongLine(t *testing.T) {
	r := &countingReader{r: bytes.NewReader(bytes.Repeat([]byte("x"), 1<<20))}
	_, err := manifest.Parse(r)
	if !errors.Is(err, manifest.ErrLineTooLong) {
		t.Fatalf("got %v, want ErrLineTooLong", err)
	}
	if r.n > 8192 {
		t.Errorf("read %d bytes, want at most 8192", r.n)
	}
}

type countingReader struct {
	r interface{ Read([]byte) (int, error) }
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
