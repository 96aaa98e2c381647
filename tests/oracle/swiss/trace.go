// The tracer: runs operations on a real Go 1.26 map, pins the hashes and
// iterator offsets the runtime used, and records the scene op and the state
// the runtime reached after it.  Optionally it runs the reference model
// (model.go) in lockstep, fed only with the pins.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// The map operations, written as plain m[k] = v, delete(m, k), clear(m),
// v, ok := m[k] in non-generic functions, so the compiler picks
// mapassign_fast64 / mapassign_faststr, the paths that prune tombstones
// (OR3.2, SW4.5, SW4.14); the selftest checks that pruning happens through
// them.  No `for k := range m { delete(m, k) }` anywhere: that would become
// clear (SW4.12).  Out of line so the maps escape (OR3.1).

//go:noinline
func storeInt(m map[int64]int64, k, v int64) { m[k] = v }

//go:noinline
func storeStr(m map[string]int64, k string, v int64) { m[k] = v }

//go:noinline
func loadInt(m map[int64]int64, k int64) (int64, bool) { v, ok := m[k]; return v, ok }

//go:noinline
func loadStr(m map[string]int64, k string) (int64, bool) { v, ok := m[k]; return v, ok }

//go:noinline
func deleteInt(m map[int64]int64, k int64) { delete(m, k) }

//go:noinline
func deleteStr(m map[string]int64, k string) { delete(m, k) }

//go:noinline
func clearInt(m map[int64]int64) { clear(m) }

//go:noinline
func clearStr(m map[string]int64) { clear(m) }

// makeMap is make(map[K]int64, hint) with a run-time hint, out of line so
// the map escapes: a non-escaping map would get a stack group at once
// (SW2.2, OR3.1), which the model (like the visualizer) does not have.
//
//go:noinline
func makeMap[K Key](hint int) map[K]int64 {
	return make(map[K]int64, hint)
}

// stats counts what the runtime did during a trace, seen from the state
// after each op.
type stats struct {
	ops, conversions, grows, splits, dirDoublings, prunes, tombstones, reseeds, clears, ranges int
	maxTables                                                                                  int
}

func (s *stats) String() string {
	return fmt.Sprintf("%d ops; %d conversions, %d grows, %d splits (%d dir doublings), %d tombstones, %d prunes, %d reseeds, %d clears, %d ranges, max %d tables",
		s.ops, s.conversions, s.grows, s.splits, s.dirDoublings, s.tombstones, s.prunes, s.reseeds, s.clears, s.ranges, s.maxTables)
}

// tracer drives one real map and records a trace of it.
type tracer[K Key] struct {
	t    *mapType
	m    map[K]int64
	hint int

	scene []byte // the scene's program lines
	exp   []byte // the expected JSON Lines
	st    stats
	last  *mapState[K] // the state after the latest op

	// quiet: record no scene and no trace (selftests that only want the
	// map and its state).
	quiet bool

	// model, if set, is run in lockstep; modelOut gets its trace, and
	// modelErr the first disagreement.
	model    *model[K]
	modelOut []byte
	modelErr error
	// check, if set, is called after every op with the op's name and the
	// states before and after; a non-nil error is kept in checkErr.
	check    func(op string, prev, cur *mapState[K]) error
	checkErr error
}

func newTracer[K Key](hint int) *tracer[K] {
	tr := &tracer[K]{t: mapTypeOf[K](), m: makeMap[K](hint), hint: hint}
	tr.last = snapshot(tr.t, tr.m)
	return tr
}

// withModel turns on the lockstep model.
func (tr *tracer[K]) withModel() *tracer[K] {
	tr.model = newModel[K](tr.hint)
	if err := diffStates(tr.last, tr.model.state()); err != "" {
		tr.modelErr = fmt.Errorf("after make(map, %d): %s", tr.hint, err)
	}
	return tr
}

func (tr *tracer[K]) seed() uintptr { return mapOf(tr.m).seed }

// hash is the runtime's hash of k under the map's current seed (OR1.3).
func (tr *tracer[K]) hash(k K) uint64 { return hashOf(tr.t, tr.seed(), k) }

// opLine is the identity of one op, for the expected and the model line.
type opLine[K Key] struct {
	op     string
	key    *K
	hash   uint64
	value  *int64
	result []byte
}

func appendOpLine[K Key](b []byte, n int, l *opLine[K], s *mapState[K]) []byte {
	b = append(b, `{"type":"op","step":`...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, `,"worker":"main","op":"`...)
	b = append(b, l.op...)
	b = append(b, '"')
	if l.key != nil {
		b = append(b, `,"key":`...)
		b = appendKey(b, *l.key, false)
		b = append(b, `,"hash":"`...)
		b = appendHash(b, l.hash)
		b = append(b, '"')
	}
	if l.value != nil {
		b = append(b, `,"value":`...)
		b = strconv.AppendInt(b, *l.value, 10)
	}
	b = append(b, `,"result":`...)
	if l.result == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, l.result...)
	}
	b = append(b, `,"state":`...)
	b = appendState(b, s)
	return append(b, "}\n"...)
}

// record appends one op: its scene line and its expected line, with the
// state read after the op; mres is the model's result for the same op.
func (tr *tracer[K]) record(sceneOp []byte, l *opLine[K], mres []byte) {
	tr.st.ops++
	s := snapshot(tr.t, tr.m)
	tr.count(l.op, tr.last, s)
	if tr.check != nil && tr.checkErr == nil {
		if err := tr.check(l.op, tr.last, s); err != nil {
			tr.checkErr = fmt.Errorf("op %d (%s): %v", tr.st.ops, l.op, err)
		}
	}
	tr.last = s
	if !tr.quiet {
		tr.scene = append(tr.scene, "      - "...)
		tr.scene = append(tr.scene, sceneOp...)
		tr.scene = append(tr.scene, '\n')
		tr.exp = appendOpLine(tr.exp, tr.st.ops, l, s)
	}
	if tr.model != nil {
		ms := tr.model.state()
		if tr.modelErr == nil {
			if string(mres) != string(l.result) {
				tr.modelErr = fmt.Errorf("op %d (%s): result: runtime %s, model %s", tr.st.ops, l.op, l.result, mres)
			} else if err := diffStates(s, ms); err != "" {
				tr.modelErr = fmt.Errorf("op %d (%s): %s", tr.st.ops, l.op, err)
			}
		}
		if !tr.quiet {
			ml := *l
			ml.result = mres
			tr.modelOut = appendOpLine(tr.modelOut, tr.st.ops, &ml, ms)
		}
	}
}

// count updates the statistics from the states before and after an op.
func (tr *tracer[K]) count(op string, p, s *mapState[K]) {
	st := &tr.st
	if p.small != nil && len(s.tables) > 0 {
		st.conversions++
	}
	if s.seed != p.seed {
		st.reseeds++
	}
	if s.clearSeq != p.clearSeq {
		st.clears++
	}
	if s.globalDepth > p.globalDepth && p.dirLen > 0 {
		st.dirDoublings += int(s.globalDepth - p.globalDepth)
	}
	if len(s.tables) > st.maxTables {
		st.maxTables = len(s.tables)
	}
	old := map[any]*tableState[K]{}
	for _, t := range p.tables {
		old[t.ptr] = t
	}
	newTabs := 0
	for _, t := range s.tables {
		o := old[t.ptr]
		if o == nil {
			newTabs++
			continue
		}
		delete(old, t.ptr)
		if op == "store" && t.growthLeft > o.growthLeft {
			st.prunes++ // a store only lowers growthLeft, unless it pruned (SW4.15)
		}
		if op == "delete" {
			st.tombstones += max(0, t.tombstones()-o.tombstones())
		}
	}
	// Each replaced table was grown (one new table) or split (two) (SW5.4,
	// SW5.6); a split's halves have 1024 slots and localDepth+1.
	for _, o := range old {
		if o.capacity == maxTableCapacity {
			st.splits++
		} else {
			st.grows++
		}
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
	switch m := any(tr.m).(type) {
	case map[int64]int64:
		storeInt(m, any(k).(int64), v)
	case map[string]int64:
		storeStr(m, any(k).(string), v)
	}
	if tr.model != nil {
		tr.model.store(k, v, hash)
	}
	tr.record(keyedOp("store", k, &v, hash), &opLine[K]{op: "store", key: &k, hash: hash, value: &v}, nil)
}

func loadResult(v int64, ok bool) []byte {
	if !ok {
		v = 0
	}
	res := append([]byte(`{"value":`), strconv.FormatInt(v, 10)...)
	res = append(res, `,"ok":`...)
	res = strconv.AppendBool(res, ok)
	return append(res, '}')
}

// load is v, ok := m[k].
func (tr *tracer[K]) load(k K) (int64, bool) {
	hash := tr.hash(k)
	var v int64
	var ok bool
	switch m := any(tr.m).(type) {
	case map[int64]int64:
		v, ok = loadInt(m, any(k).(int64))
	case map[string]int64:
		v, ok = loadStr(m, any(k).(string))
	}
	var mres []byte
	if tr.model != nil {
		mres = loadResult(tr.model.load(k, hash))
	}
	tr.record(keyedOp[K]("load", k, nil, hash), &opLine[K]{op: "load", key: &k, hash: hash, result: loadResult(v, ok)}, mres)
	return v, ok
}

// del is delete(m, k).
func (tr *tracer[K]) del(k K) {
	hash := tr.hash(k)
	switch m := any(tr.m).(type) {
	case map[int64]int64:
		deleteInt(m, any(k).(int64))
	case map[string]int64:
		deleteStr(m, any(k).(string))
	}
	if tr.model != nil {
		tr.model.del(k, hash)
	}
	tr.record(keyedOp[K]("delete", k, nil, hash), &opLine[K]{op: "delete", key: &k, hash: hash}, nil)
}

// clear is clear(m) (SW8.1).
func (tr *tracer[K]) clear() {
	switch m := any(tr.m).(type) {
	case map[int64]int64:
		clearInt(m)
	case map[string]int64:
		clearStr(m)
	}
	if tr.model != nil {
		tr.model.clear()
	}
	tr.record([]byte("clear: {}"), &opLine[K]{op: "clear"}, nil)
}

// length is len(m).
func (tr *tracer[K]) length() int {
	n := len(tr.m)
	res := []byte(strconv.Itoa(n))
	var mres []byte
	if tr.model != nil {
		mres = []byte(strconv.FormatUint(tr.model.used, 10))
	}
	tr.record([]byte("len: {}"), &opLine[K]{op: "len", result: res}, mres)
	return n
}

// rangeResult formats [[k,v],...].
func rangeResult[K Key](keys []K, vals []int64) []byte {
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
	return append(res, ']')
}

// rangeAll is a full `for k, v := range m`, through reflect so that the
// iterator's random offsets can be read and pinned (OR1.5).  It returns the
// keys in the order the runtime produced them.
func (tr *tracer[K]) rangeAll() []K {
	it, eo, do, ok := iterStart(tr.t, tr.m)
	var keys []K
	var vals []int64
	for more := ok; more; more = it.Next() {
		keys = append(keys, iterKey[K](it))
		vals = append(vals, it.Value().Int())
	}
	op := []byte("range: {}")
	if ok {
		eo &= entryOffsetMask
		do &= dirOffsetMask
		op = []byte("range: {iter: {entryOffset: " + strconv.FormatUint(eo, 10) +
			", dirOffset: " + strconv.FormatUint(do, 10) + "}}")
	}
	tr.st.ranges++
	var mres []byte
	if tr.model != nil {
		// SW6.7 on the model's state, with the masked pins, as mapviz gets them.
		mk := orderOf(tr.model.state(), eo, do)
		mres = rangeResult(mk, modelValues(tr.model, mk))
	}
	tr.record(op, &opLine[K]{op: "range", result: rangeResult(keys, vals)}, mres)
	return keys
}

// modelValues finds the values of keys in the model by scanning its slots.
func modelValues[K Key](m *model[K], keys []K) []int64 {
	val := map[K]int64{}
	scan := func(g *mGroup[K]) {
		for i := 0; i < groupSlots; i++ {
			if isFull(g.ctrl[i]) {
				val[g.keys[i]] = g.vals[i]
			}
		}
	}
	if m.small != nil {
		scan(m.small)
	}
	for _, t := range m.dir {
		for gi := range t.groups {
			scan(&t.groups[gi])
		}
	}
	out := make([]int64, len(keys))
	for i, k := range keys {
		out[i] = val[k]
	}
	return out
}

// write writes DIR/NAME.yaml and DIR/NAME.expected.jsonl (and, with a model,
// modelFile).
func (tr *tracer[K]) write(dir, name, title, keykind, modelFile string) error {
	var y []byte
	y = append(y, "# Generated by tests/oracle/swiss (oracle-swiss gen): the hashes and the\n"...)
	y = append(y, "# iterator offsets are the ones Go 1.26's runtime used in this run.\n"...)
	y = append(y, "mapviz: 1\ngo: \"1.26\"\ntitle: "...)
	y = appendYAMLString(y, title)
	y = append(y, "\nmap: {impl: gomap, key: "+keykind+", hint: "+strconv.Itoa(tr.hint)+"}\n"...)
	y = append(y, "workers:\n  - name: main\n    program:\n"...)
	y = append(y, tr.scene...)
	if err := os.WriteFile(filepath.Join(dir, name+".yaml"), y, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, name+".expected.jsonl"), tr.exp, 0o644); err != nil {
		return err
	}
	if modelFile != "" {
		return os.WriteFile(modelFile, tr.modelOut, 0o644)
	}
	return nil
}
