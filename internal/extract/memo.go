package extract

import (
	"bytes"
	"hash/maphash"
)

// memo maps byte strings to int32 values in an open-addressing table over one byte buffer. It
// holds the per-call public-suffix answers: no string header or allocation per key, one hash
// and usually one probe per lookup, and its memory is reused across calls through the pool.
type memo struct {
	seed  maphash.Seed
	slots []int32 // 0 = empty, else 1 + index into ents; the length is a power of two
	ents  []memoEntry
	data  []byte // the keys, back to back
}

type memoEntry struct {
	hash     uint32
	off, end uint32 // key in data
	val      int32
}

// reset empties the memo, keeping its memory.
func (m *memo) reset() {
	clear(m.slots)
	m.ents, m.data = m.ents[:0], m.data[:0]
}

// get returns the value stored for key.
func (m *memo) get(key []byte) (int32, bool) {
	if len(m.ents) == 0 {
		return 0, false
	}

	h := uint32(maphash.Bytes(m.seed, key))
	mask := uint32(len(m.slots) - 1)
	for p := h & mask; ; p = (p + 1) & mask {
		e := m.slots[p]
		if e == 0 {
			return 0, false
		}
		if en := &m.ents[e-1]; en.hash == h && bytes.Equal(m.data[en.off:en.end], key) {
			return en.val, true
		}
	}
}

// put stores val for key, which must not be in the memo yet.
func (m *memo) put(key []byte, val int32) {
	if len(m.slots) == 0 {
		m.seed = maphash.MakeSeed()
		m.slots = make([]int32, 64)
	}
	if 2*(len(m.ents)+1) > len(m.slots) {
		m.rehash(2 * len(m.slots))
	}

	h := uint32(maphash.Bytes(m.seed, key))
	off := len(m.data)
	m.data = append(m.data, key...)
	m.ents = append(m.ents, memoEntry{hash: h, off: uint32(off), end: uint32(len(m.data)), val: val})
	m.insert(h, int32(len(m.ents)))
}

// insert places entry number e (1-based) with hash h in the first free slot.
func (m *memo) insert(h uint32, e int32) {
	mask := uint32(len(m.slots) - 1)
	p := h & mask
	for m.slots[p] != 0 {
		p = (p + 1) & mask
	}
	m.slots[p] = e
}

// rehash grows the slot table to size and re-inserts every entry.
func (m *memo) rehash(size int) {
	m.slots = make([]int32, size)
	for i, en := range m.ents {
		m.insert(en.hash, int32(i+1))
	}
}
