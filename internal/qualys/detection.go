package qualys

import (
	"context"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"net/url"
	"strconv"
)

// DetectionQuery selects hosts and detections. At least one of IPs, IPv6, IDs or QIDs must
// be set: an empty query would pull the whole subscription.
type DetectionQuery struct {
	IPs    []string // IPv4 addresses or ranges, sent as ips=
	IPv6   []string // sent as ipv6=
	IDs    []int64  // host ids, sent as ids=
	QIDs   []int    // sent as qids=: only these detections per host
	Status []string // New, Active, Re-Opened, Fixed; nil: Qualys's default

	// OmitResults sends show_results=0: RESULTS texts are left out to save bytes.
	OmitResults bool
}

// form renders q as the form of a detection list call.
func (q DetectionQuery) form(pageSize int) url.Values {
	f := url.Values{
		"action":           {"list"},
		"output_format":    {"XML"},
		"truncation_limit": {strconv.Itoa(pageSize)},
		"show_asset_id":    {"1"},
		"show_results":     {"1"},
		"show_qds":         {"1"},
		"show_qds_factors": {"1"},
	}

	if q.OmitResults {
		f.Set("show_results", "0")
	}

	setList(f, "ips", joinStrings(q.IPs))
	setList(f, "ipv6", joinStrings(q.IPv6))
	setList(f, "ids", joinInts(q.IDs))
	setList(f, "qids", joinInts(q.QIDs))
	setList(f, "status", joinStrings(q.Status))

	return f
}

// HostDetections streams every host matching q to emit, following pages. It calls the Host
// List VM Detection API (https://docs.qualys.com/en/vm/api/assets/host_lists/host_detection.htm);
// lists travel in the POST body. An error returned by emit stops the pull and is returned
// as is. Qualys leaves out hosts that have no matching detection.
//
// qualys: POST /api/5.0/fo/asset/host/vm/detection/ action=list
func (c *Client) HostDetections(ctx context.Context, q DetectionQuery,
	emit func(Host) error) (Page, error) {
	if len(q.IPs)+len(q.IPv6)+len(q.IDs)+len(q.QIDs) == 0 {
		return Page{}, fmt.Errorf("list host detections: %w: no ips, ipv6, ids or qids",
			ErrInvalidQuery)
	}

	path := "/api/" + c.cfg.Versions.Detection + "/fo/asset/host/vm/detection/"

	page, err := c.pull(ctx, "detection", q.form(c.cfg.PageSize),
		func(ctx context.Context, form url.Values) (pageInfo, int, error) {
			var info pageInfo

			sent, err := c.do(ctx, request{endpoint: "detection", path: path, form: form,
				idempotent: true}, func(r io.Reader) error {
				var err error
				info, err = decodeDetectionPage(ctx, r, emit)

				return err
			})

			return info, sent, err
		})
	if err != nil {
		return page, fmt.Errorf("list host detections: %w", err)
	}

	return page, nil
}

// decodeDetectionPage streams one HOST_LIST_VM_DETECTION_OUTPUT page to emit.
func decodeDetectionPage(ctx context.Context, r io.Reader, emit func(Host) error) (
	pageInfo, error) {
	var lastID int64

	res, err := decodeStream(ctx, r, streamSpec{root: "HOST_LIST_VM_DETECTION_OUTPUT",
		items: map[string]itemFunc{"HOST_LIST/HOST": func(d *xml.Decoder,
			start *xml.StartElement) error {
			var raw rawHost
			if err := d.DecodeElement(&raw, start); err != nil {
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

// setList sets key only when the list is non-empty.
func setList(f url.Values, key, list string) {
	if list != "" {
		f.Set(key, list)
	}
}
