package command

func init() {
	for name, s := range map[string]string{
		"zadd":             "Add members with scores to a sorted set, or change their scores.",
		"zincrby":          "Add an increment to the score of a sorted-set member.",
		"zrem":             "Remove members from a sorted set.",
		"zcard":            "Count the members of a sorted set.",
		"zcount":           "Count the members whose score lies in a range.",
		"zlexcount":        "Count the members in a lexicographic range.",
		"zscore":           "Get the score of a sorted-set member.",
		"zmscore":          "Get the scores of several sorted-set members.",
		"zrank":            "Get the position of a member, lowest score first.",
		"zrevrank":         "Get the position of a member, highest score first.",
		"zrange":           "Read members by position, score or lexicographic range.",
		"zrangestore":      "Store the members of a ZRANGE-style range under another key.",
		"zrevrange":        "Read members by position, highest score first.",
		"zrangebyscore":    "Read the members whose score lies in a range.",
		"zrevrangebyscore": "Read the members whose score lies in a range, highest first.",
		"zrangebylex":      "Read the members in a lexicographic range.",
		"zrevrangebylex":   "Read the members in a lexicographic range, in reverse.",
		"zremrangebyrank":  "Remove the members at a range of positions.",
		"zremrangebyscore": "Remove the members whose score lies in a range.",
		"zremrangebylex":   "Remove the members in a lexicographic range.",
		"zpopmin":          "Remove and return the members with the lowest scores.",
		"zpopmax":          "Remove and return the members with the highest scores.",
		"bzpopmin":         "Pop the lowest-scored member of the first non-empty sorted set, waiting for one if needed.",
		"bzpopmax":         "Pop the highest-scored member of the first non-empty sorted set, waiting for one if needed.",
		"zmpop":            "Pop members from the first non-empty sorted set of a list of keys.",
		"bzmpop":           "Pop members from the first non-empty sorted set, waiting for one if needed.",
		"zunion":           "Return the union of sorted sets, scores combined.",
		"zunionstore":      "Store the union of sorted sets under a key.",
		"zinter":           "Return the intersection of sorted sets, scores combined.",
		"zinterstore":      "Store the intersection of sorted sets under a key.",
		"zintercard":       "Count the members common to several sorted sets.",
		"zdiff":            "Return the members of the first sorted set missing from the others.",
		"zdiffstore":       "Store the difference of sorted sets under a key.",
		"zrandmember":      "Return random members of a sorted set.",
		"zscan":            "Iterate over the members and scores of a sorted set.",
	} {
		summaries[name] = s
	}
}
