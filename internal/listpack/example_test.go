package listpack_test

import (
	"fmt"

	"github.com/vestadb/vesta/internal/listpack"
)

func Example() {
	lp := listpack.New()
	lp, _ = lp.HashSet([]byte("name"), []byte("vesta"))
	lp, _ = lp.HashSet([]byte("port"), []byte("7000"))
	fmt.Printf("% x\n", lp.Bytes())

	for it := lp.Iter(); it.Next(); {
		s, n, isInt := it.Entry()
		if isInt {
			fmt.Println("int", n)
		} else {
			fmt.Println("str", string(s))
		}
	}
	// Output:
	// 1e 00 00 00 04 00 84 6e 61 6d 65 05 85 76 65 73 74 61 06 84 70 6f 72 74 05 f1 58 1b 03 ff
	// str name
	// str vesta
	// str port
	// int 7000
}
