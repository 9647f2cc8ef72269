package command

func init() {
	summaries["failover"] = "Hand the master role to a replica once it caught up (writes paused meanwhile), then follow it; ABORT cancels."
}
