package keyspace

import (
	"sync"
	"sync/atomic"
	"unsafe"
)

// An entry keeps only the data word of its value's Object interface (see
// Entry). The type word, a pointer to the runtime's table of the dynamic
// type's methods, is the same for every value of one Go type, so the few
// that occur are numbered here, once per process, and an entry keeps the
// number in five bits of meta. Obj puts the two words back together.
//
// This relies on the layout of a non-empty interface value in the gc
// toolchain: two words, the method table then the data pointer. It has not
// changed since Go 1.0; TestObjectRoundTrip checks it for every value type.

// A WordObject is a value that is a single pointer: its dynamic type is a
// pointer to a struct of one pointer field (a hash is a pointer to its
// listpack or to its table). An entry keeps that word itself rather than
// a pointer to it, saving the word's own allocation, and Obj hands out a
// pointer to the entry's copy: the value's methods then change the entry.
//
// So once a WordObject is stored (Add, SetObject, SetObjectAt…) the
// value passed in is a detached copy: changes to it are lost. Callers that
// go on changing a value after storing it must take it back from the
// entry (Entry.Obj).
type WordObject interface {
	Object
	// ValueWord only marks the type; it is never called.
	ValueWord()
}

// iface is the layout of a non-empty interface value.
type iface struct {
	tab  unsafe.Pointer
	data unsafe.Pointer
}

// maxKinds bounds the distinct Go types of values (kind 0 is a string).
const maxKinds = kindMask + 1

// objKinds numbers the value types. A slot's typ is written before its
// tab is published and never changes, so readers that found a kind
// through tab, or through an entry, see it.
var objKinds struct {
	mu  sync.Mutex // serialises numbering a new type
	n   uint32     // slots used, under mu
	tab [maxKinds]atomic.Pointer[byte]
	typ [maxKinds]Type
	ref [maxKinds]bool // a WordObject: the entry holds the word itself
}

// splitObj returns the two words of o.
func splitObj(o Object) (tab, data unsafe.Pointer) {
	i := (*iface)(unsafe.Pointer(&o))
	return i.tab, i.data
}

// kindOf returns the number of the type whose method table is tab, giving
// it one on its first use. obj is a value of that type.
func kindOf(tab unsafe.Pointer, obj Object) uint32 {
	p := (*byte)(tab)
	for k := 1; k < maxKinds; k++ {
		switch objKinds.tab[k].Load() {
		case p:
			return uint32(k)
		case nil:
			return newKind(p, obj)
		}
	}
	panic("keyspace: too many value types")
}

func newKind(p *byte, obj Object) uint32 {
	objKinds.mu.Lock()
	defer objKinds.mu.Unlock()
	for k := uint32(1); k <= objKinds.n; k++ {
		if objKinds.tab[k].Load() == p {
			return k
		}
	}
	if objKinds.n+1 >= maxKinds {
		panic("keyspace: too many value types")
	}
	objKinds.n++
	k := objKinds.n
	objKinds.typ[k] = obj.Type()
	_, objKinds.ref[k] = obj.(WordObject)
	objKinds.tab[k].Store(p)
	return k
}
