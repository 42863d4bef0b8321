package qualys

import (
	"context"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"time"
)

// decodeHostPage streams the HOST_LIST/HOST items of one page under root to emit, each
// converted by convert; withDetections reads their DETECTION_LIST too. Hosts with an ID
// below minID were sent before this page was resumed and are not emitted again.
func decodeHostPage[T any](ctx context.Context, r io.Reader, root string, withDetections bool,
	minID int64, convert func(*Host) T, emit func(T) error) (pageInfo, error) {
	var (
		lastID  int64
		ordered = true
		hd      = newHostDecoder()
	)

	res, err := decodeStream(ctx, r, streamSpec{root: root,
		items: map[string]itemFunc{"HOST_LIST/HOST": func(tr *tokenReader,
			_ xml.StartElement) error {
			f, err := hd.read(tr, withDetections)
			if err != nil {
				return fmt.Errorf("decode HOST after id %d: %w", lastID, err)
			}

			h, err := hd.finish(&f)
			if err != nil {
				return err
			}

			if h.ID < minID {
				return errNotEmitted
			}

			ordered = ordered && h.ID > lastID
			lastID = max(lastID, h.ID)

			if err := emit(convert(&h)); err != nil {
				return &emitError{err}
			}

			return nil
		}}})

	return pageInfo{warning: res.warning, lastID: lastID, ordered: ordered}, err
}

// hostDecoder turns HOST elements (of the detection and the host list outputs) into values
// without reflection. It follows encoding/xml's rules for the struct tags it replaces:
// children are matched by local name in any order, unknown ones are skipped, a repeated
// scalar keeps its last value, a repeated list element adds to the list, and a field's
// value is the character data directly inside it.
//
// One hostDecoder serves one page. It reuses scratch space and interned strings between
// hosts, but every Host it returns owns its slices: emit callers (internal/lookup) keep
// them.
type hostDecoder struct {
	intern  interner
	dets    []Detection // scratch for the host being read
	factors []QDSFactor // scratch for the detection being read
}

func newHostDecoder() *hostDecoder { return &hostDecoder{intern: interner{}} }

// hostFields is what a HOST carries besides its detections, before validation.
type hostFields struct {
	rec      HostRecord
	id       string       // HOST/ID as sent; parsed once the element is complete
	scans    [3]time.Time // LAST_SCAN_DATETIME, LAST_VULN_SCAN_DATETIME, LAST_VM_SCANNED_DATE
	firstErr error        // first invalid detection, reported once the element is complete
}

// read reads the HOST element just opened on r into its fields, and its detections into
// hd.dets when withDetections is set (the host list output has none). It returns only read
// and syntax errors: an invalid ID or QID is reported by finish, once the element has been
// read through, as DecodeElement followed by validation did.
func (hd *hostDecoder) read(r *tokenReader, withDetections bool) (hostFields, error) {
	var f hostFields

	hd.dets = hd.dets[:0]

	for {
		start, ok, err := r.child()
		if err != nil {
			return f, err
		}

		if !ok {
			return f, nil
		}

		if err := hd.hostChild(r, start, &f, withDetections); err != nil {
			return f, err
		}
	}
}

// hostChild reads one child of HOST into f.
func (hd *hostDecoder) hostChild(r *tokenReader, start xml.StartElement, f *hostFields,
	withDetections bool) error {
	switch start.Name.Local {
	case "DNS_DATA":
		return hd.dnsData(r, f)
	case "DETECTION_LIST":
		if !withDetections {
			return r.skip()
		}

		return hd.detectionList(r, f)
	case "ID", "ASSET_ID", "IP", "IPV6", "TRACKING_METHOD", "OS", "DNS", "NETBIOS",
		"LAST_SCAN_DATETIME", "LAST_VULN_SCAN_DATETIME", "LAST_VM_SCANNED_DATE":
	default:
		return r.skip()
	}

	text, err := r.text()
	if err != nil {
		return err
	}

	switch start.Name.Local {
	case "ID":
		f.id = string(text)
	case "ASSET_ID":
		f.rec.AssetID = optInt64Bytes(text)
	case "IP":
		f.rec.IP = string(trimBytes(text))
	case "IPV6":
		f.rec.IPv6 = string(trimBytes(text))
	case "TRACKING_METHOD":
		f.rec.TrackingMethod = hd.intern.string(text)
	case "OS":
		f.rec.OS = hd.intern.string(text)
	case "DNS":
		f.rec.DNS = string(trimBytes(text))
	case "NETBIOS":
		f.rec.NetBIOS = string(trimBytes(text))
	case "LAST_SCAN_DATETIME":
		f.scans[0] = optTimeBytes(text)
	case "LAST_VULN_SCAN_DATETIME":
		f.scans[1] = optTimeBytes(text)
	case "LAST_VM_SCANNED_DATE":
		f.scans[2] = optTimeBytes(text)
	}

	return nil
}

// dnsData reads DNS_DATA, of which only FQDN is kept.
func (hd *hostDecoder) dnsData(r *tokenReader, f *hostFields) error {
	for {
		start, ok, err := r.child()
		if err != nil || !ok {
			return err
		}

		if start.Name.Local != "FQDN" {
			if err := r.skip(); err != nil {
				return err
			}

			continue
		}

		text, err := r.text()
		if err != nil {
			return err
		}

		f.rec.FQDN = string(trimBytes(text))
	}
}

// detectionList reads DETECTION_LIST into hd.dets.
func (hd *hostDecoder) detectionList(r *tokenReader, f *hostFields) error {
	for {
		start, ok, err := r.child()
		if err != nil || !ok {
			return err
		}

		if start.Name.Local != "DETECTION" {
			if err := r.skip(); err != nil {
				return err
			}

			continue
		}

		det, err := hd.detection(r)
		if err != nil {
			return err
		}

		// An invalid detection fails the host, but only after the rest has been read.
		if det.err != nil && f.firstErr == nil {
			f.firstErr = det.err
		}

		hd.dets = append(hd.dets, det.Detection)
	}
}

// finish validates the host just read into f and builds it, with its own copy of the
// detections.
func (hd *hostDecoder) finish(f *hostFields) (Host, error) {
	id, err := parseID("HOST/ID", f.id)
	if err != nil {
		return Host{}, err
	}

	if f.firstErr != nil {
		return Host{}, fmt.Errorf("host %d: %w", id, f.firstErr)
	}

	rec := f.rec
	rec.ID = id

	for _, t := range f.scans {
		if !t.IsZero() {
			rec.LastScan = t

			break
		}
	}

	h := Host{ID: rec.ID, AssetID: rec.AssetID, IP: rec.IP, IPv6: rec.IPv6, DNS: rec.DNS,
		FQDN: rec.FQDN, NetBIOS: rec.NetBIOS, OS: rec.OS, TrackingMethod: rec.TrackingMethod,
		LastScan: rec.LastScan, Detections: make([]Detection, len(hd.dets))}
	copy(h.Detections, hd.dets)

	return h, nil
}

// record is Host's HostRecord part.
func (h *Host) record() HostRecord {
	return HostRecord{ID: h.ID, AssetID: h.AssetID, IP: h.IP, IPv6: h.IPv6, DNS: h.DNS,
		FQDN: h.FQDN, NetBIOS: h.NetBIOS, OS: h.OS, TrackingMethod: h.TrackingMethod,
		LastScan: h.LastScan}
}

// readDetection is a DETECTION as read, with the validation error of its QID, if any.
type readDetection struct {
	Detection

	err error
}

// detection reads the DETECTION element just opened on r.
func (hd *hostDecoder) detection(r *tokenReader) (readDetection, error) {
	var (
		d      readDetection
		hasQID bool
	)

	hd.factors = hd.factors[:0]

	for {
		start, ok, err := r.child()
		if err != nil {
			return d, err
		}

		if !ok {
			break
		}

		switch start.Name.Local {
		case "QDS":
			err = hd.qds(r, start, &d.Detection)
		case "QDS_FACTORS":
			err = hd.qdsFactors(r)
		case "QID":
			hasQID = true
			err = hd.detectionField(r, start.Name.Local, &d)
		default:
			err = hd.detectionField(r, start.Name.Local, &d)
		}

		if err != nil {
			return d, err
		}
	}

	if !hasQID {
		_, d.err = parseID("DETECTION/QID", "")
	}

	if len(hd.factors) > 0 {
		d.QDSFactors = make([]QDSFactor, len(hd.factors))
		copy(d.QDSFactors, hd.factors)
	}

	return d, nil
}

// detectionField reads one scalar child of DETECTION into d; unknown ones are skipped.
func (hd *hostDecoder) detectionField(r *tokenReader, name string, d *readDetection) error {
	switch name {
	case "QID", "TYPE", "SEVERITY", "PORT", "PROTOCOL", "SSL", "RESULTS", "STATUS",
		"FIRST_FOUND_DATETIME", "LAST_FOUND_DATETIME", "TIMES_FOUND", "IS_IGNORED",
		"IS_DISABLED":
	default:
		return r.skip()
	}

	text, err := r.text()
	if err != nil {
		return err
	}

	switch name {
	case "QID":
		qid, err := parseIDBytes("DETECTION/QID", text)
		d.QID, d.err = int(qid), err
	case "TYPE":
		d.Type = hd.intern.string(text)
	case "SEVERITY":
		d.Severity = optIntBytes(text)
	case "PORT":
		d.Port = optIntBytes(text)
	case "PROTOCOL":
		d.Protocol = hd.intern.string(text)
	case "SSL":
		d.SSL = flagBytes(text)
	case "RESULTS":
		d.Results = html.UnescapeString(string(trimBytes(text))) // plain text; CDATA keeps &quot;
	case "STATUS":
		d.Status = hd.intern.string(text)
	case "FIRST_FOUND_DATETIME":
		d.FirstFound = optTimeBytes(text)
	case "LAST_FOUND_DATETIME":
		d.LastFound = optTimeBytes(text)
	case "TIMES_FOUND":
		d.TimesFound = optIntBytes(text)
	case "IS_IGNORED":
		d.Ignored = flagBytes(text)
	case "IS_DISABLED":
		d.Disabled = flagBytes(text)
	}

	return nil
}

// qds reads <QDS severity="...">n</QDS>. A QDS without the attribute keeps the severity of
// an earlier one, as DecodeElement into one struct did.
func (hd *hostDecoder) qds(r *tokenReader, start xml.StartElement, d *Detection) error {
	for _, a := range start.Attr {
		if a.Name.Local == "severity" {
			d.QDSSeverity = trim(a.Value)
		}
	}

	text, err := r.text()
	if err != nil {
		return err
	}

	d.QDS = optIntBytes(text)

	return nil
}

// qdsFactors reads QDS_FACTORS into hd.factors.
func (hd *hostDecoder) qdsFactors(r *tokenReader) error {
	for {
		start, ok, err := r.child()
		if err != nil || !ok {
			return err
		}

		if start.Name.Local != "QDS_FACTOR" {
			if err := r.skip(); err != nil {
				return err
			}

			continue
		}

		var f QDSFactor

		for _, a := range start.Attr {
			if a.Name.Local == "name" {
				f.Name = trim(a.Value)
			}
		}

		text, err := r.text()
		if err != nil {
			return err
		}

		f.Value = hd.intern.string(text)
		hd.factors = append(hd.factors, f)
	}
}
