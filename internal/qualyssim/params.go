package qualyssim

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// params holds the merged query-string and form-body parameters of one FO call. Qualys reads
// both alike (qualys-api.md §1), so a parameter may come from either.
type params struct{ v url.Values }

// get returns every value of name joined by commas, trimmed.
func (p params) get(name string) string {
	vals := p.v[name]
	if len(vals) == 1 {
		return strings.TrimSpace(vals[0])
	}

	return strings.TrimSpace(strings.Join(vals, ","))
}

func (p params) has(name string) bool { return p.get(name) != "" }

// list splits a comma-separated parameter into trimmed, non-empty items.
func (p params) list(name string) []string {
	var out []string

	for part := range strings.SplitSeq(p.get(name), ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}

	return out
}

// checkKnown answers 1901 for the parameters the endpoint does not recognise.
func (p params) checkKnown(known map[string]bool) *apiError {
	var bad []string

	for name := range p.v {
		if !known[name] {
			bad = append(bad, name)
		}
	}

	if len(bad) == 0 {
		return nil
	}

	slices.Sort(bad)

	return unrecognizedParams(strings.Join(bad, ", "))
}

// flag reads a 0|1 parameter.
func (p params) flag(name string, def bool) (bool, *apiError) {
	switch v := p.get(name); v {
	case "":
		return def, nil
	case "0":
		return false, nil
	case "1":
		return true, nil
	default:
		return false, invalidValue(name, v, "")
	}
}

// count reads a non-negative integer parameter.
func (p params) count(name string, def int) (int, *apiError) {
	v := p.get(name)
	if v == "" {
		return def, nil
	}

	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, invalidValue(name, v, "")
	}

	return n, nil
}

// oneOf reads an enumerated parameter, case-insensitively, returning the canonical spelling.
func (p params) oneOf(name, def string, allowed ...string) (string, *apiError) {
	v := p.get(name)
	if v == "" {
		return def, nil
	}

	for _, a := range allowed {
		if strings.EqualFold(a, v) {
			return a, nil
		}
	}

	return "", invalidValue(name, v, "")
}

// idRange is an inclusive range of positive integers; lo == hi for a single value.
type idRange struct{ lo, hi int64 }

// idRanges reads a list of positive integers and "lo-hi" ranges (ids, qids, severities).
// The 1905 text matches the platform's (qualys-api.md §7).
func (p params) idRanges(name string) ([]idRange, *apiError) {
	raw := p.get(name)

	var out []idRange

	for _, tok := range p.list(name) {
		r, ok := parseIDRange(tok)
		if !ok {
			return nil, invalidValue(name, raw, "neither a positive integer nor a range: "+tok)
		}

		out = append(out, r)
	}

	return out, nil
}

func parseIDRange(tok string) (idRange, bool) {
	lo, hi, isRange := strings.Cut(tok, "-")

	a, err := strconv.ParseInt(strings.TrimSpace(lo), 10, 64)
	if err != nil || a <= 0 {
		return idRange{}, false
	}

	if !isRange {
		return idRange{a, a}, true
	}

	b, err := strconv.ParseInt(strings.TrimSpace(hi), 10, 64)
	if err != nil || b < a {
		return idRange{}, false
	}

	return idRange{a, b}, true
}

// inRanges reports whether v is in any of rs; an empty rs matches everything.
func inRanges(rs []idRange, v int64) bool {
	if len(rs) == 0 {
		return true
	}

	for _, r := range rs {
		if v >= r.lo && v <= r.hi {
			return true
		}
	}

	return false
}

// encodeForURL renders the parameters for a WARNING URL: action first, the rest sorted, id_min
// dropped (the caller appends the new one).
func (p params) encodeForURL() string {
	var b strings.Builder

	b.WriteString("action=" + url.QueryEscape(p.get("action")))

	keys := make([]string, 0, len(p.v))
	for k := range p.v {
		if k != "action" && k != "id_min" {
			keys = append(keys, k)
		}
	}

	slices.Sort(keys)

	for _, k := range keys {
		b.WriteString("&" + url.QueryEscape(k) + "=" + url.QueryEscape(p.get(k)))
	}

	return b.String()
}

// set builds a lookup set from names.
func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}

	return m
}

// with returns a copy of m plus names.
func with(m map[string]bool, names ...string) map[string]bool {
	out := make(map[string]bool, len(m)+len(names))
	for k := range m {
		out[k] = true
	}

	for _, n := range names {
		out[n] = true
	}

	return out
}
