package extract

import (
	"bytes"
	"net/netip"
	"unsafe"
)

// ipv4 validates norm[lo:hi] as a dotted quad: four decimal octets of 0-255 without leading
// zeros (010.1.1.1 is ambiguous octal, so it is dropped rather than guessed). An address right
// after a dot (a fifth octet, a version string) or before "/n" (a network, unless the address
// is the host of a URL: http://10.0.0.5/24 is a path) is no entity.
func (s *scanner) ipv4(lo, hi int) {
	norm := s.norm
	var oct [4]int
	n, v, digits := 0, 0, 0
	for k := lo; k <= hi; k++ {
		if k == hi || norm[k] == '.' {
			if digits == 0 || n == 4 {
				return
			}
			oct[n], n, v, digits = v, n+1, 0, 0
			continue
		}
		if !isDigit(norm[k]) || digits > 0 && v == 0 {
			return
		}
		v, digits = v*10+int(norm[k]-'0'), digits+1
		if v > 255 {
			return
		}
	}
	if n != 4 {
		return
	}

	t := s.text
	rawLo, rawHi := s.rawOf(lo), s.rawOf(hi)
	if rawLo > 0 && t[rawLo-1] == '.' || cidrAt(t, rawHi, 32) && !hostContext(t, rawLo) {
		return
	}

	keyLo := len(s.arena)
	s.arena = append(s.arena, typeCode(IPv4))
	s.arena = append(s.arena, norm[lo:hi]...)
	s.addHit(rawLo, rawHi, keyLo, skipIPv4(oct), s.offs == nil)
}

// skipIPv4 says why an address gets no lookup, or "".
func skipIPv4(o [4]int) string {
	switch {
	case o == [4]int{0, 0, 0, 0}:
		return SkipUnspecified
	case o == [4]int{255, 255, 255, 255}:
		return SkipBroadcast
	case o[0] == 127:
		return SkipLoopback
	case o[0] >= 224 && o[0] <= 239:
		return SkipMulticast
	}

	return ""
}

// ipv6Run tries norm[lo:hi] as one IPv6 address, then without a leading "word:" label such as
// "ip6:" or "src:". It reports whether the run was consumed.
func (s *scanner) ipv6Run(lo, hi int, defanged bool) bool {
	if s.ipv6(lo, hi) {
		return true
	}

	norm := s.norm
	c := bytes.IndexByte(norm[lo:hi], ':')
	if c <= 0 || isHexish(norm[lo:lo+c]) || bytes.Count(norm[lo+c+1:hi], []byte{':'}) < 2 {
		return false
	}
	if !s.ipv6(lo+c+1, hi) {
		return false
	}
	s.segment(lo, lo+c, defanged)

	return true
}

// ipv6 validates the whole of norm[lo:hi] (less one trailing dot) with netip, so timestamps,
// MAC addresses, fingerprints and C++ scopes fail. The zone is dropped from the value. An
// IPv4-mapped address (::ffff:a.b.c.d) is reported as the IPv4 address it carries: Qualys
// tracks that host by its IPv4 address, and an ipv6= query would find nothing.
func (s *scanner) ipv6(lo, hi int) bool {
	norm := s.norm
	if hi > lo && norm[hi-1] == '.' {
		hi--
	}

	// The zone is dropped from the value, so only the address is parsed; netip would refuse
	// an empty zone ("fe80::1%"), and so does this.
	addrText := norm[lo:hi]
	if z := bytes.IndexByte(addrText, '%'); z >= 0 {
		if z == len(addrText)-1 {
			return false
		}
		addrText = addrText[:z]
	}
	if !plausibleIPv6(addrText) || len(addrText) < 6 && string(addrText) != "::1" {
		return false
	}

	// A string view of norm: ParseAddr keeps no part of its input in an address without a
	// zone, and its error is dropped here, so no copy (an allocation per candidate) is needed.
	ip, err := netip.ParseAddr(unsafe.String(unsafe.SliceData(addrText), len(addrText)))
	if err != nil || !ip.Is6() {
		return false
	}

	rawLo, rawHi := s.rawOf(lo), s.rawOf(hi)
	if cidrAt(s.text, rawHi, 128) {
		return true // a network, not a host: consumed without an entity
	}

	keyLo := len(s.arena)
	if ip.Is4In6() {
		v4 := ip.Unmap()
		s.arena = v4.AppendTo(append(s.arena, typeCode(IPv4)))
		b := v4.As4()
		s.addHit(rawLo, rawHi, keyLo,
			skipIPv4([4]int{int(b[0]), int(b[1]), int(b[2]), int(b[3])}), false)

		return true
	}

	s.arena = ip.AppendTo(append(s.arena, typeCode(IPv6)))
	s.addHit(rawLo, rawHi, keyLo, skipIPv6(ip), false)

	return true
}

// hostContext reports whether text[i] starts the host of a URL, after "//" or userinfo "@".
func hostContext(t []byte, i int) bool {
	return urlContext(t, i) || i > 0 && t[i-1] == '@'
}

// plausibleIPv6 is a cheap filter before netip: hex digits, colons and dots only, and without
// "::" exactly eight groups (seven and a dotted tail), which rules out times like 12:34:56.
func plausibleIPv6(a []byte) bool {
	colons, dots := 0, false
	for _, b := range a {
		switch {
		case b == ':':
			colons++
		case b == '.':
			dots = true
		case !isHex(b):
			return false
		}
	}

	if colons < 2 {
		return false
	}
	if bytes.Contains(a, []byte("::")) {
		return true
	}

	return colons == 7 || colons == 6 && dots
}

func isHex(b byte) bool {
	return isDigit(b) || b|0x20 >= 'a' && b|0x20 <= 'f'
}

// isHexish reports whether a could be the first group of an address.
func isHexish(a []byte) bool {
	for _, b := range a {
		if !isHex(b) {
			return false
		}
	}

	return true
}

// skipIPv6 says why an address gets no lookup, or "".
func skipIPv6(ip netip.Addr) string {
	switch {
	case ip.IsUnspecified():
		return SkipUnspecified
	case ip.IsLoopback():
		return SkipLoopback
	case ip.IsMulticast():
		return SkipMulticast
	}

	return ""
}
