package qualyssim

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// kbParams are the KnowledgeBase parameters of v2.0 (qualys-api.md §4); 3.0 adds the
// code_modified dates and, like 4.0, cve.
var (
	kbParams = set("action", "echo_request", "details", "ids", "id_min", "id_max", "is_patchable",
		"last_modified_after", "last_modified_before", "last_modified_by_user_after",
		"last_modified_by_user_before", "last_modified_by_service_after",
		"last_modified_by_service_before", "published_after", "published_before",
		"discovery_method", "discovery_auth_types", "show_pci_reasons",
		"show_supported_modules_info", "show_disabled_flag", "show_qid_change_log")
	kbParamsV3 = with(kbParams, "code_modified_after", "code_modified_before", "cve")
)

// keepAliveKB is the comment the platform streams while it builds a KB answer.
const keepAliveKB = "<!-- keep-alive for KNOWLEDGE_BASE_VULN_LIST_OUTPUT  -->"

// kbQuery is a parsed KB request.
type kbQuery struct {
	details          string
	ids              []idRange
	idMin, idMax     int64
	cves             map[string]bool
	patchable        string // "", "0" or "1"
	after, before    time.Time
	pubAfter, pubBef time.Time
}

// serveKB answers the KnowledgeBase vuln list. There is no paging (§4).
// qualys: GET|POST /api/{2.0,3.0,4.0}/fo/knowledge_base/vuln/ action=list
// (https://docs.qualys.com/en/vm/qweb-all-api/mergedProjects/qapi-scan/kbase/knowledgebase.htm)
func (s *Server) serveKB(w http.ResponseWriter, req *request) *apiError {
	q, err := parseKB(req.p, req.version)
	if err != nil {
		return err
	}

	x := startOutput(w, "text/xml;charset=UTF-8", "KNOWLEDGE_BASE_VULN_LIST_OUTPUT",
		req.base+"/api/2.0/fo/knowledge_base/vuln/knowledge_base_vuln_list_output.dtd")
	x.open(1, "RESPONSE")
	x.time(2, "DATETIME", req.now)
	// The platform streams keep-alive comments inside RESPONSE while it builds output (§4).
	x.raw(keepAliveKB + "\n")

	list := "VULN_LIST"
	if q.details == "None" {
		list = "ID_SET"
	}

	opened := false

	for _, qid := range s.data.kb.qids {
		v := s.data.kb.byQID[qid]
		if !q.match(v) {
			continue
		}

		if !opened {
			x.open(2, list)
			opened = true
		}

		if q.details == "None" {
			x.int(3, "ID", int64(qid))

			continue
		}

		writeVuln(x, v, q.details == "All")
	}

	if opened {
		x.close(2, list)
	}

	x.close(1, "RESPONSE")
	x.close(0, "KNOWLEDGE_BASE_VULN_LIST_OUTPUT")

	if !opened {
		// A recorded empty answer carries keep-alive comments after its root (§4).
		x.raw(keepAliveKB + "\n")
	}

	x.endOutput()

	return nil
}

func parseKB(p params, version string) (kbQuery, *apiError) {
	q := kbQuery{}

	known := kbParamsV3
	if version == "2.0" {
		// TODO: whether 2.0 rejects cve= is unverified; qualys-api.md §4 suggests treating it so.
		known = kbParams
	}

	var err *apiError

	if err = p.checkKnown(known); err != nil {
		return q, err
	}

	if q.details, err = p.oneOf("details", "Basic", "Basic", "All", "None"); err != nil {
		return q, err
	}

	if q.ids, err = p.idRanges("ids"); err != nil {
		return q, err
	}

	if q.idMin, err = positive(p, "id_min"); err != nil {
		return q, err
	}

	if q.idMax, err = positive(p, "id_max"); err != nil {
		return q, err
	}

	if p.has("cve") {
		q.cves = map[string]bool{}
		for _, c := range p.list("cve") {
			q.cves[strings.ToUpper(c)] = true
		}
	}

	if q.patchable, err = p.oneOf("is_patchable", "", "0", "1"); err != nil {
		return q, err
	}

	for _, d := range []struct {
		name string
		dst  *time.Time
	}{
		{"last_modified_after", &q.after}, {"last_modified_before", &q.before},
		{"published_after", &q.pubAfter}, {"published_before", &q.pubBef},
	} {
		if *d.dst, err = dateParam(p, d.name); err != nil {
			return q, err
		}
	}

	return q, nil
}

func (q *kbQuery) match(v *Vuln) bool {
	id := int64(v.QID)

	switch {
	case !inRanges(q.ids, id), q.idMin > 0 && id < q.idMin, q.idMax > 0 && id > q.idMax:
		return false
	case q.patchable == "1" && !v.Patchable, q.patchable == "0" && v.Patchable:
		return false
	case !q.after.IsZero() && v.Modified.Before(q.after):
		return false
	case !q.before.IsZero() && v.Modified.After(q.before):
		return false
	case !q.pubAfter.IsZero() && v.Published.Before(q.pubAfter):
		return false
	case !q.pubBef.IsZero() && v.Published.After(q.pubBef):
		return false
	}

	if q.cves == nil {
		return true
	}

	for _, c := range v.CVEs {
		if q.cves[c] {
			return true
		}
	}

	return false
}

// positive reads an optional positive integer parameter (0 when absent).
func positive(p params, name string) (int64, *apiError) {
	v := p.get(name)
	if v == "" {
		return 0, nil
	}

	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, invalidValue(name, v, "")
	}

	return n, nil
}

// dateParam reads a YYYY-MM-DD[THH:MM:SSZ] parameter (§1).
func dateParam(p params, name string) (time.Time, *apiError) {
	v := p.get(name)
	if v == "" {
		return time.Time{}, nil
	}

	for _, layout := range []string{qualysTime, time.DateOnly} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}

	return time.Time{}, invalidValue(name, v, "")
}
