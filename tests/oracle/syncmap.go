// The sync.Map side of the oracle: a mirror of Go 1.19's sync.Map, the
// code that reads a live one through it, and the tracer that runs
// operations on a real sync.Map and records the scene and the state after
// each op in the shape of `mapviz run --format jsonl --every op` for a
// syncmap scene (DESIGN.md: sync.Map's STATE).  Rule numbers (S5 …) refer
// to go-map-semantics.md, section S.
//
// Unlike the built-in map's trace, nothing random needs pinning: sync.Map's
// observable state (which keys read.m and dirty hold, each entry's p,
// amended, misses) depends only on the operations, never on hash seeds or
// iteration order.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"sync"
	"unsafe"
)

// smMap mirrors sync.Map of Go 1.19 (sync/map.go): the Mutex (state int32,
// sema uint32), read (an atomic.Value, i.e. one interface word pair holding
// a readOnly), dirty, misses.
type smMap struct {
	mu struct {
		state int32
		sema  uint32
	}
	read   any // atomic.Value{v any}: a sync.readOnly, or nil before the first store
	dirty  map[any]*smEntry
	misses int
}

// smReadOnly mirrors sync.readOnly.
type smReadOnly struct {
	m       map[any]*smEntry
	amended bool
}

// smEntry mirrors sync.entry: p is nil, expunged, or a *any.
type smEntry struct {
	p unsafe.Pointer
}

// smExpunged is sync's expunged sentinel (S2).
//
//go:linkname smExpunged sync.expunged
var smExpunged unsafe.Pointer

// efaceWords is an interface's two words.
type efaceWords struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

// checkSyncLayout panics unless the mirror matches this runtime's sync.Map.
func checkSyncLayout() {
	if unsafe.Sizeof(sync.Map{}) != unsafe.Sizeof(smMap{}) || unsafe.Sizeof(smMap{}) != 40 {
		panic(fmt.Sprintf("oracle: sync.Map is %d bytes, the mirror %d", unsafe.Sizeof(sync.Map{}), unsafe.Sizeof(smMap{})))
	}
	if smExpunged == nil {
		panic("oracle: sync.expunged is nil: the linkname did not resolve")
	}
	var m sync.Map
	m.Store(int64(1), int64(1))
	mm := (*smMap)(unsafe.Pointer(&m))
	if t := reflect.TypeOf(mm.read); t == nil || t.String() != "sync.readOnly" || t.Size() != unsafe.Sizeof(smReadOnly{}) {
		panic(fmt.Sprintf("oracle: sync.Map.read holds %v, not a sync.readOnly of the mirror's size", t))
	}
	if len(mm.dirty) != 1 {
		panic("oracle: sync.Map mirror: dirty does not hold the first stored key")
	}
}

// smEntryState is what an entry's p points at (S2).
type smEntryState struct {
	kind byte // 'v' value, 'n' nil, 'x' expunged
	v    int64
}

func (e smEntryState) String() string {
	switch e.kind {
	case 'v':
		return "value:" + strconv.FormatInt(e.v, 10)
	case 'n':
		return "nil"
	}
	return "expunged"
}

func readEntry(e *smEntry) smEntryState {
	switch e.p {
	case nil:
		return smEntryState{kind: 'n'}
	case smExpunged:
		return smEntryState{kind: 'x'}
	}
	switch v := (*(*any)(e.p)).(type) {
	case int64:
		return smEntryState{kind: 'v', v: v}
	default:
		panic(fmt.Sprintf("oracle: a sync.Map entry holds %T, not int64", v))
	}
}

// smState is the observable state of a sync.Map (S1).
type smState[K Key] struct {
	readSet bool // m.read has been stored (else: the zero readOnly)
	amended bool
	read    map[K]smEntryState
	dirty   map[K]smEntryState // nil when dirty is nil
	misses  int
	// entry identity: which *entry each key maps to (invariant checks)
	readPtr, dirtyPtr map[K]*smEntry
}

func anyKey[K Key](k any) K {
	kk, ok := k.(K)
	if !ok {
		panic(fmt.Sprintf("oracle: a sync.Map key is %T", k))
	}
	return kk
}

// readSyncMap reads m's state through the mirror.  The caller must not be
// using m concurrently.
func readSyncMap[K Key](m *sync.Map) *smState[K] {
	mm := (*smMap)(unsafe.Pointer(m))
	st := &smState[K]{read: map[K]smEntryState{}, readPtr: map[K]*smEntry{}, misses: mm.misses}
	if w := (*efaceWords)(unsafe.Pointer(&mm.read)); w.data != nil {
		ro := (*smReadOnly)(w.data)
		st.readSet = true
		st.amended = ro.amended
		for k, e := range ro.m {
			st.read[anyKey[K](k)] = readEntry(e)
			st.readPtr[anyKey[K](k)] = e
		}
	}
	if mm.dirty != nil {
		st.dirty = map[K]smEntryState{}
		st.dirtyPtr = map[K]*smEntry{}
		for k, e := range mm.dirty {
			st.dirty[anyKey[K](k)] = readEntry(e)
			st.dirtyPtr[anyKey[K](k)] = e
		}
	}
	return st
}

func sortedKeys[K Key](m map[K]smEntryState) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}

// appendObjKey appends a key as a JSON object key: the decimal digits of an
// int key, the string itself for a string key.
func appendObjKey[K Key](b []byte, k K) []byte {
	switch v := any(k).(type) {
	case int64:
		return appendJSONString(b, strconv.FormatInt(v, 10))
	case string:
		return appendJSONString(b, v)
	}
	panic("unreachable")
}

func appendSMEntries[K Key](b []byte, m map[K]smEntryState) []byte {
	b = append(b, '{')
	for i, k := range sortedKeys(m) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendObjKey(b, k)
		b = append(b, ':')
		b = appendJSONString(b, m[k].String())
	}
	return append(b, '}')
}

// appendSMState appends sync.Map's STATE (DESIGN.md).
func appendSMState[K Key](b []byte, st *smState[K]) []byte {
	b = append(b, `{"read":{"amended":`...)
	b = strconv.AppendBool(b, st.amended)
	b = append(b, `,"entries":`...)
	b = appendSMEntries(b, st.read)
	b = append(b, `},"dirty":`...)
	if st.dirty == nil {
		b = append(b, "null"...)
	} else {
		b = appendSMEntries(b, st.dirty)
	}
	b = append(b, `,"misses":`...)
	b = strconv.AppendInt(b, int64(st.misses), 10)
	return append(b, '}')
}

// smInvariants checks S1/S2's invariants on a state.
func smInvariants[K Key](st *smState[K]) error {
	if st.amended && st.dirty == nil {
		return fmt.Errorf("S1: amended with a nil dirty")
	}
	if st.dirty == nil {
		if st.misses != 0 {
			return fmt.Errorf("misses %d with a nil dirty", st.misses)
		}
		for k, e := range st.read {
			if e.kind == 'x' {
				return fmt.Errorf("S2: %v expunged while dirty is nil", k)
			}
		}
		return nil
	}
	if st.misses > 0 && st.misses >= len(st.dirty) {
		return fmt.Errorf("S6: misses %d >= len(dirty) %d without a promotion", st.misses, len(st.dirty))
	}
	for k, e := range st.read {
		dp, inDirty := st.dirtyPtr[k]
		switch {
		case e.kind == 'x' && inDirty:
			return fmt.Errorf("S2: %v expunged but in dirty", k)
		case e.kind != 'x' && !inDirty:
			return fmt.Errorf("S2: %v (%v) in read.m but not in dirty", k, e)
		case e.kind != 'x' && dp != st.readPtr[k]:
			return fmt.Errorf("S2: %v: read.m and dirty hold different entries", k)
		}
	}
	for k, e := range st.dirty {
		if e.kind == 'x' {
			return fmt.Errorf("S2: %v expunged in dirty", k)
		}
	}
	return nil
}

// smTracer drives one real sync.Map and records a trace of it.
type smTracer[K Key] struct {
	m     sync.Map
	scene []byte
	exp   []byte
	nops  int
	last  *smState[K]
	// check, if set, is called with the state after every op; a non-nil
	// error is kept in err.
	check func(op string, st *smState[K]) error
	err   error
}

// record appends one op: its scene line and its expected line.
func (tr *smTracer[K]) record(sceneOp []byte, op string, key *K, result []byte) {
	tr.nops++
	tr.scene = append(tr.scene, "      - "...)
	tr.scene = append(tr.scene, sceneOp...)
	tr.scene = append(tr.scene, '\n')
	st := readSyncMap[K](&tr.m)
	b := tr.exp
	b = append(b, `{"type":"op","step":`...)
	b = strconv.AppendInt(b, int64(tr.nops), 10)
	b = append(b, `,"worker":"main","op":"`...)
	b = append(b, op...)
	b = append(b, '"')
	if key != nil {
		b = append(b, `,"key":`...)
		b = appendKey(b, *key, false)
	}
	b = append(b, `,"result":`...)
	if result == nil {
		result = []byte("null")
	}
	b = append(b, result...)
	b = append(b, `,"state":`...)
	b = appendSMState(b, st)
	b = append(b, "}\n"...)
	tr.exp = b
	tr.last = st
	if tr.check != nil && tr.err == nil {
		if err := tr.check(op, st); err != nil {
			tr.err = fmt.Errorf("op %d (%s): %v", tr.nops, op, err)
		}
	}
}

// smKeyedOp formats `op: {key: K[, value: V]}`.
func smKeyedOp[K Key](op string, k K, value *int64) []byte {
	b := append([]byte(op), ": {key: "...)
	b = appendKey(b, k, true)
	if value != nil {
		b = append(b, ", value: "...)
		b = strconv.AppendInt(b, *value, 10)
	}
	return append(b, '}')
}

// valueResult is {"value":V|null,"NAME":B}.
func valueResult(v any, flag string, ok bool) []byte {
	b := []byte(`{"value":`)
	if v == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, v.(int64), 10)
	}
	b = append(b, `,"`+flag+`":`...)
	b = strconv.AppendBool(b, ok)
	return append(b, '}')
}

func (tr *smTracer[K]) store(k K, v int64) {
	tr.m.Store(k, v)
	tr.record(smKeyedOp("store", k, &v), "store", &k, nil)
}

func (tr *smTracer[K]) load(k K) (int64, bool) {
	v, ok := tr.m.Load(k)
	tr.record(smKeyedOp("load", k, nil), "load", &k, valueResult(v, "ok", ok))
	if !ok {
		return 0, false
	}
	return v.(int64), true
}

func (tr *smTracer[K]) loadOrStore(k K, v int64) (int64, bool) {
	actual, loaded := tr.m.LoadOrStore(k, v)
	tr.record(smKeyedOp("load_or_store", k, &v), "load_or_store", &k, valueResult(actual, "loaded", loaded))
	return actual.(int64), loaded
}

func (tr *smTracer[K]) loadAndDelete(k K) (int64, bool) {
	v, loaded := tr.m.LoadAndDelete(k)
	tr.record(smKeyedOp("load_and_delete", k, nil), "load_and_delete", &k, valueResult(v, "loaded", loaded))
	if !loaded {
		return 0, false
	}
	return v.(int64), true
}

func (tr *smTracer[K]) del(k K) {
	tr.m.Delete(k)
	tr.record(smKeyedOp("delete", k, nil), "delete", &k, nil)
}

// rangeAll is m.Range over every entry; the result lists the pairs in the
// order Go produced them (compare checks them as a set).
func (tr *smTracer[K]) rangeAll() (keys []K) {
	res := []byte{'['}
	tr.m.Range(func(k, v any) bool {
		if len(keys) > 0 {
			res = append(res, ',')
		}
		kk := anyKey[K](k)
		keys = append(keys, kk)
		res = append(res, '[')
		res = appendKey(res, kk, false)
		res = append(res, ',')
		res = strconv.AppendInt(res, v.(int64), 10)
		res = append(res, ']')
		return true
	})
	res = append(res, ']')
	tr.record([]byte("range: {}"), "range", nil, res)
	return keys
}

// write writes DIR/NAME.yaml and DIR/NAME.expected.jsonl.
func (tr *smTracer[K]) write(dir, name, title, keykind string) error {
	var y []byte
	y = append(y, "# Generated by tests/oracle (oracle gen) from a real Go 1.19 sync.Map.\n"...)
	y = append(y, "mapviz: 1\ntitle: "...)
	y = appendYAMLString(y, title)
	y = append(y, "\nmap: {impl: syncmap, key: "+keykind+"}\n"...)
	y = append(y, "workers:\n  - name: main\n    program:\n"...)
	y = append(y, tr.scene...)
	if err := os.WriteFile(filepath.Join(dir, name+".yaml"), y, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name+".expected.jsonl"), tr.exp, 0o644)
}
