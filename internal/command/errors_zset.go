package command

// Error replies of the sorted-set commands, worded as Redis 7.0 words them.
const (
	ErrZAddIncrPair   = "ERR INCR option supports a single increment-element pair"
	ErrZAddNXXX       = "ERR XX and NX options at the same time are not compatible"
	ErrZAddGTLTNX     = "ERR GT, LT, and/or NX options at the same time are not compatible"
	ErrZAddNaN        = "ERR resulting score is not a number (NaN)"
	ErrMinMaxNotFloat = "ERR min or max is not a float"
	ErrLexRange       = "ERR min or max not valid string range item"
	ErrRangeLimitKind = "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"
	ErrLexWithScores  = "ERR syntax error, WITHSCORES not supported in combination with BYLEX"
	ErrWeightNotFloat = "ERR weight value is not a float"
	ErrAtLeastOneKey  = "ERR at least 1 input key is needed for '%s' command"
	ErrLimitNegative  = "ERR LIMIT can't be negative"
	ErrZNumkeys       = "ERR numkeys should be greater than 0"
	ErrZCountPositive = "ERR count should be greater than 0"
	ErrOutOfRange     = "ERR value is out of range"
	ErrOutOfRangeLong = "ERR value is out of range, value must between %d and %d"
)
