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

// cTrigger marks the bytes scan may have to look at; scanClass narrows them by the bytes around.
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

// unspaced reports whether r belongs to a script written without spaces between words (Han,
// kana, Hangul, Thai, Lao, Myanmar, Khmer). Where such a rune meets an ASCII word character
// there is a word boundary: "脆弱性CVE-2021-44228", "サーバー192.168.1.1に" and "example.comです"
// hold an indicator, not one mixed-script label. The full-width ASCII forms are excluded: they
// are read as the ASCII they stand for (wideASCII).
func unspaced(r rune) bool {
	switch {
	case r < 0x0E00:
		return false
	case r <= 0x0EFF: // Thai, Lao
		return true
	case r < 0x1000:
		return false
	case r <= 0x109F: // Myanmar
		return true
	case r >= 0x1100 && r <= 0x11FF: // Hangul Jamo
		return true
	case r >= 0x1780 && r <= 0x17FF: // Khmer
		return true
	case r < 0x2E80:
		return false
	case r <= 0xA4CF: // CJK radicals and symbols, kana, Bopomofo, Han, Yi
		return true
	case r >= 0xA960 && r <= 0xA97F, r >= 0xAC00 && r <= 0xD7FF: // Hangul
		return true
	case r >= 0xF900 && r <= 0xFAFF: // CJK compatibility ideographs
		return true
	case r >= 0xFF66 && r <= 0xFFDC: // half-width kana and Hangul
		return true
	}

	return r >= 0x20000 && r <= 0x3FFFF // Han extensions
}

// wideASCII returns the ASCII letter, digit, '.' or '-' that the full-width form at t[i]
// (U+FF0D, U+FF0E, U+FF10-FF19, U+FF21-FF3A, U+FF41-FF5A) stands for, or 0. Such forms are 3
// bytes long and are read as that ASCII byte, as IDNA maps them.
func wideASCII(t []byte, i int) byte {
	if i+2 >= len(t) || t[i] != 0xEF {
		return 0
	}

	var b byte
	switch c := t[i+2]; {
	case c < 0x80 || c > 0xBF:
		return 0
	case t[i+1] == 0xBC:
		b = c - 0x60 // U+FF00-FF3F: ' ' to '_'
	case t[i+1] == 0xBD:
		b = c - 0x20 // U+FF40-FF7F: '`' to 0x9F
	default:
		return 0
	}
	if b == '.' || b == '-' || b < 0x80 && class[b]&cAlnum != 0 && b != '_' {
		return b
	}

	return 0
}

// Kinds of the character before, for the word boundary between scripts (see unspaced).
const (
	kindNone     = iota // a dot, colon or defang: no word character
	kindASCII           // an ASCII letter, digit or '_', or its full-width form
	kindUnspaced        // a letter of a script written without spaces
	kindLetter          // any other non-ASCII letter
)

// run flags.
const (
	fDot    = 1 << iota // a dot or a defanged dot
	fDefang             // a bracketed defang token
	fHigh               // a non-ASCII label rune
	fSplit              // a colon or percent sign
	fDotDot             // two dots in a row (an empty label), either of them maybe defanged
	fWide               // a full-width form to read as ASCII (wideASCII)
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

	// The outcome of every name validated in this call, by the name as written (nameKeyOf):
	// an index into nameKeys, or -1 for no name.
	names    memo
	nameKeys []nameKey

	// Scratch of group, kept for the next call.
	owner, counts, firsts []int32
	slots                 []uint64
}

// Bits of scanClass, the byte classes of nextStop. A byte stops the walk of scan when it is a
// colon or non-ASCII; or a dot, percent sign or bracket after a label byte or a space, as
// elsewhere it starts no run (after a space, a bracket may open a space-padded defang,
// "kaspersky [dot] com"); or c or q where a word starts. So the dots of a row ("|......|") and
// the letters inside words ("connecting") are passed over like any other byte. sLabel and
// sNotAlnum, which enable a kind of stop in the byte after, sit two bits above that kind: one
// shift lines them up.
const (
	sAlways   uint8 = 1 << iota // : and bytes >= 0x80
	sDotLike                    // . % [ ( { \
	sKW                         // c C q Q
	sLabel                      // a label byte (cWord or cHigh) or a space: enables sDotLike next
	sNotAlnum                   // not an ASCII word character: enables sKW next
)

var scanClass = func() (t [256]uint8) {
	for b, c := range class {
		if c&(cColon|cHigh) != 0 {
			t[b] |= sAlways
		}
		if c&(cDot|cPct|cOpen) != 0 {
			t[b] |= sDotLike
		}
		if c&cKW != 0 {
			t[b] |= sKW
		}
		if c&(cWord|cHigh) != 0 || b == ' ' {
			t[b] |= sLabel
		}
		if c&cAlnum == 0 {
			t[b] |= sNotAlnum
		}
	}
	return t
}()

// scan walks text once. Most bytes (letters, digits, spaces, punctuation) are passed over
// eight at a time by nextStop; only a trigger byte stops the walk: a dot, colon or percent sign
// (the run around it is then scanned from its start, found by stepping back over word bytes),
// a bracket right after a word (a defang) or after a space (a space-padded defang), a non-ASCII
// letter or full-width form, or c/q starting a word (a keyword). The checks below do not rely
// on nextStop: it only passes over bytes where they would find nothing to do.
func (s *scanner) scan() {
	t := s.text
	floor := 0 // end of the last run: nothing before it is scanned again
	for i := 0; i < len(t); {
		if i > 0 {
			if i = nextStop(t, i); i == len(t) {
				break
			}
		}

		c := class[t[i]]
		if c&cTrigger == 0 {
			i++
			continue
		}

		dotLike := c&(cDot|cPct|cOpen) != 0
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
			w := wideASCII(t, i)
			if r, size := utf8.DecodeRune(t[i:]); w == 0 && !isLabelRune(r) {
				i += size
				continue
			}
			dotLike = w == '.'
		}

		start := s.runStart(i, floor)
		if start == i && c&cOpen != 0 && i-1 > floor && paddedDefangLen(t, i-1) > 0 {
			// "kaspersky [dot] com": the word before the space starts the run.
			if wordStart := s.runStart(i-1, floor); wordStart < i-1 {
				i = s.run(wordStart, i-1)
				floor = i
				continue
			}
		}
		if start == i && dotLike {
			// A run does not start with these, nor with the dots of a row ("|......|").
			for i++; i < len(t) && t[i] == '.'; i++ {
			}
			continue
		}
		i = s.run(start, i)
		floor = i
	}
}

// nextStop returns the first k >= i where t[k] stops the walk of scan (see scanClass), or
// len(t). i must be positive. Eight bytes are tested at once, without a branch per byte: their
// classes are packed into one word, each lane tested against the lane of the byte before it,
// and the lowest non-zero lane of the result marks the stop.
func nextStop(t []byte, i int) int {
	const (
		lanes   = 0x0101010101010101
		always  = lanes * uint64(sAlways)
		enabled = lanes * uint64(sDotLike|sKW) // the kinds a byte before can enable
	)

	prev := uint64(scanClass[t[i-1]])
	for ; i+8 <= len(t); i += 8 {
		w := (*[8]byte)(t[i : i+8])
		v := uint64(scanClass[w[0]]) | uint64(scanClass[w[1]])<<8 |
			uint64(scanClass[w[2]])<<16 | uint64(scanClass[w[3]])<<24 |
			uint64(scanClass[w[4]])<<32 | uint64(scanClass[w[5]])<<40 |
			uint64(scanClass[w[6]])<<48 | uint64(scanClass[w[7]])<<56
		before := v<<8 | prev // each lane holds the class of the byte before
		if stops := v & (always | before>>2&enabled); stops != 0 {
			return i + bits.TrailingZeros64(stops)/8
		}
		prev = v >> 56
	}

	for ; i < len(t); i++ {
		if scanClass[t[i]]&(sAlways|scanClass[t[i-1]]>>2&(sDotLike|sKW)) != 0 {
			break
		}
	}

	return i
}

// letterBefore reports whether text[i] follows a word character (no word boundary). A letter
// of a script written without spaces is no word character here (see unspaced).
func (s *scanner) letterBefore(i, floor int) bool {
	if i <= floor {
		return false
	}
	b := s.text[i-1]
	if b < utf8.RuneSelf {
		return class[b]&cAlnum != 0
	}
	if i-3 >= floor {
		if w := wideASCII(s.text, i-3); w != 0 {
			return w != '.' && w != '-'
		}
	}
	r, _ := utf8.DecodeLastRune(s.text[floor:i])

	return isLabelRune(r) && !unspaced(r)
}

// runStart steps back from text[i] over label bytes (ASCII word bytes, full-width forms of
// them and non-ASCII letters) to where the run holding text[i] starts. It stops where a letter
// of a script written without spaces meets an ASCII word character (see unspaced). Such letters
// stop the walk of scan, so a run starting at one has already been scanned forward; the checks
// here matter only at text[i] itself, and cost nothing on an ASCII word.
func (s *scanner) runStart(i, floor int) int {
	t := s.text
	for i > floor {
		b := t[i-1]
		if class[b]&cWord != 0 {
			if i < len(t) && t[i] >= utf8.RuneSelf && s.kindAt(i) == kindUnspaced {
				break
			}
			i--
			continue
		}
		if b < utf8.RuneSelf {
			break
		}

		r, size := utf8.DecodeLastRune(t[floor:i])
		var w byte
		if size == 3 {
			w = wideASCII(t, i-3)
		}
		kind := kindLetter
		switch {
		case w == '.':
			return i // a full-width dot: the run starts after it, as after '.'
		case w == '-':
			kind = kindNone
		case w != 0:
			kind = kindASCII
		case !isLabelRune(r):
			return i
		case unspaced(r):
			kind = kindUnspaced
		}
		if after := s.kindAt(i); kind == kindUnspaced && after == kindASCII ||
			kind == kindASCII && after == kindUnspaced {
			break
		}
		i -= size
	}

	return i
}

// kindAt returns the kind of the character at text[i] for the word boundary between scripts.
func (s *scanner) kindAt(i int) int {
	t := s.text
	switch {
	case i >= len(t):
		return kindNone
	case t[i] < utf8.RuneSelf:
		if class[t[i]]&cAlnum != 0 {
			return kindASCII
		}
		return kindNone
	}

	if w := wideASCII(t, i); w != 0 {
		if w == '.' || w == '-' {
			return kindNone
		}
		return kindASCII
	}
	if r, _ := utf8.DecodeRune(t[i:]); unspaced(r) {
		return kindUnspaced
	}

	return kindLetter
}

// run scans the run starting at start and returns its end; text[start:from] is a word the
// caller has already scanned. Words are consumed by a tight loop; the keyword parsers are tried
// only where a word starts.
func (s *scanner) run(start, from int) int {
	t := s.text
	i, flags, colons := from, 0, 0
	dots := 0
	dotEnd := -1 // end of the last dot or defang token
	// The kind of the last word character, for the boundary between scripts. None at from:
	// runStart has cut the run where the script changes, and text[from] is no ASCII word byte.
	last := kindNone
loop:
	for i < len(t) {
		c := class[t[i]]
		switch {
		case c&cAlnum != 0:
			if last == kindUnspaced {
				break loop // a script change is a word boundary: the ASCII word is a new run
			}
			if c&cKW != 0 && last != kindLetter {
				s.keyword(i)
			}
			i++
			for i < len(t) && class[t[i]]&cAlnum != 0 {
				i++
			}
			last = kindASCII
		case t[i] == '-':
			// A hyphen sticks to the word before it across a change of script, but a keyword
			// may follow it ("é-CVE-2021-1234").
			if last == kindLetter {
				last = kindNone
			}
			i++
		case c&cDot != 0:
			if i == dotEnd {
				flags |= fDotDot
			}
			flags |= fDot
			dots, dotEnd = dots+1, i+1
			last = kindNone
			i++
		case c&cColon != 0:
			colons++
			flags |= fSplit
			last = kindNone
			i++
		case c&cPct != 0:
			flags |= fSplit
			last = kindNone
			i++
		case c&cOpen != 0:
			n := defangLen(t, i)
			if n == 0 || i == start {
				break loop
			}
			if i == dotEnd {
				flags |= fDotDot
			}
			flags |= fDot | fDefang
			last = kindNone
			i += n
			dotEnd = i
		case c&cHigh != 0:
			if w := wideASCII(t, i); w != 0 {
				if w == '.' {
					if i == dotEnd {
						flags |= fDotDot
					}
					flags |= fDot
					dots, dotEnd = dots+1, i+3
					last = kindNone
				} else if w != '-' {
					if last == kindUnspaced {
						break loop
					}
					last = kindASCII
				} else if last == kindLetter {
					last = kindNone
				}
				flags |= fWide
				i += 3
				continue
			}
			r, size := utf8.DecodeRune(t[i:])
			if !isLabelRune(r) {
				break loop
			}
			if unspaced(r) {
				if last == kindASCII {
					break loop // "example.comです": the name ends where the script changes
				}
				last = kindUnspaced
			} else {
				last = kindLetter
			}
			flags |= fHigh
			i += size
		case t[i] == ' ' && i+1 < len(t) && class[t[i+1]]&cOpen != 0:
			// A space-padded defang continues the run after a word: "kaspersky [dot] com".
			n := paddedDefangLen(t, i)
			if n == 0 || i == start || class[t[i-1]]&(cWord|cHigh) == 0 {
				break loop
			}
			flags |= fDot | fDefang
			last = kindNone
			i += n
			dotEnd = i
		default:
			break loop
		}
	}

	// A run whose only dot ends it ("end.", "again.") holds no address or name.
	sentenceEnd := dots == 1 && dotEnd == i && flags&fDefang == 0
	if flags&fDot != 0 && !sentenceEnd || colons >= 2 {
		s.analyze(start, i, flags, colons)
	}

	return i
}

// TODO: the CVE and QID keywords are read in ASCII only, so "ＣＶＥ－２０２１－４４２２８"
// and "QID １２３" are missed; mapping full-width forms in keyword (as run does with wideASCII)
// would remove this.

// bracketLen returns the length of the bracketed dot token at t[i] ([.] (.) {.} [dot] (dot)
// {dot}, "dot" in any case), or 0.
func bracketLen(t []byte, i int) int {
	closing := byte(')')
	switch t[i] {
	case '[':
		closing = ']'
	case '{':
		closing = '}'
	case '(':
	default:
		return 0
	}

	switch {
	case i+2 < len(t) && t[i+1] == '.' && t[i+2] == closing:
		return 3
	case i+4 < len(t) && t[i+1]|0x20 == 'd' && t[i+2]|0x20 == 'o' && t[i+3]|0x20 == 't' &&
		t[i+4] == closing:
		return 5
	}

	return 0
}

// defangLen returns the length of the dot defang at t[i] (a bracketed token or \.), or 0. The
// token must be followed by a label byte, so "end[.]" is not one.
func defangLen(t []byte, i int) int {
	n := 0
	if t[i] == '\\' {
		if i+1 < len(t) && t[i+1] == '.' {
			n = 2
		}
	} else {
		n = bracketLen(t, i)
	}

	if n == 0 || i+n >= len(t) || class[t[i+n]]&(cWord|cHigh) == 0 {
		return 0
	}

	return n
}

// paddedDefangLen returns the length of a bracketed dot token with one space on each side at
// t[i] (" [dot] ", " (.) "), followed by a label byte, or 0. The caller checks the byte before.
func paddedDefangLen(t []byte, i int) int {
	if t[i] != ' ' || i+1 >= len(t) {
		return 0
	}

	n := bracketLen(t, i+1)
	if n == 0 || i+n+2 >= len(t) || t[i+n+1] != ' ' || class[t[i+n+2]]&(cWord|cHigh) == 0 {
		return 0
	}

	return n + 2
}

// rawOf maps an offset in the current run's norm to a byte offset in text.
func (s *scanner) rawOf(k int) int {
	if s.offs == nil {
		return s.base + k
	}

	return s.offs[k]
}

// addHit records an occurrence whose key is arena[keyLo:]. rawIsValue says the raw text
// is the value as written, which spares group a copy of it.
func (s *scanner) addHit(start, end, keyLo int, skip string, rawIsValue bool) {
	s.hits = append(s.hits, hit{start: start, end: end, keyLo: int32(keyLo),
		keyHi: int32(len(s.arena)), skip: skipCode(skip), rawIsValue: rawIsValue})
}
