package command

func init() {
	for name, s := range map[string]string{
		"hset":         "Store one or more field/value pairs in a hash.",
		"hmset":        "Store field/value pairs in a hash (older form of HSET, replies OK).",
		"hsetnx":       "Store a hash field only if the field does not exist yet.",
		"hget":         "Read the value of one hash field.",
		"hmget":        "Read the values of several hash fields.",
		"hdel":         "Remove fields from a hash; the key goes when the last one does.",
		"hlen":         "Count the fields of a hash.",
		"hstrlen":      "Length in bytes of a hash field's value.",
		"hexists":      "Tell whether a hash has a field.",
		"hkeys":        "List the fields of a hash.",
		"hvals":        "List the values of a hash.",
		"hgetall":      "List every field and value of a hash.",
		"hincrby":      "Add an integer to a hash field.",
		"hincrbyfloat": "Add a decimal number to a hash field.",
		"hrandfield":   "Pick random fields of a hash, optionally with values.",
		"hscan":        "Walk the fields of a hash with a cursor.",
		"sadd":         "Add members to a set.",
		"srem":         "Remove members from a set; the key goes when the last one does.",
		"smembers":     "List every member of a set.",
		"sismember":    "Tell whether a value is a member of a set.",
		"smismember":   "Tell, for each value, whether it is a member of a set.",
		"scard":        "Count the members of a set.",
		"spop":         "Remove and return random members of a set.",
		"srandmember":  "Return random members of a set without removing them.",
		"smove":        "Move a member from one set to another.",
		"sinter":       "Members common to all the given sets.",
		"sintercard":   "Count the members common to all the given sets, up to a limit.",
		"sinterstore":  "Store the intersection of sets in a key.",
		"sunion":       "Members of any of the given sets.",
		"sunionstore":  "Store the union of sets in a key.",
		"sdiff":        "Members of the first set that are in none of the others.",
		"sdiffstore":   "Store the difference of sets in a key.",
		"sscan":        "Walk the members of a set with a cursor.",
	} {
		summaries[name] = s
	}
}
