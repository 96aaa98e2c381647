// The tracer: runs operations on a real Go 1.26 sync.Map, pins the hash Go
// used for each key, and records the scene op, the replay op and the state
// the runtime reached after it.  Optionally it runs the reference model
// (model.go) in lockstep, fed only with the pins.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// Key is a scene key type.
type Key interface{ int64 | string }

// okey is a key a workload issues: its scene key, and the Go value the
// sync.Map gets (int64(v), or a collision partner such as uint64(v), HT2.2).
type okey[K Key] struct {
	scene K
	gokey any
}

// sceneJSON is a scene key as canonical JSON.
func sceneJSON[K Key](k K) string {
	switch v := any(k).(type) {
	case int64:
		return strconv.FormatInt(v, 10)
	case string:
		return string(appendJSONString(nil, v))
	}
	panic("unreachable")
}

// appendSceneKey appends k as a YAML scalar (scene) or a replay token.
func appendSceneKey[K Key](b []byte, k K, replay bool) []byte {
	switch v := any(k).(type) {
	case int64:
		if replay {
			b = append(b, "i:"...)
		}
		return strconv.AppendInt(b, v, 10)
	case string:
		if replay {
			return appendHex(append(b, "s:"...), v)
		}
		return appendYAMLString(b, v)
	}
	panic("unreachable")
}

// stats counts what the runtime did during a trace.
type stats struct {
	ops, inits, expands, collisions, prunes, restarts, clears, ranges int
	losLoaded, losStored, casHit, casMiss, cadHit, cadMiss, deletes   int
	maxDepth, maxChain, maxEntries                                    int
}

func (s *stats) String() string {
	return fmt.Sprintf("%d ops; max depth %d, max chain %d, max %d entries; %d levels added, %d chain links, %d levels pruned, %d clears, %d ranges; load_or_store %d loaded/%d stored; cas %d/%d, cad %d/%d hit/miss",
		s.ops, s.maxDepth, s.maxChain, s.maxEntries, s.expands, s.collisions, s.prunes, s.clears, s.ranges,
		s.losLoaded, s.losStored, s.casHit, s.casMiss, s.cadHit, s.cadMiss)
}

// tracer drives one real sync.Map and records a trace of it.
type tracer[K Key] struct {
	m       *sync.Map
	h       *htMap
	sceneOf map[any]K    // Go key -> scene key
	goOf    map[K]any    // scene key -> Go key
	hashes  map[K]uint64 // scene key -> the hash pinned for it

	scene  []byte // the scene's program lines
	exp    []byte // the expected JSON Lines
	replay []byte // the replay ops (tests/oracle/hashtrie/replay/replay.c)
	st     stats
	last   *trieState
	err    error // reading the runtime failed

	contents map[K]int64 // what the map holds, from the ops' results

	quiet bool // record no files (selftests)

	model    *model
	modelErr error
}

func newTracer[K Key]() *tracer[K] {
	tr := &tracer[K]{m: new(sync.Map), sceneOf: map[any]K{}, goOf: map[K]any{}, hashes: map[K]uint64{},
		contents: map[K]int64{}}
	tr.h = trieOf(tr.m)
	tr.last, tr.err = tr.read()
	return tr
}

func (tr *tracer[K]) withModel() *tracer[K] {
	tr.model = newModel()
	return tr
}

func (tr *tracer[K]) read() (*trieState, error) {
	return readTrie(tr.h, func(k any) (string, bool) {
		s, ok := tr.sceneOf[k]
		if !ok {
			return "", false
		}
		return sceneJSON(s), true
	})
}

// inited says whether the map has drawn its seed (the first method call).
func (tr *tracer[K]) inited() bool { return tr.h.inited != 0 }

// goHash is keyHash of a Go key under the map's seed (valid once inited).
func (tr *tracer[K]) goHash(g any) uint64 { return hashOf(tr.h, g) }

// issue registers k; a scene key names one Go key for the whole trace.
func (tr *tracer[K]) issue(k okey[K]) {
	if g, ok := tr.goOf[k.scene]; ok {
		if g != k.gokey {
			panic(fmt.Sprintf("scene key %v names two Go keys: %#v and %#v", k.scene, g, k.gokey))
		}
		return
	}
	if s, ok := tr.sceneOf[k.gokey]; ok {
		panic(fmt.Sprintf("Go key %#v has two scene keys: %v and %v", k.gokey, s, k.scene))
	}
	tr.goOf[k.scene] = k.gokey
	tr.sceneOf[k.gokey] = k.scene
}

// opRec is one op as the three files and the model see it.
type opRec[K Key] struct {
	op                  string
	key                 *okey[K]
	hash                uint64
	value, old, newv    *int64
	result, modelResult []byte
}

func i64(v int64) *int64 { return &v }

func (tr *tracer[K]) record(r *opRec[K]) {
	tr.st.ops++
	prevInited := tr.last != nil && tr.last.inited
	s, err := tr.read()
	if err != nil {
		if tr.err == nil {
			tr.err = fmt.Errorf("op %d (%s): reading the trie: %v", tr.st.ops, r.op, err)
		}
		s = &trieState{}
	}
	tr.count(r.op, tr.last, s)
	if !prevInited && s.inited {
		tr.st.inits++
	}
	tr.last = s
	if tr.model != nil && tr.modelErr == nil {
		if string(r.modelResult) != string(r.result) {
			tr.modelErr = fmt.Errorf("op %d (%s): result: runtime %s, model %s", tr.st.ops, r.op, r.result, r.modelResult)
		} else if d := diffStates(s, tr.model.state()); d != nil {
			tr.modelErr = fmt.Errorf("op %d (%s): runtime vs model: %v", tr.st.ops, r.op, d)
		}
	}
	if tr.quiet {
		return
	}
	// the scene
	y := append(tr.scene, "      - "...)
	y = append(y, r.op...)
	y = append(y, ": {"...)
	sep := ""
	field := func(name string) {
		y = append(y, sep...)
		y = append(y, name...)
		y = append(y, ": "...)
		sep = ", "
	}
	if r.key != nil {
		field("key")
		y = appendSceneKey(y, r.key.scene, false)
	}
	if r.value != nil {
		field("value")
		y = strconv.AppendInt(y, *r.value, 10)
	}
	if r.old != nil {
		field("old")
		y = strconv.AppendInt(y, *r.old, 10)
	}
	if r.newv != nil {
		field("new")
		y = strconv.AppendInt(y, *r.newv, 10)
	}
	if r.key != nil {
		field("hash")
		y = appendHash(y, r.hash)
	}
	tr.scene = append(y, "}\n"...)
	// the replay
	p := append(tr.replay, r.op...)
	if r.key != nil {
		p = appendSceneKey(append(p, ' '), r.key.scene, true)
	}
	for _, v := range []*int64{r.value, r.old, r.newv} {
		if v != nil {
			p = strconv.AppendInt(append(p, ' '), *v, 10)
		}
	}
	if r.key != nil {
		p = appendHash(append(p, ' '), r.hash)
	}
	tr.replay = append(p, '\n')
	// the expected line
	b := append(tr.exp, `{"type":"op","step":`...)
	b = strconv.AppendInt(b, int64(tr.st.ops), 10)
	b = append(b, `,"worker":"main","op":"`...)
	b = append(b, r.op...)
	b = append(b, '"')
	if r.key != nil {
		b = append(b, `,"key":`...)
		b = append(b, sceneJSON(r.key.scene)...)
		b = append(b, `,"hash":"`...)
		b = appendHash(b, r.hash)
		b = append(b, '"')
	}
	for i, v := range []*int64{r.value, r.old, r.newv} {
		if v != nil {
			b = append(b, `,"`...)
			b = append(b, []string{"value", "old", "new"}[i]...)
			b = append(b, `":`...)
			b = strconv.AppendInt(b, *v, 10)
		}
	}
	b = append(b, `,"result":`...)
	if r.result == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, r.result...)
	}
	b = append(b, `,"state":`...)
	b = appendState(b, s)
	tr.exp = append(b, "}\n"...)
}

// shape counts a tree: indirect nodes, entries, the longest chain, and
// chain links (entries beyond the first of each chain).
func shape(n *tnode) (inds, ents, chain, links int) {
	if n == nil {
		return
	}
	if n.ind == nil {
		return 0, len(n.ents), len(n.ents), len(n.ents) - 1
	}
	inds = 1
	for _, c := range n.ind {
		i, e, ch, l := shape(c)
		inds += i
		ents += e
		chain = max(chain, ch)
		links += l
	}
	return
}

func (tr *tracer[K]) count(op string, p, s *trieState) {
	st := &tr.st
	pi, _, _, pl := shape(p.root)
	si, se, sc, sl := shape(s.root)
	st.maxDepth = max(st.maxDepth, depthOf(s.root))
	st.maxChain = max(st.maxChain, sc)
	st.maxEntries = max(st.maxEntries, se)
	switch op {
	case "clear":
		st.clears++
	case "store", "swap", "load_or_store":
		if si > pi && p.root != nil {
			st.expands += si - pi
		}
		st.collisions += max(0, sl-pl)
	case "delete", "load_and_delete", "compare_and_delete":
		if si < pi {
			st.prunes += pi - si
		}
	}
}

// hashFor is the hash of k for its op: Go's, after the op (the op inits the
// map if need be, and the seed never changes after, HT2.3).
func (tr *tracer[K]) hashFor(k okey[K]) uint64 {
	h := tr.goHash(k.gokey)
	tr.hashes[k.scene] = h
	return h
}

// loadResult formats load's {"value":V|null,"ok":B}.
func loadResult(v int64, ok bool) []byte {
	return []byte(fmt.Sprintf(`{"value":%s,"ok":%v}`, nullable(v, ok), ok))
}

func anyInt(v any) int64 {
	if v == nil {
		return 0
	}
	return v.(int64)
}

func (tr *tracer[K]) store(k okey[K], v int64) {
	tr.issue(k)
	tr.m.Store(k.gokey, v)
	h := tr.hashFor(k)
	tr.contents[k.scene] = v
	r := &opRec[K]{op: "store", key: &k, hash: h, value: i64(v)}
	if tr.model != nil {
		tr.model.swap(sceneJSON(k.scene), h, v)
	}
	tr.record(r)
}

func (tr *tracer[K]) load(k okey[K]) (int64, bool) {
	tr.issue(k)
	v, ok := tr.m.Load(k.gokey)
	h := tr.hashFor(k)
	r := &opRec[K]{op: "load", key: &k, hash: h, result: loadResult(anyInt(v), ok)}
	if tr.model != nil {
		mv, mok := tr.model.load(sceneJSON(k.scene), h)
		r.modelResult = loadResult(mv, mok)
	}
	tr.record(r)
	return anyInt(v), ok
}

func (tr *tracer[K]) loadOrStore(k okey[K], v int64) (int64, bool) {
	tr.issue(k)
	a, loaded := tr.m.LoadOrStore(k.gokey, v)
	h := tr.hashFor(k)
	actual := anyInt(a)
	if loaded {
		tr.st.losLoaded++
	} else {
		tr.st.losStored++
		tr.contents[k.scene] = v
	}
	res := []byte(fmt.Sprintf(`{"value":%d,"loaded":%v}`, actual, loaded))
	r := &opRec[K]{op: "load_or_store", key: &k, hash: h, value: i64(v), result: res}
	if tr.model != nil {
		ma, ml := tr.model.loadOrStore(sceneJSON(k.scene), h, v)
		r.modelResult = []byte(fmt.Sprintf(`{"value":%d,"loaded":%v}`, ma, ml))
	}
	tr.record(r)
	return actual, loaded
}

func nullable(v int64, ok bool) string {
	if !ok {
		return "null"
	}
	return strconv.FormatInt(v, 10)
}

func (tr *tracer[K]) loadAndDelete(k okey[K]) (int64, bool) {
	tr.issue(k)
	v, loaded := tr.m.LoadAndDelete(k.gokey)
	h := tr.hashFor(k)
	delete(tr.contents, k.scene)
	r := &opRec[K]{op: "load_and_delete", key: &k, hash: h,
		result: []byte(fmt.Sprintf(`{"value":%s,"loaded":%v}`, nullable(anyInt(v), loaded), loaded))}
	if tr.model != nil {
		mv, ml := tr.model.loadAndDelete(sceneJSON(k.scene), h)
		r.modelResult = []byte(fmt.Sprintf(`{"value":%s,"loaded":%v}`, nullable(mv, ml), ml))
	}
	tr.record(r)
	return anyInt(v), loaded
}

func (tr *tracer[K]) del(k okey[K]) {
	tr.issue(k)
	tr.m.Delete(k.gokey)
	h := tr.hashFor(k)
	delete(tr.contents, k.scene)
	tr.st.deletes++
	if tr.model != nil {
		tr.model.loadAndDelete(sceneJSON(k.scene), h)
	}
	tr.record(&opRec[K]{op: "delete", key: &k, hash: h})
}

func (tr *tracer[K]) swap(k okey[K], v int64) (int64, bool) {
	tr.issue(k)
	p, loaded := tr.m.Swap(k.gokey, v)
	h := tr.hashFor(k)
	tr.contents[k.scene] = v
	r := &opRec[K]{op: "swap", key: &k, hash: h, value: i64(v),
		result: []byte(fmt.Sprintf(`{"previous":%s,"loaded":%v}`, nullable(anyInt(p), loaded), loaded))}
	if tr.model != nil {
		mp, ml := tr.model.swap(sceneJSON(k.scene), h, v)
		r.modelResult = []byte(fmt.Sprintf(`{"previous":%s,"loaded":%v}`, nullable(mp, ml), ml))
	}
	tr.record(r)
	return anyInt(p), loaded
}

func (tr *tracer[K]) compareAndSwap(k okey[K], old, nv int64) bool {
	tr.issue(k)
	ok := tr.m.CompareAndSwap(k.gokey, old, nv)
	h := tr.hashFor(k)
	if ok {
		tr.contents[k.scene] = nv
		tr.st.casHit++
	} else {
		tr.st.casMiss++
	}
	r := &opRec[K]{op: "compare_and_swap", key: &k, hash: h, old: i64(old), newv: i64(nv),
		result: []byte(fmt.Sprintf(`{"swapped":%v}`, ok))}
	if tr.model != nil {
		r.modelResult = []byte(fmt.Sprintf(`{"swapped":%v}`, tr.model.compareAndSwap(sceneJSON(k.scene), h, old, nv)))
	}
	tr.record(r)
	return ok
}

func (tr *tracer[K]) compareAndDelete(k okey[K], old int64) bool {
	tr.issue(k)
	ok := tr.m.CompareAndDelete(k.gokey, old)
	h := tr.hashFor(k)
	if ok {
		delete(tr.contents, k.scene)
		tr.st.cadHit++
	} else {
		tr.st.cadMiss++
	}
	r := &opRec[K]{op: "compare_and_delete", key: &k, hash: h, old: i64(old),
		result: []byte(fmt.Sprintf(`{"deleted":%v}`, ok))}
	if tr.model != nil {
		r.modelResult = []byte(fmt.Sprintf(`{"deleted":%v}`, tr.model.compareAndDelete(sceneJSON(k.scene), h, old)))
	}
	tr.record(r)
	return ok
}

// rangeResult formats {"keys":[...],"values":[...]}.
func rangeResult(keys []string, vals []int64) []byte {
	b := []byte(`{"keys":[`)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, k...)
	}
	b = append(b, `],"values":[`...)
	for i, v := range vals {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, v, 10)
	}
	return append(b, "]}"...)
}

// rangeAll is a whole m.Range; the keys in Go's order.
func (tr *tracer[K]) rangeAll() []K {
	var keys []K
	var names []string
	var vals []int64
	tr.m.Range(func(k, v any) bool {
		s, ok := tr.sceneOf[k]
		if !ok {
			panic(fmt.Sprintf("Range produced a key the tracer never issued: %#v", k))
		}
		keys = append(keys, s)
		names = append(names, sceneJSON(s))
		vals = append(vals, v.(int64))
		return true
	})
	tr.st.ranges++
	r := &opRec[K]{op: "range", result: rangeResult(names, vals)}
	if tr.model != nil {
		mk, mv := tr.model.rangeAll()
		r.modelResult = rangeResult(mk, mv)
	}
	tr.record(r)
	return keys
}

func (tr *tracer[K]) clear() {
	tr.m.Clear()
	clear(tr.contents)
	if tr.model != nil {
		tr.model.clear()
	}
	tr.record(&opRec[K]{op: "clear"})
}

// write writes DIR/NAME.yaml, DIR/NAME.expected.jsonl and DIR/NAME.ops.
func (tr *tracer[K]) write(dir, name, title, keykind string) error {
	var y []byte
	y = append(y, "# Generated by tests/oracle/hashtrie (oracle-hashtrie gen): the hashes are\n"...)
	y = append(y, "# the ones Go 1.26's sync.Map used in this run (keyHash under its seed).\n"...)
	y = append(y, "mapviz: 1\ngo: \"1.26\"\ntitle: "...)
	y = appendYAMLString(y, title)
	y = append(y, "\nmap: {impl: syncmap, key: "+keykind+"}\n"...)
	y = append(y, "workers:\n  - name: main\n    program:\n"...)
	y = append(y, tr.scene...)
	if err := os.WriteFile(filepath.Join(dir, name+".yaml"), y, 0o644); err != nil {
		return err
	}
	exp := []byte(`{"type":"scene","state":`)
	exp = appendState(exp, &trieState{})
	exp = append(exp, "}\n"...)
	exp = append(exp, tr.exp...)
	if err := os.WriteFile(filepath.Join(dir, name+".expected.jsonl"), exp, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name+".ops"), append([]byte("# keys: "+keykind+"\n"), tr.replay...), 0o644)
}
