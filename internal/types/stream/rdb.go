package stream

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/listpack"
	"github.com/vestadb/vesta/internal/rdb"
)

// ErrCorrupt reports a stream value that breaks the format's rules.
var ErrCorrupt = errors.New("stream: corrupt value")

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

func toRDB(id ID) rdb.StreamID { return rdb.StreamID{MS: id.MS, Seq: id.Seq} }

func fromRDB(id rdb.StreamID) ID { return ID{id.MS, id.Seq} }

// EncodeRDB writes the stream as Redis 7.0 does: type 19
// (STREAM_LISTPACKS_2), the nodes' listpacks as they are.
func (s *Stream) EncodeRDB(enc *rdb.Encoder, key []byte) error {
	enc.Type(rdb.TypeStreamListpacks2)
	enc.String(key)
	v := rdb.Stream{
		NodeKeys:     make([][]byte, len(s.nodes)),
		Nodes:        make([][]byte, len(s.nodes)),
		Length:       s.length,
		LastID:       toRDB(s.lastID),
		FirstID:      toRDB(s.firstID),
		MaxDeletedID: toRDB(s.maxDeletedID),
		EntriesAdded: s.entriesAdded,
	}
	keys := make([]byte, 0, 16*len(s.nodes))
	for i, n := range s.nodes {
		keys = rdb.AppendStreamIDKey(keys, toRDB(n.master))
		v.NodeKeys[i] = keys[16*i : 16*i+16]
		v.Nodes[i] = n.lp
	}
	for _, g := range s.groups {
		rg := rdb.StreamGroup{Name: g.Name, LastID: toRDB(g.LastID), EntriesRead: uint64(g.EntriesRead)}
		g.PEL.Each(func(n *NACK) bool {
			rg.PEL = append(rg.PEL, rdb.StreamNACK{ID: toRDB(n.ID), DeliveryTime: n.DeliveryTime, DeliveryCount: n.DeliveryCount})
			return true
		})
		for _, c := range g.Consumers {
			rc := rdb.StreamConsumer{Name: c.Name, SeenTime: c.SeenTime}
			c.PEL.Each(func(n *NACK) bool {
				rc.PEL = append(rc.PEL, toRDB(n.ID))
				return true
			})
			rg.Consumers = append(rg.Consumers, rc)
		}
		v.Groups = append(v.Groups, rg)
	}
	enc.Stream(&v, true)
	return nil
}

// DecodeRDB builds a stream from a decoded STREAM_LISTPACKS (15) or
// STREAM_LISTPACKS_2 (19) value. Every node is validated in full (the
// checks of Redis's deep sanitisation, plus ascending IDs), whatever
// sanitize-dump-payload says: a stream that passes cannot make a command
// misbehave. For type 15 the 7.0 fields are derived as Redis 7.0 derives
// them. What is kept is copied from the reader's buffers.
func DecodeRDB(k *rdb.Key) (keyspace.Object, error) {
	if k.Type != rdb.TypeStreamListpacks && k.Type != rdb.TypeStreamListpacks2 || k.Value.Stream == nil {
		return nil, fmt.Errorf("%w: %s is not a stream", rdb.ErrUnsupportedType, rdb.TypeName(k.Type))
	}
	v := k.Value.Stream
	s := &Stream{
		length:       v.Length,
		lastID:       fromRDB(v.LastID),
		firstID:      fromRDB(v.FirstID),
		maxDeletedID: fromRDB(v.MaxDeletedID),
		entriesAdded: v.EntriesAdded,
	}
	var live uint64
	var prev ID
	havePrev := false
	for i, lp := range v.Nodes {
		master := fromRDB(rdb.StreamIDFromKey(v.NodeKeys[i]))
		if havePrev && !prev.Less(master) {
			return nil, corrupt("node %s out of order", master)
		}
		count, last, err := validateNode(lp, master, prev, havePrev)
		if err != nil {
			return nil, err
		}
		prev, havePrev = last, true
		live += uint64(count)
		s.nodes = append(s.nodes, node{master: master, lp: listpack.Listpack(bytes.Clone(lp))})
	}
	if live != s.length {
		return nil, corrupt("length %d, but the nodes hold %d entries", s.length, live)
	}
	if havePrev && s.lastID.Less(prev) {
		return nil, corrupt("last ID %s is below entry %s", s.lastID, prev)
	}
	if k.Type == rdb.TypeStreamListpacks {
		s.maxDeletedID = ID{}
		s.entriesAdded = s.length
		s.firstID, _ = s.edgeID(true)
	}
	for _, rg := range v.Groups {
		g := s.CreateGroup(rg.Name, fromRDB(rg.LastID), int64(rg.EntriesRead))
		if g == nil {
			return nil, corrupt("duplicated consumer group name %q", rg.Name)
		}
		if k.Type == rdb.TypeStreamListpacks {
			g.EntriesRead = s.EstimateEntriesRead(g.LastID)
		}
		for _, rn := range rg.PEL {
			id := fromRDB(rn.ID)
			if g.Pending(id) != nil {
				return nil, corrupt("duplicated global PEL entry %s in group %q", id, rg.Name)
			}
			g.PEL.insert(&NACK{ID: id, DeliveryTime: rn.DeliveryTime, DeliveryCount: rn.DeliveryCount})
		}
		for _, rc := range rg.Consumers {
			c := g.CreateConsumer(rc.Name, rc.SeenTime)
			if c == nil {
				return nil, corrupt("duplicate consumer %q in group %q", rc.Name, rg.Name)
			}
			for _, rid := range rc.PEL {
				id := fromRDB(rid)
				n := g.Pending(id)
				if n == nil {
					return nil, corrupt("consumer PEL entry %s not found in group %q's PEL", id, rg.Name)
				}
				if n.Consumer != nil {
					return nil, corrupt("PEL entry %s of group %q owned twice", id, rg.Name)
				}
				n.Consumer = c
				c.PEL.insert(n)
			}
		}
		var orphan *NACK
		g.PEL.Each(func(n *NACK) bool {
			if n.Consumer == nil {
				orphan = n
			}
			return orphan == nil
		})
		if orphan != nil {
			return nil, corrupt("PEL entry %s of group %q without consumer", orphan.ID, rg.Name)
		}
	}
	return s, nil
}

// validateNode checks one node's listpack in full and returns its live
// count and the ID of its last entry. Entry IDs must ascend from the
// master ID (and from prev, the last ID of the node before).
func validateNode(b []byte, master, prev ID, havePrev bool) (int64, ID, error) {
	if err := listpack.Validate(b, true, false); err != nil {
		return 0, ID{}, corrupt("node %s: %v", master, err)
	}
	lp := listpack.Listpack(b)
	p := lp.First()
	if p < 0 {
		return 0, ID{}, corrupt("empty listpack inside stream")
	}
	// next and integer readers that fail instead of running off the end.
	bad := func(what string) (int64, ID, error) {
		return 0, ID{}, corrupt("node %s: %s", master, what)
	}
	getInt := func(p int) (int64, bool) {
		if p < 0 {
			return 0, false
		}
		v, n, isInt := lp.Get(p)
		if isInt {
			return n, true
		}
		return listpack.ParseInt(v)
	}
	next := func(p int) int {
		if p < 0 {
			return -1
		}
		return lp.Next(p)
	}
	count, ok1 := getInt(p)
	p = next(p)
	deleted, ok2 := getInt(p)
	p = next(p)
	nm, ok3 := getInt(p)
	if !ok1 || !ok2 || !ok3 || count < 0 || deleted < 0 || nm < 0 {
		return bad("bad master entry")
	}
	for range nm {
		if p = next(p); p < 0 {
			return bad("truncated master entry")
		}
	}
	p = next(p)
	if z, ok := getInt(p); !ok || z != 0 {
		return bad("master entry without its zero terminator")
	}
	p = next(p)
	var seen, live int64
	last := master
	for p >= 0 {
		flags, ok1 := getInt(p)
		p = next(p)
		msd, ok2 := getInt(p)
		p = next(p)
		seqd, ok3 := getInt(p)
		if !ok1 || !ok2 || !ok3 || flags < 0 || flags > flagDeleted|flagSameFields {
			return bad("bad entry header")
		}
		id := ID{master.MS + uint64(msd), master.Seq + uint64(seqd)}
		if seen == 0 {
			if id.Less(master) || (havePrev && !prev.Less(id)) {
				return bad("first entry " + id.String() + " out of order")
			}
		} else if !last.Less(id) {
			return bad("entry " + id.String() + " out of order")
		}
		last = id
		var elems, lpCount int64
		if flags&flagSameFields != 0 {
			elems = nm
			lpCount = nm + 3
		} else {
			p = next(p)
			nf, ok := getInt(p)
			if !ok || nf < 0 || nf > int64(len(b)) {
				return bad("bad field count")
			}
			elems = 2 * nf
			lpCount = 2*nf + 4
		}
		for range elems {
			if p = next(p); p < 0 {
				return bad("truncated entry")
			}
		}
		p = next(p)
		if c, ok := getInt(p); !ok || c != lpCount {
			return bad("bad lp-count")
		}
		p = next(p)
		seen++
		if flags&flagDeleted == 0 {
			live++
		}
	}
	if seen != count+deleted || live != count {
		return bad(fmt.Sprintf("counts %d+%d, entries %d (%d live)", count, deleted, seen, live))
	}
	return count, last, nil
}
