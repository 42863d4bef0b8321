package qualyssim

import (
	"net/http"
	"strconv"
	"strings"
)

// scanLaunchParams are the launch parameters (qualys-api.md §6).
var scanLaunchParams = set("action", "echo_request", "scan_title", "option_id", "option_title",
	"ip", "asset_group_ids", "asset_groups", "fqdn", "target_from", "tag_include_selector",
	"tag_exclude_selector", "tag_set_by", "tag_set_include", "tag_set_exclude",
	"use_ip_nt_range_tags", "use_ip_nt_range_tags_include", "use_ip_nt_range_tags_exclude",
	"exclude_ip_per_scan", "iscanner_id", "iscanner_name", "default_scanner", "scanners_in_ag",
	"scanners_in_tagset", "scanners_in_network", "ec2_instance_ids", "connector_name",
	"ec2_endpoint", "ip_network_id", "runtime_http_header", "priority", "scan_type",
	"include_agent_targets", "client_id", "client_name")

// serveScanLaunch launches a VM scan and answers SIMPLE_RETURN with ITEM ID and REFERENCE.
// Launch is documented on 2.0 only; 3.0 is accepted for Polarity-style clients (§1).
// qualys: POST /api/2.0/fo/scan/ action=launch
// (https://docs.qualys.com/en/vm/qweb-all-api/mergedProjects/qapi-scan/vm_scans/launch_vm_scan.htm)
func (s *Server) serveScanLaunch(w http.ResponseWriter, req *request) *apiError {
	p := req.p
	if err := p.checkKnown(scanLaunchParams); err != nil {
		return err
	}

	if req.r.Method != http.MethodPost {
		return &apiError{status: http.StatusBadRequest, code: codeMethod,
			text: "Request method (GET or POST) is incompatible with specified parameter(s): action=launch"}
	}

	profile, err := pickProfile(p)
	if err != nil {
		return err
	}

	if !p.has("ip") {
		// TODO: asset-group, FQDN and tag targets are not simulated; only ip= launches.
		return atLeastOneOf("ip, asset_group_ids, asset_groups, fqdn, target_from")
	}

	targets, err := parseIPv4Set("ip", p.get("ip"))
	if err != nil {
		return err
	}

	if err := checkScanner(p, targets); err != nil {
		return err
	}

	title := p.get("scan_title")
	if title == "" {
		title = "API scan " + req.now.UTC().Format(qualysTime)
	}

	s.scans.mu.Lock()
	sc := s.scans.add(s.data, &Scan{Title: title, Type: "API", User: s.cfg.Username,
		Launched: req.now, Target: targetString(p.list("ip")), OptionProfile: profile.title,
		DefaultFlag: profile.def, live: true})
	s.scans.mu.Unlock()

	// TODO: a finished launched scan does not refresh its hosts' LAST_SCAN dates or detections.
	s.log.Info("qualys simulator scan launched", "scan_ref", sc.Ref, "target", sc.Target)
	writeSimpleReturn(w, req.base, req.now, http.StatusOK, 0, "New vm scan launched",
		[]item{{"ID", strconv.FormatInt(sc.ID, 10)}, {"REFERENCE", sc.Ref}})

	return nil
}

// pickProfile resolves option_id | option_title (exactly one, and it must exist).
// TODO: the platform's code and text for an unknown profile are unverified; 1905 is a guess.
func pickProfile(p params) (optionProfile, *apiError) {
	id, title := p.get("option_id"), p.get("option_title")

	switch {
	case id != "" && title != "":
		return optionProfile{}, onlyOneOf("option_id, option_title")
	case id == "" && title == "":
		return optionProfile{}, atLeastOneOf("option_id, option_title")
	}

	for _, op := range optionProfiles {
		if (id != "" && strconv.Itoa(op.id) == id) || (title != "" && op.title == title) {
			return op, nil
		}
	}

	if id != "" {
		return optionProfile{}, invalidValue("option_id", id, "")
	}

	return optionProfile{}, invalidValue("option_title", title, "")
}

// checkScanner validates the scanner choice: a known iscanner_name, iscanner_id or
// default_scanner=1; with none, only public targets may be scanned (by Qualys' external scanners).
func checkScanner(p params, targets ipv4Set) *apiError {
	if name := p.get("iscanner_name"); name != "" {
		for _, a := range appliances {
			if strings.EqualFold(a.name, name) {
				return nil
			}
		}

		return invalidValue("iscanner_name", name, "")
	}

	def, err := p.flag("default_scanner", false)
	if err != nil || def || p.has("iscanner_id") {
		return err
	}

	for _, r := range targets {
		for _, private := range privateRanges {
			if r.lo <= private.hi && private.lo <= r.hi {
				return atLeastOneOf("iscanner_id, iscanner_name, default_scanner, " +
					"scanners_in_ag, scanners_in_tagset, scanners_in_network")
			}
		}
	}

	return nil
}

// privateRanges need a scanner appliance: the external scanners cannot reach them.
var privateRanges, _ = parseIPv4Set("private", "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16")
