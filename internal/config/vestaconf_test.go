package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// sampleConfig is the documented sample at the repository root.
const sampleConfig = "../../vesta.conf"

// TestSampleConfigIsDefault checks that vesta.conf parses and describes
// exactly the built-in defaults, and that it mentions every directive.
func TestSampleConfigIsDefault(t *testing.T) {
	c, err := Load(sampleConfig)
	if err != nil {
		t.Fatal(FatalReport(err, "test"))
	}
	abs, _ := filepath.Abs(sampleConfig)
	if c.Path() != abs {
		t.Errorf("path: got %q, want %q", c.Path(), abs)
	}
	// Where the file deliberately differs from Default(), by directive.
	// None today: "dir ./" resolves to the working directory, which is the
	// default too.
	differs := map[string]bool{}

	def := Default()
	for i := range directives {
		d := &directives[i]
		if differs[d.Name] {
			continue
		}
		if got, want := d.get(c), d.get(def); got != want {
			t.Errorf("%s: vesta.conf gives %q, the default is %q", d.Name, got, want)
		}
	}
	c.path = ""
	if len(differs) == 0 && !reflect.DeepEqual(c, def) {
		t.Errorf("vesta.conf does not yield Default():\ngot  %+v\nwant %+v", c, def)
	}

	data, err := os.ReadFile(sampleConfig)
	if err != nil {
		t.Fatal(err)
	}
	// Implemented directives are set; the others are shown commented out
	// ("# name value") at their defaults, hidden ones need not appear.
	set := make(map[string]bool)
	shown := make(map[string]bool)
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) > 0 && !strings.HasPrefix(f[0], "#") {
			set[strings.ToLower(f[0])] = true
		} else if len(f) > 2 && f[0] == "#" {
			shown[f[1]] = true
		}
	}
	for i := range directives {
		d := &directives[i]
		switch {
		case d.Status == Implemented && !set[d.Name]:
			t.Errorf("vesta.conf does not set %s", d.Name)
		case d.Status != Implemented && set[d.Name]:
			t.Errorf("vesta.conf sets %s, which is %s: show it commented out", d.Name, d.Status)
		case d.Status != Implemented && d.Flags&Hidden == 0 && !shown[d.Name]:
			t.Errorf("vesta.conf does not show %s", d.Name)
		}
	}
}
