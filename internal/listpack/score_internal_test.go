package listpack

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestAppendG17Golden compares appendG17 with glibc's printf("%.17g") on the
// values in testdata/printf-g17.txt (made by testdata/printf-g17.c; see the
// comment at the top of that file).
func TestAppendG17Golden(t *testing.T) {
	f, err := os.Open("testdata/printf-g17.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		bitsHex, want, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			t.Fatalf("bad line %q", sc.Text())
		}
		bits, err := strconv.ParseUint(bitsHex, 16, 64)
		if err != nil {
			t.Fatal(err)
		}
		v := math.Float64frombits(bits)
		if got := string(appendG17(nil, v)); got != want {
			t.Errorf("appendG17(%016x) = %q, want %q", bits, got, want)
		}
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 1000 {
		t.Fatalf("read %d golden values, want at least 1000", n)
	}
}

func TestParseScore(t *testing.T) {
	tests := []struct {
		in   string
		want float64
	}{
		{"1.5", 1.5},
		{"0.10000000000000001", 0.1},
		{"1e+20", 1e20},
		{"inf", math.Inf(1)},
		{"-inf", math.Inf(-1)},
		{"1e400", math.Inf(1)},
		{"garbage", 0},
		{"", 0},
		// Redis reads with strtod over a C string: junk after a number
		// and anything after a NUL are ignored.
		{"0.1000000S000000001", 0.1},
		{" 2x", 2},
		{"3\x004", 3},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := parseScore([]byte(tc.in)); got != tc.want {
				t.Fatalf("parseScore(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}
