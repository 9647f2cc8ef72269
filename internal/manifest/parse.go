package manifest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
)

// MaxLine is the most bytes a manifest line may take, newline included.
const MaxLine = 1024

// Parse reads a manifest, applying every rule Redis 7.0.15 applies (see the
// package documentation). A refused line gives a *ParseError; an empty input
// gives ErrEmpty; a read error is returned wrapped.
func Parse(r io.Reader) (*Manifest, error) {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, MaxLine)
	}
	m := &Manifest{}
	var (
		buf    [MaxLine]byte
		tokens [][]byte
		maxSeq int64
	)
	for lineNo := 1; ; lineNo++ {
		chunk, err := readPiece(br, buf[:0])
		if err != nil {
			return nil, fmt.Errorf("manifest: read: %w", err)
		}
		if len(chunk) == 0 { // end of input
			if lineNo == 1 {
				return nil, ErrEmpty
			}
			break
		}
		if chunk[0] == '#' {
			continue
		}
		fail := func(err error) error {
			return &ParseError{Line: lineNo, Text: excerpt(chunk), Err: err}
		}
		if bytes.IndexByte(chunk, 0) >= 0 {
			return nil, fail(ErrNULByte)
		}
		if chunk[len(chunk)-1] != '\n' {
			return nil, fail(ErrLineTooLong)
		}
		line := bytes.Trim(chunk, " \t\r\n")
		if len(line) == 0 {
			return nil, fail(ErrBlankLine)
		}
		tokens, err = splitArgs(line, tokens[:0])
		if err != nil {
			return nil, fail(ErrQuotes)
		}
		if len(tokens) < 6 || len(tokens)%2 != 0 {
			return nil, fail(ErrFieldCount)
		}
		var (
			f       File
			hasName bool
		)
		for i := 0; i < len(tokens); i += 2 {
			key, val := cstr(tokens[i]), cstr(tokens[i+1])
			switch {
			case equalFoldASCII(key, "file"):
				if bytes.ContainsAny(val, "/\\") {
					return nil, fail(ErrNotBaseName)
				}
				f.Name, hasName = string(val), true
			case equalFoldASCII(key, "seq"):
				f.Seq = atoll(val)
			case equalFoldASCII(key, "type"):
				f.Type = 0
				if len(val) > 0 {
					f.Type = Type(val[0])
				}
			}
		}
		if !hasName || f.Seq == 0 || f.Type == 0 {
			return nil, fail(ErrMissingField)
		}
		switch f.Type {
		case TypeBase:
			if m.Base != nil {
				return nil, fail(ErrDuplicateBase)
			}
			m.Base = &f
			m.CurBaseSeq = f.Seq
		case TypeHistory:
			m.History = append(m.History, f)
		case TypeIncr:
			if f.Seq <= maxSeq {
				return nil, fail(ErrSeqOrder)
			}
			m.Incrs = append(m.Incrs, f)
			m.CurIncrSeq, maxSeq = f.Seq, f.Seq
		default:
			return nil, fail(ErrUnknownType)
		}
	}
	return m, nil
}

// readPiece reads what one fgets call with a 1025-byte buffer reads: bytes
// up to and including the next newline, at most MaxLine of them. It returns
// an empty piece at the end of input.
func readPiece(br *bufio.Reader, dst []byte) ([]byte, error) {
	for len(dst) < MaxLine {
		c, err := br.ReadByte()
		if err == io.EOF {
			return dst, nil
		}
		if err != nil {
			return nil, err
		}
		dst = append(dst, c)
		if c == '\n' {
			break
		}
	}
	return dst, nil
}

// excerpt returns the trimmed line for an error message, cut to 80 bytes.
func excerpt(chunk []byte) string {
	line := bytes.Trim(chunk, " \t\r\n")
	if len(line) > 80 {
		line = line[:80]
	}
	return string(line)
}
