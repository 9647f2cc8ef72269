package manifest_test

import (
	"strings"

	"github.com/vestadb/vesta/internal/manifest"
)

// parseCase is a manifest text and what Redis 7.0.15 makes of it. The
// verdicts were checked against the real server (see redis_test.go).
type parseCase struct {
	name string
	in   string
	// err is the sentinel Parse must wrap, or nil if the input is accepted.
	err error
	// line is the line number the error names, when err is not nil.
	line int
	// want, if non-nil, is the manifest an accepted input must give.
	want *manifest.Manifest
}

func base(name string, seq int64) *manifest.File {
	return &manifest.File{Name: name, Seq: seq, Type: manifest.TypeBase}
}

func incr(name string, seq int64) manifest.File {
	return manifest.File{Name: name, Seq: seq, Type: manifest.TypeIncr}
}

func hist(name string, seq int64) manifest.File {
	return manifest.File{Name: name, Seq: seq, Type: manifest.TypeHistory}
}

const (
	b1 = "file appendonly.aof.1.base.rdb seq 1 type b\n"
	i1 = "file appendonly.aof.1.incr.aof seq 1 type i\n"
)

var parseCases = []parseCase{
	// Whole-file rules.
	{name: "empty file", in: "", err: manifest.ErrEmpty},
	{name: "only comments", in: "# a comment\n#another", want: &manifest.Manifest{}},
	{name: "default", in: b1 + i1, want: &manifest.Manifest{
		Base:       base("appendonly.aof.1.base.rdb", 1),
		Incrs:      []manifest.File{incr("appendonly.aof.1.incr.aof", 1)},
		CurBaseSeq: 1, CurIncrSeq: 1,
	}},
	{name: "comment between lines", in: b1 + "# note\n" + i1},
	{name: "comment without newline at the end", in: b1 + i1 + "# done"},
	{name: "last line without newline", in: b1 + strings.TrimSuffix(i1, "\n"), err: manifest.ErrLineTooLong, line: 2},
	{name: "CRLF line ends", in: strings.ReplaceAll(b1+i1, "\n", "\r\n")},
	{name: "blank line", in: b1 + "\n" + i1, err: manifest.ErrBlankLine, line: 2},
	{name: "blanks only", in: b1 + " \t\r\n", err: manifest.ErrBlankLine, line: 2},
	{name: "form feed is not trimmed but skipped", in: "\f" + b1},
	{name: "raw NUL byte", in: "file a\x00 seq 1 type b\n", err: manifest.ErrNULByte, line: 1},
	{name: "line of 1024 bytes", in: b1[:len(b1)-1] + strings.Repeat(" ", manifest.MaxLine-len(b1)) + "\n"},
	{name: "line of 1025 bytes", in: b1 + b1[:len(b1)-1] + strings.Repeat(" ", manifest.MaxLine-len(b1)+1) + "\n",
		err: manifest.ErrLineTooLong, line: 2},
	{name: "long comment continues as a line", in: "#" + strings.Repeat("x", 1100) + "\n" + b1,
		err: manifest.ErrFieldCount, line: 2},
	{name: "comment of exactly 1024 bytes leaves a blank line", in: "#" + strings.Repeat("x", 1023) + "\n" + b1,
		err: manifest.ErrBlankLine, line: 2},
	{name: "comment of 1023 bytes plus newline", in: "#" + strings.Repeat("x", 1022) + "\n" + b1},

	// Tokens.
	{name: "five fields", in: "file a seq 1 type\n", err: manifest.ErrFieldCount, line: 1},
	{name: "seven fields", in: "file a seq 1 type b x\n", err: manifest.ErrFieldCount, line: 1},
	{name: "four fields", in: "file a seq 1\n", err: manifest.ErrFieldCount, line: 1},
	{name: "extra blanks", in: "  file\ta   seq \t 1  type b  \n", want: &manifest.Manifest{
		Base: base("a", 1), CurBaseSeq: 1,
	}},
	{name: "vertical tab is part of a token", in: "file\va seq 1 type b\n", err: manifest.ErrFieldCount, line: 1},
	{name: "double-quoted name", in: "file \"my aof.1.base.rdb\" seq 1 type b\n", want: &manifest.Manifest{
		Base: base("my aof.1.base.rdb", 1), CurBaseSeq: 1,
	}},
	{name: "escapes", in: `file "a\tb\x01c\"q z\xe9~\n\r\a\b\y\xZZ\x4A" seq 1 type b` + "\n", want: &manifest.Manifest{
		Base: base("a\tb\x01c\"q z\xe9~\n\r\a\byxZZJ", 1), CurBaseSeq: 1,
	}},
	{name: "escaped backslash makes a path", in: `file "a\\b" seq 1 type b` + "\n", err: manifest.ErrNotBaseName, line: 1},
	{name: "single-quoted name", in: `file 'a b\'c"' seq 1 type b` + "\n", want: &manifest.Manifest{
		Base: base(`a b'c"`, 1), CurBaseSeq: 1,
	}},
	{name: "backslash in single quotes stays", in: `file 'a\n' seq 1 type b` + "\n", err: manifest.ErrNotBaseName, line: 1},
	{name: "single quote inside double quotes", in: `file "a'b" seq 1 type b` + "\n", want: &manifest.Manifest{
		Base: base("a'b", 1), CurBaseSeq: 1,
	}},
	{name: "unquoted single quote as Redis writes it", in: "file a'b.1.base.rdb seq 1 type b\n", err: manifest.ErrQuotes, line: 1},
	{name: "quote inside a token", in: `file a"b c" seq 1 type b` + "\n", want: &manifest.Manifest{
		Base: base("ab c", 1), CurBaseSeq: 1,
	}},
	{name: "closing quote followed by text", in: `file "a b"x seq 1 type b` + "\n", err: manifest.ErrQuotes, line: 1},
	{name: "closing quote followed by vertical tab", in: "file \"a b\"\v seq 1 type b\n", want: &manifest.Manifest{
		Base: base("a b", 1), CurBaseSeq: 1,
	}},
	{name: "unterminated double quote", in: `file "a b seq 1 type b` + "\n", err: manifest.ErrQuotes, line: 1},
	{name: "unterminated single quote", in: `file 'a b seq 1 type b` + "\n", err: manifest.ErrQuotes, line: 1},
	{name: "backslash at the end of a quote", in: `file "a\` + "\n", err: manifest.ErrQuotes, line: 1},
	{name: "escaped NUL cuts the name", in: `file "ab\x00cd" seq 1 type b` + "\n", want: &manifest.Manifest{
		Base: base("ab", 1), CurBaseSeq: 1,
	}},
	{name: "empty name", in: `file "" seq 1 type b` + "\n", want: &manifest.Manifest{
		Base: base("", 1), CurBaseSeq: 1,
	}},

	// Keys.
	{name: "upper-case keys", in: "FILE a SeQ 1 TYPE b\n", want: &manifest.Manifest{
		Base: base("a", 1), CurBaseSeq: 1,
	}},
	{name: "keys in any order", in: "type i seq 4 file a\n", want: &manifest.Manifest{
		Incrs: []manifest.File{incr("a", 4)}, CurIncrSeq: 4,
	}},
	{name: "unknown keys ignored", in: "file a seq 1 type b size 100 crc x\n", want: &manifest.Manifest{
		Base: base("a", 1), CurBaseSeq: 1,
	}},
	{name: "repeated key overrides", in: "file a seq 1 type b file c seq 2\n", want: &manifest.Manifest{
		Base: base("c", 2), CurBaseSeq: 2,
	}},
	{name: "non-ASCII fold is not a key", in: "file a \u017feq 1 type b\n", err: manifest.ErrMissingField, line: 1},
	{name: "missing file", in: "name a seq 1 type b\n", err: manifest.ErrMissingField, line: 1},
	{name: "missing seq", in: "file a sequence 1 type b\n", err: manifest.ErrMissingField, line: 1},
	{name: "missing type", in: "file a seq 1 kind b\n", err: manifest.ErrMissingField, line: 1},
	{name: "empty type", in: `file a seq 1 type ""` + "\n", err: manifest.ErrMissingField, line: 1},

	// Values.
	{name: "path name", in: "file dir/a seq 1 type b\n", err: manifest.ErrNotBaseName, line: 1},
	{name: "backslash name", in: `file 'a\b' seq 1 type b` + "\n", err: manifest.ErrNotBaseName, line: 1},
	{name: "path checked before other fields", in: "file a/b seq 1 type b file c\n", err: manifest.ErrNotBaseName, line: 1},
	{name: "slash after escaped NUL is ignored", in: `file "a\x00/b" seq 1 type b` + "\n", want: &manifest.Manifest{
		Base: base("a", 1), CurBaseSeq: 1,
	}},
	{name: "seq 0", in: "file a seq 0 type b\n", err: manifest.ErrMissingField, line: 1},
	{name: "seq not a number", in: "file a seq abc type b\n", err: manifest.ErrMissingField, line: 1},
	{name: "seq with trailing text", in: "file a seq 12abc type i\n", want: &manifest.Manifest{
		Incrs: []manifest.File{incr("a", 12)}, CurIncrSeq: 12,
	}},
	{name: "seq with sign and blanks", in: `file a seq " +7" type b` + "\n", want: &manifest.Manifest{
		Base: base("a", 7), CurBaseSeq: 7,
	}},
	{name: "negative history seq", in: "file a seq -3 type h\n", want: &manifest.Manifest{
		History: []manifest.File{hist("a", -3)},
	}},
	{name: "negative base seq", in: "file a seq -3 type b\n", want: &manifest.Manifest{
		Base: base("a", -3), CurBaseSeq: -3,
	}},
	{name: "huge seq saturates", in: "file a seq 99999999999999999999 type b\n", want: &manifest.Manifest{
		Base: base("a", 1<<63-1), CurBaseSeq: 1<<63 - 1,
	}},
	{name: "type is its first letter", in: "file a seq 1 type base\n", want: &manifest.Manifest{
		Base: base("a", 1), CurBaseSeq: 1,
	}},
	{name: "type letters are case-sensitive", in: "file a seq 1 type B\n", err: manifest.ErrUnknownType, line: 1},
	{name: "unknown type", in: "file a seq 1 type x\n", err: manifest.ErrUnknownType, line: 1},

	// Cross-line rules.
	{name: "two bases", in: b1 + i1 + "file b seq 2 type b\n", err: manifest.ErrDuplicateBase, line: 3},
	{name: "negative incr seq", in: "file a seq -1 type i\n", err: manifest.ErrSeqOrder, line: 1},
	{name: "repeated incr seq", in: "file a seq 2 type i\nfile b seq 2 type i\n", err: manifest.ErrSeqOrder, line: 2},
	{name: "decreasing incr seq", in: "file a seq 2 type i\n#\nfile b seq 1 type i\n", err: manifest.ErrSeqOrder, line: 3},
	{name: "incr seq gaps", in: "file a seq 1 type i\nfile b seq 5 type i\n", want: &manifest.Manifest{
		Incrs: []manifest.File{incr("a", 1), incr("b", 5)}, CurIncrSeq: 5,
	}},
	{name: "lines in any order", in: "file i2 seq 2 type i\nfile h seq 9 type h\nfile b seq 3 type b\nfile i3 seq 3 type i\n",
		want: &manifest.Manifest{
			Base:       base("b", 3),
			History:    []manifest.File{hist("h", 9)},
			Incrs:      []manifest.File{incr("i2", 2), incr("i3", 3)},
			CurBaseSeq: 3, CurIncrSeq: 3,
		}},
	{name: "history seqs are free", in: "file x seq 5 type h\nfile y seq 5 type h\nfile z seq 1 type h\n"},
}
