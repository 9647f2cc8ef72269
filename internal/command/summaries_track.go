package command

// Summaries of CLIENT PAUSE/UNPAUSE, the client-side caching subcommands
// of CLIENT, and LATENCY.
func init() {
	for name, s := range map[string]string{
		"client|pause":        "Hold the commands of every client, or only their writes, for a while.",
		"client|unpause":      "End a client pause now.",
		"client|tracking":     "Turn server-assisted client-side caching on or off for this connection.",
		"client|caching":      "Say whether the next command's keys are tracked (OPTIN/OPTOUT).",
		"client|getredir":     "Return the client id this connection's invalidations go to.",
		"client|trackinginfo": "Describe this connection's tracking.",
		"latency|latest":      "Return the latest sample of every latency event.",
		"latency|history":     "Return the samples of one latency event.",
		"latency|reset":       "Forget the samples of some or all latency events.",
		"latency|graph":       "Draw one latency event's samples as an ASCII graph.",
		"latency|doctor":      "Analyse the latency events and give advice.",
		"latency|histogram":   "Return per-command latency histograms.",
		"latency|help":        "Show the LATENCY subcommands.",
	} {
		summaries[name] = s
	}
}
