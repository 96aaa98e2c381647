// Mirrors of Go 1.26's Swiss-table map structures (internal/runtime/maps,
// internal/abi, reflect.MapIter) and the code that reads a live map
// through them, without linkname (OR1, OR2.2).
//
// Everything here depends on the exact layouts of SW1.1 (Map), SW1.3
// (table), SW6.1 (Iter) and OR1.2 (abi.Type, abi.MapType) on a 64-bit
// little-endian machine.  checkRuntime refuses to run anywhere else, and
// `oracle-swiss selftest` cross-checks the mirrors against behaviour.
// Rule IDs (SW1.1 …) refer to /work/shared/go-swiss-semantics.md.
package main

import (
	"fmt"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"unsafe"
)

// Constants of SW1.9, SW2, SW3.4, SW5.3.
const (
	groupSlots       = 8
	ctrlEmpty        = 0x80
	ctrlDeleted      = 0xFE
	maxTableCapacity = 1024
)

// rtMap mirrors internal/runtime/maps.Map, 48 bytes (SW1.1).
type rtMap struct {
	used              uint64
	seed              uintptr
	dirPtr            unsafe.Pointer // nil, the small map's group, or *[dirLen]*rtTable
	dirLen            int
	globalDepth       uint8
	globalShift       uint8
	writing           uint8
	tombstonePossible bool // 1.25+ (VD.4)
	clearSeq          uint64
}

// rtTable mirrors internal/runtime/maps.table, 32 bytes (SW1.3).
type rtTable struct {
	used       uint16
	capacity   uint16
	growthLeft uint16
	localDepth uint8
	index      int // first directory entry, -1 once stale
	groupsData unsafe.Pointer
	lengthMask uint64 // groups - 1
}

// rtIter mirrors internal/runtime/maps.Iter, 96 bytes (SW6.1).
type rtIter struct {
	key         unsafe.Pointer
	elem        unsafe.Pointer
	typ         unsafe.Pointer
	m           unsafe.Pointer
	entryOffset uint64
	dirOffset   uint64
	clearSeq    uint64
	globalDepth uint8
	dirIdx      int
	tab         unsafe.Pointer
	group       unsafe.Pointer
	entryIdx    uint64
}

// abiType mirrors internal/abi.Type, 48 bytes (OR1.2).
type abiType struct {
	size       uintptr
	ptrBytes   uintptr
	hash       uint32
	tflag      uint8
	align      uint8
	fieldAlign uint8
	kind       uint8
	equal      func(unsafe.Pointer, unsafe.Pointer) bool
	gcData     *byte
	str        int32
	ptrToThis  int32
}

// mapType mirrors internal/abi.MapType, 112 bytes (OR1.2; changes in 1.27,
// VD.11).
type mapType struct {
	typ       abiType
	key       *abiType
	elem      *abiType
	group     *abiType
	hasher    func(unsafe.Pointer, uintptr) uintptr
	groupSize uintptr
	slotSize  uintptr
	elemOff   uintptr
	flags     uint32
}

// abi.Kind of a map type.
const kindMap = 21

// eface mirrors an empty interface holding a map: the type word points at
// the map's abi.MapType, the data word is the map (a *rtMap) (OR1.2).
type eface struct {
	typ  *mapType
	data unsafe.Pointer
}

// mapIter mirrors reflect.MapIter: a reflect.Value (type, pointer, flag)
// followed by the maps.Iter (OR1.5).
type mapIter struct {
	typ  unsafe.Pointer
	ptr  unsafe.Pointer
	flag uintptr
	it   rtIter
}

// goMinor returns the minor version of a "go1.N[.P]" or "devel go1.N-…"
// runtime.Version(), or -1.
func goMinor(v string) int {
	if i := strings.Index(v, "go1."); i >= 0 {
		v = v[i+4:]
		n := 0
		for n < len(v) && v[n] >= '0' && v[n] <= '9' {
			n++
		}
		if m, err := strconv.Atoi(v[:n]); err == nil {
			return m
		}
	}
	return -1
}

// checkRuntime returns why the mirrors cannot be trusted here, or "".
// Go older than 1.26 is refused (the brief; 1.24 has no tombstonePossible
// and no pruning, VD.1, VD.3).  Go 1.27 changes abi.MapType (VD.11), so it
// is refused too until the mirrors are re-checked.
func checkRuntime() string {
	v := runtime.Version()
	if m := goMinor(v); m != 26 {
		return fmt.Sprintf("the runtime mirrors are for Go 1.26; this program was built with %s "+
			"(older Go: no tombstonePossible/pruning, VD.1/VD.3; 1.27: abi.MapType changes, VD.11)", v)
	}
	if unsafe.Sizeof(uintptr(0)) != 8 || (runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64") {
		return fmt.Sprintf("the runtime mirrors are for 64-bit little-endian machines (amd64, arm64); this is %s/%s",
			runtime.GOOS, runtime.GOARCH)
	}
	// OR1.1 / VER.5: the mirrors have the runtime's sizes.
	if s := [...]uintptr{unsafe.Sizeof(rtMap{}), unsafe.Sizeof(rtTable{}), unsafe.Sizeof(rtIter{}),
		unsafe.Sizeof(abiType{}), unsafe.Sizeof(mapType{})}; s != [...]uintptr{48, 32, 96, 48, 112} {
		return fmt.Sprintf("mirror sizes Map/table/Iter/abi.Type/abi.MapType are %v, want [48 32 96 48 112]", s)
	}
	if unsafe.Sizeof(reflect.MapIter{}) != unsafe.Sizeof(mapIter{}) {
		return "reflect.MapIter is not a reflect.Value followed by a maps.Iter (OR1.5)"
	}
	return ""
}

// Key is the key type of the maps the oracle drives.
type Key interface{ int64 | string }

// mapOf returns the runtime header of m (OR1.1).
func mapOf[K Key](m map[K]int64) *rtMap {
	return *(**rtMap)(unsafe.Pointer(&m))
}

// mapTypeOf returns the type descriptor of map[K]int64 (OR1.2).
func mapTypeOf[K Key]() *mapType {
	var i any = map[K]int64(nil)
	return (*eface)(unsafe.Pointer(&i)).typ
}

// hashOf is the runtime's hash of k under seed: the map type's own Hasher
// (OR1.3, SW1.14).
func hashOf[K Key](t *mapType, seed uintptr, k K) uint64 {
	return uint64(t.hasher(unsafe.Pointer(&k), seed))
}

func h1(hash uint64) uint64 { return hash >> 7 }          // SW1.11
func h2(hash uint64) uint8  { return uint8(hash & 0x7f) } // SW1.11

// dirIndex is Map.directoryIndex (SW1.12): the top globalDepth bits.
func dirIndex(hash uint64, globalDepth uint8) int {
	if globalDepth == 0 {
		return 0
	}
	return int(hash >> (64 - globalDepth))
}

func isFull(c uint8) bool { return c&ctrlEmpty == 0 } // SW1.9

// groupState is one group read out of the runtime (SW1.5).  Keys and values
// mean something only where ctrl is full; elsewhere they are zero (the
// reader copies only full slots, SW4.11).
type groupState[K Key] struct {
	ctrl [groupSlots]uint8
	keys [groupSlots]K
	vals [groupSlots]int64
}

// tableState is one table (SW1.3).
type tableState[K Key] struct {
	ptr        unsafe.Pointer // identity only, never printed (OR1.4)
	index      int
	localDepth uint8
	capacity   uint16
	used       uint16
	growthLeft uint16
	lengthMask uint64
	groups     []groupState[K]
}

// mapState is the whole observable state of a map after an operation, as
// the swiss STATE carries it, plus the seed and the fields STATE leaves out
// (checked by the selftest only).
type mapState[K Key] struct {
	nilDir            bool // dirPtr == nil: never written (SW2.2)
	used              uint64
	seed              uintptr
	dirLen            int
	globalDepth       uint8
	globalShift       uint8
	writing           uint8
	tombstonePossible bool
	clearSeq          uint64
	small             *groupState[K] // the small map's group, or nil
	directory         []int          // position in tables of each directory entry
	tables            []*tableState[K]
}

// tombstones counts a table's deleted ctrl bytes.
func (t *tableState[K]) tombstones() int {
	n := 0
	for gi := range t.groups {
		for _, c := range t.groups[gi].ctrl {
			if c == ctrlDeleted {
				n++
			}
		}
	}
	return n
}

// readGroup copies the group at p (SW1.5, OR1.4).
func readGroup[K Key](t *mapType, p unsafe.Pointer, g *groupState[K]) {
	ctrl := *(*uint64)(p)
	for i := 0; i < groupSlots; i++ {
		c := uint8(ctrl >> (8 * i)) // little-endian: byte i is slot i (SW1.9)
		g.ctrl[i] = c
		if isFull(c) {
			slot := unsafe.Add(p, 8+uintptr(i)*t.slotSize)
			g.keys[i] = *(*K)(slot)
			g.vals[i] = *(*int64)(unsafe.Add(slot, t.elemOff))
		}
	}
}

// snapshot reads the full state of m.  The caller must not be mutating m
// (OR3.5).
func snapshot[K Key](t *mapType, m map[K]int64) *mapState[K] {
	rm := mapOf(m)
	s := &mapState[K]{
		nilDir: rm.dirPtr == nil, used: rm.used, seed: rm.seed, dirLen: rm.dirLen,
		globalDepth: rm.globalDepth, globalShift: rm.globalShift, writing: rm.writing,
		tombstonePossible: rm.tombstonePossible, clearSeq: rm.clearSeq,
		directory: []int{},
	}
	if rm.dirPtr == nil {
		return s
	}
	if rm.dirLen == 0 { // small map (SW2.1)
		s.small = new(groupState[K])
		readGroup(t, rm.dirPtr, s.small)
		return s
	}
	dir := unsafe.Slice((**rtTable)(rm.dirPtr), rm.dirLen)
	pos := map[*rtTable]int{}
	for _, tp := range dir {
		i, ok := pos[tp]
		if !ok {
			i = len(s.tables)
			pos[tp] = i
			ts := &tableState[K]{ptr: unsafe.Pointer(tp), index: tp.index, localDepth: tp.localDepth,
				capacity: tp.capacity, used: tp.used, growthLeft: tp.growthLeft, lengthMask: tp.lengthMask}
			ts.groups = make([]groupState[K], tp.lengthMask+1)
			for g := range ts.groups {
				readGroup(t, unsafe.Add(tp.groupsData, uintptr(g)*t.groupSize), &ts.groups[g])
			}
			s.tables = append(s.tables, ts)
		}
		s.directory = append(s.directory, i)
	}
	runtime.KeepAlive(m)
	return s
}

// iterStart starts a real iteration of m through reflect, which runs the
// runtime's Iter.Init and first Next exactly as a range loop's
// mapIterStart does (SW6.2, OR1.5), and returns the iterator with the first
// entry produced and the offsets it drew (SW6.3), dirOffset as adjusted by
// that first Next (SW6.6, SW6.13).  ok is false for an empty map, which
// draws nothing.
func iterStart[K Key](t *mapType, m map[K]int64) (it *reflect.MapIter, entryOffset, dirOffset uint64, ok bool) {
	it = reflect.ValueOf(m).MapRange()
	ok = it.Next()
	mi := (*mapIter)(unsafe.Pointer(it))
	if mi.it.typ != unsafe.Pointer(t) {
		panic("oracle-swiss: reflect.MapIter mirror: Iter.typ is not the map's type (OR1.5)")
	}
	if ok && mi.it.m != unsafe.Pointer(mapOf(m)) {
		panic("oracle-swiss: reflect.MapIter mirror: Iter.m is not the map (OR1.5)")
	}
	return it, mi.it.entryOffset, mi.it.dirOffset, ok
}

// iterKey returns the current key of a reflect map iterator as a K.
func iterKey[K Key](it *reflect.MapIter) K {
	var k K
	switch p := any(&k).(type) {
	case *int64:
		*p = it.Key().Int()
	case *string:
		*p = it.Key().String()
	}
	return k
}

// Range pins: only the low bits matter to the order (SW6.7: entryOffset is
// masked by a table's capacity <= 1024, dirOffset by dirLen - 1), so the
// scene carries these masked values.
const (
	entryOffsetMask = 1023
	dirOffsetMask   = 0x7fffffff
)

// orderOf is SW6.7's order function on a state: the full slots that a
// range with these offsets visits, in order, when nothing changes during
// the loop: the keys of the full slots it visits, in order.
func orderOf[K Key](s *mapState[K], entryOffset, dirOffset uint64) []K {
	var keys []K
	if s.used == 0 { // SW6.3: an empty map's iterator returns nothing
		return keys
	}
	if s.small != nil {
		for e := uint64(0); e < groupSlots; e++ {
			k := (e + entryOffset) % groupSlots
			if isFull(s.small.ctrl[k]) {
				keys = append(keys, s.small.keys[k])
			}
		}
		return keys
	}
	n := len(s.directory)
	d := int(dirOffset & uint64(n-1))
	// Start at the first entry of the table holding d (SW6.6), then walk the
	// distinct tables in directory order, wrapping around.
	start := s.tables[s.directory[d]].index
	for done, i := 0, start; done < n; {
		tab := s.tables[s.directory[i]]
		c := uint64(tab.capacity)
		for e := uint64(0); e < c; e++ {
			f := (e + entryOffset) & (c - 1)
			g, sl := f>>3, f&7
			if isFull(tab.groups[g].ctrl[sl]) {
				keys = append(keys, tab.groups[g].keys[sl])
			}
		}
		span := 1 << (s.globalDepth - tab.localDepth)
		done += span
		i = (i + span) % n
	}
	return keys
}
