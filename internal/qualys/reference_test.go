package qualys

import (
	"context"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"strings"
)

// The reflection-based item decoders that the hand-written ones replaced. They stay here as
// the reference the hand-written decoders are checked against (differential_test.go), and
// rawHost is the shape of the whole_document_tree benchmark.

// referenceDetectionPage is decodeDetectionPage with DecodeElement per HOST.
func referenceDetectionPage(ctx context.Context, r io.Reader, emit func(Host) error) (
	pageInfo, error) {
	var lastID int64

	res, err := decodeStream(ctx, r, streamSpec{root: "HOST_LIST_VM_DETECTION_OUTPUT",
		items: map[string]itemFunc{"HOST_LIST/HOST": func(tr *tokenReader,
			start xml.StartElement) error {
			var raw rawHost
			if err := tr.decode(start, &raw); err != nil {
				return fmt.Errorf("decode HOST after id %d: %w", lastID, err)
			}

			h, err := raw.host()
			if err != nil {
				return err
			}

			lastID = max(lastID, h.ID)

			if err := emit(h); err != nil {
				return &emitError{err}
			}

			return nil
		}}})

	return pageInfo{warning: res.warning, lastID: lastID}, err
}

// referenceKBPage is decodeKBPage with DecodeElement per VULN.
func referenceKBPage(ctx context.Context, r io.Reader, emit func(Vuln) error) (pageInfo,
	error) {
	var lastQID int64

	res, err := decodeStream(ctx, r, streamSpec{root: "KNOWLEDGE_BASE_VULN_LIST_OUTPUT",
		items: map[string]itemFunc{"VULN_LIST/VULN": func(tr *tokenReader,
			start xml.StartElement) error {
			var raw rawVuln
			if err := tr.decode(start, &raw); err != nil {
				return fmt.Errorf("decode VULN after qid %d: %w", lastQID, err)
			}

			v, err := raw.vuln()
			if err != nil {
				return err
			}

			lastQID = max(lastQID, int64(v.QID))

			if err := emit(v); err != nil {
				return &emitError{err}
			}

			return nil
		}}})

	return pageInfo{warning: res.warning, lastID: lastQID}, err
}

// referenceScanList is decodeScanList with DecodeElement per SCAN.
func referenceScanList(ctx context.Context, r io.Reader, emit func(Scan) error) error {
	_, err := decodeStream(ctx, r, streamSpec{root: "SCAN_LIST_OUTPUT",
		items: map[string]itemFunc{"SCAN_LIST/SCAN": func(tr *tokenReader,
			start xml.StartElement) error {
			var raw rawScan
			if err := tr.decode(start, &raw); err != nil {
				return fmt.Errorf("decode SCAN: %w", err)
			}

			if err := emit(raw.scan()); err != nil {
				return &emitError{err}
			}

			return nil
		}}})

	return err
}

// rawHost is a HOST as encoding/xml sees it; decoding is by name, so element order and
// unknown elements do not matter, and lists are slices whether they hold one or many.
type rawHost struct {
	ID             string `xml:"ID"`
	AssetID        string `xml:"ASSET_ID"`
	IP             string `xml:"IP"`
	IPv6           string `xml:"IPV6"`
	TrackingMethod string `xml:"TRACKING_METHOD"`
	OS             string `xml:"OS"`
	DNS            string `xml:"DNS"`
	FQDN           string `xml:"DNS_DATA>FQDN"`
	NetBIOS        string `xml:"NETBIOS"`
	LastScan       string `xml:"LAST_SCAN_DATETIME"`
	LastVulnScan   string `xml:"LAST_VULN_SCAN_DATETIME"`
	LastVMScanned  string `xml:"LAST_VM_SCANNED_DATE"`

	Detections []rawDetection `xml:"DETECTION_LIST>DETECTION"`
}

type rawDetection struct {
	QID        string `xml:"QID"`
	Type       string `xml:"TYPE"`
	Severity   string `xml:"SEVERITY"`
	Port       string `xml:"PORT"`
	Protocol   string `xml:"PROTOCOL"`
	SSL        string `xml:"SSL"`
	Results    string `xml:"RESULTS"`
	Status     string `xml:"STATUS"`
	FirstFound string `xml:"FIRST_FOUND_DATETIME"`
	LastFound  string `xml:"LAST_FOUND_DATETIME"`
	TimesFound string `xml:"TIMES_FOUND"`
	Ignored    string `xml:"IS_IGNORED"`
	Disabled   string `xml:"IS_DISABLED"`
	QDS        struct {
		Severity string `xml:"severity,attr"`
		Value    string `xml:",chardata"`
	} `xml:"QDS"`
	QDSFactors []struct {
		Name  string `xml:"name,attr"`
		Value string `xml:",chardata"`
	} `xml:"QDS_FACTORS>QDS_FACTOR"`
}

// record converts the host fields shared by the detection and host list outputs.
func (r *rawHost) record() (HostRecord, error) {
	id, err := parseID("HOST/ID", r.ID)
	if err != nil {
		return HostRecord{}, err
	}

	return HostRecord{
		ID:             id,
		AssetID:        optInt64(r.AssetID),
		IP:             trim(r.IP),
		IPv6:           trim(r.IPv6),
		DNS:            trim(r.DNS),
		FQDN:           trim(r.FQDN),
		NetBIOS:        trim(r.NetBIOS),
		OS:             trim(r.OS),
		TrackingMethod: trim(r.TrackingMethod),
		LastScan:       firstTime(r.LastScan, r.LastVulnScan, r.LastVMScanned),
	}, nil
}

func (r *rawHost) host() (Host, error) {
	rec, err := r.record()
	if err != nil {
		return Host{}, err
	}

	h := Host{ID: rec.ID, AssetID: rec.AssetID, IP: rec.IP, IPv6: rec.IPv6, DNS: rec.DNS,
		FQDN: rec.FQDN, NetBIOS: rec.NetBIOS, OS: rec.OS, TrackingMethod: rec.TrackingMethod,
		LastScan: rec.LastScan, Detections: make([]Detection, 0, len(r.Detections))}

	for i := range r.Detections {
		det, err := r.Detections[i].detection()
		if err != nil {
			return Host{}, fmt.Errorf("host %d: %w", h.ID, err)
		}

		h.Detections = append(h.Detections, det)
	}

	return h, nil
}

func (r *rawDetection) detection() (Detection, error) {
	qid, err := parseID("DETECTION/QID", r.QID)
	if err != nil {
		return Detection{}, err
	}

	d := Detection{
		QID:         int(qid),
		Type:        trim(r.Type),
		Severity:    optInt(r.Severity),
		Status:      trim(r.Status),
		Port:        optInt(r.Port),
		Protocol:    trim(r.Protocol),
		SSL:         flag(r.SSL),
		Results:     html.UnescapeString(trim(r.Results)), // plain text; CDATA keeps &quot;
		QDS:         optInt(r.QDS.Value),
		QDSSeverity: trim(r.QDS.Severity),
		FirstFound:  optTime(r.FirstFound),
		LastFound:   optTime(r.LastFound),
		TimesFound:  optInt(r.TimesFound),
		Ignored:     flag(r.Ignored),
		Disabled:    flag(r.Disabled),
	}

	for _, f := range r.QDSFactors {
		d.QDSFactors = append(d.QDSFactors, QDSFactor{Name: trim(f.Name), Value: trim(f.Value)})
	}

	return d, nil
}

// rawVuln is a VULN as encoding/xml sees it; order-insensitive, lists as slices.
type rawVuln struct {
	QID         string   `xml:"QID"`
	VulnType    string   `xml:"VULN_TYPE"`
	Severity    string   `xml:"SEVERITY_LEVEL"`
	Title       string   `xml:"TITLE"`
	Category    string   `xml:"CATEGORY"`
	Patchable   string   `xml:"PATCHABLE"`
	Published   string   `xml:"PUBLISHED_DATETIME"`
	Modified    string   `xml:"LAST_SERVICE_MODIFICATION_DATETIME"`
	CVEs        []string `xml:"CVE_LIST>CVE>ID"`
	CVSSBase    string   `xml:"CVSS>BASE"`
	CVSS3Base   string   `xml:"CVSS_V3>BASE"`
	ThreatIntel []string `xml:"THREAT_INTELLIGENCE>THREAT_INTEL"`
	Diagnosis   string   `xml:"DIAGNOSIS"`
	Consequence string   `xml:"CONSEQUENCE"`
	Solution    string   `xml:"SOLUTION"`
}

func (r *rawVuln) vuln() (Vuln, error) {
	qid, err := parseID("VULN/QID", r.QID)
	if err != nil {
		return Vuln{}, err
	}

	v := Vuln{
		QID:         int(qid),
		Title:       trim(r.Title),
		Severity:    optInt(r.Severity),
		VulnType:    trim(r.VulnType),
		Category:    trim(r.Category),
		Patchable:   flag(r.Patchable),
		Published:   optTime(r.Published),
		Modified:    optTime(r.Modified),
		CVEs:        []string{},
		CVSSBase:    optFloat(r.CVSSBase),
		CVSS3Base:   optFloat(r.CVSS3Base),
		ThreatIntel: []string{},
		Diagnosis:   trim(r.Diagnosis),
		Consequence: trim(r.Consequence),
		Solution:    trim(r.Solution),
	}

	for _, id := range r.CVEs {
		if id = strings.ToUpper(trim(id)); id != "" {
			v.CVEs = append(v.CVEs, id)
		}
	}

	for _, ti := range r.ThreatIntel {
		if ti = trim(ti); ti != "" {
			v.ThreatIntel = append(v.ThreatIntel, ti)
		}
	}

	return v, nil
}

// rawScan is a SCAN as encoding/xml sees it; STATUS, SUB_STATE and OPTION_PROFILE are
// optional.
type rawScan struct {
	Ref           string `xml:"REF"`
	Type          string `xml:"TYPE"`
	Title         string `xml:"TITLE"`
	User          string `xml:"USER_LOGIN"`
	Launched      string `xml:"LAUNCH_DATETIME"`
	Duration      string `xml:"DURATION"`
	State         string `xml:"STATUS>STATE"`
	SubState      string `xml:"STATUS>SUB_STATE"`
	Target        string `xml:"TARGET"`
	OptionProfile string `xml:"OPTION_PROFILE>TITLE"`
}

func (r *rawScan) scan() Scan {
	return Scan{
		Ref:           trim(r.Ref),
		Title:         trim(r.Title),
		State:         trim(r.State),
		SubState:      trim(r.SubState),
		Type:          trim(r.Type),
		Launched:      optTime(r.Launched),
		Duration:      trim(r.Duration),
		User:          trim(r.User),
		Target:        trim(r.Target),
		OptionProfile: trim(r.OptionProfile),
	}
}
