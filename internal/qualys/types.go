package qualys

import "time"

// Host is one HOST of a Host List VM Detection response, with the detections it carries.
type Host struct {
	ID             int64
	AssetID        int64
	IP             string
	IPv6           string
	DNS            string
	FQDN           string
	NetBIOS        string
	OS             string
	TrackingMethod string
	LastScan       time.Time
	Detections     []Detection
}

// Detection is one DETECTION of a host: a QID found on a port (or on the host as a whole).
type Detection struct {
	QID         int
	Type        string // Confirmed, Potential, Info
	Severity    int
	Status      string // New, Active, Fixed, Re-Opened
	Port        int    // 0 when the detection has no port
	Protocol    string
	SSL         bool
	Results     string
	QDS         int
	QDSSeverity string
	QDSFactors  []QDSFactor
	FirstFound  time.Time
	LastFound   time.Time
	TimesFound  int
	Ignored     bool
	Disabled    bool
}

// QDSFactor is one contributing factor of a detection's Qualys Detection Score.
type QDSFactor struct {
	Name  string
	Value string
}

// HostRecord is one HOST of a Host List response (no detections).
type HostRecord struct {
	ID             int64
	AssetID        int64
	IP             string
	IPv6           string
	DNS            string
	FQDN           string
	NetBIOS        string
	OS             string
	TrackingMethod string
	LastScan       time.Time
}

// Asset is one HostAsset of a QPS asset search. QWebHostID is the VM host id that the
// detection API's ids= parameter takes.
type Asset struct {
	ID          int64
	QWebHostID  int64
	Name        string
	DNSHostName string
	FQDN        string
	Address     string
}

// Vuln is one VULN of a KnowledgeBase response. HTML fields are as Qualys sent them, unsanitised.
type Vuln struct {
	QID         int
	Title       string
	Severity    int
	VulnType    string
	Category    string
	Patchable   bool
	Published   time.Time
	Modified    time.Time
	CVEs        []string // upper-case CVE IDs, in the order Qualys lists them
	CVSSBase    float64  // 0 when absent
	CVSS3Base   float64  // 0 when absent
	ThreatIntel []string // THREAT_INTEL texts, e.g. "Exploit_Public"
	Diagnosis   string
	Consequence string
	Solution    string
}

// Scan is one SCAN of a scan list response.
type Scan struct {
	Ref           string // scan/1234567890.12345
	Title         string
	State         string // Submitted, Queued, Running, Finished, Error, Canceled, Paused, Loading
	SubState      string // may be empty
	Type          string
	Launched      time.Time
	Duration      string // as Qualys reports it, e.g. "00:05:12" or "Pending"
	User          string
	Target        string // IPs and ranges, comma separated, as Qualys reports it
	OptionProfile string
}

// Page reports how a paged pull went: how many requests it made and whether the admin's page
// cap stopped it before Qualys had sent everything.
type Page struct {
	Requests  int
	Truncated bool
}
