package stream

import (
	"testing"

	"github.com/vestadb/vesta/internal/rdb"
)

// FuzzDecodeRDB feeds arbitrary stream values (a type byte, then the value
// as in a DUMP payload) to the decoder: it must refuse or accept without
// panicking, and an accepted stream must survive every operation and
// encode to a value that decodes again.
func FuzzDecodeRDB(f *testing.F) {
	s := New()
	for i := range 30 {
		s.Append(ID{uint64(i/3 + 1), uint64(i % 3)}, [][]byte{[]byte("f"), []byte("v"), []byte("n"), []byte("12")}, Limits{MaxEntries: 7})
	}
	s.Delete([]ID{{2, 1}, {5, 0}})
	g := s.CreateGroup([]byte("g"), ID{4, 0}, 10)
	c := g.CreateConsumer([]byte("c"), 1)
	g.AddPending(ID{3, 0}, c, 5, 2)
	for _, v := range []*Stream{New(), s} {
		enc := rdb.NewEncoder(false)
		v.EncodeRDB(enc, []byte("k"))
		b := enc.Bytes()
		f.Add(append([]byte{b[0]}, b[3:]...))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 || (data[0] != rdb.TypeStreamListpacks && data[0] != rdb.TypeStreamListpacks2) {
			return
		}
		k, _, err := rdb.DecodeValue(data)
		if err != nil {
			return
		}
		o, err := DecodeRDB(k)
		if err != nil {
			return
		}
		s := o.(*Stream)
		n := 0
		s.Each(func(ID, [][]byte) bool { n++; return true })
		if uint64(n) != s.Len() {
			t.Fatalf("Len %d, %d entries", s.Len(), n)
		}
		s.Range(ID{}, MaxID, true, func(ID, [][]byte) bool { return true })
		s.RaxNodes()
		s.LastEntryID()
		s.FirstEntryID()
		for _, g := range s.Groups() {
			s.EstimateEntriesRead(g.LastID)
		}
		roundTrip(t, s)
		if last := s.LastID(); last != MaxID {
			id, _ := last.Incr()
			s.Append(id, [][]byte{[]byte("x"), []byte("y")}, DefaultLimits)
		}
		s.Delete([]ID{s.FirstID(), s.LastEntryID()})
		s.Trim(TrimArgs{Strategy: TrimMaxLen, MaxLen: int64(s.Len() / 2)})
		s.Trim(TrimArgs{Strategy: TrimMinID, MinID: s.LastEntryID()})
		roundTrip(t, s)
	})
}
