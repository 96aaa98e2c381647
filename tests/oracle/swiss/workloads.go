// The workloads: seeded operation sequences, each aimed at one part of the
// Swiss map (small maps, conversion, growth, hints, splits and directory
// doubling, tombstones and pruning, reseeds, clear, iteration).  A workload
// only chooses operations; the tracer runs them on the real map.  Some
// workloads aim keys at tables by their hash bits, which depend on Go's
// random seed; so a seed reproduces a trace's shape, not its bytes.
package main

import (
	"math"
	"math/rand"
	"strings"
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
	{"small", 0, "never-written map, small maps of 1-8 entries (slot reuse, ranges, drain and reseed, clear), then an update at 8 converts (SW2.6)", wlSmall[int64], wlSmall[string]},
	{"convert", 0, "8 entries, then the 9th key converts to a 16-slot table; growth to 64 slots with ranges after each grow", wlConvert[int64], wlConvert[string]},
	{"grow", 0, "growth by doubling 16 -> 1024 slots with a steady mix of every op and ranges after each grow", wlGrow[int64], wlGrow[string]},
	{"hint8", 8, "make(m, 8): lazy like no hint; fill, shrink, refill past 100", wlHint8[int64], wlHint8[string]},
	{"hint9", 9, "make(m, 9): one 16-slot table at once; fill to 14, grow, shrink, refill", wlHint9[int64], wlHint9[string]},
	{"hint100", 100, "make(m, 100): one 128-slot table; fill to its limit, grow to 256, delete", wlHint100[int64], wlHint100[string]},
	{"hint1000", 1000, "make(m, 1000): two 1024-slot tables (globalDepth 1); fill, ranges, deletes", wlHint1000[int64], wlHint1000[string]},
	{"hint5000", 5000, "make(m, 5000): eight 1024-slot tables; inserts, ranges from every start, clear, refill", wlHint5000[int64], wlHint5000[string]},
	{"split", 0, "keys aimed by hash bits: a split with directory doubling (gd 0->1), another (1->2), a third (2->3) while a table spans 4 entries, then a split with no doubling", wlSplit[int64], wlSplit[string]},
	{"churn", 0, "delete/insert churn at the growth limit of 64-, 128- and 256-slot tables: tombstones, tombstone reuse, pruning (SW4.15) and grows", wlChurn[int64], wlChurn[string]},
	{"drain", 0, "fill to a table's limit, delete everything (reseed), empty-map ops, clear of an empty map with tombstones, refill with the same keys", wlDrain[int64], wlDrain[string]},
	{"clear", 0, "clear of a never-written, small, empty, table, tombstoned map; capacity kept; refills", wlClear[int64], wlClear[string]},
	{"range", 0, "full iterations at random points while growing to 300 entries and shrinking again", wlRange[int64], wlRange[string]},
	{"mixed", 0, "a random mix of every operation over a pool of 400 keys", wlMixed[int64], wlMixed[string]},
	{"oddkeys", 0, "awkward keys: \"\", control bytes, non-ASCII, 256-byte strings; 0, -1, MinInt64, MaxInt64", wlOddKeys[int64], wlOddKeys[string]},
}

func findWorkload(name string) *workload {
	for i := range workloads {
		if workloads[i].name == name {
			return &workloads[i]
		}
	}
	return nil
}

// work is a workload's view of the map: the tracer plus the set of live
// keys (kept by the workload, so choosing ops never reads the map).
type work[K Key] struct {
	tr   *tracer[K]
	r    *rand.Rand
	live []K
	at   map[K]int // index of a live key in live

	longPct int  // string keys: percent of long (40-256 byte) keys
	nul     bool // string keys: NUL bytes allowed

	lastEvents int // conversions+grows+splits at the last grew() call
}

func newWork[K Key](tr *tracer[K], seed int64) *work[K] {
	return &work[K]{tr: tr, r: rand.New(rand.NewSource(seed)), at: map[K]int{}, longPct: 8}
}

// cand draws a candidate key.
func (w *work[K]) cand() K {
	var k K
	switch p := any(&k).(type) {
	case *int64:
		*p = intKey(w.r)
	case *string:
		*p = stringKey(w.r, w.longPct, w.nul)
	}
	return k
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
// control bytes, multibyte UTF-8.  Never invalid UTF-8.
var strPieces = []string{
	"a", "key", "x", "Zebra", "go", " ", "  ", `"`, `\`, `'`, `\\`, `\n`, `""`,
	"$", "$$", "$1", "$i", "${x}", "\t", "\n", "\r", "\x01", "\x1b", "\x1f", "\x7f",
	"é", "日本", "😀", "ß", "Ω", "✓", "ü", "#", "-", ": ", "{", "}", "[", "]", ",",
	"&", "*", "!", "|", ">", "%", "@", "`", "0", "42", "-7", "0x1f", "null", "true",
	"~", "yes", "No", "1e3", ".5",
}

// stringKey draws a string key: "" now and then, long ones (40-256 bytes)
// longPct percent of the time, else a few pieces; with nul, NUL bytes too.
func stringKey(r *rand.Rand, longPct int, nul bool) string {
	p := r.Intn(100)
	if p < 2 {
		return ""
	}
	piece := func() string {
		if nul && r.Intn(6) == 0 {
			return "\x00"
		}
		if r.Intn(8) == 0 {
			return string([]byte{byte(1 + r.Intn(31))}) // a control byte
		}
		return strPieces[r.Intn(len(strPieces))]
	}
	var b []byte
	if p < 2+longPct {
		n := 40 + r.Intn(217)
		for len(b) < n {
			s := piece()
			if len(b)+len(s) > 256 {
				break
			}
			b = append(b, s...)
		}
		for len(b) < 40 {
			b = append(b, 'y')
		}
		return string(b)
	}
	for i, n := 0, 1+r.Intn(4); i < n; i++ {
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
		if k := w.cand(); !w.isLive(k) {
			return k
		}
	}
}

// freshWhere returns a key not in the map whose hash under the map's
// current seed satisfies ok (keys aimed at a table by their top bits).
func (w *work[K]) freshWhere(ok func(hash uint64) bool) K {
	for tries := 0; ; tries++ {
		k := w.fresh()
		if ok(w.tr.hash(k)) {
			return k
		}
		if tries > 1<<20 {
			panic("oracle-swiss: no key found for an aimed insert")
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
func (w *work[K]) rng() []K   { return w.tr.rangeAll() }

// grew reports whether a conversion, grow or split happened since the
// last call.
func (w *work[K]) grew() bool {
	n := w.tr.st.conversions + w.tr.st.grows + w.tr.st.splits
	g := n != w.lastEvents
	w.lastEvents = n
	return g
}

// capacity is the first table's capacity (0 for a small or unwritten map).
func (w *work[K]) capacity() int {
	if s := w.tr.last; len(s.tables) > 0 {
		return int(s.tables[0].capacity)
	}
	return 0
}

// mix is a weighted choice of random operations.
type mix struct {
	insert, update, loadHit, loadMiss, delHit, delMiss, length, rangeAll int
}

// step performs one operation drawn from m (hits fall back to inserts
// while the map is empty).
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
		w.rng()
	}
}

// stepRanging is step, plus a range right after every conversion, grow or
// split and, one time in every, at random.
func (w *work[K]) stepRanging(m mix, every int) {
	w.step(m)
	if w.grew() || (every > 0 && w.r.Intn(every) == 0) {
		w.rng()
	}
}

// drainAll deletes every key in random order, looking some up on the way;
// the last delete reseeds (SW8.3).  Then the empty-map paths: a lookup, a
// delete of a missing key (no reseed, SW4.10), len, an empty range (no
// offsets drawn, SW6.3).
func (w *work[K]) drainAll() {
	keys := append([]K(nil), w.live...)
	w.r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	for _, k := range keys {
		w.del(k)
		if w.r.Intn(5) == 0 {
			w.load(k) // a miss that may walk over tombstones
		}
		if w.r.Intn(6) == 0 && w.count() > 0 {
			w.load(w.pick())
		}
		if w.r.Intn(25) == 0 {
			w.rng()
		}
	}
	w.load(w.fresh())
	w.del(w.fresh())
	w.tr.length()
	w.rng()
}

// --- the workloads -------------------------------------------------------

// wlSmall: the never-written map (every op a no-op, SW2.2, SW8.1), then
// rounds on a small map: fill to 1-8 entries, deletes that free slots and
// inserts that take the lowest free one (SW2.3, SW2.4), ranges (SW6.5),
// drains (reseed in small form), clears of full and empty small maps.  No
// write while it holds 8.  At the end an update of an existing key at 8
// entries converts it to a table (SW2.6).
func wlSmall[K Key](w *work[K]) {
	w.load(w.fresh())
	w.del(w.fresh())
	w.tr.length()
	w.rng()
	w.clear()
	for round := 0; round < 30; round++ {
		n := 1 + w.r.Intn(8)
		for w.count() < n {
			w.storeNew()
			if w.r.Intn(4) == 0 {
				w.load(w.pick())
			}
		}
		w.rng()
		for i := 0; i < 6; i++ {
			switch p := w.r.Intn(10); {
			case p < 3 && w.count() > 0:
				w.del(w.pick())
			case p < 5 && w.count() < 8:
				w.storeNew()
			case p < 6 && w.count() < 8 && w.count() > 0:
				w.store(w.pick()) // an update below 8 stays small
			case p < 8:
				w.load(w.fresh())
			case p < 9 && w.count() > 0:
				w.load(w.pick())
			default:
				w.rng()
			}
		}
		switch round % 6 {
		case 2:
			w.drainAll()
			w.clear() // empty, no tombstones: nothing happens (SW8.1)
		case 4:
			w.clear() // a small map with entries: clearSeq++, reseed
			w.tr.length()
			w.rng()
		}
	}
	for w.count() < 8 {
		w.storeNew()
	}
	w.rng()
	w.tr.length()
	w.store(w.pick()) // update at 8 entries: converts (SW2.6)
	w.rng()
	for _, k := range append([]K(nil), w.live...) {
		w.load(k)
	}
	w.storeNew()
	w.rng()
	w.del(w.pick())
	w.tr.length()
}

// wlConvert: 8 entries (slots scrambled by deletes and re-inserts), then a
// 9th key converts (SW2.6); growth to 64 slots with a range after each grow.
func wlConvert[K Key](w *work[K]) {
	for w.count() < 8 {
		w.storeNew()
	}
	for i := 0; i < 6; i++ {
		w.del(w.pick())
		w.storeNew()
	}
	w.rng()
	w.storeNew() // the 9th: converts
	w.grew()
	w.rng()
	for _, k := range append([]K(nil), w.live...) {
		w.load(k)
	}
	for w.count() < 50 {
		w.stepRanging(mix{insert: 60, update: 10, loadHit: 10, loadMiss: 5, delHit: 10, length: 2}, 30)
	}
	for w.count() > 30 {
		w.stepRanging(mix{update: 5, loadHit: 5, loadMiss: 5, delHit: 40}, 20)
	}
	w.rng()
}

// wlGrow: no hint, grow to ~850 entries (16 -> 1024 slots, SW5.5) with a
// steady mix, a range after every grow and now and then.
func wlGrow[K Key](w *work[K]) {
	w.longPct = 4
	for w.count() < 850 {
		w.stepRanging(mix{insert: 66, update: 8, loadHit: 10, loadMiss: 4, delHit: 10, delMiss: 1, length: 1}, 80)
	}
	for i := 0; i < 40; i++ {
		w.step(mix{update: 3, loadHit: 4, loadMiss: 2, delHit: 3, delMiss: 1})
	}
	w.rng()
}

// wlHint8: make(m, 8) allocates nothing (SW3.2); fill to 60, shrink to 20,
// refill to 110.
func wlHint8[K Key](w *work[K]) {
	w.load(w.fresh()) // a lookup on the never-written map
	for w.count() < 60 {
		w.stepRanging(mix{insert: 60, update: 10, loadHit: 15, loadMiss: 5, delHit: 8, length: 2}, 40)
	}
	for w.count() > 20 {
		w.step(mix{insert: 10, loadHit: 10, loadMiss: 5, delHit: 60, delMiss: 5})
	}
	for w.count() < 110 {
		w.stepRanging(mix{insert: 70, update: 5, loadHit: 10, delHit: 10, length: 1}, 40)
	}
}

// wlHint9: make(m, 9) is one 16-slot table at once (SW3.6): fill to 14
// (growthLeft 0), the 15th grows it to 32; shrink to 3, refill to 40.
func wlHint9[K Key](w *work[K]) {
	w.rng()
	for w.count() < 14 {
		w.storeNew()
		if w.r.Intn(3) == 0 {
			w.load(w.pick())
		}
	}
	w.rng()
	w.storeNew() // the 15th: grows to 32
	w.rng()
	for w.count() > 3 {
		w.step(mix{loadHit: 10, loadMiss: 5, delHit: 60, update: 5})
	}
	w.rng()
	for w.count() < 40 {
		w.stepRanging(mix{insert: 70, update: 5, loadHit: 10, delHit: 8, loadMiss: 4}, 20)
	}
}

// wlHint100: make(m, 100) is one 128-slot table (SW3.6): fill to its limit
// of 112 inserts, the next grows to 256; then delete 60.
func wlHint100[K Key](w *work[K]) {
	for w.count() < 80 {
		w.step(mix{insert: 70, update: 8, loadHit: 12, loadMiss: 5})
	}
	w.rng()
	for w.capacity() == 128 {
		w.stepRanging(mix{insert: 60, update: 10, loadHit: 10, loadMiss: 5, delHit: 5, length: 2}, 0)
	}
	w.rng()
	for w.count() < 150 {
		w.stepRanging(mix{insert: 60, update: 10, loadHit: 12, loadMiss: 5, delHit: 10, delMiss: 2}, 30)
	}
	for w.count() > 90 {
		w.stepRanging(mix{loadHit: 10, loadMiss: 5, delHit: 80, delMiss: 5}, 30)
	}
}

// wlHint1000: make(m, 1000) has two 1024-slot tables, globalDepth 1
// (SW3.6); fill to 450 with ranges (both tables, random start), then
// deletes.
func wlHint1000[K Key](w *work[K]) {
	w.longPct = 4
	w.rng()
	for w.count() < 450 {
		w.stepRanging(mix{insert: 80, update: 5, loadHit: 6, loadMiss: 3, delHit: 4}, 60)
	}
	for i := 0; i < 80; i++ {
		w.stepRanging(mix{loadHit: 10, loadMiss: 5, delHit: 20, delMiss: 2, update: 3}, 30)
	}
	w.tr.length()
	w.rng()
}

// wlHint5000: make(m, 5000) has eight 1024-slot tables, globalDepth 3
// (SW3.6); inserts, ranges (8 of them after the fill, so several start
// tables), a clear of the whole map (SW8.1: every table), a refill.
func wlHint5000[K Key](w *work[K]) {
	w.longPct = 3
	w.rng()
	for w.count() < 120 {
		w.step(mix{insert: 85, update: 5, loadHit: 5, loadMiss: 3, delHit: 2})
	}
	for i := 0; i < 8; i++ {
		w.rng()
		w.load(w.pick())
	}
	for i := 0; i < 20; i++ {
		w.step(mix{delHit: 10, loadMiss: 3, update: 3})
	}
	w.clear()
	w.rng()
	for w.count() < 30 {
		w.storeNew()
	}
	w.rng()
	w.tr.length()
}

// Hash bits a split looks at (SW5.6): bit 63-localDepth of the old table.
func topBit(h uint64, n uint) uint64 { return h >> (63 - n) & 1 }

// wlSplit: keys aimed by their top hash bits so that the 1024-slot table
// splits cheaply and in every way (SW5.6-SW5.8):
//  1. 896 keys, ~95% with bit 63 set: the 897th splits the table, gd 0->1
//     (directory doubles): a small left half, a nearly full right one;
//  2. keys with bit 63 clear, ~95% with bit 62 clear: the left table
//     splits, gd 1->2 (doubles), the right (ld 1) now spans 2 entries;
//  3. keys with bits 63 and 62 clear: that table splits, gd 2->3
//     (doubles), the right table spans 4 entries;
//  4. keys with bit 63 set: the right table splits with no doubling
//     (ld 1 -> 2 < gd 3), each half spans 2 entries.
//
// Lookups, updates, a few deletes and ranges after every split.
func wlSplit[K Key](w *work[K]) {
	w.longPct = 3
	aim := func(ok func(h uint64) bool) {
		w.store(w.freshWhere(ok))
		switch p := w.r.Intn(100); {
		case p < 3:
			w.load(w.pick())
		case p < 5:
			w.store(w.pick())
		case p < 6:
			w.load(w.fresh())
		case p < 7:
			w.del(w.pick())
		}
		if w.grew() {
			w.rng()
			w.tr.length()
		}
	}
	phase := func(splits int, ok func(h uint64) bool) {
		for w.tr.st.splits < splits {
			aim(ok)
		}
		for i := 0; i < 5; i++ {
			w.load(w.pick())
		}
		w.rng()
	}
	phase(1, func(h uint64) bool { // 1: mostly right (bit 63 = 1)
		if w.r.Intn(100) < 95 {
			return topBit(h, 0) == 1
		}
		return topBit(h, 0) == 0 && topBit(h, 1) == 0
	})
	phase(2, func(h uint64) bool { // 2: left, mostly bit 62 = 0
		if topBit(h, 0) != 0 {
			return false
		}
		return w.r.Intn(100) >= 95 || topBit(h, 1) == 0
	})
	phase(3, func(h uint64) bool { // 3: the left-left table
		return topBit(h, 0) == 0 && topBit(h, 1) == 0
	})
	phase(4, func(h uint64) bool { // 4: the right table (ld 1)
		return topBit(h, 0) == 1
	})
	for i := 0; i < 30; i++ {
		w.step(mix{update: 3, loadHit: 4, loadMiss: 2, delHit: 3, delMiss: 1, insert: 3})
	}
	w.rng()
}

// churnAt deletes a random key and inserts a fresh one, n times, with the
// live count held at about `live`: tombstones (deletes in groups with no
// empty slot, SW4.10), their reuse (SW4.6 step 5), and at growthLeft 0
// either a prune (SW4.15) or a grow.
func (w *work[K]) churnAt(live, n int) {
	for i := 0; i < n; i++ {
		for w.count() < live {
			w.storeNew()
		}
		k := w.pick()
		w.del(k)
		switch p := w.r.Intn(20); {
		case p < 3:
			w.load(k) // a miss that walks over tombstones
		case p < 5:
			w.load(w.pick())
		case p < 6:
			w.store(w.pick())
		case p == 7 && w.r.Intn(4) == 0:
			w.rng()
		}
		w.storeNew()
		if w.grew() {
			w.rng()
		}
	}
}

// keysInFullGroups returns the live keys that sit in full groups (no
// empty slot) of the first table, read from the state after the latest op:
// deleting one of them leaves a tombstone (SW4.10).  With unpassed, only
// groups that no live key's probe sequence passes through on its way to
// its own group: once their keys are tombstones, such groups are not
// "needed" (SW4.15 step 2), so a prune can empty them.
func (w *work[K]) keysInFullGroups(unpassed bool) []K {
	t := w.tr.last.tables[0]
	full := func(g int) bool {
		for _, c := range t.groups[g].ctrl {
			if c == ctrlEmpty {
				return false
			}
		}
		return true
	}
	passed := make([]bool, len(t.groups))
	if unpassed {
		for gi := range t.groups {
			for i, c := range t.groups[gi].ctrl {
				if !isFull(c) {
					continue
				}
				h := w.tr.hash(t.groups[gi].keys[i])
				for off, n := h1(h)&t.lengthMask, uint64(1); off != uint64(gi); n++ {
					passed[off] = true
					off = (off + n) & t.lengthMask // SW4.1
				}
			}
		}
	}
	var keys []K
	for gi := range t.groups {
		if !full(gi) || passed[gi] {
			continue
		}
		for i, c := range t.groups[gi].ctrl {
			if isFull(c) {
				keys = append(keys, t.groups[gi].keys[i])
			}
		}
	}
	return keys
}

// homeHasEmpty reports whether the first group of hash's probe sequence
// (SW1.12, SW1.13) has an empty slot: an insert of a new key with this hash
// ends there without passing a tombstone (SW4.3, SW4.6 step 5).
func (w *work[K]) homeHasEmpty(hash uint64) bool {
	s := w.tr.last
	if len(s.tables) == 0 {
		return false
	}
	t := s.tables[s.directory[dirIndex(hash, s.globalDepth)]]
	for _, c := range t.groups[h1(hash)&t.lengthMask].ctrl {
		if c == ctrlEmpty {
			return true
		}
	}
	return false
}

// pruneRound fills the (single) table to its growth limit, turns 3/8 of its
// slots (1/8 when not aimed) into tombstones by deleting keys of full
// groups (aimed: first those of groups no probe passes through, so that a
// prune can free them, SW4.15), then
// inserts keys whose home group has an empty slot until the table prunes
// (SW4.15) or grows (SW5.1); then plain inserts, which mostly reuse
// tombstones (SW4.6 step 5).
func (w *work[K]) pruneRound(aimed bool) {
	for w.tr.last.tables[0].growthLeft > 0 {
		w.storeNew()
	}
	w.grew()
	c := int(w.tr.last.tables[0].capacity)
	// Unpassed groups first, then other full groups: the more keys go, the
	// fewer probes pass anywhere.  Random rounds make fewer tombstones.
	victims, n := w.keysInFullGroups(true), c/8
	if aimed {
		n = c * 3 / 8
	}
	rest := w.keysInFullGroups(false)
	w.r.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	if !aimed {
		victims = victims[:0]
	}
	victims = append(victims, rest...)
	gone := map[K]bool{}
	for _, k := range victims {
		if len(gone) == n {
			break
		}
		if gone[k] {
			continue
		}
		gone[k] = true
		w.del(k)
		if w.r.Intn(8) == 0 {
			w.load(k) // a miss walking over tombstones
		}
	}
	w.rng()
	for p, g := w.tr.st.prunes, w.tr.st.grows; w.tr.st.prunes == p && w.tr.st.grows == g; {
		w.store(w.freshWhere(w.homeHasEmpty))
	}
	w.grew()
	w.rng()
	for i := 0; i < c/16; i++ {
		w.storeNew()
		if w.r.Intn(4) == 0 {
			w.load(w.pick())
		}
	}
}

// wlChurn: prune rounds at 64, 128 and 256 slots (aimed ones until two
// prunes or six tries, then unaimed ones until the table grows), then
// random delete/insert churn just below the growth limit of the 512-slot
// table it grew to.
func wlChurn[K Key](w *work[K]) {
	w.longPct = 3
	for w.capacity() < 64 {
		w.storeNew()
	}
	for c := 64; c <= 256; c *= 2 {
		p0 := w.tr.st.prunes
		for try := 0; try < 6 && w.tr.st.prunes-p0 < 2 && w.capacity() == c; try++ {
			w.pruneRound(true)
		}
		for w.capacity() == c {
			w.pruneRound(false)
		}
	}
	live := w.capacity() * 7 / 8 * 9 / 10
	for w.count() > live {
		w.del(w.pick())
	}
	w.grew()
	w.rng()
	w.churnAt(live, 300)
	w.rng()
}

// wlDrain: fill to sizes at a table's growth limit (so groups are full and
// deletes leave tombstones), drain (the last delete reseeds, SW8.3), the
// empty-map ops; if tombstones are left, clear (1.25+: it runs although the
// map is empty, SW8.1, VER.10) and clear again (now a no-op).  One refill
// reuses the previous keys, which now hash differently.
func wlDrain[K Key](w *work[K]) {
	var prev []K
	for i, n := range []int{5, 14, 56, 8, 112, 30} {
		if i == 3 {
			for _, k := range prev { // same keys, new seed
				if w.count() < 20 {
					w.store(k)
				}
			}
		}
		for w.count() < n {
			if w.r.Intn(4) == 0 {
				w.step(mix{insert: 70, update: 10, loadHit: 10, loadMiss: 5, delHit: 5})
			} else {
				w.storeNew()
			}
		}
		w.rng()
		prev = append(prev[:0], w.live...)
		w.drainAll()
		if w.tr.last.tombstonePossible {
			w.clear()
			w.clear()
		} else {
			w.clear()
		}
		w.rng()
	}
}

// wlClear: clear (SW8.1, SW8.2) of a never-written map, a small one, an
// empty small one, a table map (tables kept, SW8.4), one with tombstones,
// a grown one after a range; refills in between.
func wlClear[K Key](w *work[K]) {
	w.clear() // never written: nothing happens
	for w.count() < 5 {
		w.storeNew()
	}
	w.clear()
	w.tr.length()
	w.clear() // empty small map: nothing
	for w.count() < 27 {
		w.storeNew()
	}
	w.clear() // a 32-slot table: kept
	w.load(w.fresh())
	w.rng()
	for w.count() < 100 {
		w.step(mix{insert: 80, update: 5, loadHit: 10, delHit: 5})
	}
	w.rng()
	for i := 0; i < 40; i++ {
		w.del(w.pick())
	}
	w.clear() // entries and maybe tombstones
	for w.count() < 200 {
		w.step(mix{insert: 70, loadHit: 10, delHit: 20})
	}
	w.rng()
	w.clear()
	w.rng()
	for w.count() < 20 {
		w.storeNew()
	}
	w.rng()
	w.clear()
	w.clear()
	for i := 0; i < 30; i++ {
		w.step(mix{insert: 60, loadHit: 20, delHit: 20})
	}
	w.clear()
}

// wlRange: grow to 300 with ranges at random points and after every grow,
// then shrink with more ranges.
func wlRange[K Key](w *work[K]) {
	w.rng()
	for w.count() < 300 {
		w.stepRanging(mix{insert: 60, update: 10, loadHit: 8, loadMiss: 2, delHit: 15, length: 2}, 12)
	}
	for w.count() > 100 {
		w.stepRanging(mix{update: 10, loadHit: 5, delHit: 40}, 10)
	}
	w.rng()
}

// wlMixed: 2000 random operations over a pool of 400 keys, so inserts,
// hits, misses and deletes all stay frequent; now and then a range, a len,
// a clear.
func wlMixed[K Key](w *work[K]) {
	pool := make([]K, 0, 400)
	seen := map[K]bool{}
	for len(pool) < cap(pool) {
		if k := w.cand(); !seen[k] {
			seen[k] = true
			pool = append(pool, k)
		}
	}
	for i := 0; i < 2000; i++ {
		k := pool[w.r.Intn(len(pool))]
		switch p := w.r.Intn(1000); {
		case p < 420:
			w.store(k)
		case p < 640:
			w.load(k)
		case p < 930:
			w.del(k)
		case p < 960:
			w.tr.length()
		case p < 995:
			w.rng()
		default:
			w.clear()
		}
	}
}

// oddKeys are the awkward keys of a kind.
func oddKeys[K Key](w *work[K]) []K {
	var out []K
	switch p := any(&out).(type) {
	case *[]int64:
		*p = []int64{0, -1, 1, math.MinInt64, math.MaxInt64, math.MinInt64 + 1, math.MaxInt64 - 1,
			1 << 32, -1 << 32, 1<<32 - 1, 1 << 62, -1 << 62, 255, 256, -256, 65536}
	case *[]string:
		long := strings.Repeat("x", 256)
		// no NUL: a scene's keys are text (tests/bad/nul-escape.yaml)
		*p = []string{"", "\x01", "\x01\x01", "a\x02", "\x03a", "a\x1bb", "a", "ab", "é", "e\u0301",
			"日本", "😀", "\x7f", "\x01\x1f", "$", "$$", "$i", `"`, `\`, "\t\n\r", " ", "null", "~",
			long, long[:255] + "y", long[:128] + "\x01" + long[:127], "😀" + long[:252], strings.Repeat("日本", 40),
			strings.Repeat("\x1f", 64), strings.Repeat("$", 100)}
	}
	return out
}

// wlOddKeys: the awkward keys in a small map (updates, deletes, ranges),
// then past the conversion and a grow, mixed with random keys (strings with
// control bytes too).
func wlOddKeys[K Key](w *work[K]) {
	odd := oddKeys(w)
	w.r.Shuffle(len(odd), func(i, j int) { odd[i], odd[j] = odd[j], odd[i] })
	for _, k := range odd[:8] {
		w.store(k)
		w.load(k)
	}
	w.rng()
	for _, k := range odd[:4] {
		w.del(k)
		w.load(k)
	}
	for _, k := range odd[8:12] {
		w.store(k)
	}
	w.rng()
	for _, k := range odd {
		w.store(k)
		if w.grew() {
			w.rng()
		}
	}
	for _, k := range odd {
		w.load(k)
	}
	w.rng()
	for w.count() < 80 {
		w.stepRanging(mix{insert: 60, update: 10, loadHit: 10, loadMiss: 5, delHit: 10}, 20)
	}
	for _, k := range odd {
		if w.isLive(k) && w.r.Intn(2) == 0 {
			w.del(k)
		} else {
			w.load(k)
		}
	}
	w.rng()
	for _, k := range odd {
		w.store(k)
	}
	w.rng()
	w.tr.length()
}
