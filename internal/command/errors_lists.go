package command

// Error replies of the list commands, worded exactly as Redis 7.0 words them.
const (
	ErrIndexRange     = "ERR index out of range"
	ErrRankZero       = "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"
	ErrCountNegative  = "ERR COUNT can't be negative"
	ErrMaxlenNegative = "ERR MAXLEN can't be negative"
	ErrNumkeys        = "ERR numkeys should be greater than 0"
	ErrCountPositive  = "ERR count should be greater than 0"
)
