package rdb

// Item is one element of an RDB file as returned by [Reader.Next]: one of
// [Aux], [SelectDB], [ResizeDB], [Function], [ModuleAux], *[Key] or [EOF].
type Item interface{ isItem() }

// Aux is an AUX field (opcode 0xFA).
type Aux struct {
	Key, Val string
}

// SelectDB switches the database that the following keys belong to.
type SelectDB struct {
	N uint64
}

// ResizeDB is the size hint written after SELECTDB.
type ResizeDB struct {
	Keys, Expires uint64
}

// Function is a function library (FUNCTION2, or the 7.0-rc FUNCTION form
// converted to the same "#!<engine> name=<name>\n<code>" payload).
type Function struct {
	Code string
}

// ModuleAux is module data outside the keyspace (opcode 0xF7). [Reader]
// returns it together with an error wrapping [ErrUnsupportedType]; the
// data can be stepped over with [Reader.SkipValue].
type ModuleAux struct {
	ModuleID uint64
	Module   string // the 9-character module type name encoded in ModuleID
	When     uint64
}

// EOF is the end of the file. When the file carries a non-zero checksum
// and the Reader checks it, Verified is true: a mismatch is an error, not
// an EOF item.
type EOF struct {
	Checksum uint64 // the stored trailer; 0 when absent (version < 5) or disabled
	Verified bool
}

// Key is a key with its value and the metadata opcodes that preceded it.
type Key struct {
	DB       uint64 // the database selected when the key was read
	Type     byte   // the value type, one of the Type* constants
	Key      []byte
	ExpireMs int64 // absolute unix time in ms, or -1
	Idle     int64 // LRU idle seconds, or -1
	Freq     int   // LFU counter, or -1
	Value    Value
}

// Value is a decoded value in a neutral form. Which fields are set depends
// on [Key.Type]:
//
//	TypeString                   Str
//	TypeList, TypeSet            Elems
//	TypeZSet, TypeZSet2          Elems (members), Scores (Scores[i] is Elems[i]'s)
//	TypeHash                     Elems (fields), Values (Values[i] is Elems[i]'s)
//	TypeHashZipmap, TypeListZiplist, TypeSetIntset, TypeZSetZiplist,
//	TypeHashZiplist, TypeHashListpack, TypeZSetListpack
//	                             Blob (decompressed, not validated)
//	TypeListQuicklist            Nodes (ziplists)
//	TypeListQuicklist2           Nodes, Containers (ContainerPacked: a
//	                             listpack; ContainerPlain: one element)
//	TypeStreamListpacks, TypeStreamListpacks2
//	                             Stream
//
// Collections may be empty (Redis skips such keys with a warning);
// duplicate members are not detected here.
type Value struct {
	Str        []byte
	Elems      [][]byte
	Scores     []float64
	Values     [][]byte
	Blob       []byte
	Nodes      [][]byte
	Containers []byte
	Stream     *Stream
}

func (Aux) isItem()       {}
func (SelectDB) isItem()  {}
func (ResizeDB) isItem()  {}
func (Function) isItem()  {}
func (ModuleAux) isItem() {}
func (EOF) isItem()       {}
func (*Key) isItem()      {}

// moduleNameChars is the alphabet of module type names: a module id holds
// 9 characters of 6 bits each, then a 10-bit encoding version.
const moduleNameChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// ModuleName returns the 9-character type name encoded in a module id.
func ModuleName(id uint64) string {
	var name [9]byte
	id >>= 10
	for i := 8; i >= 0; i-- {
		name[i] = moduleNameChars[id&63]
		id >>= 6
	}
	return string(name[:])
}
