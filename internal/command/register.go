package command

// RegisterData adds the data commands (keys, strings, and the other types)
// to t. The server adds connection and server commands itself.
func RegisterData(t *Table) {
	registerKeys(t)
	registerStrings(t)
	registerLists(t)
	registerHashes(t)
	registerSets(t)
	registerZSets(t)
	registerBits(t)
	registerLCS(t)
	registerSort(t)
	registerDump(t)
	registerHyperLogLog(t)
	registerGeo(t)
	registerStreams(t)
}
