package list

import (
	"encoding/binary"
	"sync"

	"github.com/vestadb/vesta/internal/rdb"
)

// LZF compression of interior nodes (list-compress-depth). Every function
// here is a no-op for lists with depth 0.

const (
	// minCompressBytes is the smallest node worth compressing.
	minCompressBytes = 48
	// minCompressImprove is how many bytes compression must save.
	minCompressImprove = 8
)

// lzfScratch holds the buffers compression writes into before the result
// is copied to an exact-size slice.
var lzfScratch = sync.Pool{New: func() any { b := make([]byte, 0, 8192); return &b }}

// compressNode stores node i LZF-compressed if that pays, as Redis's
// __quicklistCompressNode decides.
func (l *List) compressNode(i int) {
	nd := &l.nodes()[i]
	if nd.compressed() || len(nd.data) < minCompressBytes {
		return
	}
	bp := lzfScratch.Get().(*[]byte)
	out := rdb.LZFCompress((*bp)[:0], nd.data)
	if out != nil && len(out)+minCompressImprove < len(nd.data) {
		data := make([]byte, 4+len(out))
		binary.LittleEndian.PutUint32(data, uint32(len(nd.data)))
		copy(data[4:], out)
		nd.data = data
		nd.flags |= flagCompressed
	}
	if out != nil && cap(out) > cap(*bp) {
		*bp = out[:0]
	}
	lzfScratch.Put(bp)
}

// decompressNode stores node i uncompressed and reports whether it was
// compressed.
func (l *List) decompressNode(i int) bool {
	nd := &l.nodes()[i]
	if !nd.compressed() {
		return false
	}
	raw := nd.size()
	data, err := rdb.LZFDecompress(make([]byte, 0, raw), nd.data[4:], raw)
	if err != nil {
		panic("list: corrupt compressed node: " + err.Error())
	}
	nd.data = data
	nd.flags &^= flagCompressed
	return true
}

// inflateChecked inflates a compressed node, reporting corruption as an
// error.
func inflateChecked(nd *node) ([]byte, error) {
	raw := nd.size()
	return rdb.LZFDecompress(make([]byte, 0, raw), nd.data[4:], raw)
}

// inflate appends the uncompressed bytes of a compressed node to dst.
func inflate(dst []byte, nd *node) []byte {
	raw := nd.size()
	out, err := rdb.LZFDecompress(dst, nd.data[4:], raw)
	if err != nil {
		panic("list: corrupt compressed node: " + err.Error())
	}
	return out
}

// compressAround restores the compression layout after node i changed,
// was added, or (i = -1) after a node was removed: the depth nodes at each
// end are uncompressed, node i is compressed unless it is one of them, and
// so are the first nodes past the depth on both sides. This is Redis's
// __quicklistCompress; as there, nothing happens while the list has fewer
// than 2*depth nodes.
func (l *List) compressAround(i int) {
	d, n := int(l.depth), int(l.n)
	if d == 0 || n < 2*d {
		return
	}
	inDepth := false
	f, r := 0, n-1
	for k := 0; k < d; k++ {
		l.decompressNode(f)
		l.decompressNode(r)
		if f == i || r == i {
			inDepth = true
		}
		if f == r || f+1 == r {
			return
		}
		f, r = f+1, r-1
	}
	if !inDepth && i >= 0 {
		l.compressNode(i)
	}
	l.compressNode(f)
	l.compressNode(r)
}

// inMiddle reports whether node i lies outside the uncompressed ends.
func (l *List) inMiddle(i int) bool {
	d, n := int(l.depth), int(l.n)
	return d > 0 && n > 2*d && i >= d && i < n-d
}

// touch is Redis's quicklistCompress for a node a command changed or an
// iterator left: a node that was compressed before is compressed again, any
// other node gets the full compressAround treatment.
func (l *List) touch(i int, was bool) {
	if l.depth == 0 {
		return
	}
	if was {
		l.compressNode(i)
	} else {
		l.compressAround(i)
	}
}

// recompress compresses node i again after a change if it was compressed
// before (Redis's recompress flag).
func (l *List) recompress(i int, was bool) {
	if was {
		l.compressNode(i)
	}
}
