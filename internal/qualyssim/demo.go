package qualyssim

import "net/netip"

// Stable demo values: they exist for every seed and every dataset size, so the README, tests and
// `qlens lookup --demo` can rely on them.
const (
	DemoIP               = "10.0.0.5"         // host with 11 detections, severities 1-5
	DemoIPFirst          = "10.0.0.1"         // domain controller, distinct from 10.0.0.10
	DemoIPTen            = "10.0.0.10"        // web server; a prefix match on 10.0.0.1 must not find it
	DemoIPv6             = "2001:db8:0:10::5" // IPv6-only host
	DemoCVE              = "CVE-2021-44228"   // maps to QIDs 376157, 376160 and 730297
	DemoQID              = 38623              // in the KB; detected on 443 and 8443 of DemoIP
	DemoDomain           = "corp.example.com" // several hosts, one in the lab. subdomain
	DemoConfusableDomain = "notcorp.example.com"
	DemoOptionProfile    = "Initial Options" // option_title accepted by scan launch
	DemoOptionProfileID  = 43165             // option_id of DemoOptionProfile
	DemoScanner          = "scanner1"        // iscanner_name accepted by scan launch
	DemoOfflineScanner   = "dmz-scanner-02"  // listed appliance whose STATUS is Offline
)

// DemoValues are the notable values of a dataset, for tests and documentation.
type DemoValues struct {
	IP, IPFirst, IPTen, IPv6 string
	HostID                   int64 // ID of the host with DemoIP
	HostQIDs                 []int // QIDs detected on DemoIP, as stored
	CVE                      string
	CVEQIDs                  []int // QIDs mapped to DemoCVE
	QID                      int
	QIDHosts                 int // hosts carrying DemoQID
	Domain                   string
	DomainHosts              int // hosts in DemoDomain or below
	ConfusableDomain         string
	OptionProfile            string
	OptionProfileID          int
	Scanner                  string
}

// DemoValues returns the demo values with the counts of this dataset.
func (d *Dataset) DemoValues() DemoValues {
	h, _ := d.HostByIP(netip.MustParseAddr(DemoIP))

	qids := make([]int, 0, len(h.Detections))
	for _, det := range h.Detections {
		qids = append(qids, int(det.QID))
	}

	return DemoValues{
		IP: DemoIP, IPFirst: DemoIPFirst, IPTen: DemoIPTen, IPv6: DemoIPv6,
		HostID: h.ID, HostQIDs: qids,
		CVE: DemoCVE, CVEQIDs: d.QIDsForCVE(DemoCVE),
		QID: DemoQID, QIDHosts: len(d.HostsWithQID(DemoQID)),
		Domain: DemoDomain, DomainHosts: len(d.HostsInDomain(DemoDomain)),
		ConfusableDomain: DemoConfusableDomain,
		OptionProfile:    DemoOptionProfile, OptionProfileID: DemoOptionProfileID,
		Scanner: DemoScanner,
	}
}

// pinnedDet is one fixed detection of a demo host.
type pinnedDet struct {
	qid    int32
	port   uint16
	ssl    bool
	status DetectionStatus
}

// pinnedHost is a demo host placed at a fixed index of the dataset.
type pinnedHost struct {
	ip, ipv6, hostname, domain, netbios, os, tracking string
	dets                                              []pinnedDet
}

// pinnedHosts places the demo hosts at fixed indices (all below MinHosts).
var pinnedHosts = map[int]pinnedHost{
	3: {ip: "10.0.0.1", hostname: "dc01", domain: "corp.example.com", netbios: "DC01",
		os: "Windows Server 2019 Datacenter 10.0.17763", tracking: "IP",
		dets: []pinnedDet{{91688, 0, false, StatusActive}, {91785, 0, false, StatusNew},
			{90043, 445, false, StatusActive}, {38623, 3389, true, StatusActive},
			{6, 0, false, StatusActive}, {45017, 0, false, StatusActive}}},
	7: {ip: DemoIP, hostname: "app05", domain: "corp.example.com", os: "Ubuntu 20.04.6 LTS",
		tracking: "IP",
		dets: []pinnedDet{{376157, 0, false, StatusActive}, {730297, 8080, false, StatusActive},
			{42430, 443, true, StatusReopened}, {38623, 443, true, StatusActive},
			{38623, 8443, true, StatusActive}, {38628, 443, true, StatusFixed},
			{105943, 0, false, StatusActive}, {11827, 80, false, StatusNew},
			{6, 0, false, StatusActive}, {45017, 0, false, StatusActive}, {45038, 0, false, StatusActive}}},
	12: {ip: DemoIPTen, hostname: "web10", domain: "corp.example.com",
		os: "Red Hat Enterprise Linux 8.9", tracking: "DNS",
		dets: []pinnedDet{{376160, 0, false, StatusActive}, {38907, 443, true, StatusActive},
			{38623, 443, true, StatusActive}, {38657, 443, true, StatusActive},
			{11827, 443, true, StatusActive}, {6, 0, false, StatusActive}}},
	18: {ipv6: DemoIPv6, hostname: "v6gw", domain: "prod.example.net", os: "Debian GNU/Linux 12",
		tracking: "IP",
		dets: []pinnedDet{{730297, 8443, true, StatusActive}, {38739, 22, false, StatusActive},
			{45017, 0, false, StatusActive}}},
	21: {ip: "192.0.2.44", hostname: "portal", domain: "notcorp.example.com",
		os: "Ubuntu 22.04.4 LTS", tracking: "DNS",
		dets: []pinnedDet{{38628, 443, true, StatusActive}, {11827, 443, true, StatusActive}}},
	26: {ip: "10.0.0.20", hostname: "build01", domain: "lab.corp.example.com",
		os: "CentOS Linux 7.9.2009", tracking: "QAGENT",
		dets: []pinnedDet{{376157, 0, false, StatusActive}, {105943, 0, false, StatusActive},
			{38739, 22, false, StatusNew}}},
}
