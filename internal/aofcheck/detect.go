package aofcheck

import (
	"bufio"
	"bytes"
	"io"

	"github.com/vestadb/vesta/internal/vfs"
)

// Input is the kind of file given to Check.
type Input int

// The inputs.
const (
	// InputRESP is an old-style single-file AOF of RESP commands.
	InputRESP Input = iota
	// InputPreamble is an old-style single-file AOF starting with an RDB
	// image (or a bare RDB file such as a base).
	InputPreamble
	// InputManifest is the manifest of a multi-part AOF.
	InputManifest
)

// Detect says how Check reads the file at path, by redis-check-aof's rules
// (spec §2.7): a manifest if the first line that is not a '#' comment
// starts with "file"; else an RDB-preamble AOF if the file has at least 8
// bytes and starts with "REDIS"; else a RESP AOF.
//
// (redis-check-aof 7.0.15 takes any file with a line starting with "file"
// anywhere for a manifest, so an AOF holding the value "file" on a line of
// its own is mistaken for one; Vesta looks only at the first line that is
// not a comment.)
func Detect(fsys vfs.FS, path string) (Input, error) {
	f, err := fsys.Open(path)
	if err != nil {
		return InputRESP, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return InputRESP, err
	}
	manifest, err := looksLikeManifest(f)
	if err != nil {
		return InputRESP, err
	}
	switch {
	case manifest:
		return InputManifest, nil
	case isRDB(f, st.Size()):
		return InputPreamble, nil
	}
	return InputRESP, nil
}

// looksLikeManifest skips '#' comment lines and reports whether the next
// line starts with "file".
func looksLikeManifest(r io.Reader) (bool, error) {
	br := bufio.NewReader(r)
	for {
		head, err := br.Peek(4)
		if len(head) == 0 || (len(head) < 4 && head[0] != '#') {
			if err == io.EOF {
				err = nil
			}
			return false, err
		}
		if head[0] != '#' {
			return bytes.Equal(head, []byte("file")), nil
		}
		// Skip the comment line, however long.
		for {
			_, err := br.ReadSlice('\n')
			if err == nil {
				break
			}
			if err != bufio.ErrBufferFull {
				if err == io.EOF {
					err = nil
				}
				return false, err
			}
		}
	}
}
