// A reference model of Go 1.26's map, written only from the rules of
// go-swiss-semantics.md (SW2–SW6, SW8), and fed only what a scene gives
// mapviz: each op's pinned hash, and each range's pinned offsets.  It never
// sees a seed or a hasher: the hash of a stored key is the one pinned on the
// op that stored it, and every grow, split, conversion and prune re-uses
// those (SW8.3: every live key was stored under the current seed).
//
// The selftest runs it in lockstep with the real runtime over every
// workload: if it agrees after every op, the sheet's rules hold on this
// runtime AND the scene's pins are enough to reproduce Go's state, which is
// exactly what mapviz's swiss engine has to do.  `oracle-swiss gen -model
// FILE` writes its trace in mapviz's output shape (a reference "actual").
package main

import "fmt"

// mGroup is a group of the model: ctrl bytes, keys, values, and the hash
// pinned on the op that stored each key.
type mGroup[K Key] struct {
	ctrl [groupSlots]uint8
	keys [groupSlots]K
	vals [groupSlots]int64
	hash [groupSlots]uint64
}

func (g *mGroup[K]) setEmpty() {
	*g = mGroup[K]{}
	for i := range g.ctrl {
		g.ctrl[i] = ctrlEmpty
	}
}

func (g *mGroup[K]) hasEmpty() bool {
	for _, c := range g.ctrl {
		if c == ctrlEmpty {
			return true
		}
	}
	return false
}

// firstEmptyOrDeleted is matchEmptyOrDeleted().first(), or -1.
func (g *mGroup[K]) firstEmptyOrDeleted() int {
	for i, c := range g.ctrl {
		if !isFull(c) {
			return i
		}
	}
	return -1
}

type mTable[K Key] struct {
	used, capacity, growthLeft uint16
	localDepth                 uint8
	index                      int
	groups                     []mGroup[K]
}

// newMTable is newTable (SW3.3): capacity at least 8, rounded up to a power
// of two, all groups empty, growthLeft = maxGrowthLeft (SW3.4).
func newMTable[K Key](capacity uint64, index int, localDepth uint8) *mTable[K] {
	if capacity < groupSlots {
		capacity = groupSlots
	}
	c := uint64(1)
	for c < capacity {
		c <<= 1
	}
	t := &mTable[K]{capacity: uint16(c), index: index, localDepth: localDepth}
	t.groups = make([]mGroup[K], c/groupSlots)
	for i := range t.groups {
		t.groups[i].setEmpty()
	}
	t.growthLeft = t.maxGrowthLeft()
	return t
}

func (t *mTable[K]) maxGrowthLeft() uint16 { // SW3.4
	if t.capacity <= groupSlots {
		return t.capacity - 1
	}
	return t.capacity * 7 / 8
}

func (t *mTable[K]) mask() uint64 { return uint64(len(t.groups) - 1) }

// probe calls f with the groups of hash's probe sequence (SW4.1) until f
// returns true.  The sequence visits every group once in `groups` steps; a
// probe that needs more means the model broke SW4.2 (a table always has an
// empty slot), and it panics rather than loop forever.
func (t *mTable[K]) probe(hash uint64, f func(gi uint64) bool) {
	mask := t.mask()
	off := h1(hash) & mask
	for i := uint64(0); i <= mask; {
		if f(off) {
			return
		}
		i++
		off = (off + i) & mask
	}
	panic(fmt.Sprintf("model: the probe sequence of hash %#x ran through all %d groups (SW4.2)", hash, mask+1))
}

// find is the lookup of SW4.4: (group, slot) of k, or ok false.
func (t *mTable[K]) find(k K, hash uint64) (gi uint64, slot int, ok bool) {
	h := h2(hash)
	t.probe(hash, func(g uint64) bool {
		grp := &t.groups[g]
		for i := 0; i < groupSlots; i++ {
			if grp.ctrl[i] == h && grp.keys[i] == k {
				gi, slot, ok = g, i, true
				return true
			}
		}
		return grp.hasEmpty()
	})
	return
}

// uncheckedPut is uncheckedPutSlot (SW4.9).
func (t *mTable[K]) uncheckedPut(k K, v int64, hash uint64) {
	if t.growthLeft == 0 {
		panic("model: uncheckedPut with growthLeft 0")
	}
	t.probe(hash, func(g uint64) bool {
		grp := &t.groups[g]
		i := grp.firstEmptyOrDeleted()
		if i < 0 {
			return false
		}
		grp.ctrl[i], grp.keys[i], grp.vals[i], grp.hash[i] = h2(hash), k, v, hash
		t.growthLeft--
		t.used++
		return true
	})
}

// pruneTombstones is SW4.15.
func (t *mTable[K]) pruneTombstones() {
	tomb := int(t.maxGrowthLeft()) - int(t.used) - int(t.growthLeft)
	if tomb*10 < int(t.capacity) {
		return
	}
	needed := make([]bool, len(t.groups))
	for i := range t.groups {
		grp := &t.groups[i]
		for j := 0; j < groupSlots; j++ {
			if !isFull(grp.ctrl[j]) {
				continue
			}
			// (int64 and string keys always equal themselves.)
			t.probe(grp.hash[j], func(g uint64) bool {
				if g == uint64(i) {
					return true
				}
				if t.groups[g].firstEmptyOrDeleted() >= 0 {
					needed[g] = true
				}
				return false
			})
		}
		if grp.hasEmpty() {
			needed[i] = true
		}
	}
	cnt := 0
	for i := range t.groups {
		if !needed[i] {
			for _, c := range t.groups[i].ctrl {
				if !isFull(c) {
					cnt++
				}
			}
		}
	}
	if cnt*10 < int(t.capacity) {
		return
	}
	for i := range t.groups {
		if needed[i] {
			continue
		}
		for j, c := range t.groups[i].ctrl {
			if !isFull(c) {
				t.groups[i].ctrl[j] = ctrlEmpty
				t.groups[i].keys[j], t.groups[i].vals[j], t.groups[i].hash[j] = *new(K), 0, 0
				t.growthLeft++
			}
		}
	}
}

// model is the map: nil directory and no small group (never written), a
// small group, or a directory of tables.
type model[K Key] struct {
	used              uint64
	globalDepth       uint8
	tombstonePossible bool
	clearSeq          uint64
	small             *mGroup[K]
	dir               []*mTable[K]

	// counters of what happened, for the selftest's report
	conversions, grows, splits, dirDoublings, prunes int
}

// newModel is make(map, hint) (SW3).
func newModel[K Key](hint int) *model[K] {
	m := &model[K]{}
	if hint <= groupSlots { // SW3.2
		return m
	}
	target := uint64(hint) * groupSlots / 7
	dirSize := uint64(1)
	for dirSize < (target+maxTableCapacity-1)/maxTableCapacity {
		dirSize <<= 1
	}
	for dirSize>>m.globalDepth > 1 {
		m.globalDepth++
	}
	for i := uint64(0); i < dirSize; i++ {
		m.dir = append(m.dir, newMTable[K](target/dirSize, int(i), m.globalDepth))
	}
	return m
}

func (m *model[K]) table(hash uint64) *mTable[K] {
	return m.dir[dirIndex(hash, m.globalDepth)]
}

// replaceTable is Map.replaceTable (SW5.4 step 3).
func (m *model[K]) replaceTable(nt *mTable[K]) {
	for i := 0; i < 1<<(m.globalDepth-nt.localDepth); i++ {
		m.dir[nt.index+i] = nt
	}
}

// rehash is SW5.3–SW5.7: grow, or split (with directory doubling).
func (m *model[K]) rehash(t *mTable[K]) {
	if nc := 2 * uint64(t.capacity); nc <= maxTableCapacity {
		m.grows++
		nt := newMTable[K](nc, t.index, t.localDepth)
		for gi := range t.groups {
			g := &t.groups[gi]
			for j := 0; j < groupSlots; j++ {
				if isFull(g.ctrl[j]) {
					nt.uncheckedPut(g.keys[j], g.vals[j], g.hash[j])
				}
			}
		}
		m.replaceTable(nt)
		t.index = -1
		return
	}
	m.splits++
	ld := t.localDepth + 1
	left := newMTable[K](maxTableCapacity, -1, ld)
	right := newMTable[K](maxTableCapacity, -1, ld)
	bit := uint64(1) << (64 - ld)
	for gi := range t.groups {
		g := &t.groups[gi]
		for j := 0; j < groupSlots; j++ {
			if isFull(g.ctrl[j]) {
				if g.hash[j]&bit == 0 {
					left.uncheckedPut(g.keys[j], g.vals[j], g.hash[j])
				} else {
					right.uncheckedPut(g.keys[j], g.vals[j], g.hash[j])
				}
			}
		}
	}
	if t.localDepth == m.globalDepth { // installTableSplit (SW5.7)
		m.dirDoublings++
		nd := make([]*mTable[K], 2*len(m.dir))
		for i, x := range m.dir {
			nd[2*i], nd[2*i+1] = x, x
			if x.index == i {
				x.index = 2 * i
			}
		}
		m.dir = nd
		m.globalDepth++
	}
	left.index = t.index
	m.replaceTable(left)
	right.index = left.index + 1<<(m.globalDepth-left.localDepth)
	m.replaceTable(right)
	t.index = -1
}

// store is m[k] = v with k's pinned hash (SW2.3, SW2.6, SW4.6).
func (m *model[K]) store(k K, v int64, hash uint64) {
	if m.small == nil && m.dir == nil {
		m.small = new(mGroup[K]) // growToSmall (SW2.2)
		m.small.setEmpty()
	}
	if m.dir == nil {
		g := m.small
		if m.used < groupSlots {
			for i := 0; i < groupSlots; i++ {
				if g.ctrl[i] == h2(hash) && g.keys[i] == k {
					g.vals[i] = v
					return
				}
			}
			i := g.firstEmptyOrDeleted()
			g.ctrl[i], g.keys[i], g.vals[i], g.hash[i] = h2(hash), k, v, hash
			m.used++
			return
		}
		// growToTable (SW2.6): any write at 8 entries, even an update.
		m.conversions++
		t := newMTable[K](2*groupSlots, 0, 0)
		for i := 0; i < groupSlots; i++ {
			if isFull(g.ctrl[i]) {
				t.uncheckedPut(g.keys[i], g.vals[i], g.hash[i])
			}
		}
		m.small = nil
		m.dir = []*mTable[K]{t}
		m.globalDepth = 0
	}
	for {
		t := m.table(hash)
		var tg uint64
		ti, tombG, tombI := -1, uint64(0), -1
		found := false
		t.probe(hash, func(gi uint64) bool {
			grp := &t.groups[gi]
			for i := 0; i < groupSlots; i++ {
				if grp.ctrl[i] == h2(hash) && grp.keys[i] == k {
					grp.vals[i] = v // update (SW4.6 step 2)
					found = true
					return true
				}
			}
			i := grp.firstEmptyOrDeleted()
			if i < 0 {
				return false
			}
			if grp.ctrl[i] == ctrlDeleted {
				if tombI < 0 {
					tombG, tombI = gi, i
				}
				return false
			}
			tg, ti = gi, i
			return true
		})
		if found {
			return
		}
		if tombI >= 0 { // step 5: reuse the first tombstone
			tg, ti = tombG, tombI
			t.growthLeft++
		}
		if t.growthLeft == 0 { // step 6 (1.25+, the fast paths, SW4.14)
			before := t.growthLeft
			t.pruneTombstones()
			if t.growthLeft != before {
				m.prunes++
			}
		}
		if t.growthLeft > 0 { // step 7
			g := &t.groups[tg]
			g.ctrl[ti], g.keys[ti], g.vals[ti], g.hash[ti] = h2(hash), k, v, hash
			t.growthLeft--
			t.used++
			m.used++
			return
		}
		m.rehash(t) // step 8, then restart
	}
}

// load is v, ok := m[k] (SW4.4, SW2.5).
func (m *model[K]) load(k K, hash uint64) (int64, bool) {
	if m.used == 0 {
		return 0, false
	}
	if m.dir == nil {
		for i := 0; i < groupSlots; i++ {
			if m.small.ctrl[i] == h2(hash) && m.small.keys[i] == k {
				return m.small.vals[i], true
			}
		}
		return 0, false
	}
	t := m.table(hash)
	if g, i, ok := t.find(k, hash); ok {
		return t.groups[g].vals[i], true
	}
	return 0, false
}

// del is delete(m, k) (SW4.10, SW2.4).  The reseed when it empties the map
// (SW8.3) is invisible here: later ops arrive with hashes under the new
// seed.
func (m *model[K]) del(k K, hash uint64) {
	if m.used == 0 {
		return
	}
	if m.dir == nil {
		g := m.small
		for i := 0; i < groupSlots; i++ {
			if g.ctrl[i] == h2(hash) && g.keys[i] == k {
				g.ctrl[i], g.keys[i], g.vals[i], g.hash[i] = ctrlEmpty, *new(K), 0, 0
				m.used--
				return
			}
		}
		return
	}
	t := m.table(hash)
	gi, i, ok := t.find(k, hash)
	if !ok {
		return
	}
	g := &t.groups[gi]
	g.keys[i], g.vals[i], g.hash[i] = *new(K), 0, 0
	t.used--
	m.used--
	if g.hasEmpty() {
		g.ctrl[i] = ctrlEmpty
		t.growthLeft++
	} else {
		g.ctrl[i] = ctrlDeleted
		m.tombstonePossible = true
	}
}

// clear is clear(m) (SW8.1, SW8.2).
func (m *model[K]) clear() {
	if m.used == 0 && !m.tombstonePossible {
		return
	}
	if m.dir == nil {
		if m.small != nil {
			m.small.setEmpty()
		}
	} else {
		var last *mTable[K]
		for _, t := range m.dir {
			if t == last {
				continue
			}
			last = t
			if t.used == 0 && t.growthLeft == t.maxGrowthLeft() {
				continue
			}
			for gi := range t.groups {
				t.groups[gi].setEmpty()
			}
			t.used = 0
			t.growthLeft = t.maxGrowthLeft()
		}
		m.tombstonePossible = false
	}
	m.used = 0
	m.clearSeq++
}

// state renders the model as a mapState, for the same encoder and
// comparison as the runtime's.
func (m *model[K]) state() *mapState[K] {
	s := &mapState[K]{used: m.used, globalDepth: m.globalDepth, tombstonePossible: m.tombstonePossible,
		clearSeq: m.clearSeq, directory: []int{}, dirLen: len(m.dir)}
	copyGroup := func(g *mGroup[K]) groupState[K] {
		var o groupState[K]
		o.ctrl = g.ctrl
		for i := 0; i < groupSlots; i++ {
			if isFull(g.ctrl[i]) {
				o.keys[i], o.vals[i] = g.keys[i], g.vals[i]
			}
		}
		return o
	}
	if m.small != nil {
		g := copyGroup(m.small)
		s.small = &g
	}
	s.nilDir = m.small == nil && m.dir == nil
	pos := map[*mTable[K]]int{}
	for _, t := range m.dir {
		i, ok := pos[t]
		if !ok {
			i = len(s.tables)
			pos[t] = i
			ts := &tableState[K]{index: t.index, localDepth: t.localDepth, capacity: t.capacity,
				used: t.used, growthLeft: t.growthLeft, lengthMask: t.mask()}
			for gi := range t.groups {
				ts.groups = append(ts.groups, copyGroup(&t.groups[gi]))
			}
			s.tables = append(s.tables, ts)
		}
		s.directory = append(s.directory, i)
	}
	if len(m.dir) > 0 {
		s.globalShift = 64 - m.globalDepth
	}
	return s
}
