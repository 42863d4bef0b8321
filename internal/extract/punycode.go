package extract

// Punycode parameters, RFC 3492 section 5.
const (
	pcBase        = 36
	pcTMin        = 1
	pcTMax        = 26
	pcSkew        = 38
	pcDamp        = 700
	pcInitialBias = 72
	pcInitialN    = 128
	pcMaxDelta    = 1 << 30 // far above any label that fits in 63 bytes
)

// appendPunycode appends the RFC 3492 encoding of label (without the "xn--" prefix). It fails
// only on absurd inputs whose delta would overflow.
func appendPunycode(dst []byte, label []rune) ([]byte, bool) {
	basic := 0
	for _, r := range label {
		if r < pcInitialN {
			dst = append(dst, byte(r))
			basic++
		}
	}
	if basic > 0 {
		dst = append(dst, '-')
	}

	n, delta, bias := rune(pcInitialN), 0, pcInitialBias
	for handled := basic; handled < len(label); {
		m := rune(0x7fffffff)
		for _, r := range label {
			if r >= n && r < m {
				m = r
			}
		}

		delta += int(m-n) * (handled + 1)
		if delta > pcMaxDelta {
			return dst, false
		}
		n = m

		for _, r := range label {
			if r < n {
				delta++
			}
			if r != n {
				continue
			}

			q := delta
			for k := pcBase; ; k += pcBase {
				t := min(max(k-bias, pcTMin), pcTMax)
				if q < t {
					break
				}
				dst = append(dst, punyDigit(t+(q-t)%(pcBase-t)))
				q = (q - t) / (pcBase - t)
			}
			dst = append(dst, punyDigit(q))
			bias = punyAdapt(delta, handled+1, handled == basic)
			delta = 0
			handled++
		}
		delta++
		n++
	}

	return dst, true
}

// punyDigit maps 0..35 to a-z0-9.
func punyDigit(d int) byte {
	if d < 26 {
		return byte('a' + d)
	}

	return byte('0' + d - 26)
}

// punyAdapt is the bias adaptation function of RFC 3492 section 6.1.
func punyAdapt(delta, points int, first bool) int {
	if first {
		delta /= pcDamp
	} else {
		delta /= 2
	}
	delta += delta / points

	k := 0
	for delta > ((pcBase-pcTMin)*pcTMax)/2 {
		delta /= pcBase - pcTMin
		k += pcBase
	}

	return k + (pcBase-pcTMin+1)*delta/(delta+pcSkew)
}
