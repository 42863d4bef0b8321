package qualys

// interner hands out one string for equal short values (TYPE, STATUS, PROTOCOL, QDS factor
// names, ...), so that a page of repeated values does not allocate each one anew. Strings
// are immutable, so sharing them with emit callers is safe. It is bounded: once full, new
// values are plainly allocated.
type interner map[string]string

const (
	internMaxLen     = 32
	internMaxEntries = 4096
)

// string returns b, trimmed, as a string.
func (in interner) string(b []byte) string {
	b = trimBytes(b)
	if len(b) == 0 {
		return ""
	}

	if len(b) > internMaxLen {
		return string(b)
	}

	if s, ok := in[string(b)]; ok {
		return s
	}

	s := string(b)
	if len(in) < internMaxEntries {
		in[s] = s
	}

	return s
}
