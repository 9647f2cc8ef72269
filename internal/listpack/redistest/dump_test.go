package redistest

import (
	"bytes"
	"encoding/hex"
	"testing"
)

func TestPayloadRoundTrip(t *testing.T) {
	blob := bytes.Repeat([]byte{0xAB}, 20000)
	for _, typ := range []byte{11, 16, 17} {
		typ2, blobs, err := ParseDump(Payload(typ, AppendString(nil, blob)))
		if err != nil || typ2 != typ || len(blobs) != 1 || !bytes.Equal(blobs[0], blob) {
			t.Fatalf("type %d: got %d, %d blobs, %v", typ, typ2, len(blobs), err)
		}
	}
	ql := AppendString(AppendString(AppendLen(AppendLen(nil, 2), 2), []byte("one")), nil)
	ql = AppendString(AppendLen(ql, 2), []byte("two"))
	// The builder above is deliberately wrong (an extra string); ParseDump
	// must notice the container byte it lands on.
	if _, _, err := ParseDump(Payload(18, ql)); err == nil {
		t.Fatal("malformed quicklist payload accepted")
	}
}

// TestPayloadCRC checks the CRC64 trailer against a DUMP payload recorded
// from redis-server 7.0.15 (DUMP of a string key holding "v").
func TestPayloadCRC(t *testing.T) {
	want, _ := hex.DecodeString("0001760a00" + "9108ceb219388ace")
	if got := Payload(0, []byte{1, 'v'}); !bytes.Equal(got, want) {
		t.Fatalf("got %x, want %x", got, want)
	}
}
