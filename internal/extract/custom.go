package extract

// maxCustomDigits caps a custom QID value: longer digit runs are no QID (nor an int64).
const maxCustomDigits = 19

// appendCustom adds a hit for every non-empty match of the admin's customQid pattern that
// yields a QID. Custom matches may overlap built-in entities: they are a different type.
func (x *Extractor) appendCustom(hits []hit, text []byte, arena *[]byte) []hit {
	for _, m := range x.custom.FindAllIndex(text, -1) {
		if m[1] <= m[0] {
			continue
		}

		value, ok := x.customValueOf(text[m[0]:m[1]])
		if !ok {
			continue
		}

		keyLo := len(*arena)
		*arena = append(append(*arena, typeCode(CustomQID)), value...)
		hits = append(hits, hit{start: m[0], end: m[1], keyLo: int32(keyLo),
			keyHi: int32(len(*arena))})
	}

	return hits
}

// CustomQIDValue returns the QID digits that the configured value regex extracts from match,
// a string the customQid pattern matched, following the seed: the value regex's first capture
// group that took part in the match, else its whole match; a blank value regex, one that does
// not match, or one that matches only the empty string, falls back to the last contiguous run
// of digits in match. When the regex yields more than digits, its last run of digits is taken.
// ok is false when no digits come out.
func (x *Extractor) CustomQIDValue(match string) (value string, ok bool) {
	v, ok := x.customValueOf([]byte(match))
	return string(v), ok
}

func (x *Extractor) customValueOf(match []byte) ([]byte, bool) {
	if x.customValue == nil {
		return lastDigits(match)
	}

	loc := x.customValue.FindSubmatchIndex(match)
	if loc == nil {
		return lastDigits(match)
	}

	v := match[loc[0]:loc[1]]
	for g := 2; g+1 < len(loc); g += 2 {
		if loc[g] >= 0 {
			v = match[loc[g]:loc[g+1]]
			break
		}
	}
	if len(v) == 0 {
		return lastDigits(match) // \d* matched nothing at the start: as if it did not match
	}

	return lastDigits(v)
}

// lastDigits returns the last contiguous run of ASCII digits in b.
func lastDigits(b []byte) ([]byte, bool) {
	end := len(b)
	for end > 0 && !isDigit(b[end-1]) {
		end--
	}

	start := end
	for start > 0 && isDigit(b[start-1]) {
		start--
	}

	if start == end || end-start > maxCustomDigits {
		return nil, false
	}

	return b[start:end], true
}
