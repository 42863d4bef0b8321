package qualyssim

import (
	"net/http"
	"regexp"
	"strings"
)

// hostListParams are the parameters Host List recognises (qualys-api.md §3).
var hostListParams = set("action", "echo_request", "show_asset_id", "details", "ids", "id_min",
	"id_max", "ips", "ipv6", "ag_ids", "ag_titles", "network_ids", "os_pattern",
	"compliance_enabled", "no_vm_scan_since", "no_compliance_scan_since", "vm_scan_since",
	"compliance_scan_since", "vm_processed_before", "vm_processed_after", "vm_scan_date_before",
	"vm_scan_date_after", "vm_auth_scan_date_before", "vm_auth_scan_date_after", "scap_scan_since",
	"no_scap_scan_since", "use_tags", "tag_set_by", "tag_include_selector", "tag_exclude_selector",
	"tag_set_include", "tag_set_exclude", "show_tags", "show_ars", "ars_min", "ars_max",
	"show_ars_factors", "show_trurisk", "trurisk_min", "trurisk_max", "show_trurisk_factors",
	"host_metadata", "host_metadata_fields", "show_cloud_tags", "cloud_tag_fields",
	"truncation_limit", "os_hostname", "tracking_method")

// serveHostList answers Host List.
// qualys: GET|POST /api/{2.0..5.0}/fo/asset/host/ action=list
// (https://docs.qualys.com/en/vm/qweb-all-api/mergedProjects/qapi-assets/host_lists/host_list.htm)
func (s *Server) serveHostList(w http.ResponseWriter, req *request) *apiError {
	p := req.p
	if err := p.checkKnown(hostListParams); err != nil {
		return err
	}

	filter, err := parseHostFilter(p)
	if err != nil {
		return err
	}

	from, err := idMin(p)
	if err != nil {
		return err
	}

	limit, err := p.count("truncation_limit", defaultTruncation)
	if err != nil {
		return err
	}

	details, err := p.oneOf("details", "Basic", "Basic", "Basic/AGs", "All", "All/AGs", "None")
	if err != nil {
		return err
	}

	showAssetID, err := p.flag("show_asset_id", false)
	if err != nil {
		return err
	}

	match, err := hostListMatcher(p, filter)
	if err != nil {
		return err
	}

	x := startOutput(w, "application/xml", "HOST_LIST_OUTPUT",
		req.base+"/api/2.0/fo/asset/host/host_list_output.dtd")
	x.open(1, "RESPONSE")
	x.time(2, "DATETIME", req.now)

	list := "HOST_LIST"
	if details == "None" {
		list = "ID_SET"
	}

	opened := false
	next := s.data.walkHosts(from, limit, match, func(h *Host) {
		if !opened {
			x.open(2, list)
			opened = true
		}

		if details == "None" {
			x.int(3, "ID", h.ID)

			return
		}

		writeHostRecord(x, h, details, showAssetID)
	})

	if opened {
		x.close(2, list)
	}

	if next != 0 {
		writeWarning(x, req, limit, next, true)
	}

	x.close(1, "RESPONSE")
	x.close(0, "HOST_LIST_OUTPUT")
	x.endOutput()

	return nil
}

// hostListMatcher adds os_pattern and tracking_method to the common host filter.
// TODO: os_pattern is PCRE on the platform; Go's RE2 rejects look-arounds and back-references.
func hostListMatcher(p params, f hostFilter) (func(*Host) bool, *apiError) {
	var osRE *regexp.Regexp

	if v := p.get("os_pattern"); v != "" {
		re, err := regexp.Compile(v)
		if err != nil {
			return nil, invalidValue("os_pattern", v, "")
		}

		osRE = re
	}

	tracking := p.get("tracking_method")

	return func(h *Host) bool {
		if !f.match(h) {
			return false
		}

		if osRE != nil && !osRE.MatchString(h.OS) {
			return false
		}

		return tracking == "" || strings.EqualFold(tracking, h.TrackingMethod)
	}, nil
}

// writeHostRecord writes one HOST of HOST_LIST_OUTPUT at the given detail level.
func writeHostRecord(x *xw, h *Host, details string, showAssetID bool) {
	x.open(3, "HOST")
	x.int(4, "ID", h.ID)

	if showAssetID {
		x.int(4, "ASSET_ID", h.AssetID)
	}

	writeHostAddresses(x, 4, h)
	x.text(4, "TRACKING_METHOD", h.TrackingMethod)
	writeHostNames(x, 4, h, false)
	x.cdata(4, "OS", "", h.OS)

	if strings.HasPrefix(details, "All") {
		x.unix(4, "FIRST_FOUND_DATE", h.LastScan-400*86400)
		x.unix(4, "LAST_VULN_SCAN_DATETIME", h.LastScan)
		x.unix(4, "LAST_VM_SCANNED_DATE", h.LastScan)
		x.int(4, "LAST_VM_SCANNED_DURATION", int64(h.ScanSeconds))
	}

	// TODO: Basic/AGs and All/AGs list no ASSET_GROUP_IDS: the dataset has no asset groups.
	x.close(3, "HOST")
}
