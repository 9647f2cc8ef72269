package command

func init() {
	for name, s := range map[string]string{
		"lpush":      "Add elements to the head of a list, creating it when needed.",
		"rpush":      "Add elements to the tail of a list, creating it when needed.",
		"lpushx":     "Add elements to the head of a list that already exists.",
		"rpushx":     "Add elements to the tail of a list that already exists.",
		"lpop":       "Take one or more elements off the head of a list.",
		"rpop":       "Take one or more elements off the tail of a list.",
		"llen":       "Count the elements of a list.",
		"lrange":     "Read the elements between two positions of a list.",
		"lindex":     "Read the element at a position of a list.",
		"lset":       "Overwrite the element at a position of a list.",
		"linsert":    "Add an element just before or after the first occurrence of another.",
		"lrem":       "Delete occurrences of an element from a list.",
		"ltrim":      "Keep only the elements between two positions of a list.",
		"lpos":       "Find the positions of an element in a list.",
		"lmove":      "Take an element off one end of a list and add it to an end of another.",
		"rpoplpush":  "Take the tail element of a list and add it to the head of another.",
		"lmpop":      "Take elements off an end of the first non-empty list among several.",
		"blpop":      "Take the head element of the first non-empty list, waiting for one if none is.",
		"brpop":      "Take the tail element of the first non-empty list, waiting for one if none is.",
		"blmove":     "LMOVE that waits for the source list to get an element.",
		"brpoplpush": "RPOPLPUSH that waits for the source list to get an element.",
		"blmpop":     "LMPOP that waits for one of the lists to get an element.",
	} {
		summaries[name] = s
	}
}
