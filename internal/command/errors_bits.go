package command

// Error replies of the bitmap, LCS, SORT and DUMP/RESTORE commands, worded
// as Redis 7.0 words them.
const (
	ErrBitOffset     = "ERR bit offset is not an integer or out of range"
	ErrBitValue      = "ERR bit is not an integer or out of range"
	ErrBitArg        = "ERR The bit argument must be 1 or 0."
	ErrBitopNot      = "ERR BITOP NOT must be called with a single source key."
	ErrBitfieldType  = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."
	ErrBitfieldOvf   = "ERR Invalid OVERFLOW type specified"
	ErrBitfieldRO    = "ERR BITFIELD_RO only supports the GET subcommand"
	ErrLCSType       = "ERR The specified keys must contain string values"
	ErrLCSLenIdx     = "ERR If you want both the length and indexes, please just use IDX."
	ErrLCSTooLong    = "ERR String too long for LCS"
	ErrLCSMemLimit   = "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"
	ErrLCSMemAlloc   = "ERR Insufficient memory, failed allocating transient memory for LCS"
	ErrSortScores    = "ERR One or more scores can't be converted into double"
	ErrBusyKey       = "BUSYKEY Target key name already exists."
	ErrDumpPayload   = "ERR DUMP payload version or checksum are wrong"
	ErrBadDataFormat = "ERR Bad data format"
	ErrRestoreTTL    = "ERR Invalid TTL value, must be >= 0"
	ErrRestoreIdle   = "ERR Invalid IDLETIME value, must be >= 0"
	ErrRestoreFreq   = "ERR Invalid FREQ value, must be >= 0 and <= 255"
)
