// The tracer: runs operations on a real Go map, pins the hash and random
// draws the runtime used, and records both the scene op and the state the
// runtime reached after it.
package main

import (
	"os"
	"path/filepath"
	"strconv"
)

// tracer drives one real map and records a trace of it.
type tracer[K Key] struct {
	t     *maptype
	m     map[K]int64
	scene []byte // the scene's program lines
	exp   []byte // the expected JSON Lines
	nops  int

	// check, if set, is called with the state after every operation
	// (the selftest's invariant checks); a non-nil error aborts.
	check func(tr *tracer[K], op string, s *mapState[K]) error
	err   error
	// last is the state after the latest operation.
	last *mapState[K]
	// quiet: record nothing (no scene, no trace, no state, no counts);
	// for self-tests that only want the map.
	quiet bool
	// grows and sameSizeGrows count the grows started so far: hashGrow
	// is the only thing that replaces a non-nil bucket array (M7.1).
	grows, sameSizeGrows int
}

// makeMap is make(map[K]int64, hint) with a run-time hint, kept out of line
// so the map always escapes to the heap: a non-escaping map with a small
// hint would get a stack bucket at creation (M3.3), which the model (like
// the visualizer) does not have.
//
//go:noinline
func makeMap[K Key](hint int) map[K]int64 {
	return make(map[K]int64, hint)
}

func newTracer[K Key](hint int) *tracer[K] {
	return &tracer[K]{t: maptypeOf[K](), m: makeMap[K](hint)}
}

func (tr *tracer[K]) h() *hmap { return hmapOf(tr.m) }

// hash is the runtime's hash of k under the map's current hash0.
func (tr *tracer[K]) hash(k K) uint64 { return hashOf(tr.t, tr.h(), k) }

// B and growing read the live header.
func (tr *tracer[K]) B() uint8      { return tr.h().B }
func (tr *tracer[K]) growing() bool { return tr.h().oldbuckets != nil }

// record appends one op: its scene line (sceneOp, the op's YAML mapping
// entry) and its expected JSON line, with the state read after the op.
func (tr *tracer[K]) record(sceneOp []byte, op string, key *K, hash uint64, result []byte) {
	tr.nops++
	if tr.quiet {
		return
	}
	tr.scene = append(tr.scene, "      - "...)
	tr.scene = append(tr.scene, sceneOp...)
	tr.scene = append(tr.scene, '\n')

	s := snapshot(tr.t, tr.m)
	b := tr.exp
	b = append(b, `{"type":"op","step":`...)
	b = strconv.AppendInt(b, int64(tr.nops), 10)
	b = append(b, `,"worker":"main","op":"`...)
	b = append(b, op...)
	b = append(b, '"')
	if key != nil {
		b = append(b, `,"key":`...)
		b = appendKey(b, *key, false)
		b = append(b, `,"hash":"`...)
		b = appendHash(b, hash)
		b = append(b, '"')
	}
	b = append(b, `,"result":`...)
	if result == nil {
		result = []byte("null")
	}
	b = append(b, result...)
	b = append(b, `,"state":`...)
	b = appendState(b, s)
	b = append(b, "}\n"...)
	tr.exp = b
	if p := tr.last; p != nil && p.bucketsAddr != 0 && s.bucketsAddr != p.bucketsAddr {
		tr.grows++
		if s.B == p.B {
			tr.sameSizeGrows++
		}
	}
	tr.last = s
	if tr.check != nil && tr.err == nil {
		tr.err = tr.check(tr, op, s)
	}
}

// keyedOp formats `op: {key: K, [value: V, ]hash: 0x…}`.
func keyedOp[K Key](op string, k K, value *int64, hash uint64) []byte {
	b := append([]byte(op), ": {key: "...)
	b = appendKey(b, k, true)
	if value != nil {
		b = append(b, ", value: "...)
		b = strconv.AppendInt(b, *value, 10)
	}
	b = append(b, ", hash: "...)
	b = appendHash(b, hash)
	return append(b, '}')
}

// store is m[k] = v.
func (tr *tracer[K]) store(k K, v int64) {
	hash := tr.hash(k)
	tr.m[k] = v
	tr.record(keyedOp("store", k, &v, hash), "store", &k, hash, nil)
}

// load is v, ok := m[k].
func (tr *tracer[K]) load(k K) (int64, bool) {
	hash := tr.hash(k)
	v, ok := tr.m[k]
	res := append([]byte(`{"value":`), strconv.FormatInt(v, 10)...)
	res = append(res, `,"ok":`...)
	res = strconv.AppendBool(res, ok)
	res = append(res, '}')
	tr.record(keyedOp("load", k, nil, hash), "load", &k, hash, res)
	return v, ok
}

// del is delete(m, k).
func (tr *tracer[K]) del(k K) {
	hash := tr.hash(k)
	delete(tr.m, k)
	tr.record(keyedOp("delete", k, nil, hash), "delete", &k, hash, nil)
}

// length is len(m).
func (tr *tracer[K]) length() int {
	n := len(tr.m)
	tr.record([]byte("len: {}"), "len", nil, 0, []byte(strconv.Itoa(n)))
	return n
}

// rangeAll is a full `for k, v := range m` (through reflect, so the random
// start bucket and offset can be read and pinned, M9.3).  It returns the
// entries in the order the runtime produced them.
func (tr *tracer[K]) rangeAll() (keys []K, vals []int64) {
	it, start, offset, ok := iterStart(tr.t, tr.m)
	for more := ok; more; more = it.Next() {
		keys = append(keys, iterKey[K](it))
		vals = append(vals, it.Value().Int())
	}
	op := []byte("range: {}")
	if ok {
		op = []byte("range: {start: " + strconv.FormatUint(uint64(start), 10) +
			", offset: " + strconv.Itoa(int(offset)) + "}")
	}
	res := []byte{'['}
	for i := range keys {
		if i > 0 {
			res = append(res, ',')
		}
		res = append(res, '[')
		res = appendKey(res, keys[i], false)
		res = append(res, ',')
		res = strconv.AppendInt(res, vals[i], 10)
		res = append(res, ']')
	}
	res = append(res, ']')
	tr.record(op, "range", nil, 0, res)
	return keys, vals
}

// clear runs `for k := range m { delete(m, k) }`, which the compiler turns
// into runtime.mapclear (M10).
func (tr *tracer[K]) clear() {
	switch m := interface{}(tr.m).(type) {
	case map[int64]int64:
		clearInt(m)
	case map[string]int64:
		clearString(m)
	}
	tr.record([]byte("clear: {}"), "clear", nil, 0, nil)
}

// clearInt and clearString must keep the exact loop shape the compiler
// recognizes (walk/range.go isMapClear), and must not be inlined: an
// inlined copy no longer declares its key variable in the range statement,
// so it compiles to a real range+delete loop (iterator flags set, hash0
// reseeded by the last delete, noverflow kept).  `oracle selftest` checks
// that the call really is mapclear (M10.2).
//
//go:noinline
func clearInt(m map[int64]int64) {
	for k := range m {
		delete(m, k)
	}
}

//go:noinline
func clearString(m map[string]int64) {
	for k := range m {
		delete(m, k)
	}
}

// write writes DIR/NAME.yaml and DIR/NAME.expected.jsonl.
func (tr *tracer[K]) write(dir, name, title, keykind string, hint int, seed uint32) error {
	var y []byte
	y = append(y, "# Generated by tests/oracle (oracle gen); the hashes and iteration\n"...)
	y = append(y, "# start points are the ones Go 1.19's runtime used.\n"...)
	y = append(y, "mapviz: 1\ntitle: "...)
	y = appendYAMLString(y, title)
	y = append(y, "\nmap: {impl: gomap, key: "+keykind+", hint: "+strconv.Itoa(hint)+
		", seed: "+strconv.FormatUint(uint64(seed), 10)+"}\n"...)
	y = append(y, "workers:\n  - name: main\n    program:\n"...)
	y = append(y, tr.scene...)
	if err := os.WriteFile(filepath.Join(dir, name+".yaml"), y, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name+".expected.jsonl"), tr.exp, 0o644)
}
