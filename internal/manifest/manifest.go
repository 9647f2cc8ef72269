package manifest

import (
	"fmt"
	"slices"
)

// Type is the role of a file in the manifest, written as one letter.
type Type byte

// The file types of a manifest line.
const (
	TypeBase    Type = 'b' // the base: a snapshot of the data set
	TypeHistory Type = 'h' // a former base or incr, waiting to be deleted
	TypeIncr    Type = 'i' // a log of commands applied after the base
)

// String returns the type's letter.
func (t Type) String() string { return string(rune(t)) }

// File is one line of the manifest.
type File struct {
	Name string
	Seq  int64
	Type Type
}

// Manifest is the parsed content of a manifest file.
//
// The Type of each File is implied by the list that holds it: Marshal writes
// that type, and Validate reports a File whose Type disagrees.
type Manifest struct {
	// Base is the base file, or nil if there is none.
	Base *File
	// Incrs are the incr files in increasing Seq order. The last one is
	// the file new commands are appended to.
	Incrs []File
	// History are former base and incr files, in manifest order.
	History []File
	// CurBaseSeq is the sequence number of the newest base ever made; the
	// next base gets CurBaseSeq+1.
	CurBaseSeq int64
	// CurIncrSeq is the sequence number of the newest incr ever made; the
	// next incr gets CurIncrSeq+1.
	CurIncrSeq int64
}

// Clone returns a deep copy of m, which the caller may change without
// affecting m. Redis changes a copy and swaps it in only once the new
// manifest is on disk; Vesta does the same.
func (m *Manifest) Clone() *Manifest {
	c := *m
	if m.Base != nil {
		b := *m.Base
		c.Base = &b
	}
	c.Incrs = slices.Clone(m.Incrs)
	c.History = slices.Clone(m.History)
	return &c
}

// Live returns the files to load, in order: the base, if any, then every
// incr.
func (m *Manifest) Live() []File {
	out := make([]File, 0, len(m.Incrs)+1)
	if m.Base != nil {
		out = append(out, *m.Base)
	}
	return append(out, m.Incrs...)
}

// LastIncr returns the incr file that commands are appended to, and false
// if there is no incr.
func (m *Manifest) LastIncr() (File, bool) {
	if len(m.Incrs) == 0 {
		return File{}, false
	}
	return m.Incrs[len(m.Incrs)-1], true
}

// NewIncr adds an incr file with the next incr sequence number after the
// existing ones and returns it. Redis does this when a rewrite starts, and
// at startup when there is no incr to append to.
func (m *Manifest) NewIncr(prefix string) File {
	m.CurIncrSeq++
	f := File{Name: IncrName(prefix, m.CurIncrSeq), Seq: m.CurIncrSeq, Type: TypeIncr}
	m.Incrs = append(m.Incrs, f)
	return f
}

// InstallBase records the result of a successful rewrite and returns the
// new base file, named with the next base sequence number and the .rdb
// suffix if rdb is set (aof-use-rdb-preamble), else .aof. The old base
// becomes history, and so does every incr the rewrite covered: all of them
// but the last when keepLastIncr is set (AOF on: the last incr was opened
// when the rewrite started and holds commands the base lacks), or all of
// them when AOF is off.
//
// The history order matches Redis: the retired incrs in sequence order,
// then the old base, then the earlier history.
func (m *Manifest) InstallBase(prefix string, rdb, keepLastIncr bool) File {
	var retired []File
	retire := len(m.Incrs)
	if keepLastIncr && retire > 0 {
		retire--
	}
	for _, f := range m.Incrs[:retire] {
		f.Type = TypeHistory
		retired = append(retired, f)
	}
	if m.Base != nil {
		b := *m.Base
		b.Type = TypeHistory
		retired = append(retired, b)
	}
	m.History = append(retired, m.History...)
	m.Incrs = slices.Clone(m.Incrs[retire:])
	if len(m.Incrs) == 0 {
		m.Incrs = nil
	}
	m.CurBaseSeq++
	m.Base = &File{Name: BaseName(prefix, m.CurBaseSeq, rdb), Seq: m.CurBaseSeq, Type: TypeBase}
	return *m.Base
}

// DropHistory removes the history entries and returns them, so the caller
// can delete their files once the manifest without them is saved.
func (m *Manifest) DropHistory() []File {
	h := m.History
	m.History = nil
	return h
}

// Validate reports whether m can be saved and read back unchanged: it
// lists at least one file, each file's Type matches its list, names are base names without NUL bytes,
// sequence numbers are not zero, incr sequence numbers strictly increase
// from above zero, and every line fits the reader's 1024-byte limit.
func (m *Manifest) Validate() error {
	check := func(f File, want Type) error {
		switch {
		case f.Type != want:
			return fmt.Errorf("%w: %q has type %q in the %s list", ErrInvalid, f.Name, f.Type, want)
		case f.Name == "":
			return fmt.Errorf("%w: empty file name", ErrInvalid)
		case !isBaseName(f.Name):
			return fmt.Errorf("%w: %q: %w", ErrInvalid, f.Name, ErrNotBaseName)
		case f.Seq == 0:
			return fmt.Errorf("%w: %q has seq 0", ErrInvalid, f.Name)
		case len(appendLine(nil, f, want)) > MaxLine:
			return fmt.Errorf("%w: %q: %w", ErrInvalid, f.Name, ErrLineTooLong)
		}
		return nil
	}
	if m.Base == nil && len(m.History) == 0 && len(m.Incrs) == 0 {
		return fmt.Errorf("%w: no files (an empty manifest file is refused on reading)", ErrInvalid)
	}
	if m.Base != nil {
		if err := check(*m.Base, TypeBase); err != nil {
			return err
		}
	}
	for _, f := range m.History {
		if err := check(f, TypeHistory); err != nil {
			return err
		}
	}
	var last int64
	for _, f := range m.Incrs {
		if err := check(f, TypeIncr); err != nil {
			return err
		}
		if f.Seq <= last {
			return fmt.Errorf("%w: %q: %w", ErrInvalid, f.Name, ErrSeqOrder)
		}
		last = f.Seq
	}
	return nil
}
