package compat

import (
	"bytes"
	"fmt"

	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/digest"
	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/testutil"
	"github.com/vestadb/vesta/internal/types/stream"
)

// payloadLimits are Redis's default encoding thresholds, used to decode
// DUMP payloads for comparison (the digest does not depend on them).
var payloadLimits = command.Limits{
	HashMaxListpackEntries: 128, HashMaxListpackValue: 64,
	ZSetMaxListpackEntries: 128, ZSetMaxListpackValue: 64,
	SetMaxIntsetEntries: 512, ListMaxListpackSize: -2,
	ProtoMaxBulkLen: 512 << 20,
}

// samePayload reports whether two DUMP replies hold the same value: equal
// replies, or two bulk payloads of the same value type whose values have
// the same DEBUG DIGEST-VALUE.
func samePayload(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	x, errx := testutil.Parse(a)
	y, erry := testutil.Parse(b)
	pa, oka := x.(string)
	pb, okb := y.(string)
	if errx != nil || erry != nil || !oka || !okb || len(pa) == 0 || len(pb) == 0 || pa[0] != pb[0] {
		return false
	}
	da, oka := payloadDigest([]byte(pa))
	db, okb := payloadDigest([]byte(pb))
	return oka && okb && da == db
}

// streamSummary is a stream's entries digest and everything else it holds
// but the clock's readings (consumers' seen times, delivery times).
func streamSummary(s *stream.Stream) string {
	d := digest.StreamValue(func(y func(digest.StreamID, [][]byte) bool) {
		s.Each(func(id stream.ID, f [][]byte) bool { return y(digest.StreamID{MS: id.MS, Seq: id.Seq}, f) })
	}, -1)
	out := fmt.Sprintf("%s len=%d last=%s first=%s maxdel=%s added=%d", d, s.Len(), s.LastID(), s.FirstID(), s.MaxDeletedID(), s.EntriesAdded())
	for _, g := range s.Groups() {
		out += fmt.Sprintf(" group %q last=%s read=%d", g.Name, g.LastID, g.EntriesRead)
		g.PEL.Each(func(n *stream.NACK) bool {
			out += fmt.Sprintf(" nack %s %q %d", n.ID, n.Consumer.Name, n.DeliveryCount)
			return true
		})
		for _, c := range g.Consumers {
			out += fmt.Sprintf(" consumer %q %d", c.Name, c.PEL.Len())
		}
	}
	return out
}

// payloadDigest decodes a DUMP payload and returns its value's digest.
func payloadDigest(p []byte) (string, bool) {
	str, obj, err := command.DecodeDumpPayload(p, &payloadLimits)
	if err != nil {
		return "", false
	}
	switch o := obj.(type) {
	case nil:
		return digest.StringValue(str, -1).String(), true
	case *stream.Stream:
		return streamSummary(o), true
	case keyspace.ZSetValue:
		return digest.ZSetValue(func(y func([]byte, float64) bool) { o.Each(y) }, -1).String(), true
	case keyspace.HashValue:
		return digest.HashValue(func(y func([]byte, []byte) bool) { o.Each(y) }, -1).String(), true
	}
	switch obj.Type() {
	case keyspace.TypeList:
		o := obj.(keyspace.ListValue)
		return digest.ListValue(func(y func([]byte) bool) { o.Each(y) }, -1).String(), true
	case keyspace.TypeSet:
		o := obj.(keyspace.SetValue)
		return digest.SetValue(func(y func([]byte) bool) { o.Each(y) }, -1).String(), true
	}
	return "", false
}
