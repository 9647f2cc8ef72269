package keyspace

import (
	"bytes"
	"testing"
	"unsafe"
)

// The entry is a size class of its own: a field more and every key costs
// 16 bytes more (the next class is 64).
func TestEntrySize(t *testing.T) {
	if n := unsafe.Sizeof(Entry{}); n != 48 {
		t.Fatalf("Entry is %d bytes, want 48", n)
	}
}

type fakeObj struct{ n int }

func (*fakeObj) Type() Type        { return TypeList }
func (*fakeObj) Encoding() string  { return "fake" }
func (o *fakeObj) Clone() Object   { c := *o; return &c }
func (o fakeVal) Type() Type       { return TypeSet }
func (o fakeVal) Encoding() string { return "val" }
func (o fakeVal) Clone() Object    { return o }

type fakeVal struct{ a, b int } // not pointer-shaped: boxed in the interface

// Obj gives back the very interface value that was stored, for pointer
// and non-pointer dynamic types alike.
func TestObjectRoundTrip(t *testing.T) {
	ks := New(1)
	db := ks.DBs[0]
	p := &fakeObj{n: 7}
	db.Add([]byte("p"), p)
	db.Add([]byte("v"), fakeVal{1, 2})
	db.SetString([]byte("s"), []byte("x"), false)
	for range 2 { // a second round finds the kinds already numbered
		e := db.Find([]byte("p"))
		if got, ok := e.Obj().(*fakeObj); !ok || got != p || e.Type() != TypeList || e.Obj().Encoding() != "fake" {
			t.Fatalf("pointer value: got %#v, type %v", e.Obj(), e.Type())
		}
		e = db.Find([]byte("v"))
		if got, ok := e.Obj().(fakeVal); !ok || got != (fakeVal{1, 2}) || e.Type() != TypeSet {
			t.Fatalf("boxed value: got %#v, type %v", e.Obj(), e.Type())
		}
		if e := db.Find([]byte("s")); e.Obj() != nil || e.Type() != TypeString || string(e.Str()) != "x" {
			t.Fatalf("string: obj %v type %v str %q", e.Obj(), e.Type(), e.Str())
		}
		db.Add([]byte("p2"), &fakeObj{})
		db.Delete([]byte("p2"))
	}
	// A string turned into an object and back.
	db.SetObject([]byte("s"), &fakeObj{n: 1}, false)
	if e := db.Find([]byte("s")); e.Type() != TypeList || len(e.Str()) != 0 || string(e.Key()) != "s" {
		t.Fatalf("string to object: type %v str %q key %q", e.Type(), e.Str(), e.Key())
	}
	db.SetString([]byte("s"), []byte("again"), false)
	if e := db.Find([]byte("s")); e.Type() != TypeString || e.Obj() != nil || string(e.Str()) != "again" {
		t.Fatalf("object to string: type %v str %q", e.Type(), e.Str())
	}
}

// Strings whose allocation exceeds the inline lengths keep working, in
// every transition (maxInline lowered to make them small).
func TestBigStrings(t *testing.T) {
	defer func(n int) { maxInline = n }(maxInline)
	maxInline = 16
	ks := New(1)
	db := ks.DBs[0]
	key := []byte("key")
	big := bytes.Repeat([]byte("b"), 40)
	db.SetString(key, big, false)
	e := db.Find(key)
	if e.meta&flagBig == 0 || !bytes.Equal(e.Str(), big) || string(e.Key()) != "key" || e.Type() != TypeString || e.Obj() != nil {
		t.Fatalf("big string: flags %x str %q key %q", e.meta, e.Str(), e.Key())
	}
	if cap(e.Str()) != len(big) {
		t.Fatalf("Str capacity %d, want %d", cap(e.Str()), len(big))
	}
	w := db.StringForWrite(e, 60)
	if len(w) != 60 || !bytes.Equal(w[:40], big) || !bytes.Equal(w[40:], make([]byte, 20)) {
		t.Fatalf("StringForWrite grew to %q", w)
	}
	if !bytes.Equal(e.Str(), w) {
		t.Fatalf("after StringForWrite Str is %q", e.Str())
	}
	db.UpdateString(e, []byte("small"), EncAuto)
	if e.meta&flagBig != 0 || string(e.Str()) != "small" || string(e.Key()) != "key" {
		t.Fatalf("back to small: flags %x str %q", e.meta, e.Str())
	}
	db.UpdateString(e, big, EncAuto)
	db.SetObject(key, &fakeObj{n: 3}, false)
	if e.meta&flagBig != 0 || e.Obj().(*fakeObj).n != 3 || string(e.Key()) != "key" {
		t.Fatalf("big string to object: flags %x key %q", e.meta, e.Key())
	}
	if got := db.Find(key); got != e {
		t.Fatal("key lost after big string became an object")
	}
}

// Empty keys and values are empty, non-nil slices (a nil bulk would be
// a null reply).
func TestEmptyKeyAndValue(t *testing.T) {
	ks := New(1)
	db := ks.DBs[0]
	db.SetString([]byte{}, []byte{}, false)
	e := db.Find([]byte{})
	if e == nil || e.Str() == nil || len(e.Str()) != 0 || e.Key() == nil || len(e.Key()) != 0 {
		t.Fatalf("empty key/value: entry %v str %v key %v", e, e.Str(), e.Key())
	}
	db.SetString([]byte("k"), nil, false)
	if s := db.Find([]byte("k")).Str(); s == nil || len(s) != 0 {
		t.Fatalf("empty value: %v", s)
	}
}

// wordObj is a one-pointer value, kept by its word.
type wordObj struct{ p *int }

func (*wordObj) Type() Type       { return TypeHash }
func (*wordObj) Encoding() string { return "word" }
func (o *wordObj) Clone() Object  { n := *o.p; return &wordObj{&n} }
func (*wordObj) ValueWord()       {}

// An entry keeps a WordObject's word, and the value Obj returns changes
// the entry; the carrier passed to Add is detached.
func TestWordObject(t *testing.T) {
	ks := New(1)
	db := ks.DBs[0]
	one, two := 1, 2
	carrier := &wordObj{&one}
	e := db.Add([]byte("w"), carrier)
	if e.obj != unsafe.Pointer(&one) {
		t.Fatal("entry does not hold the word itself")
	}
	got := e.Obj().(*wordObj)
	if got == carrier || *got.p != 1 {
		t.Fatalf("Obj returned the carrier or a wrong value: %v", got)
	}
	got.p = &two
	if *db.Find([]byte("w")).Obj().(*wordObj).p != 2 {
		t.Fatal("a change through Obj did not reach the entry")
	}
	// Moving the value to another key copies the word.
	e2 := db.AddValueOf([]byte("w2"), e, e.Obj())
	db.Delete([]byte("w"))
	if *e2.Obj().(*wordObj).p != 2 || e2.Type() != TypeHash {
		t.Fatal("AddValueOf lost the word")
	}
}
