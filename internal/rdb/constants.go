package rdb

// Version is the RDB format version written by [Encoder.Header]: the one
// Redis 7.0 writes. Readers accept 1..Version.
const Version = 10

// Value types: the byte written before a key. They are part of the file
// format and must not change.
const (
	TypeString           byte = 0
	TypeList             byte = 1  // load only: len n, n strings
	TypeSet              byte = 2  // len n, n strings
	TypeZSet             byte = 3  // load only: len n, n × (string, text double)
	TypeHash             byte = 4  // len n, n × (string field, string value)
	TypeZSet2            byte = 5  // len n, n × (string, binary double)
	TypeModule           byte = 6  // load only, pre-GA modules
	TypeModule2          byte = 7  // len module id, module opcodes, 0
	TypeHashZipmap       byte = 9  // load only: string(zipmap)
	TypeListZiplist      byte = 10 // load only: string(ziplist)
	TypeSetIntset        byte = 11 // string(intset)
	TypeZSetZiplist      byte = 12 // load only: string(ziplist)
	TypeHashZiplist      byte = 13 // load only: string(ziplist)
	TypeListQuicklist    byte = 14 // load only: len n, n × string(ziplist)
	TypeStreamListpacks  byte = 15 // load only
	TypeHashListpack     byte = 16 // string(listpack)
	TypeZSetListpack     byte = 17 // string(listpack)
	TypeListQuicklist2   byte = 18 // len n, n × (len container, string)
	TypeStreamListpacks2 byte = 19
)

// Opcodes: bytes in the type position that are not value types.
const (
	OpFunction     byte = 0xF5 // FUNCTION2: string library code
	OpFunctionOld  byte = 0xF6 // 7.0-rc1/rc2 only, load only
	OpModuleAux    byte = 0xF7
	OpIdle         byte = 0xF8 // len seconds
	OpFreq         byte = 0xF9 // 1 byte
	OpAux          byte = 0xFA // string key, string value
	OpResizeDB     byte = 0xFB // len keys, len expires
	OpExpireTimeMs byte = 0xFC // int64 LE milliseconds
	OpExpireTime   byte = 0xFD // int32 LE seconds, load only
	OpSelectDB     byte = 0xFE // len db
	OpEOF          byte = 0xFF // then 8 bytes CRC64 LE
)

// Quicklist node containers (the len written before each node of a
// [TypeListQuicklist2] value).
const (
	ContainerPlain  byte = 1 // the node is one raw element
	ContainerPacked byte = 2 // the node is a listpack
)

// Module value opcodes (inside [TypeModule2] values and module AUX data).
const (
	moduleOpEOF    = 0
	moduleOpSInt   = 1
	moduleOpUInt   = 2
	moduleOpFloat  = 3
	moduleOpDouble = 4
	moduleOpString = 5
)

// Length encoding markers (the top two bits of a length's first byte, and
// the special full-byte markers).
const (
	len6Bit  = 0
	len14Bit = 1
	len32Bit = 0x80
	len64Bit = 0x81
	lenEnc   = 3

	encInt8  = 0
	encInt16 = 1
	encInt32 = 2
	encLZF   = 3
)

// IsValueType reports whether t is a value type Redis 7.0 can load.
func IsValueType(t byte) bool {
	return t <= TypeModule2 || (t >= TypeHashZipmap && t <= TypeStreamListpacks2)
}

// TypeName returns a short name for a value type or opcode, for messages.
func TypeName(t byte) string {
	if int(t) < len(typeNames) && typeNames[t] != "" {
		return typeNames[t]
	}
	switch t {
	case OpFunction:
		return "FUNCTION2"
	case OpFunctionOld:
		return "FUNCTION"
	case OpModuleAux:
		return "MODULE_AUX"
	case OpIdle:
		return "IDLE"
	case OpFreq:
		return "FREQ"
	case OpAux:
		return "AUX"
	case OpResizeDB:
		return "RESIZEDB"
	case OpExpireTimeMs:
		return "EXPIRETIME_MS"
	case OpExpireTime:
		return "EXPIRETIME"
	case OpSelectDB:
		return "SELECTDB"
	case OpEOF:
		return "EOF"
	}
	return "unknown"
}

var typeNames = [...]string{
	TypeString:           "STRING",
	TypeList:             "LIST",
	TypeSet:              "SET",
	TypeZSet:             "ZSET",
	TypeHash:             "HASH",
	TypeZSet2:            "ZSET_2",
	TypeModule:           "MODULE",
	TypeModule2:          "MODULE_2",
	TypeHashZipmap:       "HASH_ZIPMAP",
	TypeListZiplist:      "LIST_ZIPLIST",
	TypeSetIntset:        "SET_INTSET",
	TypeZSetZiplist:      "ZSET_ZIPLIST",
	TypeHashZiplist:      "HASH_ZIPLIST",
	TypeListQuicklist:    "LIST_QUICKLIST",
	TypeStreamListpacks:  "STREAM_LISTPACKS",
	TypeHashListpack:     "HASH_LISTPACK",
	TypeZSetListpack:     "ZSET_LISTPACK",
	TypeListQuicklist2:   "LIST_QUICKLIST_2",
	TypeStreamListpacks2: "STREAM_LISTPACKS_2",
}
