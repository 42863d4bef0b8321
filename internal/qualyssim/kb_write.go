package qualyssim

import "strconv"

// writeVuln writes one VULN in the DTD's element order (qualys-api.md §4).
func writeVuln(x *xw, v *Vuln, all bool) {
	x.open(3, "VULN")
	x.int(4, "QID", int64(v.QID))
	x.text(4, "VULN_TYPE", v.VulnType)
	x.int(4, "SEVERITY_LEVEL", int64(v.Severity))
	x.cdata(4, "TITLE", "", v.Title)
	x.text(4, "CATEGORY", v.Category)
	x.time(4, "LAST_SERVICE_MODIFICATION_DATETIME", v.Modified)
	x.time(4, "PUBLISHED_DATETIME", v.Published)
	x.bool(4, "PATCHABLE", v.Patchable)

	if len(v.Software) > 0 {
		x.open(4, "SOFTWARE_LIST")

		for _, sw := range v.Software {
			x.open(5, "SOFTWARE")
			x.cdata(6, "PRODUCT", "", sw.Product)
			x.cdata(6, "VENDOR", "", sw.Vendor)
			x.close(5, "SOFTWARE")
		}

		x.close(4, "SOFTWARE_LIST")
	}

	writeRefList(x, "VENDOR_REFERENCE_LIST", "VENDOR_REFERENCE", v.VendorRefs)

	cveRefs := make([]Ref, 0, len(v.CVEs))
	for _, c := range v.CVEs {
		cveRefs = append(cveRefs, Ref{c, "http://cve.mitre.org/cgi-bin/cvename.cgi?name=" + c})
	}

	writeRefList(x, "CVE_LIST", "CVE", cveRefs)
	// The texts are optional: real Information Gathered records often have no CONSEQUENCE
	// or SOLUTION element at all.
	for _, f := range [...]struct{ name, text string }{{"DIAGNOSIS", v.Diagnosis},
		{"CONSEQUENCE", v.Consequence}, {"SOLUTION", v.Solution}} {
		if f.text != "" {
			x.cdata(4, f.name, "", f.text)
		}
	}

	if all && len(v.CVEs) > 0 && (len(v.ThreatIntel) > 0) {
		writeCorrelation(x, v)
	}

	writeCVSS(x, v)
	x.bool(4, "PCI_FLAG", v.PCI)
	writeThreatIntel(x, v)
	x.open(4, "DISCOVERY")
	x.text(5, "REMOTE", "1")

	if len(v.AuthTypes) > 0 {
		x.open(5, "AUTH_TYPE_LIST")

		for _, a := range v.AuthTypes {
			x.text(6, "AUTH_TYPE", a)
		}

		x.close(5, "AUTH_TYPE_LIST")
	}

	if v.Patchable {
		x.text(5, "ADDITIONAL_INFO", "Patch Available")
	}

	x.close(4, "DISCOVERY")
	x.close(3, "VULN")
}

func writeRefList(x *xw, list, elem string, refs []Ref) {
	if len(refs) == 0 {
		return
	}

	x.open(4, list)

	for _, r := range refs {
		x.open(5, elem)
		x.cdata(6, "ID", "", r.ID)
		x.cdata(6, "URL", "", r.URL)
		x.close(5, elem)
	}

	x.close(4, list)
}

func writeCorrelation(x *xw, v *Vuln) {
	x.open(4, "CORRELATION")
	x.open(5, "EXPLOITS")
	x.open(6, "EXPLT_SRC")
	x.cdata(7, "SRC_NAME", "", "nvd")
	x.open(7, "EXPLT_LIST")

	for _, c := range v.CVEs {
		x.open(8, "EXPLT")
		x.cdata(9, "REF", "", c)
		x.cdata(9, "DESC", "", "Public exploit reference for "+c)
		x.cdata(9, "LINK", "", "https://nvd.nist.gov/vuln/detail/"+c)
		x.close(8, "EXPLT")
	}

	x.close(7, "EXPLT_LIST")
	x.close(6, "EXPLT_SRC")
	x.close(5, "EXPLOITS")
	x.close(4, "CORRELATION")
}

func writeCVSS(x *xw, v *Vuln) {
	if v.CVSSBase > 0 {
		x.open(4, "CVSS")
		x.pad(5)
		x.raw("<BASE source=\"service\">" + score(v.CVSSBase) + "</BASE>\n")
		x.text(5, "TEMPORAL", score(v.CVSSTemporal))
		x.close(4, "CVSS")
	}

	if v.CVSS3Base > 0 {
		x.open(4, "CVSS_V3")
		x.text(5, "BASE", score(v.CVSS3Base))
		x.text(5, "TEMPORAL", score(v.CVSS3Temporal))
		x.text(5, "VECTOR_STRING", v.CVSS3Vector)
		x.text(5, "CVSS3_VERSION", "3.1")
		x.close(4, "CVSS_V3")
	}
}

func writeThreatIntel(x *xw, v *Vuln) {
	if len(v.ThreatIntel) == 0 {
		return
	}

	x.open(4, "THREAT_INTELLIGENCE")

	for _, id := range v.ThreatIntel {
		x.cdata(5, "THREAT_INTEL", ` id="`+strconv.Itoa(id)+`"`, threatIntelNames[id])
	}

	x.close(4, "THREAT_INTELLIGENCE")
}

func score(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }
