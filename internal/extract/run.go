package extract

// analyze splits one run into address and domain candidates. A run with two or more colons is
// first tried whole as an IPv6 address; otherwise it is cut at colons and percent signs (ports,
// schemes, URL escapes) and each part at runs of two or more dots.
func (s *scanner) analyze(start, end, flags, colons int) {
	s.base, s.dotDot = start, flags&fDotDot != 0
	s.norm, s.offs = s.text[start:end], nil
	if flags&(fDefang|fWide) != 0 {
		s.refang(start, end)
	}
	norm := s.norm

	// An address may end a clause: "from 2001:db8::1: refused".
	defanged := flags&fDefang != 0
	if colons >= 2 && (s.ipv6Run(0, len(norm), defanged) ||
		trailingColon(norm) && s.ipv6Run(0, len(norm)-1, defanged)) {
		return
	}

	if flags&fSplit == 0 {
		s.segment(0, len(norm), defanged)
		return
	}

	segLo := 0
	for k := 0; k <= len(norm); k++ {
		if k < len(norm) && norm[k] != ':' && norm[k] != '%' {
			continue
		}
		s.segment(segLo, k, defanged)
		segLo = k + 1
	}
}

// trailingColon reports whether norm ends in one colon, not in "::".
func trailingColon(norm []byte) bool {
	n := len(norm)
	return n >= 2 && norm[n-1] == ':' && norm[n-2] != ':'
}

// refang copies the run into buf with each defang token (plain or space-padded) replaced by
// '.' and each full-width form by its ASCII byte, filling offs.
func (s *scanner) refang(start, end int) {
	t := s.text
	s.buf, s.offs = s.buf[:0], s.offsBuf[:0]
	for i := start; i < end; {
		out, n := t[i], 1
		switch {
		case class[t[i]]&cOpen != 0:
			if k := defangLen(t, i); k > 0 {
				out, n = '.', k
			}
		case t[i] == ' ':
			if k := paddedDefangLen(t, i); k > 0 {
				out, n = '.', k
			}
		case t[i] == 0xEF:
			if w := wideASCII(t, i); w != 0 {
				out, n = w, 3
			}
		}
		s.buf = append(s.buf, out)
		s.offs = append(s.offs, i)
		i += n
	}
	s.offs = append(s.offs, end)
	s.norm, s.offsBuf = s.buf, s.offs
}

// segment cuts norm[lo:hi] at runs of two or more dots: an empty label ends a name, and what
// follows it is not the start of one ("a..b.com" gives nothing, "example.com..." gives the name).
func (s *scanner) segment(lo, hi int, defanged bool) {
	if !s.dotDot {
		s.piece(lo, hi, false, defanged) // the common case: nothing to cut
		return
	}

	norm := s.norm
	pieceLo, afterDots := lo, false
	for k := lo; k < hi; k++ {
		if norm[k] != '.' || k+1 >= hi || norm[k+1] != '.' {
			continue
		}
		s.piece(pieceLo, k, afterDots, defanged)
		for k < hi && norm[k] == '.' {
			k++
		}
		pieceLo, afterDots = k, true
	}
	s.piece(pieceLo, hi, afterDots, defanged)
}

// piece classifies one dotted candidate as IPv4 address(es) or a domain name.
func (s *scanner) piece(lo, hi int, afterDots, defanged bool) {
	if afterDots {
		return
	}

	norm := s.norm
	for hi > lo && norm[hi-1] == '-' {
		hi--
	}
	if hi > lo && norm[hi-1] == '.' {
		hi--
	}
	if hi-lo < 3 {
		return
	}

	lead := lo
	for lead < hi && norm[lead] == '-' {
		lead++
	}

	// One branch-free pass: the OR of the byte kinds says whether there is a dot, a hyphen, or
	// anything but digits, dots and hyphens.
	kinds := uint8(0)
	for _, b := range norm[lead:hi] {
		kinds |= pieceKind[b]
	}
	if kinds&kDot == 0 {
		return
	}
	numeric, hyphen := kinds&kOther == 0, kinds&kHyphen != 0

	switch {
	case numeric && !hyphen:
		s.ipv4(lead, hi)
	case numeric: // a range such as 10.0.0.1-10.0.0.9 gives both ends
		pLo := lead
		for k := lead; k <= hi; k++ {
			if k == hi || norm[k] == '-' {
				s.ipv4(pLo, k)
				pLo = k + 1
			}
		}
	case lead == lo: // "-bad.com" is an option or a typo, not a name
		s.domain(lo, hi, defanged)
	}
}

// Byte kinds of piece.
const (
	kDot uint8 = 1 << iota
	kHyphen
	kOther // not a digit, dot or hyphen
)

var pieceKind = func() (t [256]uint8) {
	for b := range t {
		t[b] = kOther
	}
	for b := '0'; b <= '9'; b++ {
		t[b] = 0
	}
	t['.'], t['-'] = kDot, kHyphen
	return t
}()

// cidrAt reports whether text[i:] is a prefix length "/n" with n <= maxBits, which makes the
// address before it a network rather than a host.
func cidrAt(t []byte, i, maxBits int) bool {
	if i >= len(t) || t[i] != '/' {
		return false
	}

	k, n := i+1, 0
	for k < len(t) && isDigit(t[k]) && k-i <= 3 {
		n = n*10 + int(t[k]-'0')
		k++
	}

	return k > i+1 && n <= maxBits && (k == len(t) || !isAlnum(t[k]) && t[k] != '/')
}
