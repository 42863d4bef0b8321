package qualyssim

import (
	"slices"
	"strings"
	"time"
)

// Vuln is one KnowledgeBase record. HTML fields hold Qualys-style HTML, unsanitised.
type Vuln struct {
	QID           int
	VulnType      string // Vulnerability, Potential Vulnerability, Information Gathered, …
	Severity      int    // 1..5
	Title         string
	Category      string
	Published     time.Time
	Modified      time.Time
	Patchable     bool
	PCI           bool
	CVEs          []string
	VendorRefs    []Ref
	Software      []Software
	CVSSBase      float64 // 0 = no CVSS v2 block
	CVSSTemporal  float64
	CVSS3Base     float64 // 0 = no CVSS_V3 block
	CVSS3Temporal float64
	CVSS3Vector   string
	ThreatIntel   []int // THREAT_INTEL ids, names in threatIntelNames
	AuthTypes     []string
	Diagnosis     string
	Consequence   string
	Solution      string

	family  string     // which hosts carry it: any, tls, web, win, linux, net, java, info
	ports   []portSpec // where it is found; empty = host-level
	results string     // RESULTS text; {port}, {host} and {ip} are filled per detection
}

// Ref is a vendor reference (ID and URL).
type Ref struct{ ID, URL string }

// Software is one affected product.
type Software struct{ Product, Vendor string }

// portSpec is a port a detection may sit on.
type portSpec struct {
	port  uint16
	proto Protocol
	ssl   bool
}

// threatIntelNames maps THREAT_INTEL ids to their texts (ids as seen in qualys-api.md §4).
var threatIntelNames = map[int]string{
	1: "Zero_Day", 2: "Exploit_Public", 3: "Active_Attacks", 4: "High_Lateral_Movement",
	5: "Easy_Exploit", 6: "High_Data_Loss", 7: "Denial_of_Service", 8: "No_Patch", 9: "Malware",
	11: "Wormable", 13: "Privilege_Escalation", 14: "Unauthenticated_Exploitation",
	15: "Remote_Code_Execution", 16: "Ransomware", 18: "Cisa_Known_Exploited_Vulns",
}

// knowledgeBase is the simulator's KB: records by QID and the CVE → QIDs index.
type knowledgeBase struct {
	byQID map[int]*Vuln
	qids  []int // ascending
	byCVE map[string][]int
}

func newKnowledgeBase() *knowledgeBase {
	kb := &knowledgeBase{byQID: map[int]*Vuln{}, byCVE: map[string][]int{}}

	for _, v := range catalog() {
		kb.byQID[v.QID] = v
		kb.qids = append(kb.qids, v.QID)

		for _, c := range v.CVEs {
			kb.byCVE[c] = append(kb.byCVE[c], v.QID)
		}
	}

	slices.Sort(kb.qids)

	for _, q := range kb.byCVE {
		slices.Sort(q)
	}

	return kb
}

// detectionType is the DETECTION TYPE of a detection of v.
func (v *Vuln) detectionType() DetectionType {
	switch v.VulnType {
	case "Information Gathered":
		return TypeInfo
	case "Potential Vulnerability":
		return TypePotential
	default:
		return TypeConfirmed
	}
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic("qualyssim: bad catalog date " + s)
	}

	return t.Add(13*time.Hour + 7*time.Minute + 21*time.Second)
}

func cves(list string) []string { return strings.Fields(list) }

var (
	tlsPorts = []portSpec{{443, ProtoTCP, true}, {8443, ProtoTCP, true}, {636, ProtoTCP, true}}
	webPorts = []portSpec{{80, ProtoTCP, false}, {8080, ProtoTCP, false}, {443, ProtoTCP, true}}
	rdpPort  = []portSpec{{3389, ProtoTCP, true}}
	smbPort  = []portSpec{{445, ProtoTCP, false}}
	sshPort  = []portSpec{{22, ProtoTCP, false}}
	javaPort = []portSpec{{8080, ProtoTCP, false}, {8443, ProtoTCP, true}}
	icmp     = []portSpec{{0, ProtoICMP, false}}
)
