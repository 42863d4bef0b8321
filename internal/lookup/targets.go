package lookup

import (
	"net/netip"
	"strings"
)

// addrRange is one element of a scan TARGET: a single address, a range a.b.c.d-e.f.g.h or a
// CIDR, held as an inclusive range.
type addrRange struct {
	lo, hi netip.Addr
}

// contains reports whether a lies within r (same family only).
func (r addrRange) contains(a netip.Addr) bool {
	return a.BitLen() == r.lo.BitLen() && r.lo.Compare(a) <= 0 && a.Compare(r.hi) <= 0
}

// parseTarget reads a scan TARGET: comma-separated addresses, ranges and CIDRs. Elements that
// are none of these (FQDNs, asset group names) are skipped, as they cannot be matched to an
// address without a lookup.
func parseTarget(target string) []addrRange {
	var out []addrRange
	for part := range strings.SplitSeq(target, ",") {
		if r, ok := parseTargetElement(strings.TrimSpace(part)); ok {
			out = append(out, r)
		}
	}

	return out
}

func parseTargetElement(s string) (addrRange, bool) {
	if lo, hi, ok := strings.Cut(s, "-"); ok {
		a, errA := netip.ParseAddr(strings.TrimSpace(lo))
		b, errB := netip.ParseAddr(strings.TrimSpace(hi))
		a, b = a.Unmap(), b.Unmap()
		if errA != nil || errB != nil || a.BitLen() != b.BitLen() || b.Less(a) {
			return addrRange{}, false
		}

		return addrRange{lo: a, hi: b}, true
	}

	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return addrRange{}, false
		}
		p = p.Masked()

		return addrRange{lo: p.Addr(), hi: lastAddr(p)}, true
	}

	a, err := netip.ParseAddr(s)
	if err != nil {
		return addrRange{}, false
	}
	a = a.Unmap()

	return addrRange{lo: a, hi: a}, true
}

// lastAddr is the highest address of a masked prefix.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 1 << (7 - i%8)
	}
	a, _ := netip.AddrFromSlice(b)

	return a
}

// targetCovers reports whether any element of ranges contains a.
func targetCovers(ranges []addrRange, a netip.Addr) bool {
	for _, r := range ranges {
		if r.contains(a) {
			return true
		}
	}

	return false
}
