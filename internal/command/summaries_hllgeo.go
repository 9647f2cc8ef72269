package command

func init() {
	for name, s := range map[string]string{
		"pfadd":                "Add elements to a HyperLogLog, creating it if needed.",
		"pfcount":              "Estimate the number of distinct elements in one or more HyperLogLogs.",
		"pfmerge":              "Merge HyperLogLogs into a destination key.",
		"pfdebug":              "Inspect or convert the internal representation of a HyperLogLog.",
		"pfselftest":           "Check the HyperLogLog implementation.",
		"geoadd":               "Add members with their longitude and latitude to a geo set.",
		"geodist":              "Get the distance between two members of a geo set.",
		"geohash":              "Get the standard geohash strings of geo set members.",
		"geopos":               "Get the longitude and latitude of geo set members.",
		"georadius":            "Find members within a radius of a position, optionally storing them.",
		"georadius_ro":         "Find members within a radius of a position.",
		"georadiusbymember":    "Find members within a radius of a member, optionally storing them.",
		"georadiusbymember_ro": "Find members within a radius of a member.",
		"geosearch":            "Find members within a circle or a box around a member or a position.",
		"geosearchstore":       "Store the members GEOSEARCH would find under another key.",
	} {
		summaries[name] = s
	}
}
