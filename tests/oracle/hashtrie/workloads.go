// The workloads: seeded operation sequences, each aimed at one part of the
// HashTrieMap (lazy init, deep columns from shared hash prefixes, full-hash
// collision chains, pruning and its leftover levels, compare-and-swap and
// -delete, clear, range order).  A workload only chooses operations and
// keys; the tracer runs them on the real sync.Map.  Keys are aimed at the
// trie by their real hashes, which depend on the map's random seed, so a
// seed reproduces a trace's shape, not its bytes.
package main

import (
	"fmt"
	"math"
	"math/rand"
	"reflect"
)

type workload struct {
	name string
	doc  string
	ints func(*work[int64])
	strs func(*work[string])
}

var workloads = []workload{
	{"basic", "a random first op on the zero map (lazy init, HT2.1), then every op on ~40 keys, ranges, a clear", wlBasic[int64], wlBasic[string]},
	{"columns", "keys sharing 1-5 top nibbles with others: deep columns, built level by level and in one expand (HT4.4); deep misses", wlColumns[int64], wlColumns[string]},
	{"collide", "full-hash collisions (int64/uint64/int/uint/uintptr, string/[N]uint8/[N]int8): chains newest first, updates, CAS/CAD, deletes in chains, a chain expanded down (HT4.4.1)", wlCollide[int64], wlCollide[string]},
	{"prune", "deletes that prune empty nodes upward and leave single-child levels (HT6.2, HT6.3), refills into leftovers", wlPrune[int64], wlPrune[string]},
	{"cas", "compare_and_swap / compare_and_delete hits and misses on present, absent and chained keys (HT6.4, HT6.5)", wlCAS[int64], wlCAS[string]},
	{"clear", "Clear as the first op, of a full trie, twice in a row; the seed kept: keys land where they did (HT7.2, HT2.3)", wlClear[int64], wlClear[string]},
	{"range", "full Ranges while growing to 400 keys and shrinking: hash order, chains newest first (HT7.1)", wlRange[int64], wlRange[string]},
	{"mixed", "2000 random ops of every kind over 150 keys plus collision partners and prefix-sharing keys, rare clears", wlMixed[int64], wlMixed[string]},
	{"oddkeys", "awkward keys: 0, -1, 255/256 (boxing), MinInt64, MaxInt64; \"\", control bytes, non-ASCII, 200-byte strings", wlOddKeys[int64], wlOddKeys[string]},
}

func findWorkload(name string) *workload {
	for i := range workloads {
		if workloads[i].name == name {
			return &workloads[i]
		}
	}
	return nil
}

// work is a workload's view: the tracer, its random stream, the keys it
// issued.
type work[K Key] struct {
	tr       *tracer[K]
	r        *rand.Rand
	pool     []okey[K] // every key issued, in order
	used     map[K]bool
	partners map[any]okey[K] // collision partners made, by Go key
	nextVar  int64           // int collision partners get scene keys varBase + n
}

// varBase: scene keys of int collision partners (no workload's own key is
// this large but MaxInt64, which is above every partner's).
const varBase = 7_000_000_000_000_000_000

func newWork[K Key](tr *tracer[K], seed int64) *work[K] {
	return &work[K]{tr: tr, r: rand.New(rand.NewSource(seed)), used: map[K]bool{}, partners: map[any]okey[K]{}}
}

func isStr[K Key]() bool {
	var z K
	_, ok := any(z).(string)
	return ok
}

const alnum = "abcdefghijklmnopqrstuvwxyz0123456789"

// baseKey makes the key whose Go value is the scene value itself.
func baseKey[K Key](k K) okey[K] { return okey[K]{scene: k, gokey: any(k)} }

// fresh is a new random key: an int in ±1e9, or a string "k…" whose
// length is neither 4 nor 8 (so its [N]byte partners collide, HT2.2).
func (w *work[K]) fresh() okey[K] {
	for {
		var k K
		if isStr[K]() {
			n := 2 + w.r.Intn(14)
			if n == 4 || n == 8 {
				n++
			}
			b := []byte{'k'}
			for len(b) < n {
				b = append(b, alnum[w.r.Intn(len(alnum))])
			}
			k = any(string(b)).(K)
		} else {
			k = any(int64(w.r.Intn(2_000_000_001) - 1_000_000_000)).(K)
		}
		if !w.used[k] {
			return w.take(baseKey(k))
		}
	}
}

func (w *work[K]) take(k okey[K]) okey[K] {
	w.used[k.scene] = true
	w.pool = append(w.pool, k)
	return k
}

// partner is the n-th full-hash collision partner of base key k (n >= 1):
// int64(v) -> uint64, int, uint, uintptr (n = 1..4); string s -> [len]uint8,
// [len]int8 (n = 1, 2).  false if k has no such partner (or, checked on the
// live map, it would not collide).
func (w *work[K]) partner(k okey[K], n int) (okey[K], bool) {
	var p okey[K]
	switch v := any(k.scene).(type) {
	case int64:
		var g any
		switch n {
		case 1:
			g = uint64(v)
		case 2:
			g = int(v)
		case 3:
			g = uint(v)
		case 4:
			g = uintptr(v)
		default:
			return p, false
		}
		if q, ok := w.partners[g]; ok {
			return q, true
		}
		w.nextVar++
		p = okey[K]{scene: any(int64(varBase + w.nextVar)).(K), gokey: g}
	case string:
		if n < 1 || n > 2 {
			return p, false
		}
		var g any
		if n == 1 {
			g = arrayKey(v)
		} else {
			at := reflect.ArrayOf(len(v), reflect.TypeOf(int8(0)))
			a := reflect.New(at).Elem()
			for i := 0; i < len(v); i++ {
				a.Index(i).SetInt(int64(int8(v[i])))
			}
			g = a.Interface()
		}
		if q, ok := w.partners[g]; ok {
			return q, true
		}
		p = okey[K]{scene: any(fmt.Sprintf("#%d#%s", n, v)).(K), gokey: g}
	}
	if w.tr.inited() && w.tr.goHash(p.gokey) != w.tr.goHash(k.gokey) {
		return p, false
	}
	w.partners[p.gokey] = p
	return w.take(p), true
}

func (w *work[K]) hash(k okey[K]) uint64 { return w.tr.goHash(k.gokey) }

// near is a fresh key whose hash shares exactly `nibbles` top nibbles with
// target (0..5), found by trying keys on the live map's keyHash.
func (w *work[K]) near(target uint64, nibbles int) okey[K] {
	if !w.tr.inited() {
		panic("near before the map is inited")
	}
	for {
		var k K
		if isStr[K]() {
			n := 3 + w.r.Intn(10)
			if n == 4 || n == 8 {
				n++
			}
			b := []byte{'n'}
			for len(b) < n {
				b = append(b, alnum[w.r.Intn(len(alnum))])
			}
			k = any(string(b)).(K)
		} else {
			k = any(int64(w.r.Intn(2_000_000_001) - 1_000_000_000)).(K)
		}
		if w.used[k] {
			continue
		}
		x := w.tr.goHash(any(k)) ^ target
		if nibbles > 0 && x>>(64-4*nibbles) != 0 {
			continue
		}
		if nibbles < 16 && (x>>(60-4*nibbles))&15 == 0 {
			continue
		}
		return w.take(baseKey(k))
	}
}

func (w *work[K]) value() int64 {
	switch w.r.Intn(4) {
	case 0:
		return int64(w.r.Intn(256)) // Go boxes these statically (HT8.1)
	case 1:
		return -int64(w.r.Intn(1000))
	default:
		return int64(w.r.Intn(1_000_000))
	}
}

// current is the key's value if the map holds it.
func (w *work[K]) current(k okey[K]) (int64, bool) {
	v, ok := w.tr.contents[k.scene]
	return v, ok
}

// oldFor is an `old` for CAS/CAD: the current value half the time.
func (w *work[K]) oldFor(k okey[K]) int64 {
	if v, ok := w.current(k); ok && w.r.Intn(2) == 0 {
		return v
	}
	return w.value()
}

func (w *work[K]) pick(keys []okey[K]) okey[K] { return keys[w.r.Intn(len(keys))] }

// op runs one random op on k (range and clear excluded).
func (w *work[K]) op(k okey[K]) {
	tr := w.tr
	switch w.r.Intn(16) {
	case 0, 1, 2:
		tr.store(k, w.value())
	case 3, 4:
		tr.load(k)
	case 5, 6:
		tr.loadOrStore(k, w.value())
	case 7:
		tr.loadAndDelete(k)
	case 8, 9:
		tr.del(k)
	case 10, 11:
		tr.swap(k, w.value())
	case 12, 13:
		tr.compareAndSwap(k, w.oldFor(k), w.value())
	default:
		tr.compareAndDelete(k, w.oldFor(k))
	}
}

// first runs a random op of any kind on the zero map (HT2.1: it inits).
func (w *work[K]) first() {
	switch w.r.Intn(4) {
	case 0:
		w.tr.rangeAll()
	case 1:
		w.tr.clear()
	default:
		w.op(w.fresh())
	}
}

func wlBasic[K Key](w *work[K]) {
	tr := w.tr
	w.first()
	tr.rangeAll()
	for i := 0; i < 30; i++ {
		tr.store(w.fresh(), w.value())
	}
	tr.rangeAll()
	for i := 0; i < 200; i++ {
		if w.r.Intn(4) == 0 {
			w.op(w.fresh())
		} else {
			w.op(w.pick(w.pool))
		}
		if i%50 == 49 {
			tr.rangeAll()
		}
	}
	tr.clear()
	tr.rangeAll()
	for i := 0; i < 5; i++ {
		tr.store(w.pick(w.pool), w.value())
	}
	tr.rangeAll()
}

func wlColumns[K Key](w *work[K]) {
	tr := w.tr
	for round := 0; round < 6; round++ {
		a := w.fresh()
		tr.store(a, w.value())
		ha := w.hash(a)
		var col []okey[K]
		// level by level: each key shares one nibble more with a
		for n := 1; n <= 5; n++ {
			k := w.near(ha, n)
			col = append(col, k)
			tr.store(k, w.value())
		}
		// in one expand: two keys sharing 5 nibbles, the second arriving
		// when the first sits alone
		b := w.near(w.r.Uint64(), 0)
		tr.store(b, w.value())
		c := w.near(w.hash(b), 5)
		tr.loadOrStore(c, w.value())
		// branches off the column, deep misses, loads
		for i := 0; i < 6; i++ {
			k := w.near(w.hash(w.pick(col)), 1+w.r.Intn(5))
			if w.r.Intn(3) == 0 {
				tr.load(k) // descends, misses
			} else {
				tr.store(k, w.value())
				col = append(col, k)
			}
		}
		for _, k := range col {
			tr.load(k)
		}
		tr.rangeAll()
		// deletes in a random order, ranges between
		all := append([]okey[K]{a, b, c}, col...)
		w.r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
		for i, k := range all {
			if i%2 == 0 || round%2 == 0 {
				tr.del(k)
			}
			if i%4 == 3 {
				tr.rangeAll()
			}
		}
		tr.rangeAll()
	}
}

func wlCollide[K Key](w *work[K]) {
	tr := w.tr
	maxN := 4
	if isStr[K]() {
		maxN = 2
	}
	for round := 0; round < 5; round++ {
		a := w.fresh()
		tr.store(a, w.value())
		chain := []okey[K]{a}
		for n := 1; n <= maxN; n++ {
			p, ok := w.partner(a, n)
			if !ok {
				panic(fmt.Sprintf("no colliding partner %d of %v", n, a.scene))
			}
			chain = append(chain, p)
			if n%2 == 0 {
				tr.loadOrStore(p, w.value()) // absent: lock, prepend
			} else {
				tr.store(p, w.value()) // prepended (HT4.4.1)
			}
		}
		for _, k := range chain {
			tr.load(k) // walks overflow links
		}
		tr.rangeAll() // the chain newest first
		for i := 0; i < 12; i++ {
			k := w.pick(chain)
			switch i % 6 {
			case 0:
				tr.store(k, w.value()) // head, middle or tail: a new node in place
			case 1:
				tr.swap(k, w.value())
			case 2:
				tr.compareAndSwap(k, w.oldFor(k), w.value())
			case 3:
				tr.loadOrStore(k, w.value()) // present: lock-free through the chain
			case 4:
				tr.compareAndDelete(k, w.oldFor(k))
			default:
				tr.load(k)
			}
		}
		// a key sharing a few nibbles moves the whole chain down
		d := w.near(w.hash(a), 1+w.r.Intn(4))
		tr.store(d, w.value())
		tr.rangeAll()
		// a chain deep in a column
		e := w.near(w.hash(d), 3)
		tr.store(e, w.value())
		if p, ok := w.partner(e, 1); ok {
			tr.store(p, w.value())
			chain = append(chain, p)
		}
		tr.rangeAll()
		// unlink from the head, middle, tail; empty the chain: pruning
		w.r.Shuffle(len(chain), func(i, j int) { chain[i], chain[j] = chain[j], chain[i] })
		for i, k := range chain {
			if i%2 == 0 {
				tr.loadAndDelete(k)
			} else {
				tr.del(k)
			}
		}
		tr.del(d)
		tr.rangeAll()
		if round%2 == 1 {
			tr.del(e)
		}
	}
}

func wlPrune[K Key](w *work[K]) {
	tr := w.tr
	w.first()
	for round := 0; round < 8; round++ {
		a := w.fresh()
		tr.store(a, w.value())
		keys := []okey[K]{a}
		for i := 0; i < 8; i++ {
			k := w.near(w.hash(w.pick(keys)), 1+w.r.Intn(5))
			tr.store(k, w.value())
			keys = append(keys, k)
		}
		tr.rangeAll()
		// misses under deep nodes take no lock and change nothing
		tr.del(w.near(w.hash(w.pick(keys)), 4))
		tr.loadAndDelete(w.near(w.hash(w.pick(keys)), 2))
		w.r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
		for i, k := range keys {
			switch i % 3 {
			case 0:
				tr.del(k)
			case 1:
				tr.loadAndDelete(k)
			default:
				v, _ := w.current(k)
				tr.compareAndDelete(k, v) // a hit: prunes like a delete
			}
			if i == len(keys)/2 { // refill into the leftover levels
				k2 := w.near(w.hash(w.pick(keys)), 3)
				tr.store(k2, w.value())
				tr.del(k2)
			}
		}
		tr.rangeAll()
	}
}

func wlCAS[K Key](w *work[K]) {
	tr := w.tr
	var keys []okey[K]
	for i := 0; i < 20; i++ {
		k := w.fresh()
		keys = append(keys, k)
		tr.store(k, int64(w.r.Intn(4)))
	}
	for i := 0; i < 4; i++ {
		if p, ok := w.partner(w.pick(keys[:20]), 1); ok {
			keys = append(keys, p)
			tr.store(p, int64(w.r.Intn(4)))
		}
	}
	for i := 0; i < 4; i++ {
		keys = append(keys, w.fresh()) // absent
	}
	for i := 0; i < 300; i++ {
		k := w.pick(keys)
		old := int64(w.r.Intn(4)) // small values: hits by chance too
		switch w.r.Intn(5) {
		case 0, 1:
			tr.compareAndSwap(k, old, int64(w.r.Intn(4)))
		case 2, 3:
			tr.compareAndDelete(k, old)
		default:
			if w.r.Intn(2) == 0 {
				tr.store(k, int64(w.r.Intn(4)))
			} else {
				tr.load(k)
			}
		}
	}
	tr.rangeAll()
}

func wlClear[K Key](w *work[K]) {
	tr := w.tr
	tr.clear() // HT2.1: Clear inits too
	tr.rangeAll()
	for round := 0; round < 4; round++ {
		var keys []okey[K]
		for i := 0; i < 25; i++ {
			k := w.fresh()
			keys = append(keys, k)
			tr.store(k, w.value())
		}
		if p, ok := w.partner(keys[0], 1); ok {
			tr.store(p, 1)
		}
		tr.store(w.near(w.hash(keys[1]), 3), 2)
		tr.rangeAll()
		tr.clear()
		tr.load(keys[0])
		tr.rangeAll()
		if round%2 == 0 {
			tr.clear() // of an empty trie
		}
		for _, k := range keys[:10] { // the same keys, the same hashes (HT2.3)
			tr.store(k, w.value())
		}
		tr.rangeAll()
	}
}

func wlRange[K Key](w *work[K]) {
	tr := w.tr
	w.first()
	var keys []okey[K]
	for len(tr.contents) < 400 {
		k := w.fresh()
		if w.r.Intn(10) == 0 && len(keys) > 0 {
			if p, ok := w.partner(w.pick(keys), 1); ok {
				k = p
			}
		}
		keys = append(keys, k)
		tr.store(k, w.value())
		if len(keys)%40 == 0 {
			tr.rangeAll()
		}
	}
	w.r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	for i, k := range keys {
		tr.del(k)
		if i%40 == 39 {
			tr.rangeAll()
		}
	}
	tr.rangeAll()
}

func wlMixed[K Key](w *work[K]) {
	tr := w.tr
	w.first()
	var keys []okey[K]
	for i := 0; i < 150; i++ {
		keys = append(keys, w.fresh())
	}
	for i := 0; i < 20; i++ {
		if p, ok := w.partner(w.pick(keys[:150]), 1+w.r.Intn(2)); ok {
			keys = append(keys, p)
		}
		keys = append(keys, w.near(w.hash(w.pick(keys)), 2+w.r.Intn(3)))
	}
	for i := 0; i < 2000; i++ {
		switch {
		case w.r.Intn(500) == 0:
			tr.clear()
		case w.r.Intn(60) == 0:
			tr.rangeAll()
		default:
			w.op(w.pick(keys))
		}
	}
	tr.rangeAll()
}

func wlOddKeys[K Key](w *work[K]) {
	tr := w.tr
	var keys []okey[K]
	if isStr[K]() {
		long := make([]byte, 200)
		for i := range long {
			long[i] = alnum[i%len(alnum)]
		}
		// no NUL: scene strings cannot hold one (the engine could)
		for _, s := range []string{"", "\x01", "a\x02b", "\t\n\r", "é", "日本語", "quote\"back\\slash", "$dollar$$",
			"\x7f\x1f", string(long), string(long[:199]) + "\x1b", "ü✓go"} {
			keys = append(keys, w.take(baseKey(any(s).(K))))
		}
	} else {
		for _, v := range []int64{0, -1, 1, 255, 256, -256, math.MinInt64, math.MaxInt64, math.MinInt64 + 1, 1 << 32} {
			keys = append(keys, w.take(baseKey(any(v).(K))))
		}
	}
	for _, k := range keys {
		tr.store(k, w.value())
	}
	for i, k := range keys {
		if p, ok := w.partner(k, 1+i%2); ok {
			keys = append(keys, p)
			tr.store(p, w.value())
		}
	}
	tr.rangeAll()
	for i := 0; i < 150; i++ {
		w.op(w.pick(keys))
		if i%30 == 29 {
			tr.rangeAll()
		}
	}
	tr.rangeAll()
}
