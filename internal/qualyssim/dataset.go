package qualyssim

import (
	"net/netip"
	"slices"
	"sort"
	"strings"
	"time"
)

// DetectionType is the DETECTION TYPE element.
type DetectionType uint8

// Detection types.
const (
	TypeConfirmed DetectionType = iota
	TypePotential
	TypeInfo
)

func (t DetectionType) String() string {
	return [...]string{"Confirmed", "Potential", "Info"}[t]
}

// DetectionStatus is the DETECTION STATUS element.
type DetectionStatus uint8

// Detection statuses, spelled as the platform does ("Re-Opened" with a hyphen).
const (
	StatusNew DetectionStatus = iota
	StatusActive
	StatusFixed
	StatusReopened
)

func (s DetectionStatus) String() string {
	return [...]string{"New", "Active", "Fixed", "Re-Opened"}[s]
}

// Protocol is the DETECTION PROTOCOL element.
type Protocol uint8

// Protocols.
const (
	ProtoNone Protocol = iota
	ProtoTCP
	ProtoUDP
	ProtoICMP
)

func (p Protocol) String() string { return [...]string{"", "tcp", "udp", "icmp"}[p] }

// Detection is one QID found on a host, stored compactly (times are Unix seconds) so that
// 100,000 hosts fit in tens of MiB.
type Detection struct {
	UniqueID   int64
	FirstFound int64
	LastFound  int64
	LastFixed  int64 // 0 when never fixed
	QID        int32
	TimesFound int32
	Port       uint16 // 0 = host-level
	Severity   uint8
	QDS        uint8 // Qualys Detection Score 1..100
	Type       DetectionType
	Status     DetectionStatus
	Protocol   Protocol
	SSL        bool
}

// Host is one simulated asset.
type Host struct {
	ID             int64
	AssetID        int64      // QPS HostAsset id, HLD ASSET_ID
	IP             netip.Addr // zero for an IPv6-only host
	IPv6           netip.Addr // zero when none
	TrackingMethod string     // IP, DNS, NETBIOS or QAGENT
	Hostname       string     // "" when the host has no DNS name
	Domain         string
	NetBIOS        string
	OS             string
	LastScan       int64 // Unix seconds
	ScanSeconds    int32
	Detections     []Detection
}

// FQDN returns the host's DNS name, or "".
func (h *Host) FQDN() string {
	if h.Hostname == "" {
		return ""
	}

	return h.Hostname + "." + h.Domain
}

// Dataset is the simulator's data: hosts sorted by ID, the KnowledgeBase and option profiles.
// It is read-only after New.
type Dataset struct {
	hosts  []Host
	byIP   map[netip.Addr]int // host index by IPv4 and IPv6 address
	kb     *knowledgeBase
	anchor time.Time // start of the day the dataset was built; all dates derive from it
}

// Hosts returns the hosts, sorted by ID ascending. Callers must not modify them.
func (d *Dataset) Hosts() []Host { return d.hosts }

// HostByIP returns the host with IPv4 or IPv6 address ip.
func (d *Dataset) HostByIP(ip netip.Addr) (*Host, bool) {
	i, ok := d.byIP[ip]
	if !ok {
		return nil, false
	}

	return &d.hosts[i], true
}

// Vuln returns the KnowledgeBase record of qid.
func (d *Dataset) Vuln(qid int) (*Vuln, bool) {
	v, ok := d.kb.byQID[qid]

	return v, ok
}

// QIDs returns every QID in the KnowledgeBase, ascending.
func (d *Dataset) QIDs() []int { return slices.Clone(d.kb.qids) }

// QIDsForCVE returns the QIDs whose CVE_LIST names cve (case-insensitive), ascending.
func (d *Dataset) QIDsForCVE(cve string) []int {
	return slices.Clone(d.kb.byCVE[strings.ToUpper(cve)])
}

// HostsWithQID returns the hosts that carry a detection of qid, in ID order.
func (d *Dataset) HostsWithQID(qid int) []*Host {
	var out []*Host

	for i := range d.hosts {
		for _, det := range d.hosts[i].Detections {
			if int(det.QID) == qid {
				out = append(out, &d.hosts[i])

				break
			}
		}
	}

	return out
}

// HostsInDomain returns the hosts whose DNS name is domain or a subdomain of it (label boundary).
func (d *Dataset) HostsInDomain(domain string) []*Host {
	domain = strings.ToLower(domain)

	var out []*Host

	for i := range d.hosts {
		if inDomain(d.hosts[i].FQDN(), domain) {
			out = append(out, &d.hosts[i])
		}
	}

	return out
}

func inDomain(fqdn, domain string) bool {
	fqdn = strings.ToLower(fqdn)

	return fqdn == domain || strings.HasSuffix(fqdn, "."+domain)
}

// indexFrom returns the index of the first host with ID >= id.
func (d *Dataset) indexFrom(id int64) int {
	return sort.Search(len(d.hosts), func(i int) bool { return d.hosts[i].ID >= id })
}
