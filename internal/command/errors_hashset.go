package command

// Error replies of the hash and set commands, worded as Redis 7.0 words them.
const (
	ErrHashNotInt      = "ERR hash value is not an integer"
	ErrHashNotFloat    = "ERR hash value is not a float"
	ErrIncrNaNOrInf    = "ERR value is NaN or Infinity"
	ErrInvalidCursor   = "ERR invalid cursor"
	ErrNumKeys         = "ERR numkeys should be greater than 0"
	ErrNumKeysOverArgs = "ERR Number of keys can't be greater than number of args"
	ErrNegativeLimit   = "ERR LIMIT can't be negative"
	ErrRandValueRange  = "ERR value is out of range"
)
