// Mirrors of Go 1.26's sync.Map (internal/sync.HashTrieMap[any, any],
// HT1.2-HT1.5 of go-swiss-semantics.md) and the code that reads a live one
// through them (OR1.6): no linkname, only unsafe.  The oracle reads between
// operations in the goroutine that runs them, so plain loads are enough
// (OR3.5).
package main

import (
	"fmt"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unsafe"
)

// htMap mirrors HashTrieMap (HT1.2): 48 bytes on amd64.
type htMap struct {
	inited uint32 // atomic.Uint32
	initMu struct {
		state int32
		sema  uint32
	}
	root     *htIndirect // atomic.Pointer[indirect]
	keyHash  func(unsafe.Pointer, uintptr) uintptr
	valEqual func(unsafe.Pointer, unsafe.Pointer) bool
	seed     uintptr
}

// htIndirect mirrors indirect[any, any] (HT1.4): 152 bytes.
type htIndirect struct {
	isEntry bool   // node
	dead    uint32 // atomic.Bool
	mu      struct {
		state int32
		sema  uint32
	}
	parent   *htIndirect
	children [16]unsafe.Pointer // atomic.Pointer[node]: *htIndirect or *htEntry
}

// htEntry mirrors entry[any, any] (HT1.5): 48 bytes.
type htEntry struct {
	isEntry  bool     // node
	overflow *htEntry // atomic.Pointer[entry]
	key      any
	value    any
}

// trieOf is the HashTrieMap inside a sync.Map (HT1.1: at offset 0).
func trieOf(m *sync.Map) *htMap { return (*htMap)(unsafe.Pointer(m)) }

// hashOf is keyHash(&k, seed) for the any k (OR1.6): the map's own hash.
func hashOf(h *htMap, k any) uint64 {
	return uint64(h.keyHash(unsafe.Pointer(&k), h.seed))
}

// checkRuntime says why the mirrors cannot be trusted here, or "".
func checkRuntime() string {
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		return "the mirrors are for 64-bit little-endian machines, not " + runtime.GOARCH
	}
	v := strings.TrimPrefix(runtime.Version(), "go")
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 || parts[0] != "1" {
		return "not Go 1.x: " + runtime.Version()
	}
	minor, err := strconv.Atoi(strings.TrimRightFunc(parts[1], func(r rune) bool { return r < '0' || r > '9' }))
	if err != nil || minor != 26 {
		return "this oracle reads Go 1.26's sync.Map; running on " + runtime.Version()
	}
	if unsafe.Sizeof(sync.Map{}) != 48 || unsafe.Sizeof(htMap{}) != 48 ||
		unsafe.Sizeof(htIndirect{}) != 152 || unsafe.Sizeof(htEntry{}) != 48 {
		return fmt.Sprintf("sizes: sync.Map %d, mirrors %d/%d/%d (want 48, 48/152/48)",
			unsafe.Sizeof(sync.Map{}), unsafe.Sizeof(htMap{}), unsafe.Sizeof(htIndirect{}), unsafe.Sizeof(htEntry{}))
	}
	// A live map must look as HT2.1 and HT1.6 say.
	var m sync.Map
	h := trieOf(&m)
	if h.inited != 0 || h.root != nil || h.seed != 0 {
		return "a zero sync.Map is not {inited 0, root nil, seed 0}"
	}
	m.Store(int64(7), int64(70))
	if h.inited != 1 || h.root == nil || h.root.isEntry || h.root.parent != nil {
		return "after Store: inited/root do not read as HT2.1 says"
	}
	hk := hashOf(h, int64(7))
	e := (*htEntry)(h.root.children[hk>>60])
	if e == nil || !e.isEntry || e.key != any(int64(7)) || e.value != any(int64(70)) || e.overflow != nil {
		return "after Store: the entry is not at the child the hash's top nibble picks"
	}
	runtime.KeepAlive(&m)
	return ""
}

// arrayKey is [len(s)]byte(s) as an any: hashed with memhash over the same
// bytes as the string (HT2.2), except at lengths 4 and 8 where the array
// type hashes with memhash32/memhash64.
func arrayKey(s string) any {
	at := reflect.ArrayOf(len(s), reflect.TypeOf(byte(0)))
	v := reflect.New(at).Elem()
	reflect.Copy(v, reflect.ValueOf([]byte(s)))
	return v.Interface()
}

// readTrie reads the whole trie: the state as the expected trace writes it,
// with each Go key named by its scene key (sceneKey gives its canonical
// JSON; false for a key the tracer never issued).
func readTrie(h *htMap, sceneKey func(any) (string, bool)) (*trieState, error) {
	st := &trieState{inited: h.inited != 0}
	if h.root == nil {
		return st, nil
	}
	var walk func(i *htIndirect, parent *htIndirect, depth int) (*tnode, error)
	walk = func(i *htIndirect, parent *htIndirect, depth int) (*tnode, error) {
		if i.isEntry || i.parent != parent || i.dead != 0 {
			return nil, fmt.Errorf("indirect node at depth %d: isEntry %v, parent ok %v, dead %d",
				depth, i.isEntry, i.parent == parent, i.dead)
		}
		if depth > 16 {
			return nil, fmt.Errorf("deeper than 16 levels")
		}
		n := &tnode{ind: new([16]*tnode)}
		for j, p := range i.children {
			if p == nil {
				continue
			}
			if *(*bool)(p) { // node.isEntry (HT1.3)
				var ents []tent
				for e := (*htEntry)(p); e != nil; e = e.overflow {
					k, ok := sceneKey(e.key)
					if !ok {
						return nil, fmt.Errorf("a key the tracer never issued: %#v", e.key)
					}
					v, ok := e.value.(int64)
					if !ok {
						return nil, fmt.Errorf("a value that is not an int64: %#v", e.value)
					}
					ents = append(ents, tent{k, v})
				}
				n.ind[j] = &tnode{ents: ents}
				continue
			}
			c, err := walk((*htIndirect)(p), i, depth+1)
			if err != nil {
				return nil, err
			}
			n.ind[j] = c
		}
		return n, nil
	}
	if h.root.parent != nil {
		return nil, fmt.Errorf("the root has a parent")
	}
	root, err := walk(h.root, nil, 0)
	if err != nil {
		return nil, err
	}
	st.root = root
	return st, nil
}
