package aofcheck_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/aofcheck"
)

// BenchmarkCheckFile measures checking a RESP file of 10,000 commands.
func BenchmarkCheckFile(b *testing.B) {
	var sb strings.Builder
	for i := range 10000 {
		if i%1000 == 0 {
			sb.WriteString("#TS:" + strconv.Itoa(1795324319+i) + "\r\n")
		}
		sb.WriteString(cmd("SET", "key:"+strconv.Itoa(i), strings.Repeat("v", 100)))
	}
	fsys := memDir(b, map[string]string{"a.aof": sb.String()})
	b.SetBytes(int64(sb.Len()))
	b.ReportAllocs()
	for b.Loop() {
		res, err := aofcheck.CheckFile(fsys, "a.aof", aofcheck.Options{})
		if err != nil || res.Status != aofcheck.StatusValid {
			b.Fatal(res, err)
		}
	}
}
