// Mirrors of the Go 1.19 runtime's map structures, and the code that reads a
// live map through them.
//
// Everything here depends on the exact layout of runtime.hmap, runtime.bmap,
// runtime.maptype (runtime/map.go, runtime/type.go) and reflect.MapIter
// (reflect/value.go) of Go 1.19 on a 64-bit little-endian machine.  checkLayout
// refuses to run on anything else, and `oracle selftest` cross-checks the
// mirrors against behaviour (len(m) == count, the iterator's map pointer, the
// hasher placing every key where go-map-semantics.md says it must be).
// Rule numbers (M1.3 …) refer to go-map-semantics.md.
package main

import (
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"unsafe"
)

// Constants of M0.
const (
	bucketCnt      = 8
	emptyRest      = 0
	emptyOne       = 1
	evacuatedX     = 2
	evacuatedY     = 3
	evacuatedEmpty = 4
	minTopHash     = 5

	flagIterator     = 1
	flagOldIterator  = 2
	flagHashWriting  = 4
	flagSameSizeGrow = 8

	dataOffset = 8 // size of the tophash array (M1.3)
)

// hmap mirrors runtime.hmap (M1.1).
type hmap struct {
	count      int
	flags      uint8
	B          uint8
	noverflow  uint16
	hash0      uint32
	buckets    unsafe.Pointer
	oldbuckets unsafe.Pointer
	nevacuate  uintptr
	extra      *mapextra
}

// mapextra mirrors runtime.mapextra (M1.2).
type mapextra struct {
	overflow     unsafe.Pointer // *[]*bmap
	oldoverflow  unsafe.Pointer // *[]*bmap
	nextOverflow unsafe.Pointer // *bmap
}

// rtype mirrors runtime._type.
type rtype struct {
	size       uintptr
	ptrdata    uintptr
	hash       uint32
	tflag      uint8
	align      uint8
	fieldAlign uint8
	kind       uint8
	equal      func(unsafe.Pointer, unsafe.Pointer) bool
	gcdata     *byte
	str        int32
	ptrToThis  int32
}

// maptype mirrors runtime.maptype.
type maptype struct {
	typ        rtype
	key        *rtype
	elem       *rtype
	bucket     *rtype
	hasher     func(unsafe.Pointer, uintptr) uintptr
	keysize    uint8
	elemsize   uint8
	bucketsize uint16
	flags      uint32
}

// eface mirrors an empty interface: its type word points at the map's
// maptype, its data word is the map (a *hmap).
type eface struct {
	typ  *maptype
	data unsafe.Pointer
}

// hiter mirrors runtime.hiter, as reflect copies it (reflect.hiter, M9.1).
type hiter struct {
	key         unsafe.Pointer
	elem        unsafe.Pointer
	t           unsafe.Pointer
	h           unsafe.Pointer
	buckets     unsafe.Pointer
	bptr        unsafe.Pointer
	overflow    unsafe.Pointer
	oldoverflow unsafe.Pointer
	startBucket uintptr
	offset      uint8
	wrapped     bool
	B           uint8
	i           uint8
	bucket      uintptr
	checkBucket uintptr
}

// mapIter mirrors reflect.MapIter: a reflect.Value (type, pointer, flag)
// followed by the hiter.
type mapIter struct {
	typ  unsafe.Pointer
	ptr  unsafe.Pointer
	flag uintptr
	it   hiter
}

// checkLayout panics unless this is the runtime the mirrors were written for.
func checkLayout() {
	if !strings.HasPrefix(runtime.Version(), "go1.19") || unsafe.Sizeof(uintptr(0)) != 8 {
		panic(fmt.Sprintf("oracle: the runtime mirrors are for Go 1.19 on a 64-bit machine; this is %s/%s %s",
			runtime.GOOS, runtime.GOARCH, runtime.Version()))
	}
	// runtime.mapiterinit throws unless hiter is 12 words; reflect's copy must agree.
	if unsafe.Sizeof(hiter{}) != 12*8 || unsafe.Sizeof(hmap{}) != 48 {
		panic("oracle: hiter/hmap mirror has the wrong size")
	}
	if unsafe.Sizeof(reflect.MapIter{}) != unsafe.Sizeof(mapIter{}) {
		panic("oracle: reflect.MapIter is not a Value followed by a hiter")
	}
}

// Key is the key type of the maps the oracle drives: map[int64]int64 or
// map[string]int64.
type Key interface{ int64 | string }

// hmapOf returns the runtime header of m.
func hmapOf[K Key](m map[K]int64) *hmap {
	return *(**hmap)(unsafe.Pointer(&m))
}

// maptypeOf returns the runtime type descriptor of map[K]int64.
func maptypeOf[K Key]() *maptype {
	var i interface{} = map[K]int64(nil)
	return (*eface)(unsafe.Pointer(&i)).typ
}

// hashOf returns the hash the runtime computes for k under the map's current
// hash0 (M2.1): maptype.hasher(&k, hash0).
func hashOf[K Key](t *maptype, h *hmap, k K) uint64 {
	return uint64(t.hasher(unsafe.Pointer(&k), uintptr(h.hash0)))
}

// tophash is M2.2.
func tophash(hash uint64) uint8 {
	top := uint8(hash >> 56)
	if top < minTopHash {
		top += minTopHash
	}
	return top
}

// isEvacuated is M1.7: only slot 0 is tested.
func isEvacuated[K Key](b *bucketState[K]) bool {
	return b.tophash[0] > emptyOne && b.tophash[0] < minTopHash
}

// bucketState is one bucket read out of the runtime (M1.3).  Keys and values
// are meaningful only where tophash >= minTopHash; elsewhere they hold
// whatever bytes the runtime left (stale keys, M6.6.1).
type bucketState[K Key] struct {
	ptr      unsafe.Pointer // where the bucket lives
	tophash  [bucketCnt]uint8
	keys     [bucketCnt]K
	vals     [bucketCnt]int64
	overflow uintptr
}

// mapState is the whole observable state of a map after an operation.
type mapState[K Key] struct {
	count       int
	flags       uint8
	B           uint8
	noverflow   uint16
	hash0       uint32
	nevacuate   uintptr
	growing     bool
	bucketsAddr uintptr            // address of the bucket array, 0 = nil
	buckets     [][]bucketState[K] // nil while the bucket array is nil
	oldbuckets  [][]bucketState[K] // nil when not growing
}

// noldbuckets is M2.4.
func (s *mapState[K]) noldbuckets() int {
	if s.flags&flagSameSizeGrow != 0 {
		return 1 << s.B
	}
	return 1 << s.B >> 1
}

// readBucket copies the bucket at p.
func readBucket[K Key](t *maptype, p unsafe.Pointer) bucketState[K] {
	b := bucketState[K]{ptr: p}
	for i := 0; i < bucketCnt; i++ {
		b.tophash[i] = *(*uint8)(unsafe.Add(p, i))
		// Stale slots of a string map may hold a nil data pointer with a
		// non-zero length (F5); copy only live strings.
		if b.tophash[i] >= minTopHash || !isStringKey[K]() {
			b.keys[i] = *(*K)(unsafe.Add(p, dataOffset+i*int(t.keysize)))
		}
		b.vals[i] = *(*int64)(unsafe.Add(p, dataOffset+bucketCnt*int(t.keysize)+i*int(t.elemsize)))
	}
	b.overflow = *(*uintptr)(unsafe.Add(p, int(t.bucketsize)-8))
	return b
}

func isStringKey[K Key]() bool {
	var k K
	_, ok := interface{}(k).(string)
	return ok
}

// readChains reads n chains of the bucket array at base (M1.5, M1.6).
func readChains[K Key](t *maptype, base unsafe.Pointer, n int) [][]bucketState[K] {
	chains := make([][]bucketState[K], n)
	for i := range chains {
		p := unsafe.Add(base, i*int(t.bucketsize))
		for p != nil {
			b := readBucket[K](t, p)
			chains[i] = append(chains[i], b)
			p = *(*unsafe.Pointer)(unsafe.Add(p, int(t.bucketsize)-8))
		}
	}
	return chains
}

// snapshot reads the full state of m.  The caller must not be mutating m.
func snapshot[K Key](t *maptype, m map[K]int64) *mapState[K] {
	h := hmapOf(m)
	s := &mapState[K]{
		count: h.count, flags: h.flags, B: h.B, noverflow: h.noverflow,
		hash0: h.hash0, nevacuate: h.nevacuate, growing: h.oldbuckets != nil,
		bucketsAddr: uintptr(h.buckets),
	}
	if h.buckets != nil {
		s.buckets = readChains[K](t, h.buckets, 1<<h.B)
	}
	if h.oldbuckets != nil {
		s.oldbuckets = readChains[K](t, h.oldbuckets, s.noldbuckets())
	}
	return s
}

// preallocated counts the free pre-allocated overflow buckets left on the
// nextOverflow list (M8.5): the list runs through consecutive buckets and
// ends at the one whose overflow word holds the sentinel.
func preallocated(t *maptype, h *hmap) int {
	if h.extra == nil || h.extra.nextOverflow == nil {
		return 0
	}
	n := 0
	for p := h.extra.nextOverflow; ; p = unsafe.Add(p, int(t.bucketsize)) {
		n++
		if *(*unsafe.Pointer)(unsafe.Add(p, int(t.bucketsize)-8)) != nil {
			return n
		}
	}
}

// iterStart starts a real iteration of m through reflect (which runs the
// runtime's mapiterinit exactly as a range loop does, M9.2–M9.5) and returns
// the iterator with the first entry already produced, along with the random
// start bucket and slot offset the runtime drew (M9.3).  ok is false for an
// empty map.
func iterStart[K Key](t *maptype, m map[K]int64) (it *reflect.MapIter, start uintptr, offset uint8, ok bool) {
	it = reflect.ValueOf(m).MapRange()
	ok = it.Next()
	mi := (*mapIter)(unsafe.Pointer(it))
	if mi.it.t != unsafe.Pointer(t) {
		panic("oracle: reflect.MapIter mirror: hiter.t is not the map's type")
	}
	if ok && mi.it.h != unsafe.Pointer(hmapOf(m)) {
		panic("oracle: reflect.MapIter mirror: hiter.h is not the map")
	}
	return it, mi.it.startBucket, mi.it.offset, ok
}

// iterKey returns the current key of a reflect map iterator as a K.
func iterKey[K Key](it *reflect.MapIter) K {
	var k K
	switch p := interface{}(&k).(type) {
	case *int64:
		*p = it.Key().Int()
	case *string:
		*p = it.Key().String()
	}
	return k
}
