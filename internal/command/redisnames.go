package command

import "sort"

// RedisCommands returns the name of every Redis 7.0 command and
// subcommand ("container|sub"), sorted, with its group ("string",
// "server", ...), from the generated metadata. Comparing it with a server's
// table tells which commands are missing.
func RedisCommands() []RedisCommand {
	var out []RedisCommand
	for _, s := range redisSpecs {
		out = append(out, RedisCommand{Name: s.Name, Group: s.Group})
		for _, sub := range s.Subcommands {
			out = append(out, RedisCommand{Name: sub.Name, Group: sub.Group})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// RedisCommand names one Redis 7.0 command or subcommand.
type RedisCommand struct {
	Name  string // "get", or "client|list" for a subcommand
	Group string // the command group of COMMAND DOCS
}
