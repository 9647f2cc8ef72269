package ziplist_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/vestadb/vesta/internal/listpack"
	"github.com/vestadb/vesta/internal/ziplist"
)

// FuzzZiplist has two halves. Arbitrary bytes go through Validate and both
// conversions, which must not panic, must agree with each other, and must
// only ever return listpacks that pass a deep listpack validation. Then the
// elements in elems (split at 0x00) are encoded as a ziplist by the test
// builder, and converting it must give exactly the listpack that appending
// the same elements gives.
func FuzzZiplist(f *testing.F) {
	for _, c := range redisCases() {
		if c.typ != typeHashZipmap {
			f.Add(c.blob, []byte("a\x00123\x00-7"))
		}
	}
	f.Add(zlistCount(0xFFFF, zs("a")), []byte{})
	f.Add([]byte{11, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0xff}, bytes.Repeat([]byte("z"), 300))
	f.Fuzz(func(t *testing.T, raw, elems []byte) {
		verr := ziplist.Validate(raw)
		lp, err := ziplist.ToListpack(raw)
		if (verr == nil) != (err == nil) {
			t.Fatalf("Validate = %v but ToListpack = %v", verr, err)
		}
		if err == nil {
			if e := listpack.Validate(lp, true, false); e != nil {
				t.Fatalf("ToListpack returned an invalid listpack: %v", e)
			}
		}
		plp, perr := ziplist.ToListpackPairs(raw)
		if perr == nil {
			if err != nil || !bytes.Equal(plp, lp) {
				t.Fatalf("ToListpackPairs accepted what ToListpack did not, or differs")
			}
			if e := listpack.CheckUniqueFields(plp); e != nil {
				t.Fatalf("ToListpackPairs let a duplicate through: %v", e)
			}
		} else if err == nil && !errors.Is(perr, ziplist.ErrOddPairs) && !errors.Is(perr, ziplist.ErrDuplicate) {
			t.Fatalf("ToListpackPairs failed for another reason: %v", perr)
		}

		var es []zentry
		var want [][]byte
		for _, e := range bytes.Split(elems, []byte{0}) {
			if len(es) == 200 {
				break
			}
			if v, ok := listpack.ParseInt(e); ok && len(e)%2 == 0 {
				es = append(es, zi(v, 0xE0)) // an integer entry, widest form
			} else {
				es = append(es, zs(string(e)))
			}
			want = append(want, e)
		}
		got, err := ziplist.ToListpack(zlistOf(es...))
		if err != nil {
			t.Fatalf("built ziplist rejected: %v", err)
		}
		if w := listpack.New().Append(want...); !bytes.Equal(got, w) {
			t.Fatalf("got %x, want %x", []byte(got), []byte(w))
		}
	})
}

// FuzzZipmap feeds arbitrary bytes to the zipmap reader, which must not
// panic and must only return valid, duplicate-free hash listpacks.
func FuzzZipmap(f *testing.F) {
	for _, c := range redisCases() {
		if c.typ == typeHashZipmap {
			f.Add(c.blob)
		}
	}
	f.Fuzz(func(t *testing.T, zm []byte) {
		verr := ziplist.ValidateZipmap(zm)
		lp, err := ziplist.ZipmapToListpack(zm)
		if err == nil {
			if verr != nil {
				t.Fatalf("ZipmapToListpack accepted what ValidateZipmap rejects: %v", verr)
			}
			if e := listpack.Validate(lp, true, true); e != nil {
				t.Fatalf("invalid listpack: %v", e)
			}
			if e := listpack.CheckUniqueFields(lp); e != nil {
				t.Fatalf("duplicate let through: %v", e)
			}
		} else if verr == nil && !errors.Is(err, ziplist.ErrDuplicate) {
			t.Fatalf("ZipmapToListpack failed for another reason: %v", err)
		}
	})
}
