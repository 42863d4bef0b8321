package extract

import "sync"

// scanners recycles scanners with their buffers (hits, keys, refang and grouping scratch)
// between Extract calls: nothing Extract returns points into them.
var scanners = sync.Pool{New: func() any { return new(scanner) }}

// Buffers above these capacities are dropped rather than pooled, so that one huge input does
// not pin its memory for the life of the process.
const (
	maxPooledHits  = 1 << 18
	maxPooledArena = 16 << 20
)

// getScanner returns a reset scanner for one call, its buffers sized from the text length.
func getScanner(x *Extractor, text []byte) *scanner {
	s := scanners.Get().(*scanner)
	s.x, s.text = x, text
	s.hits = grow(s.hits, 16+len(text)/128)[:0]
	s.arena = grow(s.arena, 64+len(text)/32)[:0]
	s.suffixes.reset()
	s.badTLDs.reset()
	s.names.reset()
	s.nameKeys = s.nameKeys[:0]

	return s
}

// putScanner drops the scanner's references to the caller's text and pools it.
func putScanner(s *scanner) {
	s.x, s.text, s.norm, s.offs = nil, nil, nil, nil
	if cap(s.hits) > maxPooledHits || cap(s.arena) > maxPooledArena ||
		cap(s.slots) > 4*maxPooledHits || len(s.suffixes.slots) > 1<<16 ||
		len(s.names.slots) > 1<<16 {
		return
	}

	scanners.Put(s)
}

// grow returns b with length n, reallocated only when its capacity is short; the contents are
// not kept.
func grow[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}

	return b[:n]
}
