// The workloads: seeded operation sequences, each aimed at one part of the
// runtime (growth, deletion marks, same-size growth, reseeding, iteration,
// clear).  A workload only chooses operations; the tracer runs them on the
// real map.  The op sequence depends on the seed and — for workloads that aim
// keys at a bucket — on the hashes, which depend on Go's random hash0; so a
// seed reproduces a trace's shape, not its exact bytes.
package main

import (
	"math"
	"math/rand"
)

// workload is one named op sequence, instantiated for both key types.
type workload struct {
	name string
	hint int // make(map[K]int64, hint)
	doc  string
	ints func(*work[int64])
	strs func(*work[string])
}

var workloads = []workload{
	{"hint0", 0, "no hint; inserts through seven doublings with lookups, updates and deletes interleaved", wlFill[int64], wlFill[string]},
	{"hint8", 8, "make(m, 8): still lazy (B=0); fill, shrink, refill past 100", wlHint8[int64], wlHint8[string]},
	{"hint100", 100, "make(m, 100): B=4 with pre-allocated overflow; fill below, then past the hint", wlHint100[int64], wlHint100[string]},
	{"hint1000", 1000, "make(m, 1000): B=8; fill past the hint, delete, look up", wlHint1000[int64], wlHint1000[string]},
	{"emptyrest", 0, "emptyOne/emptyRest runs inside and across overflow buckets, then re-inserts", wlEmptyRest[int64], wlEmptyRest[string]},
	{"samesize", 30, "insert/delete churn on aimed buckets: overflow chains and same-size growth", wlSameSize[int64], wlSameSize[string]},
	{"drain", 0, "fill, delete everything (hash0 reseeds), refill, drain while growing", wlDrain[int64], wlDrain[string]},
	{"range", 0, "full iterations at random points, many during growth", wlRange[int64], wlRange[string]},
	{"clear", 0, "the mapclear idiom: empty, small, growing, after a range, during same-size growth", wlClear[int64], wlClear[string]},
	{"mixed", 0, "a random mix of every operation over a small key pool", wlMixed[int64], wlMixed[string]},
}

func findWorkload(name string) *workload {
	for i := range workloads {
		if workloads[i].name == name {
			return &workloads[i]
		}
	}
	return nil
}

// work is a workload's view of the map: the tracer plus the set of live keys
// (kept by the workload itself, so choosing ops never reads the map).
type work[K Key] struct {
	tr   *tracer[K]
	r    *rand.Rand
	cand func(r *rand.Rand) K // a random candidate key
	live []K
	at   map[K]int // index of a live key in live
}

func newWork[K Key](tr *tracer[K], seed int64) *work[K] {
	w := &work[K]{tr: tr, r: rand.New(rand.NewSource(seed)), at: map[K]int{}}
	switch c := interface{}(&w.cand).(type) {
	case *func(*rand.Rand) int64:
		*c = intKey
	case *func(*rand.Rand) string:
		*c = stringKey
	}
	return w
}

// intKey draws an int key: mostly small, some negative, a few huge.
func intKey(r *rand.Rand) int64 {
	switch p := r.Intn(100); {
	case p < 70:
		return r.Int63n(1 << 16)
	case p < 85:
		return -1 - r.Int63n(1<<16)
	case p < 95:
		return r.Int63()
	case p < 99:
		return -r.Int63()
	default:
		return []int64{math.MinInt64, math.MaxInt64, 0, -1}[r.Intn(4)]
	}
}

// Pieces of string keys: YAML and JSON specials, template `$` signs,
// control bytes, multibyte UTF-8.  Never NUL, never invalid UTF-8.
var strPieces = []string{
	"a", "key", "x", "Zebra", "go", " ", "  ", `"`, `\`, `'`, `\\`, `\n`, `""`,
	"$", "$$", "$1", "$i", "${x}", "\t", "\n", "\r", "\x01", "\x1b", "\x1f", "\x7f",
	"é", "日本", "😀", "ß", "Ω", "✓", "ü", "#", "-", ": ", "{", "}", "[", "]", ",",
	"&", "*", "!", "|", ">", "%", "@", "`", "0", "42", "-7", "0x1f", "null", "true",
	"~", "yes", "No", "1e3", ".5",
}

// stringKey draws a string key: "" now and then, long ones (40–200 bytes)
// sometimes, else a few pieces.
func stringKey(r *rand.Rand) string {
	p := r.Intn(100)
	if p < 2 {
		return ""
	}
	piece := func() string {
		if r.Intn(8) == 0 {
			return string([]byte{byte(1 + r.Intn(31))}) // a control byte
		}
		return strPieces[r.Intn(len(strPieces))]
	}
	var b []byte
	if p < 12 {
		n := 40 + r.Intn(161)
		for len(b) < n {
			s := piece()
			if len(b)+len(s) > 200 {
				break
			}
			b = append(b, s...)
		}
		for len(b) < 40 {
			b = append(b, 'y')
		}
		return string(b)
	}
	for i, n := 0, 1+r.Intn(5); i < n; i++ {
		b = append(b, piece()...)
	}
	return string(b)
}

// value draws a value to store.
func (w *work[K]) value() int64 {
	if w.r.Intn(20) == 0 {
		return w.r.Int63() - w.r.Int63()
	}
	return w.r.Int63n(1000)
}

func (w *work[K]) isLive(k K) bool { _, ok := w.at[k]; return ok }

func (w *work[K]) addLive(k K) {
	if !w.isLive(k) {
		w.at[k] = len(w.live)
		w.live = append(w.live, k)
	}
}

func (w *work[K]) dropLive(k K) {
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

// fresh returns a random key that is not in the map.
func (w *work[K]) fresh() K {
	for {
		if k := w.cand(w.r); !w.isLive(k) {
			return k
		}
	}
}

// freshIn returns a key not in the map whose hash, under the map's current
// hash0, selects primary bucket b (M2.3).
func (w *work[K]) freshIn(b int) K {
	mask := uint64(1)<<w.tr.B() - 1
	for {
		k := w.fresh()
		if w.tr.hash(k)&mask == uint64(b) {
			return k
		}
	}
}

// pick returns a random live key; the map must not be empty.
func (w *work[K]) pick() K { return w.live[w.r.Intn(len(w.live))] }

// Operations: run on the map and keep the live set in step.
func (w *work[K]) store(k K)  { w.tr.store(k, w.value()); w.addLive(k) }
func (w *work[K]) storeNew()  { w.store(w.fresh()) }
func (w *work[K]) del(k K)    { w.tr.del(k); w.dropLive(k) }
func (w *work[K]) load(k K)   { w.tr.load(k) }
func (w *work[K]) clear()     { w.tr.clear(); w.live = w.live[:0]; w.at = map[K]int{} }
func (w *work[K]) count() int { return len(w.live) }

// maxCount is the largest count reachable by inserts without a doubling
// grow at the current B (M3.1: overLoadFactor(count, B) is false).
func (w *work[K]) maxCount() int {
	if B := w.tr.B(); B > 0 {
		return 13 << (B - 1)
	}
	return 8
}

// room reports whether one more new key fits without a doubling grow.
func (w *work[K]) room() bool { return w.count()+1 <= w.maxCount() }

// mix is a weighted choice of random operations.
type mix struct {
	insert, update, loadHit, loadMiss, delHit, delMiss, length, rangeAll int
}

// step performs one operation drawn from m (hits fall back to inserts while
// the map is empty).
func (w *work[K]) step(m mix) {
	total := m.insert + m.update + m.loadHit + m.loadMiss + m.delHit + m.delMiss + m.length + m.rangeAll
	p := w.r.Intn(total)
	empty := w.count() == 0
	switch {
	case p < m.insert:
		w.storeNew()
	case p < m.insert+m.update:
		if empty {
			w.storeNew()
		} else {
			w.store(w.pick())
		}
	case p < m.insert+m.update+m.loadHit:
		if empty {
			w.load(w.fresh())
		} else {
			w.load(w.pick())
		}
	case p < m.insert+m.update+m.loadHit+m.loadMiss:
		w.load(w.fresh())
	case p < m.insert+m.update+m.loadHit+m.loadMiss+m.delHit:
		if empty {
			w.del(w.fresh())
		} else {
			w.del(w.pick())
		}
	case p < m.insert+m.update+m.loadHit+m.loadMiss+m.delHit+m.delMiss:
		w.del(w.fresh())
	case p < total-m.rangeAll:
		w.tr.length()
	default:
		w.tr.rangeAll()
	}
}

// finishGrowth writes (updates, or deletes of absent keys) until the
// current growth is over (M7.2: only writes evacuate), looking keys up now
// and then.
func (w *work[K]) finishGrowth() {
	for w.tr.growing() {
		switch {
		case w.r.Intn(4) == 0:
			w.load(w.fresh())
		case w.count() == 0 || w.r.Intn(3) == 0:
			w.del(w.fresh())
		default:
			w.store(w.pick())
		}
	}
}

// chainKeys returns the live keys of primary bucket b's chain, in chain and
// slot order, read from the state after the latest op.  Not while growing.
func (w *work[K]) chainKeys(b int) []K {
	var keys []K
	s := w.tr.last
	if s == nil || s.buckets == nil {
		return nil
	}
	for _, bk := range s.buckets[b] {
		for i := 0; i < bucketCnt; i++ {
			if bk.tophash[i] >= minTopHash {
				keys = append(keys, bk.keys[i])
			}
		}
	}
	return keys
}

// deletePattern deletes keys (given in slot order) in one of several orders
// that make different emptyOne/emptyRest shapes (M6.6.4), with lookups of
// deleted and surviving keys in between.
func (w *work[K]) deletePattern(keys []K) {
	order := append([]K(nil), keys...)
	switch w.r.Intn(5) {
	case 0: // last first: every delete back-walks emptyRest
		for i, j := 0, len(order)-1; i < j; i, j = i+1, j-1 {
			order[i], order[j] = order[j], order[i]
		}
	case 1: // first first: emptyOne runs that turn into emptyRest at the end
	case 2: // every other slot (emptyOne holes), then the rest
		var odd, even []K
		for i, k := range order {
			if i%2 == 0 {
				even = append(even, k)
			} else {
				odd = append(odd, k)
			}
		}
		order = append(odd, even...)
	case 3: // a run from the middle, then the tail, then the head
		m := len(order) / 2
		var o []K
		o = append(o, order[m/2:m]...)
		o = append(o, order[m:]...)
		order = append(o, order[:m/2]...)
	default:
		w.r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	}
	n := len(order)
	if w.r.Intn(3) == 0 && n > 1 {
		n = 1 + w.r.Intn(n) // stop part way
	}
	for _, k := range order[:n] {
		w.del(k)
		if w.r.Intn(3) == 0 {
			w.load(k) // miss: the search stops at emptyRest or the chain end
		}
		if w.r.Intn(4) == 0 && w.count() > 0 {
			w.load(w.pick())
		}
	}
}

// --- the workloads -------------------------------------------------------

// wlFill: hint 0, grow to ~440 entries (B 0 → 7) with a steady mix, so each
// evacuation is spread over many writes, lookups and deletes.
func wlFill[K Key](w *work[K]) {
	for w.count() < 440 {
		w.step(mix{insert: 55, update: 10, loadHit: 12, loadMiss: 5, delHit: 12, delMiss: 2, length: 2})
	}
	w.finishGrowth()
	for i := 0; i < 40; i++ {
		w.step(mix{update: 3, loadHit: 4, loadMiss: 2, delHit: 3, delMiss: 1})
	}
}

// wlHint8: make(m, 8) allocates nothing (B=0, M3.2); fill to 60, shrink to
// 20, refill to 110.
func wlHint8[K Key](w *work[K]) {
	w.tr.load(w.fresh()) // a lookup on the never-allocated map
	for w.count() < 60 {
		w.step(mix{insert: 60, update: 10, loadHit: 15, loadMiss: 5, delHit: 8, length: 2})
	}
	for w.count() > 20 {
		w.step(mix{insert: 10, loadHit: 10, loadMiss: 5, delHit: 60, delMiss: 5})
	}
	for w.count() < 110 {
		w.step(mix{insert: 70, update: 5, loadHit: 10, delHit: 10, length: 1})
	}
}

// wlHint100: make(m, 100) has B=4 and pre-allocated overflow buckets (M3.4,
// M8.5); fill to 80 (below the hint), then to 150 (past it and past 104, a
// doubling), then delete 50.
func wlHint100[K Key](w *work[K]) {
	for w.count() < 80 {
		w.step(mix{insert: 70, update: 8, loadHit: 12, loadMiss: 5, delHit: 5})
	}
	w.tr.length()
	for w.count() < 150 {
		w.step(mix{insert: 60, update: 10, loadHit: 12, loadMiss: 5, delHit: 10, delMiss: 2})
	}
	for w.count() > 100 {
		w.step(mix{loadHit: 10, loadMiss: 5, delHit: 80, delMiss: 5})
	}
}

// wlHint1000: make(m, 1000) has B=8 (256 buckets); fill past the hint to
// 1010 — below the 1664 that would grow it — then delete and look up.
func wlHint1000[K Key](w *work[K]) {
	for w.count() < 1010 {
		w.step(mix{insert: 88, update: 4, loadHit: 5, loadMiss: 1, delHit: 2})
	}
	for i := 0; i < 80; i++ {
		w.step(mix{loadHit: 10, loadMiss: 5, delHit: 20, delMiss: 2, update: 3})
	}
	w.tr.length()
}

// wlEmptyRest: deletion marks.  At B=0 (one bucket) delete in every order;
// then at B=1 and B=2 aim keys at one bucket so its chain spans overflow
// buckets, and delete across the bucket boundaries; re-insert into the
// holes (M5.10).  Same-size grows may start on the way; they are finished.
func wlEmptyRest[K Key](w *work[K]) {
	// B = 0: up to 8 keys, all in bucket 0.
	for round := 0; round < 14; round++ {
		n := 1 + w.r.Intn(8)
		for w.count() < n {
			w.storeNew()
		}
		w.deletePattern(w.chainKeys(0))
		for i := w.r.Intn(3); i > 0 && w.count() < 8; i-- {
			w.storeNew() // lands in the first empty slot
		}
	}
	for B := uint8(1); B <= 2; B++ {
		for w.tr.B() < B { // grow by plain inserts
			w.storeNew()
		}
		w.finishGrowth()
		for w.count() > 2 { // thin out: many keys leave emptyOne holes
			w.del(w.pick())
		}
		for round := 0; round < 16; round++ {
			b := w.r.Intn(1 << B)
			for n := 3 + w.r.Intn(14); n > 0 && w.room(); n-- {
				w.store(w.freshIn(b))
				w.finishGrowth()
			}
			w.deletePattern(w.chainKeys(b))
			for i := w.r.Intn(4); i > 0 && w.room(); i-- {
				w.store(w.freshIn(b))
				w.finishGrowth()
			}
			if w.r.Intn(4) == 0 {
				for _, k := range w.chainKeys(b) {
					w.del(k)
				}
			}
		}
	}
}

// churn aims a round of 9 new keys at one bucket (so its chain gets an
// overflow bucket, M5.9) and deletes all but `keep` of them, with lookups
// and now and then a range.  It first makes room below the load factor, so
// any growth it causes is a same-size grow (M7.1).  It returns early, with
// the round half done, once stop (if not nil) reports true after a store.
func (w *work[K]) churn(keep int, stop func() bool) {
	for w.count() > w.maxCount()-10 {
		w.del(w.pick())
	}
	b := w.r.Intn(1 << w.tr.B())
	var added []K
	for i := 0; i < 9; i++ {
		k := w.freshIn(b)
		w.store(k)
		if stop != nil && stop() {
			return
		}
		added = append(added, k)
		if w.r.Intn(5) == 0 {
			w.load(w.pick())
		}
		if w.tr.growing() && w.r.Intn(6) == 0 {
			w.tr.rangeAll()
		}
	}
	w.r.Shuffle(len(added), func(i, j int) { added[i], added[j] = added[j], added[i] })
	for i := keep; i < len(added); i++ {
		w.del(added[i])
		if w.r.Intn(4) == 0 {
			w.load(added[i])
		}
	}
}

// churnUntil churns until n more same-size grows have started.
func (w *work[K]) churnUntil(n int) {
	for goal := w.tr.sameSizeGrows + n; w.tr.sameSizeGrows < goal; {
		w.churn(w.r.Intn(2), nil)
	}
}

// wlSameSize: make(m, 30) (B=3, no pre-allocated overflow); churn until four
// same-size grows have happened (noverflow ≥ 8, M8.2), then double to B=4
// (which has pre-allocated overflow buckets) and churn through two more.
func wlSameSize[K Key](w *work[K]) {
	w.churnUntil(4)
	w.finishGrowth()
	for w.tr.B() < 4 {
		w.step(mix{insert: 80, loadHit: 10, delHit: 5})
	}
	w.finishGrowth()
	for w.count() > 40 {
		w.del(w.pick())
	}
	w.churnUntil(2)
	w.finishGrowth()
	w.tr.rangeAll()
}

// drainAll deletes every key in random order, looking some up on the way;
// the last delete reseeds hash0 (M6.6.5).  Then the empty-map paths.
func (w *work[K]) drainAll() {
	keys := append([]K(nil), w.live...)
	w.r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	for _, k := range keys {
		w.del(k)
		if w.r.Intn(5) == 0 {
			w.load(k)
		}
		if w.r.Intn(5) == 0 && w.count() > 0 {
			w.load(w.pick())
		}
	}
	w.load(w.fresh())
	w.del(w.fresh()) // on an empty map: no reseed (M6.1)
	w.tr.length()
	w.tr.rangeAll() // on an empty map: no iterator flags (M9.2)
}

// wlDrain: fill / drain cycles.  Sizes 27 and 53 stop right after the
// insert that starts a grow, so the drain runs during evacuation; one
// refill reuses the previous keys, which now hash differently.
func wlDrain[K Key](w *work[K]) {
	var prev []K
	for i, n := range []int{12, 27, 60, 5, 53, 120} {
		if i == 3 {
			for _, k := range prev { // same keys, new hash0
				if w.count() < 40 {
					w.store(k)
				}
			}
		}
		if n == 27 || n == 53 {
			for w.count() < n {
				w.storeNew()
			}
		} else {
			for w.count() < n {
				w.step(mix{insert: 70, update: 10, loadHit: 10, loadMiss: 5, delHit: 5})
			}
		}
		prev = append(prev[:0], w.live...)
		w.drainAll()
	}
}

// wlRange: grow to 300 with ranges at random points — a third of the writes
// made during growth are followed by one — then shrink with more ranges.
func wlRange[K Key](w *work[K]) {
	w.tr.rangeAll()
	for w.count() < 300 {
		w.step(mix{insert: 60, update: 10, loadHit: 8, loadMiss: 2, delHit: 15, length: 2})
		if (w.tr.growing() && w.r.Intn(3) == 0) || w.r.Intn(25) == 0 {
			w.tr.rangeAll()
		}
	}
	for w.count() > 150 {
		w.step(mix{update: 10, loadHit: 5, delHit: 40})
		if w.r.Intn(20) == 0 {
			w.tr.rangeAll()
		}
	}
	w.tr.rangeAll()
}

// wlClear: mapclear (M10) on an empty map, a small one, one in the middle of
// a doubling, one with pre-allocated overflow buckets in use, one whose
// iterator flags are set, and one in the middle of a same-size grow.
func wlClear[K Key](w *work[K]) {
	w.clear() // empty: nothing happens, not even a reseed
	for w.count() < 5 {
		w.storeNew()
	}
	w.clear()
	w.tr.length()
	for w.count() < 27 { // the 27th insert starts B 2 → 3
		w.storeNew()
	}
	w.clear() // while growing: old array dropped, B stays 3
	w.tr.load(w.fresh())
	for w.count() < 100 { // B=4 by growth, with pre-allocated overflow
		w.step(mix{insert: 80, update: 5, loadHit: 10, delHit: 5})
	}
	w.finishGrowth()
	w.clear()
	for w.count() < 60 {
		w.step(mix{insert: 80, loadHit: 10, delHit: 5})
	}
	w.tr.rangeAll() // flags |= 3; clear keeps them
	w.clear()
	for w.count() < 20 {
		w.storeNew()
	}
	sameSize := func() bool { return w.tr.h().flags&flagSameSizeGrow != 0 }
	for !sameSize() {
		w.churn(w.r.Intn(2), sameSize)
	}
	w.clear() // during a same-size grow
	for i := 0; i < 30; i++ {
		w.step(mix{insert: 60, loadHit: 20, delHit: 20})
	}
	w.clear()
}

// wlMixed: 2000 random operations over a pool of 500 keys, so inserts,
// hits, misses and deletes all stay frequent; now and then a range, a len,
// a clear.
func wlMixed[K Key](w *work[K]) {
	pool := make([]K, 0, 500)
	seen := map[K]bool{}
	for len(pool) < cap(pool) {
		if k := w.cand(w.r); !seen[k] {
			seen[k] = true
			pool = append(pool, k)
		}
	}
	for i := 0; i < 2000; i++ {
		k := pool[w.r.Intn(len(pool))]
		switch p := w.r.Intn(1000); {
		case p < 400:
			w.store(k)
		case p < 620:
			w.load(k)
		case p < 920:
			w.del(k)
		case p < 960:
			w.tr.length()
		case p < 995:
			w.tr.rangeAll()
		default:
			w.clear()
		}
	}
}
