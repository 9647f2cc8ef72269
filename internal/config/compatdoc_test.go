package config

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var updateDocs = flag.Bool("update", false, "rewrite the generated part of docs/COMPATIBILITY.md")

const (
	compatDoc        = "../../docs/COMPATIBILITY.md"
	paramsBeginMark  = "<!-- BEGIN GENERATED parameters: go test ./internal/config -run TestCompatibilityDoc -update -->"
	paramsEndMark    = "<!-- END GENERATED parameters -->"
	unbuiltIntroLine = "Parameters of features Vesta does not have yet are checked as Redis checks them and accepted at their defaults; any other value is refused with an error naming the feature (for example `replication is not available in Vesta yet: replica-lazy-flush accepts only its default, no`)."
)

// compatParams renders the parameter tables of docs/COMPATIBILITY.md from
// the directive table.
func compatParams() string {
	var b strings.Builder
	names := func(d *Directive) string {
		s := "`" + d.Name + "`"
		if d.Alias != "" {
			s += " (`" + d.Alias + "`)"
		}
		return s
	}
	var ignoredRows, unbuiltRows []string
	lastNote := ""
	for i := range directives {
		d := &directives[i]
		switch d.Status {
		case Ignored:
			ignoredRows = append(ignoredRows, "| "+names(d)+" | "+d.Note+" |")
		case Unbuilt:
			if d.Note != lastNote {
				unbuiltRows = append(unbuiltRows, "| "+d.Note+" | ")
				lastNote = d.Note
			} else {
				unbuiltRows[len(unbuiltRows)-1] += ", "
			}
			unbuiltRows[len(unbuiltRows)-1] += names(d)
		}
	}
	b.WriteString(paramsBeginMark + "\n\n")
	b.WriteString("Accepted with every value Redis accepts, shown by CONFIG GET, and without effect; the server logs the ones a configuration sets, once, at startup (notice level):\n\n")
	b.WriteString("| Parameter | Why it has no effect in Vesta |\n| --- | --- |\n")
	b.WriteString(strings.Join(ignoredRows, "\n") + "\n\n")
	b.WriteString(unbuiltIntroLine + "\n\n")
	b.WriteString("| Missing feature | Parameters |\n| --- | --- |\n")
	for i := range unbuiltRows {
		unbuiltRows[i] += " |"
	}
	b.WriteString(strings.Join(unbuiltRows, "\n") + "\n\n")
	b.WriteString(paramsEndMark)
	return b.String()
}

// TestCompatibilityDoc checks that docs/COMPATIBILITY.md lists every
// parameter Vesta accepts without implementing, as the directive table
// says; -update rewrites the generated part.
func TestCompatibilityDoc(t *testing.T) {
	data, err := os.ReadFile(compatDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	i, j := strings.Index(doc, paramsBeginMark), strings.Index(doc, paramsEndMark)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the generated parameters section markers", compatDoc)
	}
	want := compatParams()
	if doc[i:j+len(paramsEndMark)] == want {
		return
	}
	if !*updateDocs {
		t.Fatalf("the parameter tables of %s are stale: run go test ./internal/config -run TestCompatibilityDoc -update", compatDoc)
	}
	doc = doc[:i] + want + doc[j+len(paramsEndMark):]
	if err := os.WriteFile(compatDoc, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
}
