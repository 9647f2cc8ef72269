package stream

import (
	"bytes"
	"sort"
)

// InvalidEntriesRead is SCG_INVALID_ENTRIES_READ: a group's entries-read
// counter is unknown.
const InvalidEntriesRead int64 = -1

// NACK is a pending entry of a group: delivered to Consumer, not yet
// acknowledged.
type NACK struct {
	ID            ID
	DeliveryTime  int64 // unix ms
	DeliveryCount uint64
	Consumer      *Consumer
}

// Consumer is a consumer of a group.
type Consumer struct {
	Name     []byte
	SeenTime int64 // unix ms
	PEL      PEL   // the group's NACKs this consumer owns
}

// Group is a consumer group.
type Group struct {
	Name        []byte
	LastID      ID
	EntriesRead int64
	PEL         PEL
	Consumers   []*Consumer // ordered by name
}

func (g *Group) clone() *Group {
	c := &Group{Name: bytes.Clone(g.Name), LastID: g.LastID, EntriesRead: g.EntriesRead}
	byName := map[*Consumer]*Consumer{}
	for _, co := range g.Consumers {
		nc := &Consumer{Name: bytes.Clone(co.Name), SeenTime: co.SeenTime}
		byName[co] = nc
		c.Consumers = append(c.Consumers, nc)
	}
	g.PEL.Each(func(n *NACK) bool {
		nn := &NACK{ID: n.ID, DeliveryTime: n.DeliveryTime, DeliveryCount: n.DeliveryCount, Consumer: byName[n.Consumer]}
		c.PEL.insert(nn)
		if nn.Consumer != nil {
			nn.Consumer.PEL.insert(nn)
		}
		return true
	})
	return c
}

// Groups returns the groups ordered by name.
func (s *Stream) Groups() []*Group { return s.groups }

// Group returns the group called name, or nil.
func (s *Stream) Group(name []byte) *Group {
	i, ok := s.groupIndex(name)
	if !ok {
		return nil
	}
	return s.groups[i]
}

func (s *Stream) groupIndex(name []byte) (int, bool) {
	i := sort.Search(len(s.groups), func(i int) bool { return bytes.Compare(s.groups[i].Name, name) >= 0 })
	return i, i < len(s.groups) && bytes.Equal(s.groups[i].Name, name)
}

// CreateGroup adds a group, or returns nil when one of that name exists.
func (s *Stream) CreateGroup(name []byte, last ID, entriesRead int64) *Group {
	i, ok := s.groupIndex(name)
	if ok {
		return nil
	}
	g := &Group{Name: bytes.Clone(name), LastID: last, EntriesRead: entriesRead}
	s.groups = append(s.groups, nil)
	copy(s.groups[i+1:], s.groups[i:])
	s.groups[i] = g
	return g
}

// DestroyGroup removes a group, reporting whether it existed.
func (s *Stream) DestroyGroup(name []byte) bool {
	i, ok := s.groupIndex(name)
	if ok {
		s.groups = append(s.groups[:i], s.groups[i+1:]...)
	}
	return ok
}

// Consumer returns the consumer called name, or nil.
func (g *Group) Consumer(name []byte) *Consumer {
	i, ok := g.consumerIndex(name)
	if !ok {
		return nil
	}
	return g.Consumers[i]
}

func (g *Group) consumerIndex(name []byte) (int, bool) {
	i := sort.Search(len(g.Consumers), func(i int) bool { return bytes.Compare(g.Consumers[i].Name, name) >= 0 })
	return i, i < len(g.Consumers) && bytes.Equal(g.Consumers[i].Name, name)
}

// CreateConsumer adds a consumer seen at now, or returns nil when it
// exists.
func (g *Group) CreateConsumer(name []byte, now int64) *Consumer {
	i, ok := g.consumerIndex(name)
	if ok {
		return nil
	}
	c := &Consumer{Name: bytes.Clone(name), SeenTime: now}
	g.Consumers = append(g.Consumers, nil)
	copy(g.Consumers[i+1:], g.Consumers[i:])
	g.Consumers[i] = c
	return c
}

// DeleteConsumer removes a consumer and its pending entries from the
// group's PEL, returning how many it had (-1 if there was no consumer).
func (g *Group) DeleteConsumer(name []byte) int {
	i, ok := g.consumerIndex(name)
	if !ok {
		return -1
	}
	c := g.Consumers[i]
	c.PEL.Each(func(n *NACK) bool {
		g.PEL.remove(n.ID)
		return true
	})
	g.Consumers = append(g.Consumers[:i], g.Consumers[i+1:]...)
	return c.PEL.Len()
}

// Pending returns the NACK of id, or nil.
func (g *Group) Pending(id ID) *NACK { return g.PEL.Get(id) }

// AddPending adds a new NACK owned by c (the caller checked it is absent).
// A nil c leaves it unowned until [Group.Transfer] (XCLAIM FORCE).
func (g *Group) AddPending(id ID, c *Consumer, deliveryTime int64, count uint64) *NACK {
	n := &NACK{ID: id, DeliveryTime: deliveryTime, DeliveryCount: count, Consumer: c}
	g.PEL.insert(n)
	if c != nil {
		c.PEL.insert(n)
	}
	return n
}

// Ack removes id from the PELs, reporting whether it was pending.
func (g *Group) Ack(id ID) bool {
	n := g.PEL.remove(id) // one walk down the tree, not a lookup and then a removal
	if n == nil {
		return false
	}
	if n.Consumer != nil {
		n.Consumer.PEL.remove(id)
	}
	return true
}

// Transfer gives NACK n to consumer c.
func (g *Group) Transfer(n *NACK, c *Consumer) {
	if n.Consumer == c {
		return
	}
	if n.Consumer != nil {
		n.Consumer.PEL.remove(n.ID)
	}
	n.Consumer = c
	c.PEL.insert(n)
}

// EstimateEntriesRead is streamEstimateDistanceFromFirstEverEntry: the
// entries-read counter of a group whose last ID is id, or
// InvalidEntriesRead when it cannot be known.
func (s *Stream) EstimateEntriesRead(id ID) int64 {
	if s.entriesAdded == 0 {
		return 0
	}
	if s.length == 0 && id.Compare(s.lastID) < 1 {
		return int64(s.entriesAdded)
	}
	switch c := id.Compare(s.lastID); {
	case c == 0:
		return int64(s.entriesAdded)
	case c > 0:
		return InvalidEntriesRead
	}
	cmpFirst := id.Compare(s.firstID)
	if s.maxDeletedID.IsZero() || s.maxDeletedID.Less(s.firstID) {
		if cmpFirst < 0 {
			return int64(s.entriesAdded - s.length)
		} else if cmpFirst == 0 {
			return int64(s.entriesAdded - s.length + 1)
		}
	}
	return InvalidEntriesRead
}
