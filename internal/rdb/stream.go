package rdb

import (
	"encoding/binary"
	"fmt"
)

// StreamID is a stream entry ID as RDB files store it.
type StreamID struct{ MS, Seq uint64 }

// Stream is a decoded stream value (types [TypeStreamListpacks] and
// [TypeStreamListpacks2]) in the neutral form: the listpack nodes as they
// are (decompressed, not validated) and the metadata. Fields that only
// type 19 carries (FirstID, MaxDeletedID, EntriesAdded, a group's
// EntriesRead) are zero for type 15; the type's decoder derives them as
// Redis does.
type Stream struct {
	NodeKeys     [][]byte // each the 16-byte big-endian master ID of Nodes[i]
	Nodes        [][]byte // listpacks
	Length       uint64
	LastID       StreamID
	FirstID      StreamID
	MaxDeletedID StreamID
	EntriesAdded uint64
	Groups       []StreamGroup
}

// StreamGroup is a consumer group of a decoded stream.
type StreamGroup struct {
	Name        []byte
	LastID      StreamID
	EntriesRead uint64 // as stored: int64(-1) is "unknown"
	PEL         []StreamNACK
	Consumers   []StreamConsumer
}

// StreamNACK is a pending entry of a group.
type StreamNACK struct {
	ID            StreamID
	DeliveryTime  int64 // unix ms
	DeliveryCount uint64
}

// StreamConsumer is a consumer of a group, with the IDs of its pending
// entries (each must be in the group's PEL).
type StreamConsumer struct {
	Name     []byte
	SeenTime int64 // unix ms
	PEL      []StreamID
}

// StreamIDFromKey decodes a 16-byte big-endian ID (a node key, a PEL key).
func StreamIDFromKey(b []byte) StreamID {
	return StreamID{binary.BigEndian.Uint64(b), binary.BigEndian.Uint64(b[8:])}
}

// AppendStreamIDKey appends id as 16 big-endian bytes.
func AppendStreamIDKey(dst []byte, id StreamID) []byte {
	dst = binary.BigEndian.AppendUint64(dst, id.MS)
	return binary.BigEndian.AppendUint64(dst, id.Seq)
}

// readStream decodes a stream value. Counts are checked against the bytes
// left (size hint) before anything is allocated for them.
func (r *Reader) readStream(v2 bool) (*Stream, error) {
	s := new(Stream)
	nodes, pre, err := r.readCount(2)
	if err != nil {
		return nil, err
	}
	s.NodeKeys = make([][]byte, 0, pre)
	s.Nodes = make([][]byte, 0, pre)
	for range nodes {
		key, err := r.readString()
		if err != nil {
			return nil, err
		}
		if len(key) != 16 {
			return nil, fmt.Errorf("%w: stream node key of %d bytes, want 16", ErrCorrupt, len(key))
		}
		lp, err := r.readString()
		if err != nil {
			return nil, err
		}
		s.NodeKeys = append(s.NodeKeys, key)
		s.Nodes = append(s.Nodes, lp)
	}
	lens := []*uint64{&s.Length, &s.LastID.MS, &s.LastID.Seq}
	if v2 {
		lens = append(lens, &s.FirstID.MS, &s.FirstID.Seq, &s.MaxDeletedID.MS, &s.MaxDeletedID.Seq, &s.EntriesAdded)
	}
	for _, p := range lens {
		if *p, err = r.readLen(); err != nil {
			return nil, err
		}
	}
	groups, pre, err := r.readCount(3)
	if err != nil {
		return nil, err
	}
	s.Groups = make([]StreamGroup, 0, pre)
	for range groups {
		var g StreamGroup
		if g.Name, err = r.readString(); err != nil {
			return nil, err
		}
		if g.LastID.MS, err = r.readLen(); err != nil {
			return nil, err
		}
		if g.LastID.Seq, err = r.readLen(); err != nil {
			return nil, err
		}
		if v2 {
			if g.EntriesRead, err = r.readLen(); err != nil {
				return nil, err
			}
		}
		n, pre, err := r.readCount(16 + 8 + 1)
		if err != nil {
			return nil, err
		}
		g.PEL = make([]StreamNACK, 0, pre)
		for range n {
			b, err := r.next(16 + 8)
			if err != nil {
				return nil, err
			}
			nack := StreamNACK{ID: StreamIDFromKey(b), DeliveryTime: int64(binary.LittleEndian.Uint64(b[16:]))}
			if nack.DeliveryCount, err = r.readLen(); err != nil {
				return nil, err
			}
			g.PEL = append(g.PEL, nack)
		}
		n, pre, err = r.readCount(1 + 8 + 1)
		if err != nil {
			return nil, err
		}
		g.Consumers = make([]StreamConsumer, 0, pre)
		for range n {
			var c StreamConsumer
			if c.Name, err = r.readString(); err != nil {
				return nil, err
			}
			b, err := r.next(8)
			if err != nil {
				return nil, err
			}
			c.SeenTime = int64(binary.LittleEndian.Uint64(b))
			ids, pre, err := r.readCount(16)
			if err != nil {
				return nil, err
			}
			c.PEL = make([]StreamID, 0, pre)
			for range ids {
				b, err := r.next(16)
				if err != nil {
					return nil, err
				}
				c.PEL = append(c.PEL, StreamIDFromKey(b))
			}
			g.Consumers = append(g.Consumers, c)
		}
		s.Groups = append(s.Groups, g)
	}
	return s, nil
}

// Stream appends a stream value (without type byte and key) as Redis 7.0
// writes it: v2 selects [TypeStreamListpacks2]'s extra fields.
func (e *Encoder) Stream(s *Stream, v2 bool) {
	e.Len(uint64(len(s.Nodes)))
	for i, lp := range s.Nodes {
		e.String(s.NodeKeys[i])
		e.String(lp)
	}
	e.Len(s.Length)
	e.Len(s.LastID.MS)
	e.Len(s.LastID.Seq)
	if v2 {
		e.Len(s.FirstID.MS)
		e.Len(s.FirstID.Seq)
		e.Len(s.MaxDeletedID.MS)
		e.Len(s.MaxDeletedID.Seq)
		e.Len(s.EntriesAdded)
	}
	e.Len(uint64(len(s.Groups)))
	for i := range s.Groups {
		g := &s.Groups[i]
		e.String(g.Name)
		e.Len(g.LastID.MS)
		e.Len(g.LastID.Seq)
		if v2 {
			e.Len(g.EntriesRead)
		}
		e.Len(uint64(len(g.PEL)))
		for _, n := range g.PEL {
			e.buf = AppendStreamIDKey(e.buf, n.ID)
			e.buf = binary.LittleEndian.AppendUint64(e.buf, uint64(n.DeliveryTime))
			e.Len(n.DeliveryCount)
		}
		e.Len(uint64(len(g.Consumers)))
		for _, c := range g.Consumers {
			e.String(c.Name)
			e.buf = binary.LittleEndian.AppendUint64(e.buf, uint64(c.SeenTime))
			e.Len(uint64(len(c.PEL)))
			for _, id := range c.PEL {
				e.buf = AppendStreamIDKey(e.buf, id)
			}
		}
	}
}
