package command

// Error replies clients can see, worded exactly as Redis 7.0 words them.
const (
	ErrSyntax        = "ERR syntax error"
	ErrWrongType     = "WRONGTYPE Operation against a key holding the wrong kind of value"
	ErrNotInt        = "ERR value is not an integer or out of range"
	ErrNotFloat      = "ERR value is not a valid float"
	ErrOverflow      = "ERR increment or decrement would overflow"
	ErrNoSuchKey     = "ERR no such key"
	ErrDBIndex       = "ERR DB index is out of range"
	ErrInvalidExpire = "ERR invalid expire time in '%s' command"
	ErrNaNOrInf      = "ERR increment would produce NaN or Infinity"
	ErrStringTooLong = "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
	ErrOffset        = "ERR offset is out of range"
	ErrSameObject    = "ERR source and destination objects are the same"
	ErrNegativeLen   = "ERR value is out of range, must be positive"
	ErrTimeout       = "ERR timeout is not a float or out of range"
	ErrNegTimeout    = "ERR timeout is negative"
	// ErrRandTooLarge is Vesta's own: see randReplyTooLarge.
	ErrRandTooLarge = "ERR count is too large: the reply would exceed proto-max-bulk-len"
)
