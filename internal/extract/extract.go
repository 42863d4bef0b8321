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
	s := scanner{x: x, text: text, hits: make([]hit, 0, 16+len(text)/512),
		arena: make([]byte, 0, 64+len(text)/64)}
	s.scan()
	hits := resolveOverlaps(s.hits, s.arena)

	if x.custom != nil {
		hits = x.appendCustom(hits, text, &s.arena)
		slices.SortStableFunc(hits, func(a, b hit) int { return cmp.Compare(a.start, b.start) })
	}

	return group(text, hits, s.arena)
}

// hit is one occurrence before grouping. Its key (type code then canonical value) lives in the
// scanner's arena, so finding a hit allocates nothing.
type hit struct {
	start, end   int   // raw span
	keyLo, keyHi int32 // arena range
	skip         uint8 // index into skipReasons
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
	slices.SortStableFunc(hits, func(a, b hit) int { return cmp.Compare(a.start, b.start) })

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

// group folds hits (sorted by start) into entities keyed by type and canonical value. All
// strings share two allocations (the keys and the raw texts) and all spans share one array, so
// the cost follows the number of hits, not of entities.
func group(text []byte, hits []hit, arena []byte) []Entity {
	if len(hits) == 0 {
		return []Entity{}
	}

	keys := string(arena)
	owner := make([]int32, len(hits))
	var counts []int32
	var firsts []int

	// Dedup by key in an open-addressing table of entity numbers (0 = empty): flatter and
	// cheaper than a map[string] for tens of thousands of short keys.
	size := 16
	for size < 2*len(hits) {
		size <<= 1
	}
	slots, mask, seed := make([]int32, size), uint64(size-1), maphash.MakeSeed()
	for i, h := range hits {
		key := arena[h.keyLo:h.keyHi]
		p := maphash.Bytes(seed, key) & mask
		for {
			e := slots[p]
			if e == 0 {
				counts = append(counts, 0)
				firsts = append(firsts, i)
				e = int32(len(counts))
				slots[p] = e
			} else if f := hits[firsts[e-1]]; !bytes.Equal(arena[f.keyLo:f.keyHi], key) {
				p = (p + 1) & mask
				continue
			}
			owner[i] = e - 1
			counts[e-1]++
			break
		}
	}

	rawLen := 0
	for _, i := range firsts {
		rawLen += hits[i].end - hits[i].start
	}
	raws := make([]byte, 0, rawLen)
	for _, i := range firsts {
		raws = append(raws, text[hits[i].start:hits[i].end]...)
	}
	rawAll := string(raws)

	spans := make([]Span, len(hits))
	entities := make([]Entity, len(counts))
	off, rawOff := 0, 0
	for e, i := range firsts {
		h := hits[i]
		n := h.end - h.start
		entities[e] = Entity{
			Type:  h.typ(arena),
			Value: keys[h.keyLo+1 : h.keyHi],
			Raw:   rawAll[rawOff : rawOff+n],
			Spans: spans[off : off : off+int(counts[e])],
			Skip:  skipReasons[h.skip],
		}
		off += int(counts[e])
		rawOff += n
	}
	for i, h := range hits {
		e := &entities[owner[i]]
		e.Spans = append(e.Spans, Span{h.start, h.end})
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
