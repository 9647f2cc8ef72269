package command

func init() {
	for name, s := range map[string]string{
		"psync":     "Ask for the replication stream from an offset: continue from the backlog, or resynchronise fully from a snapshot.",
		"sync":      "Ask for a full synchronisation, the pre-PSYNC way (a snapshot, then the replication stream).",
		"replconf":  "Announce a replica's port, address and capabilities, or acknowledge a replication offset.",
		"role":      "Report this server's replication role, offset and replicas.",
		"replicaof": "Replicate the master at host port (the dataset is replaced by the master's), or stop replicating with NO ONE.",
		"slaveof":   "Replicate the master at host port, or stop replicating with NO ONE (the old name of REPLICAOF).",
		"wait":      "Wait until the given number of replicas acknowledged the client's writes, or until the timeout.",
	} {
		summaries[name] = s
	}
}
