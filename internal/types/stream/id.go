package stream

import (
	"strconv"
)

// ID is a stream entry ID: milliseconds and sequence number.
type ID struct{ MS, Seq uint64 }

// MaxID is the largest ID (the "+" of XRANGE).
var MaxID = ID{^uint64(0), ^uint64(0)}

// Compare orders IDs: -1, 0 or 1.
func (a ID) Compare(b ID) int {
	switch {
	case a.MS < b.MS:
		return -1
	case a.MS > b.MS:
		return 1
	case a.Seq < b.Seq:
		return -1
	case a.Seq > b.Seq:
		return 1
	}
	return 0
}

// Less reports a < b.
func (a ID) Less(b ID) bool { return a.Compare(b) < 0 }

// IsZero reports 0-0.
func (a ID) IsZero() bool { return a.MS == 0 && a.Seq == 0 }

// Incr returns the next ID and false when a is the largest ID.
func (a ID) Incr() (ID, bool) {
	switch {
	case a.Seq != ^uint64(0):
		return ID{a.MS, a.Seq + 1}, true
	case a.MS != ^uint64(0):
		return ID{a.MS + 1, 0}, true
	}
	return ID{}, false
}

// Decr returns the previous ID and false when a is 0-0.
func (a ID) Decr() (ID, bool) {
	switch {
	case a.Seq != 0:
		return ID{a.MS, a.Seq - 1}, true
	case a.MS != 0:
		return ID{a.MS - 1, ^uint64(0)}, true
	}
	return ID{}, false
}

// Append appends "ms-seq".
func (a ID) Append(dst []byte) []byte {
	dst = strconv.AppendUint(dst, a.MS, 10)
	dst = append(dst, '-')
	return strconv.AppendUint(dst, a.Seq, 10)
}

// String is "ms-seq".
func (a ID) String() string { return string(a.Append(nil)) }

// ParseID parses "ms-seq" or "ms" as Redis's streamGenericParseIDOrReply
// does (strtoull-like: decimal digits only, no sign, no overflow). It
// returns the ID, whether the sequence was given, and ok. A missing
// sequence is missingSeq.
func ParseID(b []byte, missingSeq uint64) (id ID, seqGiven, ok bool) {
	if len(b) > 127 {
		return ID{}, false, false
	}
	dot := -1
	for i, c := range b {
		if c == '-' {
			dot = i
			break
		}
	}
	if dot < 0 {
		ms, ok := parseU64(b)
		return ID{ms, missingSeq}, false, ok
	}
	ms, ok1 := parseU64(b[:dot])
	seq, ok2 := parseU64(b[dot+1:])
	return ID{ms, seq}, true, ok1 && ok2
}

// parseU64 is string2ull: decimal digits only, no overflow.
func parseU64(b []byte) (uint64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	v, err := strconv.ParseUint(string(b), 10, 64)
	return v, err == nil
}
