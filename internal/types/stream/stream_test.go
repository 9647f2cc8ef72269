package stream

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/vestadb/vesta/internal/rdb"
)

type modelEntry struct {
	id     ID
	fields []string
}

func flat(fields [][]byte) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = string(f)
	}
	return out
}

// roundTrip encodes s as a DUMP-style value and decodes it again, which
// also runs the full validation of every node.
func roundTrip(t testing.TB, s *Stream) *Stream {
	t.Helper()
	enc := rdb.NewEncoder(false)
	if err := s.EncodeRDB(enc, []byte("k")); err != nil {
		t.Fatal(err)
	}
	b := enc.Bytes()
	// Cut the key (one length byte and "k") for DecodeValue.
	v := append([]byte{b[0]}, b[3:]...)
	k, _, err := rdb.DecodeValue(v)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	o, err := DecodeRDB(k)
	if err != nil {
		t.Fatalf("validate: %v", err)
	}
	return o.(*Stream)
}

// Ensure that random appends, deletions and trims under several node
// limits keep the stream equal to a plain model: ranges both ways, length,
// first and last IDs, max deleted ID, and a valid encoding that decodes to
// the same stream.
func TestStreamAgainstModel(t *testing.T) {
	for seed := range uint64(40) {
		r := rand.New(rand.NewPCG(seed, 1))
		lim := []Limits{DefaultLimits, {MaxBytes: 0, MaxEntries: 3}, {MaxBytes: 120, MaxEntries: 0}, {MaxBytes: 0, MaxEntries: 1}}[seed%4]
		s := New()
		var model []modelEntry
		last := ID{}
		for step := range 400 {
			switch op := r.IntN(10); {
			case op < 6:
				id := ID{last.MS + uint64(r.IntN(3)), uint64(r.IntN(3))}
				if !last.Less(id) {
					id, _ = last.Incr()
				}
				var fv [][]byte
				n := 1 + r.IntN(3)
				for f := range n {
					name := "f" + strconv.Itoa(f)
					if r.IntN(4) == 0 {
						name = strconv.Itoa(r.IntN(100))
					}
					fv = append(fv, []byte(name), []byte(strconv.Itoa(r.IntN(1000000))))
				}
				s.Append(id, fv, lim)
				model = append(model, modelEntry{id, flat(fv)})
				last = id
			case op < 8:
				var ids []ID
				for range 1 + r.IntN(3) {
					if len(model) > 0 && r.IntN(4) > 0 {
						ids = append(ids, model[r.IntN(len(model))].id)
					} else {
						ids = append(ids, ID{uint64(r.IntN(int(last.MS + 2))), uint64(r.IntN(3))})
					}
				}
				want := 0
				for _, id := range ids {
					if i := slices.IndexFunc(model, func(e modelEntry) bool { return e.id == id }); i >= 0 {
						model = slices.Delete(model, i, i+1)
						want++
					}
				}
				if got := s.Delete(ids); got != want {
					t.Fatalf("seed %d step %d: Delete %v = %d, want %d", seed, step, ids, got, want)
				}
			default:
				a := TrimArgs{Strategy: TrimMaxLen, MaxLen: int64(r.IntN(20))}
				if r.IntN(2) == 0 {
					a = TrimArgs{Strategy: TrimMinID, MinID: ID{uint64(r.IntN(int(last.MS + 2))), 0}}
				}
				n := s.Trim(a)
				before := len(model)
				if a.Strategy == TrimMaxLen {
					if len(model) > int(a.MaxLen) {
						model = model[len(model)-int(a.MaxLen):]
					}
				} else {
					model = slices.DeleteFunc(model, func(e modelEntry) bool { return e.id.Less(a.MinID) })
				}
				if int(n) != before-len(model) {
					t.Fatalf("seed %d step %d: Trim %+v deleted %d, want %d", seed, step, a, n, before-len(model))
				}
			}
			check(t, fmt.Sprintf("seed %d step %d", seed, step), s, model)
			if step%50 == 0 {
				check(t, fmt.Sprintf("seed %d step %d (decoded)", seed, step), roundTrip(t, s), model)
			}
		}
	}
}

func check(t *testing.T, where string, s *Stream, model []modelEntry) {
	t.Helper()
	if s.Len() != uint64(len(model)) {
		t.Fatalf("%s: Len %d, want %d", where, s.Len(), len(model))
	}
	var got []modelEntry
	s.Each(func(id ID, f [][]byte) bool {
		got = append(got, modelEntry{id, flat(f)})
		return true
	})
	if fmt.Sprint(got) != fmt.Sprint(model) {
		t.Fatalf("%s: entries\n%v\nwant\n%v", where, got, model)
	}
	var rev []modelEntry
	s.Range(ID{}, MaxID, true, func(id ID, f [][]byte) bool {
		rev = append([]modelEntry{{id, flat(f)}}, rev...)
		return true
	})
	if fmt.Sprint(rev) != fmt.Sprint(model) {
		t.Fatalf("%s: reverse entries differ", where)
	}
	if len(model) > 0 {
		if s.FirstID() != model[0].id || s.LastEntryID() != model[len(model)-1].id {
			t.Fatalf("%s: first %s last %s, want %s %s", where, s.FirstID(), s.LastEntryID(), model[0].id, model[len(model)-1].id)
		}
		// A bounded range from the middle.
		i, j := len(model)/3, 2*len(model)/3
		var part []ID
		s.Range(model[i].id, model[j].id, false, func(id ID, _ [][]byte) bool { part = append(part, id); return true })
		if len(part) != j-i+1 || part[0] != model[i].id {
			t.Fatalf("%s: range [%s, %s] gave %v", where, model[i].id, model[j].id, part)
		}
	} else if !s.FirstID().IsZero() {
		t.Fatalf("%s: empty stream with first ID %s", where, s.FirstID())
	}
}

// Ensure that groups survive the encoding with their PELs and consumers,
// and that broken group data is refused.
func TestGroupsRoundTrip(t *testing.T) {
	s := New()
	for i := range 10 {
		s.Append(ID{uint64(i + 1), 0}, [][]byte{[]byte("f"), []byte("v")}, DefaultLimits)
	}
	g := s.CreateGroup([]byte("g"), ID{5, 0}, 5)
	a := g.CreateConsumer([]byte("alice"), 1000)
	b := g.CreateConsumer([]byte("bob"), 2000)
	g.AddPending(ID{2, 0}, a, 100, 3)
	g.AddPending(ID{4, 0}, b, 200, 1)
	g.AddPending(ID{3, 0}, a, 300, 2)
	s.CreateGroup([]byte("empty"), ID{}, InvalidEntriesRead)
	d := roundTrip(t, s)
	dg := d.Group([]byte("g"))
	if dg == nil || dg.LastID != (ID{5, 0}) || dg.EntriesRead != 5 || dg.PEL.Len() != 3 || len(dg.Consumers) != 2 {
		t.Fatalf("group after round trip: %+v", dg)
	}
	if n := dg.Pending(ID{3, 0}); n == nil || string(n.Consumer.Name) != "alice" || n.DeliveryTime != 300 || n.DeliveryCount != 2 {
		t.Fatalf("NACK 3-0 after round trip: %+v", n)
	}
	if e := d.Group([]byte("empty")); e == nil || e.EntriesRead != InvalidEntriesRead {
		t.Fatalf("empty group after round trip: %+v", e)
	}
	if dg.DeleteConsumer([]byte("alice")) != 2 || dg.PEL.Len() != 1 {
		t.Fatalf("DeleteConsumer left PEL %v", dg.PEL)
	}

	// A consumer PEL entry missing from the group PEL, and an unowned
	// group PEL entry, are refused.
	enc := rdb.NewEncoder(false)
	v := rdb.Stream{LastID: rdb.StreamID{MS: 1}, Groups: []rdb.StreamGroup{{Name: []byte("g"),
		Consumers: []rdb.StreamConsumer{{Name: []byte("c"), PEL: []rdb.StreamID{{MS: 1}}}}}}}
	enc.Type(rdb.TypeStreamListpacks2)
	enc.Stream(&v, true)
	k, _, err := rdb.DecodeValue(enc.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeRDB(k); err == nil {
		t.Fatal("a consumer PEL entry missing from the group PEL was accepted")
	}
	v.Groups[0].PEL = []rdb.StreamNACK{{ID: rdb.StreamID{MS: 1}}, {ID: rdb.StreamID{MS: 2}}}
	enc = rdb.NewEncoder(false)
	enc.Type(rdb.TypeStreamListpacks2)
	enc.Stream(&v, true)
	k, _, _ = rdb.DecodeValue(enc.Bytes())
	if _, err := DecodeRDB(k); err == nil {
		t.Fatal("a PEL entry without consumer was accepted")
	}
}

// Ensure that XINFO's radix-tree-nodes count matches what Redis reports
// for streams built by insertion (values read from redis-server 7.0.15).
func TestRaxNodes(t *testing.T) {
	s := New()
	if s.RaxNodes() != 1 {
		t.Fatalf("empty stream: %d nodes, want 1", s.RaxNodes())
	}
	s.Append(ID{1, 1}, [][]byte{[]byte("a"), []byte("b")}, DefaultLimits)
	if s.RaxNodes() != 2 {
		t.Fatalf("one node: %d nodes, want 2", s.RaxNodes())
	}
}
