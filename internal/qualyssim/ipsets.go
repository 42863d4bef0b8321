package qualyssim

import (
	"encoding/binary"
	"net/netip"
	"strings"
)

// v4Range is an inclusive range of IPv4 addresses as integers.
type v4Range struct{ lo, hi uint32 }

// ipv4Set is what an ips= (or ip=, target=) parameter selects: single addresses, hyphen ranges
// and CIDR blocks (qualys-api.md §1).
type ipv4Set []v4Range

func v4(a netip.Addr) uint32 {
	b := a.As4()

	return binary.BigEndian.Uint32(b[:])
}

func v4Addr(u uint32) netip.Addr {
	var b [4]byte

	binary.BigEndian.PutUint32(b[:], u)

	return netip.AddrFrom4(b)
}

// parseIPv4Set parses a comma list of IPv4 addresses, "a-b" ranges and CIDRs.
func parseIPv4Set(name, raw string) (ipv4Set, *apiError) {
	var out ipv4Set

	for tok := range strings.SplitSeq(raw, ",") {
		tok = strings.TrimSpace(tok)
		if tok == "" {
			continue
		}

		r, ok := parseV4Range(tok)
		if !ok {
			return nil, invalidValue(name, raw, "invalid IP address or range: "+tok)
		}

		out = append(out, r)
	}

	return out, nil
}

func parseV4Range(tok string) (v4Range, bool) {
	if strings.Contains(tok, "/") {
		p, err := netip.ParsePrefix(tok)
		if err != nil || !p.Addr().Is4() {
			return v4Range{}, false
		}

		p = p.Masked()
		lo := v4(p.Addr())
		span := uint32(1)<<(32-p.Bits()) - 1

		return v4Range{lo, lo + span}, true
	}

	a, b, isRange := strings.Cut(tok, "-")

	lo, err := netip.ParseAddr(strings.TrimSpace(a))
	if err != nil || !lo.Is4() {
		return v4Range{}, false
	}

	if !isRange {
		return v4Range{v4(lo), v4(lo)}, true
	}

	hi, err := netip.ParseAddr(strings.TrimSpace(b))
	if err != nil || !hi.Is4() || v4(hi) < v4(lo) {
		return v4Range{}, false
	}

	return v4Range{v4(lo), v4(hi)}, true
}

// contains reports whether a (an IPv4 address) is in the set.
func (s ipv4Set) contains(a netip.Addr) bool {
	if !a.Is4() {
		return false
	}

	u := v4(a)
	for _, r := range s {
		if u >= r.lo && u <= r.hi {
			return true
		}
	}

	return false
}

// overlaps reports whether any range of s meets any range of t.
func (s ipv4Set) overlaps(t ipv4Set) bool {
	for _, a := range s {
		for _, b := range t {
			if a.lo <= b.hi && b.lo <= a.hi {
				return true
			}
		}
	}

	return false
}

// parseIPv6List parses ipv6=: a comma list of single IPv6 addresses, no ranges (§2).
func parseIPv6List(name, raw string) (map[netip.Addr]bool, *apiError) {
	out := map[netip.Addr]bool{}

	for tok := range strings.SplitSeq(raw, ",") {
		tok = strings.TrimSpace(tok)
		if tok == "" {
			continue
		}

		a, err := netip.ParseAddr(tok)
		if err != nil || !a.Is6() || a.Is4In6() {
			return nil, invalidValue(name, raw, "invalid IPv6 address: "+tok)
		}

		out[a] = true
	}

	return out, nil
}
