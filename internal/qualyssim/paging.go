package qualyssim

import "strconv"

// defaultTruncation is the page size of Host List and HLD when truncation_limit is absent (§9).
const defaultTruncation = 1000

// walkHosts visits hosts in ID order from idMin, calling emit for up to limit hosts that match
// (limit 0 = no limit). It returns the ID of the next matching host when the limit cut the list,
// else 0: that ID is the next page's id_min (qualys-api.md §9).
func (d *Dataset) walkHosts(idMin int64, limit int, match func(*Host) bool, emit func(*Host)) int64 {
	emitted := 0

	for i := d.indexFrom(idMin); i < len(d.hosts); i++ {
		h := &d.hosts[i]
		if !match(h) {
			continue
		}

		if limit > 0 && emitted == limit {
			return h.ID
		}

		emit(h)
		emitted++
	}

	return 0
}

// writeWarning writes the truncation WARNING, last child of RESPONSE, whose URL repeats the
// request on the simulator's own base URL with the next id_min. padded puts the URL's CDATA
// on its own line, as the guide's host-list sample does; the HLD sample has it inline.
func writeWarning(x *xw, req *request, limit int, nextID int64, padded bool) {
	url := req.base + req.r.URL.Path + "?" + req.p.encodeForURL() + "&id_min=" +
		strconv.FormatInt(nextID, 10)

	x.open(2, "WARNING")
	x.int(3, "CODE", codeTruncated)
	x.text(3, "TEXT", strconv.Itoa(limit)+" record limit exceeded. Use URL to get next batch of results.")
	x.cdataLayout(3, "URL", url, padded)
	x.close(2, "WARNING")
}

// hostFilter is the host part of HLD and Host List queries.
type hostFilter struct {
	ids   []idRange
	idMax int64
	ips   ipv4Set
	ipv6  map[[16]byte]bool
	byIP  bool // ips= or ipv6= was given
}

// parseHostFilter reads ids, id_max, ips and ipv6.
func parseHostFilter(p params) (hostFilter, *apiError) {
	var f hostFilter

	var err *apiError

	if f.ids, err = p.idRanges("ids"); err != nil {
		return f, err
	}

	if v := p.get("id_max"); v != "" {
		n, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil || n <= 0 {
			return f, invalidValue("id_max", v, "")
		}

		f.idMax = n
	}

	if p.has("ips") {
		if f.ips, err = parseIPv4Set("ips", p.get("ips")); err != nil {
			return f, err
		}

		f.byIP = true
	}

	if p.has("ipv6") {
		set, err := parseIPv6List("ipv6", p.get("ipv6"))
		if err != nil {
			return f, err
		}

		f.ipv6 = map[[16]byte]bool{}
		for a := range set {
			f.ipv6[a.As16()] = true
		}

		f.byIP = true
	}

	return f, nil
}

// idMin reads id_min (default 1).
func idMin(p params) (int64, *apiError) {
	v := p.get("id_min")
	if v == "" {
		return 1, nil
	}

	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, invalidValue("id_min", v, "")
	}

	return n, nil
}

func (f hostFilter) match(h *Host) bool {
	if !inRanges(f.ids, h.ID) || (f.idMax > 0 && h.ID > f.idMax) {
		return false
	}

	if !f.byIP {
		return true
	}

	if f.ips != nil && f.ips.contains(h.IP) {
		return true
	}

	return f.ipv6 != nil && h.IPv6.IsValid() && f.ipv6[h.IPv6.As16()]
}
