package logging

import (
	"fmt"
	"strings"
)

// BannerInfo is what the startup logo shows, the facts Redis's logo
// carries.
type BannerInfo struct {
	Version      string // Vesta's version
	RedisVersion string // the Redis version Vesta is compatible with
	Commit       string // the source revision, 8 hex digits
	Modified     bool   // built from a modified tree
	Mode         string // "standalone"
	Port         int
	Pid          int
}

// vestaArt is Vesta's logo: the hearth fire of the Roman goddess who kept
// it burning. The text goes to the right of the lines marked by index.
var vestaArt = []string{
	`                  )`,
	`                 ( )      (`,
	`           (    ) ( )    ) )`,
	`            )  ( ) ) (  ( (`,
	`           ( )  ) (   )  ) )`,
	`         .-'"""""""""""""""'-.`,
	`        (_____________________)`,
	`         \                   /`,
	`          \_________________/`,
	`              |  VESTA  |`,
	`             _|_________|_`,
	`            (_____________)`,
}

// Banner renders the startup logo, ending with an empty line as Redis's
// does.
func Banner(in BannerInfo) string {
	modified := 0
	if in.Modified {
		modified = 1
	}
	text := map[int]string{
		1: fmt.Sprintf("Vesta %s (%s/%d) 64 bit", in.Version, in.Commit, modified),
		2: fmt.Sprintf("Redis %s compatible", in.RedisVersion),
		4: fmt.Sprintf("Running in %s mode", in.Mode),
		5: fmt.Sprintf("Port: %d", in.Port),
		6: fmt.Sprintf("PID: %d", in.Pid),
		9: "https://github.com/vestadb/vesta",
	}
	var b strings.Builder
	b.WriteByte('\n')
	for i, line := range vestaArt {
		if t, ok := text[i]; ok {
			fmt.Fprintf(&b, "%-38s%s", line, t)
		} else {
			b.WriteString(line)
		}
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	return b.String()
}
