package qualyssim

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// scanListParams are the scan-list parameters (qualys-api.md §5).
var scanListParams = set("action", "echo_request", "scan_ref", "scan_id", "state", "processed",
	"type", "target", "user_login", "launched_after_datetime", "launched_before_datetime",
	"scan_type", "client_id", "client_name", "pci_only", "ignore_target", "show_ags", "show_op",
	"show_status", "show_last")

var scanStates = []string{"Running", "Paused", "Canceled", "Finished", "Error", "Queued", "Loading"}

// scanListQuery is a parsed scan-list request.
type scanListQuery struct {
	refs, ids, states, types map[string]bool
	targets                  ipv4Set
	user                     string
	after, before            time.Time
	processed                string
	showOp, showStatus       bool
	showLast, ignoreTarget   bool
}

// serveScanList answers the scan list, newest first. By default only scans launched in the past
// 30 days are listed (qualys-api.md §5).
// qualys: GET|POST /api/{2.0,3.0}/fo/scan/ action=list
// (https://docs.qualys.com/en/vm/qweb-all-api/mergedProjects/qapi-scan/vm_scans/list_vm_scans.htm)
func (s *Server) serveScanList(w http.ResponseWriter, req *request) *apiError {
	q, err := parseScanList(req.p, req.now)
	if err != nil {
		return err
	}

	var picked []*Scan

	s.scans.mu.Lock()
	for _, sc := range slices.Backward(s.scans.scans) {
		if q.match(sc, sc.status(req.now, s.cfg.ScanSpeed)) {
			picked = append(picked, sc)
		}
	}
	s.scans.mu.Unlock()

	slices.SortStableFunc(picked, func(a, b *Scan) int { return b.Launched.Compare(a.Launched) })

	if q.showLast && len(picked) > 1 {
		picked = picked[:1]
	}

	x := startOutput(w, "text/xml;charset=UTF-8", "SCAN_LIST_OUTPUT",
		req.base+"/api/"+req.version+"/fo/scan/scan_list_output.dtd")
	x.open(1, "RESPONSE")
	x.time(2, "DATETIME", req.now)

	if len(picked) > 0 {
		x.open(2, "SCAN_LIST")

		for _, sc := range picked {
			writeScan(x, sc, sc.status(req.now, s.cfg.ScanSpeed), &q, req.version != "2.0")
		}

		x.close(2, "SCAN_LIST")
	}

	x.close(1, "RESPONSE")
	x.close(0, "SCAN_LIST_OUTPUT")
	x.endOutput()

	return nil
}

func parseScanList(p params, now time.Time) (scanListQuery, *apiError) {
	q := scanListQuery{refs: setOf(p.list("scan_ref")), ids: setOf(p.list("scan_id")),
		types: setOf(p.list("type")), user: p.get("user_login")}

	var err *apiError

	if err = p.checkKnown(scanListParams); err != nil {
		return q, err
	}

	if p.has("state") {
		q.states = map[string]bool{}

		for _, st := range p.list("state") {
			if !slices.Contains(scanStates, st) {
				return q, invalidValue("state", p.get("state"), "")
			}

			q.states[st] = true
		}
	}

	if p.has("target") {
		if q.targets, err = parseIPv4Set("target", p.get("target")); err != nil {
			return q, err
		}
	}

	if q.processed, err = p.oneOf("processed", "", "0", "1"); err != nil {
		return q, err
	}

	if q.after, err = dateParam(p, "launched_after_datetime"); err != nil {
		return q, err
	}

	if q.after.IsZero() {
		q.after = now.Add(-30 * 24 * time.Hour)
	}

	if q.before, err = dateParam(p, "launched_before_datetime"); err != nil {
		return q, err
	}

	return q, q.parseFlags(p)
}

func (q *scanListQuery) parseFlags(p params) *apiError {
	var err *apiError

	for _, f := range []struct {
		name string
		def  bool
		dst  *bool
	}{
		{"show_op", false, &q.showOp}, {"show_status", true, &q.showStatus},
		{"show_last", false, &q.showLast}, {"ignore_target", false, &q.ignoreTarget},
	} {
		if *f.dst, err = p.flag(f.name, f.def); err != nil {
			return err
		}
	}

	return nil
}

func (q *scanListQuery) match(sc *Scan, st scanStatus) bool {
	switch {
	case len(q.refs) > 0 && !q.refs[sc.Ref]:
	case len(q.ids) > 0 && !q.ids[strconv.FormatInt(sc.ID, 10)]:
	case q.states != nil && !q.states[st.state]:
	case len(q.types) > 0 && !q.types[sc.Type]:
	case q.user != "" && !strings.EqualFold(q.user, sc.User):
	case q.processed == "1" && !st.processed, q.processed == "0" && st.processed:
	case sc.Launched.Before(q.after):
	case !q.before.IsZero() && sc.Launched.After(q.before):
	case q.targets != nil && !q.targets.overlaps(sc.targets):
	default:
		return true
	}

	return false
}

func setOf(items []string) map[string]bool {
	m := make(map[string]bool, len(items))
	for _, it := range items {
		m[it] = true
	}

	return m
}

// writeScan writes one SCAN in the order of real output (qualys-api.md §5). padded writes
// TITLE and TARGET with CDATA on their own lines, as the 3.0 sample of the guide does; the
// recorded 2.0 answer has them inline.
func writeScan(x *xw, sc *Scan, st scanStatus, q *scanListQuery, padded bool) {
	x.open(3, "SCAN")
	x.text(4, "REF", sc.Ref)
	x.text(4, "TYPE", sc.Type)
	x.cdataLayout(4, "TITLE", sc.Title, padded)
	x.text(4, "USER_LOGIN", sc.User)
	x.time(4, "LAUNCH_DATETIME", sc.Launched)
	x.text(4, "DURATION", st.duration)
	x.text(4, "PROCESSING_PRIORITY", sc.Priority)
	x.bool(4, "PROCESSED", st.processed)

	if q.showStatus {
		x.open(4, "STATUS")
		x.text(5, "STATE", st.state)

		if st.subState != "" {
			x.text(5, "SUB_STATE", st.subState)
		}

		x.close(4, "STATUS")
	}

	if !q.ignoreTarget {
		x.cdataLayout(4, "TARGET", sc.Target, padded)
	}

	if q.showOp {
		x.open(4, "OPTION_PROFILE")
		x.cdata(5, "TITLE", "", sc.OptionProfile)
		x.bool(5, "DEFAULT_FLAG", sc.DefaultFlag)
		x.close(4, "OPTION_PROFILE")
	}

	x.close(3, "SCAN")
}
