package extract

import (
	"unicode"
	"unicode/utf8"
)

// maxQIDDigits is the longest QID the built-in type reads, as in the seed's pattern \d{1,8}.
// A longer digit run is no QID at all: QID123456789 is not silently read as QID12345678.
const maxQIDDigits = 8

// keyword parses a CVE ID or a QID at text[i], already known to sit on a word boundary.
func (s *scanner) keyword(i int) {
	t := s.text
	if i+3 > len(t) {
		return
	}

	b0, b1, b2 := t[i]|0x20, t[i+1]|0x20, t[i+2]|0x20
	switch {
	case b0 == 'c' && b1 == 'v' && b2 == 'e':
		s.cve(i)
	case b0 == 'q' && b1 == 'i' && b2 == 'd':
		s.qid(i)
	}
}

// cve parses CVE-YYYY-NNNN at text[i], case-insensitive, with '-' or a Unicode dash as the
// separator. The sequence is 0NNN or a 4-19 digit number without a leading zero, and it must
// end at a word boundary: more digits or letters drop the candidate rather than truncate it.
func (s *scanner) cve(i int) {
	t := s.text
	j := i + 3
	n := dashLen(t, j)
	if n == 0 || j+n+4 > len(t) {
		return
	}
	j += n

	year := 0
	for _, b := range t[j : j+4] {
		if !isDigit(b) {
			return
		}
		year = year*10 + int(b-'0')
	}
	if year < 1999 || year > s.x.maxCVEYear {
		return
	}
	yearAt := j
	j += 4

	if n = dashLen(t, j); n == 0 {
		return
	}
	j += n

	k := j
	for k < len(t) && isDigit(t[k]) {
		k++
	}
	if digits := k - j; digits < 4 || digits > 19 || t[j] == '0' && digits != 4 ||
		k < len(t) && isAlnum(t[k]) {
		return
	}

	keyLo := len(s.arena)
	s.arena = append(s.arena, typeCode(CVE), 'C', 'V', 'E', '-')
	s.arena = append(s.arena, t[yearAt:yearAt+4]...)
	s.arena = append(s.arena, '-')
	s.arena = append(s.arena, t[j:k]...)
	s.addHit(i, k, keyLo, "", false)
}

// qid parses the seed's QID formats at text[i], case-insensitive: QID12345, QID:12345,
// QID: 12345, QID : 12345, QID-12345, QID_12345, QID 12345 (also an en dash and NBSP). Spaces
// never cross a line break. The value is the digits as written.
func (s *scanner) qid(i int) {
	t := s.text
	j := skipSpace(t, i+3)
	if j < len(t) {
		n := 0
		switch t[j] {
		case ':', '_':
			n = 1
		default:
			n = dashLen(t, j)
		}
		if n > 0 {
			j = skipSpace(t, j+n)
		}
	}

	k := j
	for k < len(t) && isDigit(t[k]) {
		k++
	}
	if k == j || k-j > maxQIDDigits || k < len(t) && isAlnum(t[k]) {
		return
	}

	keyLo := len(s.arena)
	s.arena = append(s.arena, typeCode(QID))
	s.arena = append(s.arena, t[j:k]...)
	s.addHit(i, k, keyLo, "", false)
}

// dashLen returns the byte length of a hyphen or Unicode dash (U+2010-U+2015, U+2212) at t[i].
func dashLen(t []byte, i int) int {
	switch {
	case i >= len(t):
		return 0
	case t[i] == '-':
		return 1
	case i+2 < len(t) && t[i] == 0xE2 &&
		(t[i+1] == 0x80 && t[i+2] >= 0x90 && t[i+2] <= 0x95 || t[i+1] == 0x88 && t[i+2] == 0x92):
		return 3
	}

	return 0
}

// skipSpace skips spaces, tabs and the Unicode space separators (\p{Zs}: U+00A0, U+2000-U+200A,
// U+202F, U+3000, ...) from t[i], as JavaScript's \s does in the platform's pattern. Line breaks
// are not skipped.
func skipSpace(t []byte, i int) int {
	for i < len(t) {
		switch b := t[i]; {
		case b == ' ' || b == '\t':
			i++
		case b >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(t[i:])
			if !unicode.Is(unicode.Zs, r) {
				return i
			}
			i += size
		default:
			return i
		}
	}

	return i
}
