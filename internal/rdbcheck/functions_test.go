package rdbcheck_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/vestadb/vesta/internal/rdb"
	"github.com/vestadb/vesta/internal/rdbcheck"
)

// Ensure that Check names the libraries of a file and refuses those
// FUNCTION LOAD would refuse.
func TestCheck_Functions(t *testing.T) {
	for _, tc := range []struct {
		codes []string
		ok    bool
	}{
		{[]string{"#!lua name=a\nx", "#!LUA NAME=b_2\ny"}, true},
		{[]string{"return 1"}, false},
		{[]string{"#!lua name=a"}, false},
		{[]string{"#!python name=a\n"}, false},
		{[]string{"#!lua\n"}, false},
		{[]string{"#!lua name=a b=c\n"}, false},
		{[]string{"#!lua name=a name=b\n"}, false},
		{[]string{"#!lua name=a-b\n"}, false},
		{[]string{"#!lua name=\n"}, false},
		{[]string{"#!lua name=a\n", "#!lua name=a\n"}, false},
	} {
		data := file(t, rdb.WriterOptions{}, func(w *rdb.Writer) {
			for _, c := range tc.codes {
				w.Function(c)
			}
		})
		rep, err := rdbcheck.Check(bytes.NewReader(data), int64(len(data)), rdbcheck.Options{Now: now, Name: "dump.rdb"})
		if tc.ok {
			if err != nil || rep.Functions != 2 || len(rep.Libraries) != 2 || rep.Libraries[1] != "b_2" {
				t.Errorf("%q: err %v, report %d %v", tc.codes, err, rep.Functions, rep.Libraries)
			}
			continue
		}
		if !errors.Is(err, rdbcheck.ErrFunction) {
			t.Errorf("%q: err %v, want ErrFunction", tc.codes, err)
		}
	}
}
