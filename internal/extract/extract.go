package extract

import (
	"bytes"
	"cmp"
	"errors"
	"hash/maphash"
	"regexp"
	"regexp/syntax"
	"slices"
	"time"
	"unsafe"
)

// Extractor finds indicators in text. It is immutable after New and safe for concurrent use.
type Extractor struct {
	custom      *regexp.Regexp // nil when the customQid type is disabled
	customValue *regexp.Regexp // nil when the value regex is blank
	maxCVEYear  int
}

// New returns an Extractor for opts, compiling the admin's regexes once. Every refused option is
// reported, each as an *OptionError, joined with errors.Join.
func New(opts Options) (*Extractor, error) {
	x := &Extractor{maxCVEYear: time.Now().Year() + 1}

	var errs []error
	if opts.CustomQIDPattern != "" {
		re, err := compileOption(KeyCustomQIDRegex, opts.CustomQIDPattern)
		switch {
		case err != nil:
			errs = append(errs, err)
		case canMatchEmpty(opts.CustomQIDPattern):
			errs = append(errs, &OptionError{Key: KeyCustomQIDRegex, Message: "pattern can " +
				"match an empty string, so it would flag every position; make at least one " +
				"part mandatory, e.g. \\d+ instead of \\d*"})
		default:
			x.custom = re
		}
	}

	if opts.CustomQIDValuePattern != "" {
		re, err := compileOption(KeyCustomQIDValueRegex, opts.CustomQIDValuePattern)
		if err != nil {
			errs = append(errs, err)
		}

		x.customValue = re
	}

	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	return x, nil
}

// canMatchEmpty parses an already compiled pattern and reports whether it can match "".
func canMatchEmpty(pattern string) bool {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return false
	}

	return matchesEmpty(re.Simplify())
}

var defaultExtractor = &Extractor{maxCVEYear: time.Now().Year() + 1}

// Extract finds the built-in indicator types in text with default options.
func Extract(text []byte) []Entity {
	return defaultExtractor.Extract(text)
}

// Extract returns the entities in text in order of first occurrence, each distinct (type,
// canonical value) once with every span. Spans are byte offsets into text, which may hold
// invalid UTF-8.
func (x *Extractor) Extract(text []byte) []Entity {
	s := getScanner(x, text)
	defer putScanner(s)

	s.scan()
	s.hits = resolveOverlaps(s.hits, s.arena)

	if x.custom != nil {
		s.hits = x.appendCustom(s.hits, text, &s.arena)
		sortHits(s.hits)
	}

	return s.group()
}

// hit is one occurrence before grouping. Its key (type code then canonical value) lives in the
// scanner's arena, so finding a hit allocates nothing.
type hit struct {
	start, end   int   // raw span
	keyLo, keyHi int32 // arena range
	skip         uint8 // index into skipReasons
	rawIsValue   bool  // the raw text is the value, so Raw shares its bytes
}

// typ returns the hit's type from the code at the head of its key.
func (h hit) typ(arena []byte) Type {
	return typeOf(arena[h.keyLo])
}

// skipReasons are the Skip values a hit can carry, indexed by hit.skip.
var skipReasons = [...]string{"", SkipUnspecified, SkipBroadcast, SkipLoopback, SkipMulticast}

// skipCode returns the index of reason in skipReasons.
func skipCode(reason string) uint8 {
	for i, r := range skipReasons {
		if r == reason {
			return uint8(i)
		}
	}

	return 0
}

// sortHits sorts hits by start, stably. The scanner emits them almost in order, so a check
// that they already are saves the sort.
func sortHits(hits []hit) {
	byStart := func(a, b hit) int { return cmp.Compare(a.start, b.start) }
	if !slices.IsSortedFunc(hits, byStart) {
		slices.SortStableFunc(hits, byStart)
	}
}

// priority breaks ties between equal-length overlapping hits: CVE > QID > IP > domain.
func priority(t Type) int {
	switch t {
	case CVE:
		return 4
	case QID, CustomQID:
		return 3
	case IPv4, IPv6:
		return 2
	default:
		return 1
	}
}

// resolveOverlaps sorts the built-in hits and keeps, of any overlapping pair, the longer one
// (ties by priority, then the earlier one).
func resolveOverlaps(hits []hit, arena []byte) []hit {
	sortHits(hits)

	kept := hits[:0]
	for _, h := range hits {
		if n := len(kept); n > 0 && h.start < kept[n-1].end {
			k := kept[n-1]
			hl, kl := h.end-h.start, k.end-k.start
			if hl > kl || hl == kl && priority(h.typ(arena)) > priority(k.typ(arena)) {
				kept[n-1] = h
			}

			continue
		}

		kept = append(kept, h)
	}

	return kept
}

// group folds the hits (sorted by start) into entities keyed by type and canonical value. All
// strings share one allocation (the values and the raw texts) and all spans share one array, so
// the cost follows the number of hits, not of entities.
func (s *scanner) group() []Entity {
	hits, arena, text := s.hits, s.arena, s.text
	if len(hits) == 0 {
		return []Entity{}
	}

	owner := grow(s.owner, len(hits))
	counts, firsts := s.counts[:0], s.firsts[:0]

	// Dedup by key in an open-addressing table: flatter and cheaper than a map[string] for
	// tens of thousands of short keys. A slot holds the key's hash over its entity number
	// (0 = empty), so a probe past another key reads neither the hits nor the arena.
	size := 16
	for size < 2*len(hits) {
		size <<= 1
	}
	slots := grow(s.slots, size)
	clear(slots)
	mask, seed := uint64(size-1), maphash.MakeSeed()
	for i, h := range hits {
		key := arena[h.keyLo:h.keyHi]
		hash := maphash.Bytes(seed, key)
		tag := hash &^ (1<<32 - 1)
		for p := hash & mask; ; p = (p + 1) & mask {
			slot := slots[p]
			if slot == 0 {
				counts = append(counts, 0)
				firsts = append(firsts, int32(i))
				slot = tag | uint64(len(counts))
				slots[p] = slot
			} else if slot&^(1<<32-1) != tag {
				continue
			} else if f := hits[firsts[uint32(slot)-1]]; !bytes.Equal(arena[f.keyLo:f.keyHi], key) {
				continue
			}
			e := uint32(slot) - 1
			owner[i] = int32(e)
			counts[e]++
			break
		}
	}
	s.owner, s.counts, s.firsts, s.slots = owner, counts, firsts, slots

	// One buffer holds each entity's value then its raw text, unless that is the value. It is
	// never written after this block, so viewing it as a string without a copy is safe.
	strLen := 0
	for _, i := range firsts {
		h := hits[i]
		strLen += int(h.keyHi - h.keyLo - 1)
		if !h.rawIsValue {
			strLen += h.end - h.start
		}
	}
	strs := make([]byte, 0, strLen)
	for _, i := range firsts {
		h := hits[i]
		strs = append(strs, arena[h.keyLo+1:h.keyHi]...)
		if !h.rawIsValue {
			strs = append(strs, text[h.start:h.end]...)
		}
	}
	all := unsafe.String(unsafe.SliceData(strs), len(strs))

	// Each entity's spans are a slice of one array; counts turns into the index of the
	// entity's next span, so filling them reads a small array rather than the entities.
	spans := make([]Span, len(hits))
	entities := make([]Entity, len(counts))
	off, strOff := 0, 0
	for e, i := range firsts {
		h := hits[i]
		valEnd := strOff + int(h.keyHi-h.keyLo-1)
		rawOff, rawEnd := valEnd, valEnd+h.end-h.start
		if h.rawIsValue {
			rawOff, rawEnd = strOff, valEnd
		}
		n := int(counts[e])
		entities[e] = Entity{
			Type:  h.typ(arena),
			Value: all[strOff:valEnd],
			Raw:   all[rawOff:rawEnd],
			Spans: spans[off : off+n : off+n],
			Skip:  skipReasons[h.skip],
		}
		counts[e] = int32(off)
		off += n
		strOff = rawEnd
	}
	for i, h := range hits {
		next := &counts[owner[i]]
		spans[*next] = Span{h.start, h.end}
		*next++
	}

	return entities
}

// typeCode is the first byte of a hit key, so equal values of different types stay apart.
func typeCode(t Type) byte {
	switch t {
	case IPv4:
		return '4'
	case IPv6:
		return '6'
	case Domain:
		return 'd'
	case CVE:
		return 'c'
	case QID:
		return 'q'
	default:
		return 'x'
	}
}

// typeOf inverts typeCode.
func typeOf(code byte) Type {
	switch code {
	case '4':
		return IPv4
	case '6':
		return IPv6
	case 'd':
		return Domain
	case 'c':
		return CVE
	case 'q':
		return QID
	default:
		return CustomQID
	}
}
