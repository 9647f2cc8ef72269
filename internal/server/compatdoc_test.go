package server

import (
	"flag"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/config"
)

var updateDocs = flag.Bool("update", false, "rewrite the generated command list of docs/COMPATIBILITY.md")

const (
	compatDoc         = "../../docs/COMPATIBILITY.md"
	commandsBeginMark = "<!-- BEGIN GENERATED commands: go test ./internal/server -run TestCompatibilityCommands -update -->"
	commandsEndMark   = "<!-- END GENERATED commands -->"
)

// missingCommands lists the Redis 7.0 commands and subcommands that the
// server's command table lacks, by group.
func missingCommands(t *command.Table) (byGroup map[string][]string, total, missing int) {
	byGroup = make(map[string][]string)
	for _, rc := range command.RedisCommands() {
		total++
		sp := t.Get(rc.Name)
		if sp != nil && (sp.Run != nil || len(sp.Subcommands) > 0) {
			continue
		}
		// A missing container is listed once, without its subcommands.
		if parent, _, ok := strings.Cut(rc.Name, "|"); ok && t.Get(parent) == nil {
			continue
		}
		missing++
		byGroup[rc.Group] = append(byGroup[rc.Group], rc.Name)
	}
	return byGroup, total, missing
}

// renderMissing writes the generated part of docs/COMPATIBILITY.md.
func renderMissing(byGroup map[string][]string, total, missing int) string {
	var b strings.Builder
	b.WriteString(commandsBeginMark + "\n\n")
	b.WriteString("Of Redis 7.0's " + strconv.Itoa(total) + " commands and subcommands, " + strconv.Itoa(missing) +
		" are missing (a missing container command counts once, without its subcommands). " +
		"They answer `-ERR unknown command` or `-ERR unknown subcommand` as Redis does for a name it does not know.\n\n")
	groups := make([]string, 0, len(byGroup))
	for g := range byGroup {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	b.WriteString("| Group | Missing commands |\n| --- | --- |\n")
	for _, g := range groups {
		names := byGroup[g]
		for i, n := range names {
			names[i] = "`" + strings.ToUpper(strings.ReplaceAll(n, "|", " ")) + "`"
		}
		b.WriteString("| " + g + " | " + strings.Join(names, ", ") + " |\n")
	}
	b.WriteString("\n" + commandsEndMark)
	return b.String()
}

// TestCompatibilityCommands checks that docs/COMPATIBILITY.md lists exactly
// the Redis 7.0 commands the command table lacks; -update rewrites the
// list. It fails as soon as a command lands or goes without the list
// following.
func TestCompatibilityCommands(t *testing.T) {
	s := New(config.Default(), nil, nil)
	byGroup, total, missing := missingCommands(s.table)
	want := renderMissing(byGroup, total, missing)
	data, err := os.ReadFile(compatDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	i, j := strings.Index(doc, commandsBeginMark), strings.Index(doc, commandsEndMark)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the generated command list markers", compatDoc)
	}
	if doc[i:j+len(commandsEndMark)] == want {
		return
	}
	if !*updateDocs {
		t.Fatalf("the missing-command list of %s is stale: run go test ./internal/server -run TestCompatibilityCommands -update", compatDoc)
	}
	doc = doc[:i] + want + doc[j+len(commandsEndMark):]
	if err := os.WriteFile(compatDoc, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
}
