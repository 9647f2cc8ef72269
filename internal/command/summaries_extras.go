package command

func init() {
	for name, s := range map[string]string{
		"setbit":      "Turn one bit of a string on or off, growing the string with zero bytes as needed.",
		"getbit":      "Read one bit of a string; bits past its end read as zero.",
		"bitcount":    "Count the bits set to one in a string, or in a range of its bytes or bits.",
		"bitpos":      "Find the first bit set to one, or to zero, in a string or a range of it.",
		"bitop":       "Combine strings bit by bit with AND, OR, XOR or NOT into a destination key.",
		"bitfield":    "Read, write and increment integers of any width up to 64 bits at any bit offset of a string.",
		"bitfield_ro": "Read integers of any width at any bit offset of a string, without writing.",
		"lcs":         "Find the longest common subsequence of two strings, its length or where it matches.",
		"sort":        "Sort a list, set or sorted set, optionally by or with values from other keys, and store the result.",
		"sort_ro":     "Sort a list, set or sorted set without storing anything.",
		"dump":        "Serialize a key's value in the RDB format, for RESTORE.",
		"restore":     "Create a key from a value serialized by DUMP.",
	} {
		summaries[name] = s
	}
}
