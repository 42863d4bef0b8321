package extract

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/net/publicsuffix"
)

// fileTLDs are real top-level domains that are also common file extensions. A two-label name
// ending in one of them is a file name unless it was defanged or sits in a URL or an e-mail
// address (entities.md §5, "file-name guard").
var fileTLDs = map[string]bool{
	"zip": true, "mov": true, "py": true, "sh": true, "pl": true, "pm": true, "md": true,
	"rs": true, "ps": true, "so": true, "cab": true, "app": true, "ai": true, "cc": true,
	"tf": true, "in": true, "am": true, "ac": true, "mk": true, "ms": true, "sc": true,
	"gs": true, "run": true, "java": true, "one": true,
}

// domain validates norm[lo:hi] as a host name under an ICANN public suffix and records it,
// lower-cased (IDN labels in punycode), without the trailing dot.
func (s *scanner) domain(lo, hi int, defanged bool) {
	// The cheapest tests first: the bytes around the name, then its last label.
	t := s.text
	rawLo, rawHi := s.rawOf(lo), s.rawOf(hi)
	if rawLo > 0 && (t[rawLo-1] == '%' || isPathSep(t, rawLo)) || atFollows(t, rawHi) {
		return // a URL escape, a path segment, or the local part of an e-mail address
	}

	name := s.norm[lo:hi]
	if !plausibleTLD(name[bytes.LastIndexByte(name, '.')+1:]) {
		return
	}

	k, ok := s.nameKeyOf(name)
	if !ok || k.fileLike && !defanged && !urlContext(t, rawLo) && !emailContext(t, rawLo) {
		return // the file-name guard: a defang, a URL or an e-mail address makes it a name
	}

	s.hits = append(s.hits, hit{start: rawLo, end: rawHi, keyLo: k.lo, keyHi: k.hi,
		rawIsValue: k.asWritten && s.offs == nil})
}

// nameKey is the outcome of validating one name as written: its key in the arena, whether the
// key's value is the name as written, and whether the file-name guard applies to it.
type nameKey struct {
	lo, hi    int32
	asWritten bool
	fileLike  bool
}

// nameKeyOf validates name, a candidate as written (refanged), and returns its key. Everything
// but the bytes around the name is decided by the name alone, so the outcome is memoized for
// the call: a repeated name costs one lookup, and its hits share one key in the arena.
func (s *scanner) nameKeyOf(name []byte) (nameKey, bool) {
	if i, ok := s.names.get(name); ok {
		if i < 0 {
			return nameKey{}, false
		}
		return s.nameKeys[i], true
	}

	k, ok := s.newNameKey(name)
	i := int32(-1)
	if ok {
		i = int32(len(s.nameKeys))
		s.nameKeys = append(s.nameKeys, k)
	}
	s.names.put(name, i)

	return k, ok
}

// newNameKey validates name, whose last label passed plausibleTLD, and appends its key to the
// arena.
func (s *scanner) newNameKey(name []byte) (nameKey, bool) {
	if s.knownBadTLD(name[bytes.LastIndexByte(name, '.')+1:]) {
		return nameKey{}, false
	}

	labels, tldAt, upper, high, ok := checkLabels(name)
	if !ok || labels < 2 || upper == 1 && isUpper(name[tldAt]) {
		return nameKey{}, false // "end.The" is two sentences run together
	}

	keyLo := len(s.arena)
	s.arena = append(s.arena, typeCode(Domain))
	if high {
		if s.arena, ok = s.appendIDN(s.arena, name); !ok {
			s.arena = s.arena[:keyLo]
			return nameKey{}, false
		}
	} else {
		s.arena = append(s.arena, name...)
		lowerASCII(s.arena[keyLo+1:])
	}

	ok, fileLike := s.validName(s.arena[keyLo+1:], labels, !high)
	if !ok {
		s.arena = s.arena[:keyLo]
		return nameKey{}, false
	}

	return nameKey{lo: int32(keyLo), hi: int32(len(s.arena)), asWritten: upper == 0 && !high,
		fileLike: fileLike}, true
}

// validName checks a lower-case ASCII name of the given number of labels: length limits, an
// ICANN suffix with at least one label before it, and no '_' in the registrable part. ascii
// says the name is the raw one lower-cased, whose TLD knownBadTLD passed. fileLike says the
// file-name guard applies: two labels, the last one a file extension (fileTLDs).
func (s *scanner) validName(value []byte, labels int, ascii bool) (ok, fileLike bool) {
	if len(value) > 253 {
		return false, false
	}

	labelStart := 0
	for k, b := range value {
		if b == '.' {
			if k-labelStart > 63 || k == labelStart {
				return false, false
			}
			labelStart = k + 1
		}
	}
	tld := value[labelStart:]
	if len(tld) > 63 {
		return false, false
	}
	if !validTLD(tld) {
		return false, false
	}

	suffixLen := s.icannSuffixLen(value, tld, ascii)
	if suffixLen <= 0 || suffixLen >= len(value) {
		return false, false
	}

	name := unsafe.String(unsafe.SliceData(value), len(value)) // read-only view, not retained
	registrable := name[strings.LastIndexByte(name[:len(name)-suffixLen-1], '.')+1:]
	if strings.IndexByte(registrable, '_') >= 0 {
		return false, false
	}

	return true, labels == 2 && isFileTLD(tld)
}

// fileTLDKeys holds fileTLDs packed by packTLD, for a lookup without hashing a string.
var fileTLDKeys = func() (keys []uint64) {
	for tld := range fileTLDs {
		keys = append(keys, packTLD([]byte(tld)))
	}
	return keys
}()

// packTLD packs a label of at most 7 bytes with its length into one word, or returns 0.
func packTLD(tld []byte) uint64 {
	if len(tld) > 7 {
		return 0
	}

	k := uint64(len(tld))
	for _, b := range tld {
		k = k<<8 | uint64(b)
	}

	return k
}

// isFileTLD reports whether tld is one of fileTLDs.
func isFileTLD(tld []byte) bool {
	k := packTLD(tld)
	if k == 0 {
		return false
	}

	for _, f := range fileTLDKeys {
		if f == k {
			return true
		}
	}

	return false
}

// lowerASCII lower-cases the ASCII letters of b in place.
func lowerASCII(b []byte) {
	for k, c := range b {
		if c-'A' < 26 {
			b[k] = c + 'a' - 'A'
		}
	}
}

// knownBadTLD reports whether this call already found tld (any case) not to be an ICANN TLD,
// so that repeated code names (config.yaml, com.example.Handler) cost one lookup.
func (s *scanner) knownBadTLD(tld []byte) bool {
	if len(s.badTLDs.ents) == 0 || len(tld) > 63 {
		return false
	}

	var buf [63]byte
	for k, b := range tld {
		if isUpper(b) {
			b += 'a' - 'A'
		}
		buf[k] = b
	}
	_, bad := s.badTLDs.get(buf[:len(tld)])

	return bad
}

// icannSuffixLen returns the length of name's ICANN public suffix, or -1, through the memos:
// publicsuffix.PublicSuffix costs a failed IP parse (with an allocation) on every call.
// tldChecked says knownBadTLD already answered no for this very tld.
func (s *scanner) icannSuffixLen(name, tld []byte, tldChecked bool) int {
	if !tldChecked {
		if _, bad := s.badTLDs.get(tld); bad {
			return -1
		}
	}
	if n, ok := s.suffixes.get(name); ok {
		return int(n)
	}

	n := -1
	if suffix := icannSuffix(string(name)); suffix != "" {
		n = len(suffix)
	} else if _, icann := publicsuffix.PublicSuffix(string(tld)); !icann {
		s.badTLDs.put(tld, 1)
	}
	s.suffixes.put(name, int32(n))

	return n
}

// icannSuffix returns the ICANN part of name's public suffix, or "" when the TLD is not
// ICANN's. Private-section suffixes (blogspot.com, github.io) are registrable names too, so
// their ICANN parent is used.
func icannSuffix(name string) string {
	for {
		suffix, icann := publicsuffix.PublicSuffix(name)
		if icann {
			return suffix
		}
		dot := strings.IndexByte(suffix, '.')
		if dot < 0 {
			return ""
		}
		name = suffix[dot+1:]
	}
}

// plausibleTLD is the first, cheapest filter on a raw candidate: the last label is two or more
// letters (ASCII of either case, or non-ASCII), or punycode.
func plausibleTLD(tld []byte) bool {
	if len(tld) < 2 {
		return false
	}
	if len(tld) > 4 && tld[0]|0x20 == 'x' && tld[1]|0x20 == 'n' && tld[2] == '-' && tld[3] == '-' {
		return true
	}
	for _, b := range tld {
		if b < 0x80 && (b|0x20 < 'a' || b|0x20 > 'z') {
			return false
		}
	}

	return true
}

// validTLD is a cheap filter before the suffix list: two or more letters, or punycode.
func validTLD(tld []byte) bool {
	if len(tld) < 2 {
		return false
	}
	if bytes.HasPrefix(tld, []byte("xn--")) {
		return true
	}
	for _, b := range tld {
		if b < 'a' || b > 'z' {
			return false
		}
	}

	return true
}

// checkLabels checks label syntax on the raw name (ASCII letters, digits, '_', '-' and IDN
// letters; no empty label; no label starting or ending with '-') and counts what the caller
// needs: labels, the offset of the last label, ASCII capitals, and whether any byte is non-ASCII.
func checkLabels(name []byte) (labels, tldAt, upper int, high, ok bool) {
	labelStart := 0
	for k := 0; k <= len(name); k++ {
		if k < len(name) && name[k] != '.' {
			switch b := name[k]; {
			case b >= 0x80:
				high = true
			case isUpper(b):
				upper++
			}
			continue
		}
		if k == labelStart || name[labelStart] == '-' || name[k-1] == '-' {
			return 0, 0, 0, false, false
		}
		labels++
		tldAt = labelStart
		labelStart = k + 1
	}

	return labels, tldAt, upper, high, true
}

func isUpper(b byte) bool { return b >= 'A' && b <= 'Z' }

// isPathSep reports a single '/' or '\' before text[i]: "/var/www/example.com" is a path, but
// "//cdn.example.com" and "\\server.corp.com" are hosts.
func isPathSep(t []byte, i int) bool {
	c := t[i-1]
	return (c == '/' || c == '\\') && (i < 2 || t[i-2] != c)
}

// urlContext reports whether text[i] starts a URL host ("//", including defanged schemes
// such as hxxp:// and [:]//, or "[://]").
func urlContext(t []byte, i int) bool {
	return i >= 2 && t[i-1] == '/' && t[i-2] == '/' || bytes.HasSuffix(t[:i], []byte("[://]"))
}

// atTokens are the bracketed defangs of '@'. A bare "at" is never one ("failed at 0day.rocks").
var atTokens = [][]byte{[]byte("[@]"), []byte("(@)"), []byte("{@}"), []byte("[at]"),
	[]byte("(at)"), []byte("{at}")}

// emailContext reports whether text[i] starts the domain of an e-mail address.
func emailContext(t []byte, i int) bool {
	if i < 1 || t[i-1] == '@' {
		return i >= 1
	}
	if c := t[i-1]; c != ']' && c != ')' && c != '}' {
		return false
	}
	for _, at := range atTokens {
		if i >= len(at) && bytes.EqualFold(t[i-len(at):i], at) {
			return true
		}
	}

	return false
}

// atFollows reports an '@' (plain or bracketed) at text[i]: what precedes it is a local part.
func atFollows(t []byte, i int) bool {
	if i >= len(t) || t[i] == '@' {
		return i < len(t)
	}
	if c := t[i]; c != '[' && c != '(' && c != '{' {
		return false
	}
	for _, at := range atTokens {
		if i+len(at) <= len(t) && bytes.EqualFold(t[i:i+len(at)], at) {
			return true
		}
	}

	return false
}

// appendIDN appends name with each non-ASCII label lower-cased and punycode-encoded (RFC 3492).
// TODO: full UTS #46 mapping (NFKC, e.g. the "ﬁ" ligature) needs golang.org/x/net/idna, whose
// golang.org/x/text dependency is not in go.mod; adding that module removes this simplification.
func (s *scanner) appendIDN(dst, name []byte) ([]byte, bool) {
	for len(name) > 0 {
		label := name
		if dot := bytes.IndexByte(name, '.'); dot >= 0 {
			label, name = name[:dot], name[dot+1:]
		} else {
			name = nil
		}

		s.runes = s.runes[:0]
		ascii := true
		for len(label) > 0 {
			r, size := utf8.DecodeRune(label)
			label = label[size:]
			r = unicode.ToLower(r)
			ascii = ascii && r < utf8.RuneSelf
			s.runes = append(s.runes, r)
		}

		if ascii {
			for _, r := range s.runes {
				dst = append(dst, byte(r))
			}
		} else {
			var ok bool
			if dst, ok = appendPunycode(append(dst, "xn--"...), s.runes); !ok {
				return dst, false
			}
		}
		if name != nil {
			dst = append(dst, '.')
		}
	}

	return dst, true
}
