package digest_test

import (
	"fmt"
	"slices"

	"github.com/vestadb/vesta/internal/digest"
)

// Example computes the DEBUG DIGEST of a dataset holding SET foo bar in
// database 0 and RPUSH l a b c in database 2, and the DEBUG DIGEST-VALUE of
// the list. The values match redis-server 7.0.15.
func Example() {
	list := [][]byte{[]byte("a"), []byte("b"), []byte("c")}

	var d digest.Dataset
	for db := range 16 { // announcing empty databases is harmless
		d.DB(db)
		switch db {
		case 0:
			d.String([]byte("foo"), []byte("bar"), digest.NoExpire)
		case 2:
			d.List([]byte("l"), slices.Values(list), digest.NoExpire)
		}
	}
	fmt.Println(d.Sum())
	fmt.Println(digest.ListValue(slices.Values(list), digest.NoExpire))
	// Output:
	// 0d971e8fe46ca78e3e6dbe48fb589154577dfa7d
	// 8bf72d812571eea9b927f3c11beb0c4165a6ff89
}
