package qualyssim

import (
	"net/http"
	"strings"
)

// hldParams are the parameters Host List VM Detection recognises (qualys-api.md §2). Those not
// in hldImplemented are accepted and ignored.
var hldParams = set("action", "echo_request", "output_format", "suppress_duplicated_data_from_csv",
	"truncation_limit", "show_asset_id", "ids", "id_min", "id_max", "ips", "ipv6", "ag_ids",
	"ag_titles", "network_ids", "network_name", "os_pattern", "compliance_enabled", "vm_scan_since",
	"no_vm_scan_since", "max_days_since_last_vm_scan", "vm_processed_before", "vm_processed_after",
	"vm_scan_date_before", "vm_scan_date_after", "vm_auth_scan_date_before",
	"vm_auth_scan_date_after", "status", "include_vuln_type", "show_igs", "show_results",
	"include_ignored", "include_disabled", "detection_updated_since", "detection_updated_before",
	"max_days_since_detection_updated", "detection_processed_before", "detection_processed_after",
	"detection_last_tested_since", "detection_last_tested_since_days", "detection_last_tested_before",
	"detection_last_tested_before_days", "arf_kernel_filter", "arf_service_filter",
	"arf_config_filter", "active_kernels_only", "show_reopened_info", "qids", "severities",
	"filter_superseded_qids", "include_search_list_titles", "exclude_search_list_titles",
	"include_search_list_ids", "exclude_search_list_ids", "use_tags", "tag_set_by",
	"tag_include_selector", "tag_exclude_selector", "tag_set_include", "tag_set_exclude",
	"show_tags", "show_qds", "qds_min", "qds_max", "show_qds_factors", "host_metadata",
	"host_metadata_fields", "show_cloud_tags", "cloud_tag_fields")

// hldQuery is a parsed HLD request.
type hldQuery struct {
	hosts       hostFilter
	idMin       int64
	limit       int
	qids, sevs  []idRange
	statuses    map[DetectionStatus]bool
	showIGs     bool
	vulnType    string // "", "confirmed" or "potential"
	qdsMin      int
	qdsMax      int
	showResults bool
	showAssetID bool
	showQDS     bool
	showFactors bool
}

// serveDetections answers Host List VM Detection.
// qualys: GET|POST /api/{2.0..5.0}/fo/asset/host/vm/detection/ action=list
// (https://docs.qualys.com/en/vm/api/assets/host_lists/host_detection.htm)
func (s *Server) serveDetections(w http.ResponseWriter, req *request) *apiError {
	q, err := parseHLD(req.p)
	if err != nil {
		return err
	}

	x := startOutput(w, "application/xml", "HOST_LIST_VM_DETECTION_OUTPUT",
		req.base+"/api/2.0/fo/asset/host/vm/detection/host_list_vm_detection_output.dtd")
	x.open(1, "RESPONSE")
	x.time(2, "DATETIME", req.now)

	opened := false
	dets := make([]*Detection, 0, 16)
	next := s.data.walkHosts(q.idMin, q.limit, func(h *Host) bool {
		if !q.hosts.match(h) {
			return false
		}

		dets = q.matchDetections(h, dets[:0])

		return len(dets) > 0
	}, func(h *Host) {
		if !opened {
			x.open(2, "HOST_LIST")
			opened = true
		}

		s.writeHLDHost(x, h, dets, &q)
	})

	if opened {
		x.close(2, "HOST_LIST")
	}

	if next != 0 {
		writeWarning(x, req, q.limit, next, false)
	}

	x.close(1, "RESPONSE")
	x.close(0, "HOST_LIST_VM_DETECTION_OUTPUT")
	x.endOutput()

	return nil
}

func parseHLD(p params) (hldQuery, *apiError) {
	q := hldQuery{statuses: map[DetectionStatus]bool{}}

	var err *apiError

	if err = p.checkKnown(hldParams); err != nil {
		return q, err
	}

	if f := p.get("output_format"); f != "" && !strings.EqualFold(f, "XML") {
		// TODO: CSV output formats are not simulated; they answer 1905 here.
		return q, invalidValue("output_format", f, "")
	}

	if q.hosts, err = parseHostFilter(p); err != nil {
		return q, err
	}

	if q.idMin, err = idMin(p); err != nil {
		return q, err
	}

	if q.limit, err = p.count("truncation_limit", defaultTruncation); err != nil {
		return q, err
	}

	if q.qids, err = p.idRanges("qids"); err != nil {
		return q, err
	}

	if q.sevs, err = p.idRanges("severities"); err != nil {
		return q, err
	}

	if err = q.parseStatus(p); err != nil {
		return q, err
	}

	if q.vulnType, err = p.oneOf("include_vuln_type", "", "confirmed", "potential"); err != nil {
		return q, err
	}

	if q.qdsMin, err = p.count("qds_min", 0); err != nil {
		return q, err
	}

	if q.qdsMax, err = p.count("qds_max", 100); err != nil {
		return q, err
	}

	return q, q.parseFlags(p)
}

// parseStatus reads status=; without it New, Active and Re-Opened are returned.
// TODO: the platform's default status set is unverified (clients send all four explicitly).
func (q *hldQuery) parseStatus(p params) *apiError {
	if !p.has("status") {
		q.statuses = map[DetectionStatus]bool{StatusNew: true, StatusActive: true, StatusReopened: true}

		return nil
	}

	for _, v := range p.list("status") {
		found := false

		for st := StatusNew; st <= StatusReopened; st++ {
			if strings.EqualFold(v, st.String()) {
				q.statuses[st] = true
				found = true
			}
		}

		if !found {
			return invalidValue("status", p.get("status"), "")
		}
	}

	return nil
}

func (q *hldQuery) parseFlags(p params) *apiError {
	var err *apiError

	flags := []struct {
		name string
		def  bool
		dst  *bool
	}{
		{"show_igs", false, &q.showIGs}, {"show_results", true, &q.showResults},
		{"show_asset_id", false, &q.showAssetID}, {"show_qds", false, &q.showQDS},
		{"show_qds_factors", false, &q.showFactors},
	}

	for _, f := range flags {
		if *f.dst, err = p.flag(f.name, f.def); err != nil {
			return err
		}
	}

	// TODO: show_tags (TAGS), show_reopened_info and echo_request (REQUEST) are validated but add
	// no elements: the dataset has no tags or reopen history, and REQUEST echo is not built.
	for _, name := range []string{"show_tags", "show_reopened_info", "include_ignored",
		"include_disabled", "show_cloud_tags", "echo_request"} {
		if _, err = p.flag(name, false); err != nil {
			return err
		}
	}

	return nil
}

// matchDetections appends to dst the detections of h the query selects.
func (q *hldQuery) matchDetections(h *Host, dst []*Detection) []*Detection {
	for i := range h.Detections {
		d := &h.Detections[i]

		switch {
		case !q.statuses[d.Status]:
		case d.Type == TypeInfo && !q.showIGs:
		case q.vulnType == "confirmed" && d.Type == TypePotential:
		case q.vulnType == "potential" && d.Type == TypeConfirmed:
		case !inRanges(q.qids, int64(d.QID)) || !inRanges(q.sevs, int64(d.Severity)):
		case d.QDS != 0 && (int(d.QDS) < q.qdsMin || int(d.QDS) > q.qdsMax):
		default:
			dst = append(dst, d)
		}
	}

	return dst
}
