package extract

import (
	"math/bits"
	"unicode"
	"unicode/utf8"
)

// Byte classes of the candidate scanner. A run is a maximal stretch of label bytes, dots,
// colons, percent signs and bracketed defang tokens; only runs with a dot or two colons are
// looked at further, so ordinary words cost one table lookup per byte.
const (
	cWord  uint8 = 1 << iota // A-Z a-z 0-9 _ -
	cDot                     // .
	cColon                   // :
	cPct                     // %
	cOpen                    // [ ( { \ : may open a defang token
	cHigh                    // >= 0x80: maybe a letter of an IDN label
	cKW                      // c C q Q: may start the CVE or QID keyword
	cAlnum                   // A-Z a-z 0-9 _ : a word character for boundaries
)

// cTrigger marks the bytes that stop the fast walk of scan.
const cTrigger = cDot | cColon | cPct | cOpen | cHigh | cKW

var class = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] = cWord | cAlnum
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = cWord | cAlnum
		t[c-'a'+'A'] = cWord | cAlnum
	}
	t['_'] = cWord | cAlnum
	t['-'] = cWord
	t['c'] |= cKW
	t['C'] |= cKW
	t['q'] |= cKW
	t['Q'] |= cKW
	t['.'] = cDot
	t[':'] = cColon
	t['%'] = cPct
	for _, c := range `[({\` {
		t[c] = cOpen
	}
	for c := 0x80; c < 0x100; c++ {
		t[c] = cHigh
	}
	return t
}()

// isAlnum reports whether b is an ASCII word character (letters, digits, underscore).
func isAlnum(b byte) bool { return class[b]&cAlnum != 0 }

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// isLabelRune reports whether a non-ASCII rune may be part of an internationalised label.
func isLabelRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r))
}

// run flags.
const (
	fDot    = 1 << iota // a dot or a defanged dot
	fDefang             // a bracketed defang token
	fHigh               // a non-ASCII label rune
	fSplit              // a colon or percent sign
	fDotDot             // two dots in a row (an empty label), either of them maybe defanged
)

// scanner holds the state of one Extract call; the Extractor itself stays immutable.
type scanner struct {
	x     *Extractor
	text  []byte
	hits  []hit
	arena []byte // hit keys: a type code then the canonical value

	// The current run, refanged when it holds defang tokens: norm[i] came from text[offs[i]],
	// and offs has one more entry, the raw end. offs is nil when norm is a plain slice of text.
	norm    []byte
	offs    []int
	base    int
	dotDot  bool // norm holds two dots in a row
	buf     []byte
	offsBuf []int
	runes   []rune

	// Memos of public-suffix answers for this call: the ICANN suffix length of each name seen
	// (-1: none), and last labels known not to be ICANN TLDs (pdf, exe, yaml, location).
	suffixes memo
	badTLDs  memo // value unused: a set

	// Scratch of group, kept for the next call.
	owner, counts, firsts []int32
	slots                 []uint64
}

// stopAfter[b] is the set of classes that stop the fast walk of scan right after byte b. A
// colon or a non-ASCII byte always stops it; a dot, percent sign or bracket only after a label
// byte, as elsewhere it starts no run; c or q only where a word starts. So the dots of a row
// ("|......|") and the letters inside words ("connecting") are passed over like any other byte.
var stopAfter = func() (t [256]uint8) {
	for b := range t {
		m := cColon | cHigh
		if class[b]&(cWord|cHigh) != 0 {
			m |= cDot | cPct | cOpen
		}
		if class[b]&cAlnum == 0 {
			m |= cKW
		}
		t[b] = m
	}
	return t
}()

// scan walks text once. Most bytes (letters, digits, spaces, punctuation) are passed over
// eight at a time by skip; only a trigger byte stops the walk: a dot, colon or percent sign
// (the run around it is then scanned from its start, found by stepping back over word bytes),
// a bracket right after a word (a defang), a non-ASCII letter, or c/q starting a word (a
// keyword). The checks below still hold on their own: stopAfter only spares them bytes
// where they would do nothing.
func (s *scanner) scan() {
	t := s.text
	floor := 0 // end of the last run: nothing before it is scanned again
	for i := 0; i < len(t); {
		if i > 0 {
			if i = skip(t, i); i == len(t) {
				break
			}
		}
		c := class[t[i]]
		if c&cTrigger == 0 {
			i++
			continue
		}

		switch {
		case c&cKW != 0:
			if i > floor && class[t[i-1]]&cAlnum != 0 {
				i++ // inside a word: no keyword starts here
				continue
			}
			if !s.letterBefore(i, floor) {
				s.keyword(i)
			}
			i++
			continue
		case c&cHigh != 0:
			if r, size := utf8.DecodeRune(t[i:]); !isLabelRune(r) {
				i += size
				continue
			}
		}

		start := s.runStart(i, floor)
		if start == i && c&(cDot|cPct|cOpen) != 0 {
			// A run does not start with these, nor with the dots of a row ("|......|").
			for i++; i < len(t) && t[i] == '.'; i++ {
			}
			continue
		}
		i = s.run(start, i)
		floor = i
	}
}

// skip returns the first k >= i where t[k] stops the walk of scan (see stopAfter), or len(t).
// i must be positive. Eight bytes are tested at once, without a branch per byte: each test
// yields a byte of a word whose lowest non-zero byte marks the stop.
func skip(t []byte, i int) int {
	for ; i+8 <= len(t); i += 8 {
		w := (*[9]byte)(t[i-1 : i+8])
		m := uint64(class[w[1]]&stopAfter[w[0]]) |
			uint64(class[w[2]]&stopAfter[w[1]])<<8 |
			uint64(class[w[3]]&stopAfter[w[2]])<<16 |
			uint64(class[w[4]]&stopAfter[w[3]])<<24 |
			uint64(class[w[5]]&stopAfter[w[4]])<<32 |
			uint64(class[w[6]]&stopAfter[w[5]])<<40 |
			uint64(class[w[7]]&stopAfter[w[6]])<<48 |
			uint64(class[w[8]]&stopAfter[w[7]])<<56
		if m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}

	for ; i < len(t); i++ {
		if class[t[i]]&stopAfter[t[i-1]] != 0 {
			break
		}
	}

	return i
}

// letterBefore reports whether text[i] follows a word character (no word boundary).
func (s *scanner) letterBefore(i, floor int) bool {
	if i <= floor {
		return false
	}
	b := s.text[i-1]
	if b < utf8.RuneSelf {
		return class[b]&cAlnum != 0
	}
	r, _ := utf8.DecodeLastRune(s.text[floor:i])

	return isLabelRune(r)
}

// runStart steps back from text[i] over label bytes (ASCII word bytes and non-ASCII letters)
// to where the run holding text[i] starts.
func (s *scanner) runStart(i, floor int) int {
	t := s.text
	for i > floor {
		b := t[i-1]
		if class[b]&cWord != 0 {
			i--
			continue
		}
		if b < utf8.RuneSelf {
			break
		}
		r, size := utf8.DecodeLastRune(t[floor:i])
		if !isLabelRune(r) {
			break
		}
		i -= size
	}

	return i
}

// run scans the run starting at start and returns its end; text[start:from] is a word the
// caller has already scanned. Words are consumed by a tight loop; the keyword parsers are tried
// only where a word starts.
func (s *scanner) run(start, from int) int {
	t := s.text
	i, flags, colons := from, 0, 0
	dots, lastDot := 0, -1
	afterLetter := false // a non-ASCII letter just before: no word boundary
loop:
	for i < len(t) {
		c := class[t[i]]
		switch {
		case c&cAlnum != 0:
			if c&cKW != 0 && !afterLetter {
				s.keyword(i)
			}
			i++
			for i < len(t) && class[t[i]]&cAlnum != 0 {
				i++
			}
			afterLetter = false
		case t[i] == '-':
			afterLetter = false
			i++
		case c&cDot != 0:
			flags |= fDot
			dots, lastDot = dots+1, i
			afterLetter = false
			i++
		case c&cColon != 0:
			colons++
			flags |= fSplit
			afterLetter = false
			i++
		case c&cPct != 0:
			flags |= fSplit
			afterLetter = false
			i++
		case c&cOpen != 0:
			n := defangLen(t, i)
			if n == 0 || i == start {
				break loop
			}
			flags |= fDot | fDefang
			afterLetter = false
			i += n
		case c&cHigh != 0:
			r, size := utf8.DecodeRune(t[i:])
			if !isLabelRune(r) {
				break loop
			}
			flags |= fHigh
			afterLetter = true
			i += size
		default:
			break loop
		}
	}

	// A run whose only dot ends it ("end.", "again.") holds no address or name.
	sentenceEnd := dots == 1 && lastDot == i-1 && flags&fDefang == 0
	if flags&fDot != 0 && !sentenceEnd || colons >= 2 {
		s.analyze(start, i, flags, colons)
	}

	return i
}

// TODO: space-padded defangs ("kaspersky [dot] com") and fullwidth digits and dots (U+FF10-FF19,
// U+FF0E) are not normalised, so those forms are missed; a pre-pass that maps them with the
// offset table refang already keeps would remove this.

// defangLen returns the length of the bracketed dot defang at t[i] ([.] (.) {.} [dot] (dot)
// {dot} \.), or 0. The token must be followed by a label byte, so "end[.]" is not one.
func defangLen(t []byte, i int) int {
	n := 0
	switch t[i] {
	case '\\':
		if i+1 < len(t) && t[i+1] == '.' {
			n = 2
		}
	default:
		closing := byte(')')
		if t[i] == '[' {
			closing = ']'
		} else if t[i] == '{' {
			closing = '}'
		}
		switch {
		case i+2 < len(t) && t[i+1] == '.' && t[i+2] == closing:
			n = 3
		case i+4 < len(t) && t[i+1]|0x20 == 'd' && t[i+2]|0x20 == 'o' && t[i+3]|0x20 == 't' &&
			t[i+4] == closing:
			n = 5
		}
	}

	if n == 0 || i+n >= len(t) || class[t[i+n]]&(cWord|cHigh) == 0 {
		return 0
	}

	return n
}

// rawOf maps an offset in the current run's norm to a byte offset in text.
func (s *scanner) rawOf(k int) int {
	if s.offs == nil {
		return s.base + k
	}

	return s.offs[k]
}

// addHit records an occurrence whose key is arena[keyLo:].
func (s *scanner) addHit(start, end, keyLo int, skip string) {
	s.hits = append(s.hits, hit{start: start, end: end, keyLo: int32(keyLo),
		keyHi: int32(len(s.arena)), skip: skipCode(skip)})
}
