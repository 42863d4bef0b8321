package qualyssim

import (
	"net/http"
	"strings"
)

// appliance is a scanner appliance: launch accepts its name as iscanner_name, and the
// appliance list shows it.
type appliance struct {
	id      int64
	uuid    string
	name    string
	status  string // Online or Offline
	kind    string // TYPE in full output: physical or virtual
	version string
}

// appliances are the subscription's scanner appliances; DemoOfflineScanner is listed but
// Offline, so that a check can tell a present appliance from a ready one.
var appliances = []appliance{
	{id: 1062344, uuid: "5a1c0e2f-0000-4000-8000-000000043165", name: DemoScanner,
		status: "Online", kind: "virtual", version: "3.4"},
	{id: 1062345, uuid: "5a1c0e2f-0000-4000-8000-000000043166", name: "corp-scanner-01",
		status: "Online", kind: "physical", version: "3.4"},
	{id: 1062390, uuid: "5a1c0e2f-0000-4000-8000-000000043190", name: DemoOfflineScanner,
		status: "Offline", kind: "virtual", version: "3.2"},
}

// applianceListParams are the appliance list parameters (0x41424142/qualysdk
// qualysdk/base/call_schemas/vmdr_schema.py, get_scanner_list).
var applianceListParams = set("action", "echo_request", "output_mode", "scan_detail",
	"show_tags", "include_cloud_info", "busy", "scan_ref", "name", "ids",
	"include_license_info", "type", "platform_provider")

// serveAppliances answers the scanner appliance list: APPLIANCE_LIST_OUTPUT / RESPONSE /
// APPLIANCE_LIST / APPLIANCE with ID, UUID, NAME, SOFTWARE_VERSION, RUNNING_SLICES_COUNT,
// RUNNING_SCAN_COUNT and STATUS, plus TYPE with output_mode=full; no APPLIANCE_LIST when
// nothing matches. Sources: qualysdk qualysdk/vmdr/scanner_appliances.py and
// data_classes/scanner_appliance.py; paragbaxi/qualysapi listAppliances;
// Qualys/API_Driven_Migration QualysCommon/QualysApplianceInput.py.
//
// TODO: name= is matched exactly and busy, scan_ref, type, scan_detail, show_tags and the
// cloud and license flags are accepted but do not change the answer: their exact semantics
// are unverified. A documented sample of each removes this.
//
// qualys: GET|POST /api/2.0/fo/appliance/ action=list
func (s *Server) serveAppliances(w http.ResponseWriter, req *request) *apiError {
	p := req.p
	if err := p.checkKnown(applianceListParams); err != nil {
		return err
	}

	mode, err := p.oneOf("output_mode", "brief", "brief", "full")
	if err != nil {
		return err
	}

	for _, f := range []string{"scan_detail", "show_tags", "include_cloud_info", "busy",
		"include_license_info"} {
		if _, err := p.flag(f, false); err != nil {
			return err
		}
	}

	ids, err := p.idRanges("ids")
	if err != nil {
		return err
	}

	name := strings.TrimSpace(p.get("name"))

	var picked []appliance

	for _, a := range appliances {
		if inRanges(ids, a.id) && (name == "" || a.name == name) {
			picked = append(picked, a)
		}
	}

	x := startOutput(w, "text/xml;charset=UTF-8", "APPLIANCE_LIST_OUTPUT",
		req.base+"/api/2.0/fo/appliance/appliance_list_output.dtd")
	x.open(1, "RESPONSE")
	x.time(2, "DATETIME", req.now)

	if len(picked) > 0 {
		x.open(2, "APPLIANCE_LIST")

		for _, a := range picked {
			writeAppliance(x, a, mode == "full")
		}

		x.close(2, "APPLIANCE_LIST")
	}

	x.close(1, "RESPONSE")
	x.close(0, "APPLIANCE_LIST_OUTPUT")
	x.endOutput()

	return nil
}

// writeAppliance writes one APPLIANCE.
func writeAppliance(x *xw, a appliance, full bool) {
	x.open(3, "APPLIANCE")
	x.int(4, "ID", a.id)
	x.text(4, "UUID", a.uuid)
	x.text(4, "NAME", a.name)
	x.text(4, "SOFTWARE_VERSION", a.version)
	x.int(4, "RUNNING_SLICES_COUNT", 0)
	x.int(4, "RUNNING_SCAN_COUNT", 0)
	x.text(4, "STATUS", a.status)

	if full {
		x.text(4, "TYPE", a.kind)
	}

	x.close(3, "APPLIANCE")
}
