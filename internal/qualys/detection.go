package qualys

import (
	"context"
	"fmt"
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
	QIDs   []int    // sent as qids=: only these detections per host, with show_igs=1
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

	// Qualys leaves Information Gathered detections out unless show_igs=1 (qualys-api.md §2,
	// §14): a QID asked for by name must come back whatever its type. qids= still bounds the
	// answer to the QIDs asked for.
	if len(q.QIDs) > 0 {
		f.Set("show_igs", "1")
	}

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

	page, err := pullList(ctx, c, "detection", path, q.form(c.cfg.PageSize), true,
		decodeDetectionPage, emit)
	if err != nil {
		return page, fmt.Errorf("list host detections: %w", err)
	}

	return page, nil
}

// decodeDetectionPage streams one HOST_LIST_VM_DETECTION_OUTPUT page to emit.
func decodeDetectionPage(ctx context.Context, r io.Reader, minID int64,
	emit func(Host) error) (pageInfo, error) {
	return decodeHostPage(ctx, r, "HOST_LIST_VM_DETECTION_OUTPUT", true, minID,
		func(h *Host) Host { return *h }, emit)
}

// setList sets key only when the list is non-empty.
func setList(f url.Values, key, list string) {
	if list != "" {
		f.Set(key, list)
	}
}
