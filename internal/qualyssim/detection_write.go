package qualyssim

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// writeHLDHost writes one HOST of an HLD response, in the element order of real output (§2).
func (s *Server) writeHLDHost(x *xw, h *Host, dets []*Detection, q *hldQuery) {
	x.open(3, "HOST")
	x.int(4, "ID", h.ID)

	if q.showAssetID {
		x.int(4, "ASSET_ID", h.AssetID)
	}

	// Hosts with an odd ID get the padded CDATA layout of the Elastic sample, the others the
	// inline one of the XSOAR sample, so every page carries both.
	padded := h.ID%2 == 1

	writeHostAddresses(x, 4, h)
	x.text(4, "TRACKING_METHOD", h.TrackingMethod)
	x.cdataLayout(4, "OS", h.OS, padded)
	writeHostNames(x, 4, h, padded)
	x.unix(4, "LAST_SCAN_DATETIME", h.LastScan+int64(h.ScanSeconds)/2)
	x.unix(4, "LAST_VM_SCANNED_DATE", h.LastScan)
	x.int(4, "LAST_VM_SCANNED_DURATION", int64(h.ScanSeconds))
	x.open(4, "DETECTION_LIST")

	for _, d := range dets {
		s.writeDetection(x, h, d, q)
	}

	x.close(4, "DETECTION_LIST")
	x.close(3, "HOST")
}

func writeHostAddresses(x *xw, depth int, h *Host) {
	if h.IP.IsValid() {
		x.text(depth, "IP", h.IP.String())
	}

	if h.IPv6.IsValid() {
		x.text(depth, "IPV6", h.IPv6.String())
	}
}

func writeHostNames(x *xw, depth int, h *Host, padded bool) {
	if h.Hostname != "" {
		x.cdataLayout(depth, "DNS", h.FQDN(), padded)
		x.open(depth, "DNS_DATA")
		x.cdataLayout(depth+1, "HOSTNAME", h.Hostname, padded)
		x.cdataLayout(depth+1, "DOMAIN", h.Domain, padded)
		x.cdataLayout(depth+1, "FQDN", h.FQDN(), padded)
		x.close(depth, "DNS_DATA")
	}

	if h.NetBIOS != "" {
		x.cdataLayout(depth, "NETBIOS", h.NetBIOS, padded)
	}
}

func (s *Server) writeDetection(x *xw, h *Host, d *Detection, q *hldQuery) {
	v := s.data.kb.byQID[int(d.QID)]

	x.open(5, "DETECTION")
	x.int(6, "UNIQUE_VULN_ID", d.UniqueID)
	x.int(6, "QID", int64(d.QID))
	x.text(6, "TYPE", d.Type.String())
	x.int(6, "SEVERITY", int64(d.Severity))

	if d.Port != 0 {
		x.int(6, "PORT", int64(d.Port))
	}

	if d.Protocol != ProtoNone {
		x.text(6, "PROTOCOL", d.Protocol.String())
	}

	x.bool(6, "SSL", d.SSL)

	if q.showResults {
		x.cdata(6, "RESULTS", "", detectionResults(v, h, d))
	}

	x.text(6, "STATUS", d.Status.String())
	x.unix(6, "FIRST_FOUND_DATETIME", d.FirstFound)
	x.unix(6, "LAST_FOUND_DATETIME", d.LastFound)

	if q.showQDS && d.QDS != 0 {
		x.pad(6)
		x.raw(fmt.Sprintf("<QDS severity=\"%s\">%d</QDS>\n", qdsSeverity(int(d.QDS)), d.QDS))
	}

	if q.showFactors && d.QDS != 0 {
		writeQDSFactors(x, v)
	}

	x.int(6, "TIMES_FOUND", int64(d.TimesFound))
	x.unix(6, "LAST_TEST_DATETIME", h.LastScan)
	x.unix(6, "LAST_UPDATE_DATETIME", h.LastScan+int64(h.ScanSeconds))

	if d.LastFixed != 0 {
		x.unix(6, "LAST_FIXED_DATETIME", d.LastFixed)
	}

	x.text(6, "IS_IGNORED", "0")
	x.text(6, "IS_DISABLED", "0")
	x.unix(6, "LAST_PROCESSED_DATETIME", h.LastScan+int64(h.ScanSeconds))
	x.close(5, "DETECTION")
}

// detectionResults fills the QID's RESULTS template for one host and port.
func detectionResults(v *Vuln, h *Host, d *Detection) string {
	if !strings.Contains(v.results, "{") {
		return v.results
	}

	ip := h.IP
	if !ip.IsValid() {
		ip = h.IPv6
	}

	name := h.FQDN()
	if name == "" {
		name = ip.String()
	}

	return strings.NewReplacer("{port}", strconv.Itoa(int(d.Port)), "{host}", name,
		"{ip}", ip.String()).Replace(v.results)
}

// qdsSeverity maps a QDS to its band: Low 1-39, Medium 40-69, High 70-89, Critical 90-100 (§2).
func qdsSeverity(qds int) string {
	switch {
	case qds >= 90:
		return "CRITICAL"
	case qds >= 70:
		return "HIGH"
	case qds >= 40:
		return "MEDIUM"
	default:
		return "LOW"
	}
}

// writeQDSFactors writes the QDS_FACTORS of a detection of v; values are strings (§2).
func writeQDSFactors(x *xw, v *Vuln) {
	x.open(6, "QDS_FACTORS")

	var rti []string

	for _, id := range v.ThreatIntel {
		rti = append(rti, threatIntelNames[id])
	}

	if len(rti) > 0 {
		x.cdata(7, "QDS_FACTOR", ` name="RTI"`, strings.Join(rti, ","))
	}

	if slices.Contains(v.ThreatIntel, 3) {
		x.cdata(7, "QDS_FACTOR", ` name="exploit_maturity"`, "weaponized,poc")
	} else if slices.Contains(v.ThreatIntel, 2) {
		x.cdata(7, "QDS_FACTOR", ` name="exploit_maturity"`, "poc")
	}

	if slices.Contains(v.ThreatIntel, 18) {
		x.cdata(7, "QDS_FACTOR", ` name="CISA_vuln"`, "YES")
	}

	if v.CVSS3Base > 0 {
		x.cdata(7, "QDS_FACTOR", ` name="CVSS"`, strconv.FormatFloat(v.CVSS3Base, 'f', 1, 64))
		x.cdata(7, "QDS_FACTOR", ` name="CVSS_version"`, "v3.x")
	} else if v.CVSSBase > 0 {
		x.cdata(7, "QDS_FACTOR", ` name="CVSS"`, strconv.FormatFloat(v.CVSSBase, 'f', 1, 64))
		x.cdata(7, "QDS_FACTOR", ` name="CVSS_version"`, "v2")
	}

	epss := float64(v.QID%9973)/99730.0 + float64(len(v.ThreatIntel))*0.09
	x.cdata(7, "QDS_FACTOR", ` name="epss"`, strconv.FormatFloat(min(epss, 0.97), 'f', 5, 64))

	if vec, ok := strings.CutPrefix(v.CVSS3Vector, "CVSS:3.1/"); ok {
		x.cdata(7, "QDS_FACTOR", ` name="CVSS_vector"`, vec)
	}

	x.close(6, "QDS_FACTORS")
}
