package testutil

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// modulePath is the module whose cmd/vesta-server BuildVesta builds.
const modulePath = "github.com/vestadb/vesta"

var build struct {
	once sync.Once
	dir  string // temporary directory holding the binary
	bin  string
	err  error
}

// BuildVesta compiles ./cmd/vesta-server once per test process and returns
// the binary's path. The module root is found by walking up from the
// working directory. VESTA_SERVER_BIN, when set, names a prebuilt binary to
// use instead; VESTA_TEST_RACE=1 builds with the race detector.
func BuildVesta(t testing.TB) string {
	t.Helper()
	build.once.Do(func() {
		if bin := os.Getenv("VESTA_SERVER_BIN"); bin != "" {
			build.bin, build.err = filepath.Abs(bin)
			return
		}
		build.bin, build.err = buildVesta()
	})
	if build.err != nil {
		t.Fatalf("testutil: building vesta-server: %v", build.err)
	}
	return build.bin
}

func buildVesta() (string, error) {
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "vesta-testbin-")
	if err != nil {
		return "", err
	}
	build.dir = dir
	bin := filepath.Join(dir, "vesta-server")
	args := []string{"build", "-o", bin}
	if os.Getenv("VESTA_TEST_RACE") == "1" {
		args = append(args, "-race")
	}
	args = append(args, "./cmd/vesta-server")
	cmd := exec.Command(goTool(), args...)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go %v in %s: %w\n%s", args, root, err, out)
	}
	return bin, nil
}

// goTool returns the go command of the toolchain running the tests.
func goTool() string {
	if root := os.Getenv("GOROOT"); root != "" {
		if p := filepath.Join(root, "bin", "go"); fileExists(p) {
			return p
		}
	}
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return "/usr/local/go/bin/go"
}

// ModuleRoot returns the directory of Vesta's go.mod, searched upwards from
// the working directory.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.Contains(data, []byte("module "+modulePath+"\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("testutil: go.mod of " + modulePath + " not found above the working directory")
		}
		dir = parent
	}
}

// Main runs the tests of a package that uses [BuildVesta] and then removes
// the temporary build directory. Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if build.dir != "" {
		os.RemoveAll(build.dir)
	}
	os.Exit(code)
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
