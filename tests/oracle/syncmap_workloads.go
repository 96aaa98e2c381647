// The sync.Map workloads: seeded op sequences on a real sync.Map, each aimed
// at one part of its protocol (go-map-semantics.md S5–S11, T6).  As with
// the built-in map's workloads, a workload only chooses operations; the
// tracer runs them.  Choices that look at the map's state (keep missing
// until dirty is promoted, pick an expunged key) read the state the tracer
// recorded, so a seed reproduces a trace exactly: nothing in sync.Map's
// observable state is random.
package main

import (
	"fmt"
	"hash/fnv"
	"math/rand"
	"os"
	"strconv"
)

type smWorkload struct {
	name string
	doc  string
	ints func(*smWork[int64])
	strs func(*smWork[string])
}

var smWorkloads = []smWorkload{
	{"syncmap-t6", "go-map-semantics.md T6 exactly, then again with every key revisited", smT6[int64], smT6[string]},
	{"syncmap-promote", "batches of new keys, then misses (hits and absent keys) until dirty is promoted", smPromote[int64], smPromote[string]},
	{"syncmap-expunge", "deletes in read.m, dirtyLocked expunging them, unexpunge by Store and LoadOrStore", smExpunge[int64], smExpunge[string]},
	{"syncmap-range", "Range with and without promotion between stores, deletes and loads", smRange[int64], smRange[string]},
	{"syncmap-readheavy", "mostly loads of present keys (lock-free), a few writes and misses", smReadHeavy[int64], smReadHeavy[string]},
	{"syncmap-writeheavy", "mostly new keys, updates and deletes; dirty rebuilt often", smWriteHeavy[int64], smWriteHeavy[string]},
	{"syncmap-loadorstore", "LoadOrStore on new, present, deleted, expunged and dirty-only keys", smLoadOrStore[int64], smLoadOrStore[string]},
	{"syncmap-mixed", "a random mix of every operation over a small key pool", smMixed[int64], smMixed[string]},
}

func findSMWorkload(name string) *smWorkload {
	for i := range smWorkloads {
		if smWorkloads[i].name == name {
			return &smWorkloads[i]
		}
	}
	return nil
}

// cmdGenSM is `oracle gen` for a sync.Map workload.
func cmdGenSM(w *smWorkload, seedArg, keys, out string) int {
	seed, err := strconv.ParseUint(seedArg, 10, 64)
	if err != nil || (keys != "int" && keys != "string") {
		fmt.Fprintf(os.Stderr, "oracle gen: need a decimal -seed and -keys int|string\n")
		return 2
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "oracle gen:", err)
		return 2
	}
	h := fnv.New64a()
	h.Write([]byte(w.name))
	rseed := int64(seed ^ h.Sum64())
	title := fmt.Sprintf("oracle %s %s seed %d", w.name, keys, seed)
	var nops int
	if keys == "int" {
		nops, err = genSM(w, w.ints, rseed, out, title, "int")
	} else {
		nops, err = genSM(w, w.strs, rseed, out, title, "string")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "oracle gen:", err)
		return 2
	}
	fmt.Printf("%s/%s: %d ops\n", w.name, keys, nops)
	return 0
}

func genSM[K Key](w *smWorkload, run func(*smWork[K]), seed int64, dir, title, keykind string) (int, error) {
	tr := &smTracer[K]{check: func(_ string, st *smState[K]) error { return smInvariants(st) }}
	run(newSMWork(tr, seed))
	if tr.err != nil {
		return 0, fmt.Errorf("a sync.Map invariant failed (the mirror or the document is wrong): %v", tr.err)
	}
	return tr.nops, tr.write(dir, w.name, title, keykind)
}

// smWork is a workload's view: the tracer and the set of keys a Load
// would find.
type smWork[K Key] struct {
	tr   *smTracer[K]
	r    *rand.Rand
	cand func(*rand.Rand) K
	live []K
	at   map[K]int
	seen []K // every key ever stored, in order
	was  map[K]bool
}

func newSMWork[K Key](tr *smTracer[K], seed int64) *smWork[K] {
	w := &smWork[K]{tr: tr, r: rand.New(rand.NewSource(seed)), at: map[K]int{}, was: map[K]bool{}}
	switch c := any(&w.cand).(type) {
	case *func(*rand.Rand) int64:
		*c = intKey
	case *func(*rand.Rand) string:
		*c = stringKey
	}
	return w
}

// named is a fixed key: n for int maps, s for string maps.
func named[K Key](n int64, s string) K {
	var k K
	switch p := any(&k).(type) {
	case *int64:
		*p = n
	case *string:
		*p = s
	}
	return k
}

func (w *smWork[K]) value() int64 {
	if w.r.Intn(20) == 0 {
		return w.r.Int63() - w.r.Int63()
	}
	return w.r.Int63n(1000)
}

func (w *smWork[K]) isLive(k K) bool { _, ok := w.at[k]; return ok }

func (w *smWork[K]) addLive(k K) {
	if !w.isLive(k) {
		w.at[k] = len(w.live)
		w.live = append(w.live, k)
	}
	if !w.was[k] {
		w.was[k] = true
		w.seen = append(w.seen, k)
	}
}

func (w *smWork[K]) dropLive(k K) {
	i, ok := w.at[k]
	if !ok {
		return
	}
	last := w.live[len(w.live)-1]
	w.live[i] = last
	w.at[last] = i
	w.live = w.live[:len(w.live)-1]
	delete(w.at, k)
}

// fresh is a key never stored; gone a key stored once and now absent.
func (w *smWork[K]) fresh() K {
	for {
		if k := w.cand(w.r); !w.was[k] {
			return k
		}
	}
}

func (w *smWork[K]) pick() K { return w.live[w.r.Intn(len(w.live))] }

// anyKey is a live key, a key seen before, or a fresh one.
func (w *smWork[K]) anyKey() K {
	switch p := w.r.Intn(10); {
	case p < 6 && len(w.live) > 0:
		return w.pick()
	case p < 8 && len(w.seen) > 0:
		return w.seen[w.r.Intn(len(w.seen))]
	}
	return w.fresh()
}

// inRead lists, in a reproducible order, the keys of read.m whose entry
// is in the given state ('v', 'n', 'x'), and dirtyOnly the keys only dirty
// holds.
func (w *smWork[K]) inRead(kind byte) []K {
	st := w.tr.last
	if st == nil {
		return nil
	}
	var keys []K
	for _, k := range sortedKeys(st.read) {
		if st.read[k].kind == kind {
			keys = append(keys, k)
		}
	}
	return keys
}

func (w *smWork[K]) dirtyOnly() []K {
	st := w.tr.last
	if st == nil || st.dirty == nil {
		return nil
	}
	var keys []K
	for _, k := range sortedKeys(st.dirty) {
		if _, ok := st.read[k]; !ok {
			keys = append(keys, k)
		}
	}
	return keys
}

func (w *smWork[K]) oneOf(keys []K) (K, bool) {
	var zero K
	if len(keys) == 0 {
		return zero, false
	}
	return keys[w.r.Intn(len(keys))], true
}

// dirtyNil: the latest state has no dirty map (everything promoted).
func (w *smWork[K]) dirtyNil() bool { return w.tr.last == nil || w.tr.last.dirty == nil }

// Operations: run on the map, keep the live set in step.
func (w *smWork[K]) store(k K) { w.tr.store(k, w.value()); w.addLive(k) }
func (w *smWork[K]) storeNew() { w.store(w.fresh()) }
func (w *smWork[K]) load(k K)  { w.tr.load(k) }
func (w *smWork[K]) del(k K)   { w.tr.del(k); w.dropLive(k) }
func (w *smWork[K]) loadAndDelete(k K) {
	w.tr.loadAndDelete(k)
	w.dropLive(k)
}
func (w *smWork[K]) loadOrStore(k K) {
	w.tr.loadOrStore(k, w.value())
	w.addLive(k)
}
func (w *smWork[K]) rangeAll() { w.tr.rangeAll() }

// missUntilPromoted loads absent keys and dirty-only keys until dirty is
// promoted (S5, S6); at most limit ops.
func (w *smWork[K]) missUntilPromoted(limit int) {
	for i := 0; i < limit && !w.dirtyNil(); i++ {
		if k, ok := w.oneOf(w.dirtyOnly()); ok && w.r.Intn(2) == 0 {
			if w.r.Intn(4) == 0 {
				w.loadOrStore(k) // S9: a dirty hit counts a miss too
			} else {
				w.load(k)
			}
			continue
		}
		w.load(w.fresh())
	}
}

// smT6 is T6 (go-map-semantics.md), then every T6 key revisited.
func smT6[K Key](w *smWork[K]) {
	a, b, zzz := named[K](1, "a"), named[K](2, "b"), named[K](999, "zzz")
	c, d := named[K](3, "c"), named[K](4, "d")
	w.tr.store(a, 1)
	w.tr.store(b, 2)
	w.tr.load(a)
	w.tr.load(zzz)
	w.tr.load(a)
	w.tr.del(a)
	w.tr.store(c, 3)
	w.tr.store(a, 4)
	w.tr.rangeAll()
	w.tr.loadOrStore(d, 5)
	w.tr.loadOrStore(d, 6)
	// and on: every key through every op
	for _, k := range []K{a, b, zzz, c, d} {
		w.tr.load(k)
		w.tr.loadAndDelete(k)
		w.tr.loadOrStore(k, 7)
		w.tr.del(k)
		w.tr.store(k, 8)
	}
	w.tr.rangeAll()
	w.tr.loadAndDelete(d)
	w.tr.loadAndDelete(d)
	w.tr.rangeAll()
}

func smPromote[K Key](w *smWork[K]) {
	for round := 0; round < 14; round++ {
		for i, n := 0, 1+w.r.Intn(16); i < n; i++ {
			w.storeNew()
		}
		if round%3 == 2 && len(w.live) > 0 {
			w.store(w.pick()) // a read.m key: lock-free tryStore
		}
		w.missUntilPromoted(200)
		for i := 0; i < 5 && len(w.live) > 0; i++ {
			w.load(w.pick()) // read hits: fast, no miss
		}
		for len(w.live) > 24 { // keep it small: the next dirty expunges these
			w.del(w.pick())
		}
	}
}

func smExpunge[K Key](w *smWork[K]) {
	for i := 0; i < 30; i++ {
		w.storeNew()
	}
	w.rangeAll() // promote
	for round := 0; round < 10; round++ {
		for i, n := 0, len(w.live)*2/5; i < n; i++ { // S10.2: nil in read.m
			if w.r.Intn(2) == 0 {
				w.del(w.pick())
			} else {
				w.loadAndDelete(w.pick())
			}
		}
		if k, ok := w.oneOf(w.inRead('n')); ok {
			w.load(k) // a nil entry: (nil, false), no lock
		}
		w.storeNew() // S8: dirtyLocked expunges the nil entries (if dirty was nil)
		for i := 0; i < 3; i++ {
			if k, ok := w.oneOf(w.inRead('x')); ok {
				switch w.r.Intn(3) {
				case 0:
					w.load(k)
				case 1:
					w.loadAndDelete(k)
				default:
					w.del(k)
				}
			}
		}
		for i := 0; i < 4; i++ { // S7.3, S9.2: unexpunge
			if k, ok := w.oneOf(w.inRead('x')); ok {
				if w.r.Intn(2) == 0 {
					w.store(k)
				} else {
					w.loadOrStore(k)
				}
			}
		}
		if k, ok := w.oneOf(w.dirtyOnly()); ok {
			w.loadAndDelete(k) // S10.1: removed from dirty, a miss
		}
		for i, n := 0, w.r.Intn(8); i < n; i++ {
			w.storeNew()
		}
		if w.r.Intn(2) == 0 {
			w.rangeAll() // S11.1: promote
		} else {
			w.missUntilPromoted(300)
		}
	}
}

func smRange[K Key](w *smWork[K]) {
	w.rangeAll() // the zero Map
	for i := 0; i < 350; i++ {
		switch p := w.r.Intn(100); {
		case p < 15:
			w.rangeAll()
		case p < 45:
			w.storeNew()
		case p < 60 && len(w.live) > 0:
			w.store(w.pick())
		case p < 75 && len(w.live) > 0:
			w.del(w.pick())
		case p < 85:
			w.load(w.anyKey())
		case p < 92:
			w.loadOrStore(w.anyKey())
		default:
			w.loadAndDelete(w.anyKey())
		}
	}
}

func smReadHeavy[K Key](w *smWork[K]) {
	for i := 0; i < 50; i++ {
		w.storeNew()
	}
	w.missUntilPromoted(200)
	for i := 0; i < 450; i++ {
		switch p := w.r.Intn(100); {
		case p < 80 && len(w.live) > 0:
			w.load(w.pick())
		case p < 86:
			w.load(w.anyKey())
		case p < 90 && len(w.live) > 0:
			w.store(w.pick())
		case p < 94:
			w.storeNew()
		case p < 97 && len(w.live) > 0:
			w.del(w.pick())
		case p < 99:
			w.loadOrStore(w.anyKey())
		default:
			w.rangeAll()
		}
	}
}

func smWriteHeavy[K Key](w *smWork[K]) {
	for i := 0; i < 450; i++ {
		switch p := w.r.Intn(100); {
		case p < 35:
			w.storeNew()
		case p < 55 && len(w.live) > 0:
			w.store(w.pick())
		case p < 70 && len(w.live) > 0:
			w.del(w.pick())
		case p < 80:
			w.loadAndDelete(w.anyKey())
		case p < 90:
			w.load(w.anyKey())
		case p < 97:
			w.loadOrStore(w.anyKey())
		default:
			w.rangeAll()
		}
	}
}

func smLoadOrStore[K Key](w *smWork[K]) {
	for i := 0; i < 400; i++ {
		switch p := w.r.Intn(100); {
		case p < 25:
			w.loadOrStore(w.anyKey())
		case p < 35:
			if k, ok := w.oneOf(w.dirtyOnly()); ok {
				w.loadOrStore(k) // S9.2: a dirty hit, a miss
			} else {
				w.loadOrStore(w.fresh())
			}
		case p < 45:
			if k, ok := w.oneOf(w.inRead('x')); ok {
				w.loadOrStore(k) // unexpunge
			} else if k, ok := w.oneOf(w.inRead('n')); ok {
				w.loadOrStore(k) // revive lock-free
			} else {
				w.loadOrStore(w.fresh())
			}
		case p < 60 && len(w.live) > 0:
			w.del(w.pick())
		case p < 72:
			w.load(w.anyKey())
		case p < 80:
			w.storeNew()
		case p < 88:
			w.loadAndDelete(w.anyKey())
		default:
			w.rangeAll()
		}
	}
}

func smMixed[K Key](w *smWork[K]) {
	pool := make([]K, 0, 16)
	for len(pool) < 16 {
		k := w.fresh()
		w.was[k] = true
		pool = append(pool, k)
	}
	for i := 0; i < 500; i++ {
		k := pool[w.r.Intn(len(pool))]
		switch w.r.Intn(6) {
		case 0:
			w.store(k)
		case 1:
			w.load(k)
		case 2:
			w.loadOrStore(k)
		case 3:
			w.loadAndDelete(k)
		case 4:
			w.del(k)
		default:
			w.rangeAll()
		}
	}
}
