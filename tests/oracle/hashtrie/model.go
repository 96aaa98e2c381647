// The reference model: HashTrieMap written only from HT2-HT7 of
// go-swiss-semantics.md, sequential, fed only with the hashes a scene pins.
// The selftest runs it in lockstep with the real sync.Map: if the two agree
// after every op, the sheet's rules hold on this runtime and a scene's pins
// are enough to reproduce Go's trie, which is what mapviz has to do.
package main

type mInd struct {
	parent   *mInd
	children [16]mNode
}

// mNode is a child slot: nil, an indirect node, or an entry chain.
type mNode struct {
	ind *mInd
	ent *mEnt
}

func (n mNode) isNil() bool { return n.ind == nil && n.ent == nil }

type mEnt struct {
	key      string // canonical JSON of the scene key
	value    int64
	overflow *mEnt
}

type model struct {
	inited bool
	root   *mInd
	hash   map[string]uint64 // the pins: every key's hash
}

func newModel() *model { return &model{hash: map[string]uint64{}} }

// init is HT2.1's lazy init.
func (m *model) init() {
	if !m.inited {
		m.inited = true
		m.root = &mInd{}
	}
}

func nib(h uint64, shift uint) int { return int(h>>shift) & 15 }

// descend (HT3.1, HT4.2): the node and shift of the first nil or entry slot.
func (m *model) descend(h uint64) (*mInd, uint) {
	i, shift := m.root, uint(64)
	for {
		shift -= 4
		n := i.children[nib(h, shift)]
		if n.ind == nil {
			return i, shift
		}
		i = n.ind
	}
}

func lookup(e *mEnt, key string) *mEnt {
	for ; e != nil; e = e.overflow {
		if e.key == key {
			return e
		}
	}
	return nil
}

func (m *model) load(key string, h uint64) (int64, bool) {
	m.init()
	m.hash[key] = h
	i, shift := m.descend(h)
	if e := lookup(i.children[nib(h, shift)].ent, key); e != nil {
		return e.value, true
	}
	return 0, false
}

// replace (HT4.3): a new entry for key in the chain at slot, spliced in.
func replace(slot *mNode, e *mEnt, value int64) {
	ne := &mEnt{key: e.key, value: value, overflow: e.overflow}
	if slot.ent == e {
		slot.ent = ne
		return
	}
	for p := slot.ent; p != nil; p = p.overflow {
		if p.overflow == e {
			p.overflow = ne
			return
		}
	}
}

// insert (HT4.3, HT4.4) the new entry at slot (nil or another chain).
func (m *model) insert(i *mInd, shift uint, h uint64, key string, value int64) {
	slot := &i.children[nib(h, shift)]
	ne := &mEnt{key: key, value: value}
	if slot.ent == nil {
		slot.ent = ne
		return
	}
	old := slot.ent
	oh := m.hash[old.key]
	if oh == h { // HT4.4.1: prepended
		ne.overflow = old
		slot.ent = ne
		return
	}
	top := &mInd{parent: i}
	cur := top
	for {
		shift -= 4
		oi, ni := nib(oh, shift), nib(h, shift)
		if oi != ni {
			cur.children[oi].ent = old
			cur.children[ni].ent = ne
			break
		}
		nx := &mInd{parent: cur}
		cur.children[oi].ind = nx
		cur = nx
	}
	*slot = mNode{ind: top}
}

func (m *model) swap(key string, h uint64, value int64) (int64, bool) {
	m.init()
	m.hash[key] = h
	i, shift := m.descend(h)
	slot := &i.children[nib(h, shift)]
	if e := lookup(slot.ent, key); e != nil {
		replace(slot, e, value)
		return e.value, true
	}
	m.insert(i, shift, h, key, value)
	return 0, false
}

func (m *model) loadOrStore(key string, h uint64, value int64) (int64, bool) {
	m.init()
	m.hash[key] = h
	i, shift := m.descend(h)
	if e := lookup(i.children[nib(h, shift)].ent, key); e != nil {
		return e.value, true
	}
	m.insert(i, shift, h, key, value)
	return value, false
}

// remove (HT6.2) e from the chain at slot, and prune upward.
func (m *model) remove(i *mInd, shift uint, h uint64, e *mEnt) {
	slot := &i.children[nib(h, shift)]
	if slot.ent != e {
		for p := slot.ent; p != nil; p = p.overflow {
			if p.overflow == e {
				p.overflow = e.overflow
				return
			}
		}
	}
	slot.ent = e.overflow
	if slot.ent != nil {
		return
	}
	for i.parent != nil {
		for _, c := range i.children {
			if !c.isNil() {
				return
			}
		}
		shift += 4
		i.parent.children[nib(h, shift)] = mNode{}
		i = i.parent
	}
}

func (m *model) loadAndDelete(key string, h uint64) (int64, bool) {
	m.init()
	m.hash[key] = h
	i, shift := m.descend(h)
	e := lookup(i.children[nib(h, shift)].ent, key)
	if e == nil {
		return 0, false
	}
	m.remove(i, shift, h, e)
	return e.value, true
}

func lookupValue(e *mEnt, key string, v int64) *mEnt {
	for ; e != nil; e = e.overflow {
		if e.key == key && e.value == v {
			return e
		}
	}
	return nil
}

func (m *model) compareAndSwap(key string, h uint64, old, nv int64) bool {
	m.init()
	m.hash[key] = h
	i, shift := m.descend(h)
	slot := &i.children[nib(h, shift)]
	e := lookupValue(slot.ent, key, old)
	if e == nil {
		return false
	}
	replace(slot, e, nv)
	return true
}

func (m *model) compareAndDelete(key string, h uint64, old int64) bool {
	m.init()
	m.hash[key] = h
	i, shift := m.descend(h)
	e := lookupValue(i.children[nib(h, shift)].ent, key, old)
	if e == nil {
		return false
	}
	m.remove(i, shift, h, e)
	return true
}

// rangeAll (HT7.1): depth first, children 0..15, chains head first.
func (m *model) rangeAll() ([]string, []int64) {
	m.init()
	var keys []string
	var vals []int64
	var walk func(i *mInd)
	walk = func(i *mInd) {
		for _, c := range i.children {
			if c.ind != nil {
				walk(c.ind)
			}
			for e := c.ent; e != nil; e = e.overflow {
				keys = append(keys, e.key)
				vals = append(vals, e.value)
			}
		}
	}
	walk(m.root)
	return keys, vals
}

// clear (HT7.2): a fresh root.
func (m *model) clear() {
	m.init()
	m.root = &mInd{}
}

func (m *model) state() *trieState {
	st := &trieState{inited: m.inited}
	var conv func(i *mInd) *tnode
	conv = func(i *mInd) *tnode {
		n := &tnode{ind: new([16]*tnode)}
		for j, c := range i.children {
			if c.ind != nil {
				n.ind[j] = conv(c.ind)
				continue
			}
			if c.ent == nil {
				continue
			}
			cn := &tnode{}
			for e := c.ent; e != nil; e = e.overflow {
				cn.ents = append(cn.ents, tent{e.key, e.value})
			}
			n.ind[j] = cn
		}
		return n
	}
	if m.root != nil {
		st.root = conv(m.root)
	}
	return st
}
