package hll

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
)

// SelfTest checks the implementation the way PFSELFTEST asks for: the
// dense register accessors against a plain array, and the estimate of a
// growing set, built both sparse and dense, against the true count. It
// returns an error describing the first failure.
func SelfTest() error {
	rnd := rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))

	// Dense register accessors: random values, read back after every
	// register was written, so that neighbours do not overwrite each
	// other.
	regs := make([]byte, DenseSize-HeaderSize)
	var want [Registers]uint8
	for round := 0; round < 100; round++ {
		for i := range want {
			want[i] = uint8(rnd.IntN(RegMax + 1))
			DenseSet(regs, i, want[i])
		}
		for i := range want {
			if got := DenseGet(regs, i); got != want[i] {
				return fmt.Errorf("TESTFAILED Register error at %d", i)
			}
		}
	}

	// Sparse and dense representations of the same set agree register by
	// register and in their estimate, and the estimate stays within the
	// error bounds of 16384 registers.
	sparse, dense := New(), New()
	dense, _ = ToDense(dense)
	relErr := 1.04 / math.Sqrt(Registers)
	checkpoint := 1
	for n := 1; n <= 1000000; n++ {
		ele := []byte(strconv.FormatUint(rnd.Uint64(), 10))
		var r1, r2 int
		sparse, r1 = Add(sparse, ele, DefaultSparseMaxBytes)
		dense, r2 = Add(dense, ele, DefaultSparseMaxBytes)
		if r1 == Corrupt || r1 != r2 {
			return fmt.Errorf("TESTFAILED sparse and dense updates differ after %d elements", n)
		}
		if n != checkpoint {
			continue
		}
		checkpoint *= 10
		d, ok := ToDense(sparse)
		if !ok || string(d[HeaderSize:]) != string(dense[HeaderSize:]) {
			return fmt.Errorf("TESTFAILED sparse and dense registers differ after %d elements", n)
		}
		c1, bad := Count(sparse)
		c2, _ := Count(dense)
		if bad || c1 != c2 {
			return fmt.Errorf("TESTFAILED sparse and dense counts differ after %d elements", n)
		}
		maxErr := relErr * 6 * float64(n)
		if n < 10 {
			maxErr = 1
		}
		if abserr := math.Abs(float64(c2) - float64(n)); abserr > maxErr {
			return fmt.Errorf("TESTFAILED Too big error. card:%d abserr:%g", n, abserr)
		}
	}
	return nil
}
