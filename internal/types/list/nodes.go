package list

import (
	"errors"
	"fmt"

	"github.com/vestadb/vesta/internal/listpack"
)

// Node-level access for persistence: the RDB writer emits each node as it is
// (LIST_QUICKLIST_2), and the loader rebuilds the same nodes.

// Nodes calls fn with each node from head to tail until fn returns false:
// the listpack bytes of a packed node, or the element of a PLAIN node
// (plain set). Compressed nodes are inflated into a scratch buffer first.
// The bytes are valid only during the call.
func (l *List) Nodes(fn func(data []byte, plain bool) bool) {
	var scratch []byte
	for i := range l.nodes() {
		nd := &l.nodes()[i]
		data := nd.data
		if nd.compressed() {
			scratch = inflate(scratch[:0], nd)
			data = scratch
		}
		if !fn(data, nd.plain()) {
			return
		}
	}
}

// StoredNodes is Nodes without inflating: a compressed node is handed as its
// LZF bytes with rawLen, the size they expand to, so that the RDB writer can
// copy it as an LZF string the way Redis does; rawLen is 0 for nodes stored
// uncompressed.
func (l *List) StoredNodes(fn func(data []byte, plain bool, rawLen int) bool) {
	for i := range l.nodes() {
		nd := &l.nodes()[i]
		data, raw := nd.data, 0
		if nd.compressed() {
			data, raw = nd.data[4:], nd.size()
		}
		if !fn(data, nd.plain(), raw) {
			return
		}
	}
}

// ErrNode is wrapped by the errors of [Builder.AppendListpack] and
// [FromNodes] for a node that is not a valid listpack.
var ErrNode = errors.New("list: invalid quicklist node")

// Builder rebuilds a list node by node, as Redis's RDB loader does.
type Builder struct {
	l *List
}

// NewBuilder returns a builder for a list with the given fill and compress
// depth.
func NewBuilder(fill, depth int) *Builder { return &Builder{l: New(fill, depth)} }

// AppendListpack adds a packed node holding the listpack lp, which the
// builder takes ownership of. lp is deep-validated first; an empty listpack
// is skipped, as Redis skips it.
func (b *Builder) AppendListpack(lp []byte) error {
	if err := listpack.Validate(lp, true, false); err != nil {
		return fmt.Errorf("%w: %w", ErrNode, err)
	}
	n := listpack.Listpack(lp).Len()
	if n == 0 {
		return nil
	}
	b.l.insertNode(int(b.l.n), node{data: lp, count: uint32(n)})
	b.l.count += n
	return nil
}

// AppendPlain adds a PLAIN node holding elem, which the builder takes
// ownership of.
func (b *Builder) AppendPlain(elem []byte) {
	b.l.insertNode(int(b.l.n), node{data: elem, count: 1, flags: flagPlain})
	b.l.count++
}

// Push adds elem at the tail with the normal fill rules (old RDB types that
// store a list as plain elements or as a ziplist are loaded this way).
func (b *Builder) Push(elem []byte) { b.l.PushTail(elem) }

// Len is the number of elements added so far.
func (b *Builder) Len() int { return b.l.count }

// List returns the list built, with interior nodes compressed when the list
// has a compress depth. The builder must not be used afterwards.
func (b *Builder) List() *List {
	l := b.l
	b.l = nil
	if l.depth != 0 {
		for i := range l.nodes() {
			if l.inMiddle(i) {
				l.compressNode(i)
			}
		}
	}
	return l
}

// FromNodes builds a list from the nodes of a LIST_QUICKLIST_2 value:
// containers[i] is 2 (PACKED) when nodes[i] is a listpack and 1 (PLAIN)
// when it is one element. The list takes ownership of the node slices.
func FromNodes(fill, depth int, nodes [][]byte, containers []byte) (*List, error) {
	if len(containers) != len(nodes) {
		return nil, fmt.Errorf("%w: %d nodes but %d containers", ErrNode, len(nodes), len(containers))
	}
	b := NewBuilder(fill, depth)
	for i, data := range nodes {
		switch containers[i] {
		case 1:
			b.AppendPlain(data)
		case 2:
			if err := b.AppendListpack(data); err != nil {
				return nil, fmt.Errorf("node %d: %w", i, err)
			}
		default:
			return nil, fmt.Errorf("%w: node %d has container %d", ErrNode, i, containers[i])
		}
	}
	return b.List(), nil
}

// FromElements builds a list by pushing elems at the tail in order.
func FromElements(fill, depth int, elems [][]byte) *List {
	l := New(fill, depth)
	for _, e := range elems {
		l.PushTail(e)
	}
	return l
}
