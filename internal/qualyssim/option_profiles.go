package qualyssim

import "net/http"

// optionProfileListParams are the parameters of the VM option profile list. The list takes
// no id or title filter (sjackson0109/terraform-provider-qualys vmdr/optionprofile.go).
var optionProfileListParams = set("action", "echo_request")

// serveOptionProfiles answers the VM option profile list with the profiles launch accepts:
// root OPTION_PROFILES (option_profile_info.dtd) holding OPTION_PROFILE elements directly,
// with no RESPONSE wrapper, each with BASIC_INFO ID, GROUP_NAME (the title), GROUP_TYPE,
// IS_DEFAULT and IS_GLOBAL. Sources: sjackson0109/terraform-provider-qualys
// vmdr/optionprofile.go; Qualys/API_Driven_Migration QualysCommon/QualysOptionProfileProcessor.py
// (export of the same document). 2.0 is what every client calls; one public client calls 4.0,
// so 2.0 to 4.0 are served.
//
// TODO: the SCAN, MAP and ADDITIONAL sections of each profile are not written (qlens reads
// BASIC_INFO only); writing them from a profile's settings removes this.
//
// qualys: GET|POST /api/2.0/fo/subscription/option_profile/vm/ action=list
func (s *Server) serveOptionProfiles(w http.ResponseWriter, req *request) *apiError {
	if err := req.p.checkKnown(optionProfileListParams); err != nil {
		return err
	}

	x := startOutput(w, "text/xml;charset=UTF-8", "OPTION_PROFILES",
		req.base+"/api/2.0/fo/subscription/option_profile/option_profile_info.dtd")

	for i, op := range optionProfiles {
		x.open(1, "OPTION_PROFILE")
		x.open(2, "BASIC_INFO")
		x.int(3, "ID", int64(op.id))
		x.cdataLayout(3, "GROUP_NAME", op.title, i%2 == 1)
		x.text(3, "GROUP_TYPE", "user")
		x.bool(3, "IS_DEFAULT", op.def)
		x.bool(3, "IS_GLOBAL", true)
		x.close(2, "BASIC_INFO")
		x.close(1, "OPTION_PROFILE")
	}

	x.close(0, "OPTION_PROFILES")
	x.endOutput()

	return nil
}
