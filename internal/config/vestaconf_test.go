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
	set := make(map[string]bool)
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) > 0 && !strings.HasPrefix(f[0], "#") {
			set[strings.ToLower(f[0])] = true
		}
	}
	for i := range directives {
		if !set[directives[i].Name] {
			t.Errorf("vesta.conf does not set %s", directives[i].Name)
		}
	}
}
