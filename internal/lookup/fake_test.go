package lookup

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qlens/qlens/internal/config"
)

// fakeQualys is a small Qualys-shaped server written for these tests, independent of the
// simulator and of the code under test: it keeps its own tiny dataset, writes elements in its
// own order, uses single-element lists, pages host lists by truncation_limit and id_min with
// WARNING 1980, and counts calls per endpoint. A fault set for an endpoint makes it answer
// with a SIMPLE_RETURN error (or a raw body) instead.
type fakeQualys struct {
	mu       sync.Mutex
	calls    map[string]int
	faults   map[string]fakeFault
	launches []url.Values
	requests []fakeRequest
	delay    time.Duration // before every answer, so concurrent requests overlap
	inflight int           // requests being answered now
	peak     int           // the most requests answered at once
	hosts    []fakeHost
	vulns    []fakeVuln
	scans    []fakeScan
	profiles []fakeProfile
	scanners []fakeScanner
}

// fakeRequest is what the fake saw of one request.
type fakeRequest struct {
	ep    string
	query url.Values // the URL's own query, without the body
	form  url.Values // body and query together
}

type fakeFault struct {
	status int
	code   string
	text   string
	param  string // the fault applies only to requests carrying this parameter; "": all
	body   string // sent as is instead of a SIMPLE_RETURN (malformed XML, an HTML page)
}

type fakeHost struct {
	id        int64
	ip, ipv6  string
	dns, fqdn string
	lastScan  string
	dets      []fakeDet
}

type fakeDet struct {
	qid, sev, port int
	results        string
}

type fakeVuln struct {
	qid   int
	sev   int
	title string
	cves  []string
	diag  string
}

type fakeScan struct {
	ref, title, state, target, launched string
}

type fakeProfile struct {
	id    int
	title string
}

type fakeScanner struct {
	id           int
	name, status string
}

// Endpoint names of fakeQualys, for call counts and faults.
const (
	epDetection = "detection"
	epKB        = "kb"
	epScanList  = "scanList"
	epLaunch    = "launch"
	epHostList  = "hostList"
	epAssets    = "assets"
	epProfiles  = "optionProfiles"
	epScanners  = "appliances"
)

func newFakeQualys() *fakeQualys {
	return &fakeQualys{
		calls:  map[string]int{},
		faults: map[string]fakeFault{},
		hosts: []fakeHost{
			{id: 101, ip: "10.0.0.1", dns: "web.corp.example.com", lastScan: "2024-03-01T10:00:00Z",
				dets: []fakeDet{{qid: 1234, sev: 3}, {qid: 38623, sev: 4, port: 443},
					{qid: 38623, sev: 4, port: 8443}}},
			{id: 105, ip: "10.0.0.5", ipv6: "2001:db8::5", fqdn: "corp.example.com",
				dets: []fakeDet{{qid: 91, sev: 5, port: 22}, {qid: 100, sev: 2}}},
			{id: 110, ip: "10.0.0.10", dns: "db.notcorp.example.com",
				lastScan: "2024-01-01T12:34:00Z",
				dets:     []fakeDet{{qid: 5000, sev: 5, results: "seen at 12:34 by QID 1234 probe"}}},
			{id: 120, ip: "10.0.0.20", dns: "clean.lab.example.org"}, // no open detection
		},
		vulns: []fakeVuln{
			{qid: 1234, sev: 3, title: "Weak cipher"},
			{qid: 38623, sev: 4, title: "Log4Shell", cves: []string{"CVE-2021-44228"},
				diag: `<P>Bad<script>alert(1)</script> <A HREF="https://x.example/a">ref</A></P>`},
			{qid: 91, sev: 5, title: "Old SSH", cves: []string{"CVE-2021-44228", "CVE-2020-0001"}},
			{qid: 5000, sev: 5, title: "Other"},
		},
		scans: []fakeScan{
			{ref: "scan/1700000000.00001", title: "range", state: "Finished",
				target: "10.0.0.1-10.0.0.3, 10.0.0.5", launched: "2024-02-01T00:00:00Z"},
			{ref: "scan/1700000001.00002", title: "ten", state: "Finished", target: "10.0.0.10",
				launched: "2024-02-02T00:00:00Z"},
		},
		profiles: []fakeProfile{{id: 900001, title: "Initial Options"},
			{id: 900002, title: "Deep Scan"}, {id: 900003, title: "2024"}},
		scanners: []fakeScanner{{id: 51, name: "scanner-eu-1", status: "Online"},
			{id: 52, name: "scanner-dmz", status: "Offline"}},
	}
}

// start serves f on 127.0.0.1 and returns options pointing at it.
func (f *fakeQualys) start(t *testing.T) config.Options {
	t.Helper()

	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)

	opts := config.Defaults()
	opts.URL, opts.Username, opts.Password = srv.URL, "analyst", "s3cret-pw"

	return opts
}

func (f *fakeQualys) setFault(ep string, ft fakeFault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults[ep] = ft
}

func (f *fakeQualys) callCount(ep string) int {
	f.mu.Lock()
	defer f.mu.Unlock()

	return f.calls[ep]
}

// peakInflight is the most requests the fake answered at the same time.
func (f *fakeQualys) peakInflight() int {
	f.mu.Lock()
	defer f.mu.Unlock()

	return f.peak
}

// seen returns the requests made to ep so far.
func (f *fakeQualys) seen(ep string) []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()

	var out []fakeRequest
	for _, r := range f.requests {
		if r.ep == ep {
			out = append(out, r)
		}
	}

	return out
}

func (f *fakeQualys) totalCalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()

	n := 0
	for _, c := range f.calls {
		n += c
	}

	return n
}

func (f *fakeQualys) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	form, _ := url.ParseQuery(string(body))
	for k, v := range r.URL.Query() {
		form[k] = v
	}

	ep := endpointOf(r.URL.Path, form)
	f.mu.Lock()
	f.calls[ep]++
	ft, faulty := f.faults[ep]
	faulty = faulty && (ft.param == "" || form.Get(ft.param) != "")
	if ep == epLaunch {
		f.launches = append(f.launches, form)
	}
	f.requests = append(f.requests, fakeRequest{ep: ep, query: r.URL.Query(), form: form})
	delay := f.delay
	f.inflight++
	f.peak = max(f.peak, f.inflight)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.inflight--
		f.mu.Unlock()
	}()

	if delay > 0 {
		time.Sleep(delay)
	}

	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	if faulty {
		w.WriteHeader(ft.status)
		if ft.body != "" {
			fmt.Fprint(w, ft.body)

			return
		}
		fmt.Fprintf(w, "<SIMPLE_RETURN><RESPONSE><TEXT>%s</TEXT><CODE>%s</CODE>"+
			"<DATETIME>2024-01-01T00:00:00Z</DATETIME></RESPONSE></SIMPLE_RETURN>", ft.text, ft.code)

		return
	}

	switch ep {
	case epDetection:
		f.writeDetections(w, form)
	case epKB:
		f.writeKB(w, form)
	case epScanList:
		f.writeScans(w, form)
	case epLaunch:
		fmt.Fprint(w, `<SIMPLE_RETURN><RESPONSE><ITEM_LIST>`+
			`<ITEM><KEY>REFERENCE</KEY><VALUE>scan/1800000000.12345</VALUE></ITEM>`+
			`<ITEM><KEY>ID</KEY><VALUE>777</VALUE></ITEM></ITEM_LIST>`+
			`<TEXT>New vm scan launched</TEXT></RESPONSE></SIMPLE_RETURN>`)
	case epHostList:
		f.writeHostList(w, form)
	case epAssets:
		f.writeAssets(w, string(body))
	case epProfiles:
		f.writeProfiles(w)
	case epScanners:
		f.writeScanners(w)
	default:
		http.NotFound(w, r)
	}
}

func endpointOf(path string, form url.Values) string {
	switch {
	case strings.HasSuffix(path, "/fo/asset/host/vm/detection/"):
		return epDetection
	case strings.HasSuffix(path, "/fo/asset/host/"):
		return epHostList
	case strings.HasSuffix(path, "/fo/knowledge_base/vuln/"):
		return epKB
	case strings.HasSuffix(path, "/fo/scan/") && form.Get("action") == "launch":
		return epLaunch
	case strings.HasSuffix(path, "/fo/scan/"):
		return epScanList
	case strings.HasPrefix(path, "/qps/rest/2.0/search/am/hostasset"):
		return epAssets
	case strings.HasSuffix(path, "/fo/subscription/option_profile/vm/"):
		return epProfiles
	case strings.HasSuffix(path, "/fo/appliance/"):
		return epScanners
	}

	return "unknown"
}

func listParam(form url.Values, key string) []string {
	v := form.Get(key)
	if v == "" {
		return nil
	}

	return strings.Split(v, ",")
}

// pager cuts a host list at truncation_limit, from id_min on, as Qualys does: it tells which
// host to write and, at the end, the WARNING that points at the next page.
type pager struct {
	idMin, limit int64
	written      int
	next         int64 // id of the first host left out; 0: none
}

func newPager(form url.Values) *pager {
	p := &pager{}
	p.idMin, _ = strconv.ParseInt(form.Get("id_min"), 10, 64)
	p.limit, _ = strconv.ParseInt(form.Get("truncation_limit"), 10, 64)

	return p
}

// take reports whether host id goes on this page.
func (p *pager) take(id int64) bool {
	if id < p.idMin || p.next != 0 {
		return false
	}
	if p.limit > 0 && int64(p.written) == p.limit {
		p.next = id

		return false
	}
	p.written++

	return true
}

func (p *pager) warning(w io.Writer, path string) {
	if p.next == 0 {
		return
	}
	fmt.Fprintf(w, "<WARNING><CODE>1980</CODE><TEXT>%d record limit exceeded. Use URL to get "+
		"next batch of results.</TEXT><URL><![CDATA[https://qualysapi.example.invalid%s"+
		"?action=list&truncation_limit=%d&id_min=%d]]></URL></WARNING>", p.limit, path, p.limit,
		p.next)
}

func (f *fakeQualys) writeDetections(w io.Writer, form url.Values) {
	ips, ipv6, ids := listParam(form, "ips"), listParam(form, "ipv6"), listParam(form, "ids")
	qids := listParam(form, "qids")
	pg := newPager(form)

	fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8" ?>`+"\n"+
		`<!DOCTYPE HOST_LIST_VM_DETECTION_OUTPUT SYSTEM "https://qualysapi.example.invalid/`+
		`api/5.0/fo/asset/host/vm/detection/dtd/output.dtd">`+"\n"+
		`<HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><HOST_LIST>`)
	for _, h := range f.hosts {
		if (ips != nil && !slices.Contains(ips, h.ip)) ||
			(ipv6 != nil && !slices.ContainsFunc(ipv6, func(s string) bool {
				return h.ipv6 != "" && netip.MustParseAddr(s) == netip.MustParseAddr(h.ipv6)
			})) ||
			(ids != nil && !slices.Contains(ids, strconv.FormatInt(h.id, 10))) {
			continue
		}

		var dets strings.Builder
		for _, d := range h.dets {
			if qids != nil && !slices.Contains(qids, strconv.Itoa(d.qid)) {
				continue
			}
			fmt.Fprintf(&dets, "<DETECTION><SEVERITY>%d</SEVERITY><TYPE>Confirmed</TYPE>"+
				"<QID>%d</QID><STATUS>Active</STATUS>", d.sev, d.qid)
			if d.port != 0 {
				fmt.Fprintf(&dets, "<PROTOCOL>tcp</PROTOCOL><PORT>%d</PORT>", d.port)
			}
			if d.results != "" {
				fmt.Fprintf(&dets, "<RESULTS><![CDATA[%s]]></RESULTS>", d.results)
			}
			dets.WriteString("<TIMES_FOUND>3</TIMES_FOUND></DETECTION>")
		}
		if dets.Len() == 0 || !pg.take(h.id) {
			continue
		}

		fmt.Fprintf(w, "<HOST><DETECTION_LIST>%s</DETECTION_LIST><IP>%s</IP><ID>%d</ID>",
			dets.String(), h.ip, h.id)
		if h.ipv6 != "" {
			fmt.Fprintf(w, "<IPV6>%s</IPV6>", h.ipv6)
		}
		if h.dns != "" {
			fmt.Fprintf(w, "<DNS><![CDATA[%s]]></DNS>", h.dns)
		}
		if h.lastScan != "" {
			fmt.Fprintf(w, "<LAST_SCAN_DATETIME>%s</LAST_SCAN_DATETIME>", h.lastScan)
		}
		fmt.Fprint(w, "<TRACKING_METHOD>IP</TRACKING_METHOD></HOST>")
	}
	fmt.Fprint(w, `</HOST_LIST><DATETIME>2024-05-01T00:00:00Z</DATETIME>`)
	pg.warning(w, "/api/5.0/fo/asset/host/vm/detection/")
	fmt.Fprint(w, `</RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>`)
}

func (f *fakeQualys) writeKB(w io.Writer, form url.Values) {
	ids, cves := listParam(form, "ids"), listParam(form, "cve")

	fmt.Fprint(w, `<KNOWLEDGE_BASE_VULN_LIST_OUTPUT><RESPONSE><VULN_LIST>`)
	for _, v := range f.vulns {
		if ids != nil && !slices.Contains(ids, strconv.Itoa(v.qid)) {
			continue
		}
		if cves != nil && !slices.ContainsFunc(v.cves, func(c string) bool {
			return slices.Contains(cves, c)
		}) {
			continue
		}

		fmt.Fprintf(w, "<VULN><TITLE><![CDATA[%s]]></TITLE><QID>%d</QID>", v.title, v.qid)
		if len(v.cves) > 0 {
			fmt.Fprint(w, "<CVE_LIST>")
			for _, c := range v.cves {
				fmt.Fprintf(w, "<CVE><URL>https://nvd.example/%s</URL><ID>%s</ID></CVE>", c, c)
			}
			fmt.Fprint(w, "</CVE_LIST>")
		}
		fmt.Fprintf(w, "<SEVERITY_LEVEL>%d</SEVERITY_LEVEL><VULN_TYPE>Vulnerability</VULN_TYPE>"+
			"<PATCHABLE>1</PATCHABLE><DIAGNOSIS><![CDATA[%s]]></DIAGNOSIS></VULN>", v.sev, v.diag)
	}
	fmt.Fprint(w, `</VULN_LIST><DATETIME>2024-05-01T00:00:00Z</DATETIME></RESPONSE>`+
		`</KNOWLEDGE_BASE_VULN_LIST_OUTPUT>`)
}

func (f *fakeQualys) writeScans(w io.Writer, form url.Values) {
	targets, ref := listParam(form, "target"), form.Get("scan_ref")

	fmt.Fprint(w, `<SCAN_LIST_OUTPUT><RESPONSE><DATETIME>2024-05-01T00:00:00Z</DATETIME>`+
		`<SCAN_LIST>`)
	for _, s := range f.scans {
		if ref != "" && s.ref != ref {
			continue
		}
		if targets != nil && !slices.ContainsFunc(targets, func(ip string) bool {
			return fakeTargetHas(s.target, ip)
		}) {
			continue
		}
		fmt.Fprintf(w, "<SCAN><TARGET><![CDATA[%s]]></TARGET><REF>%s</REF>"+
			"<STATUS><STATE>%s</STATE></STATUS><TITLE><![CDATA[%s]]></TITLE>"+
			"<LAUNCH_DATETIME>%s</LAUNCH_DATETIME><TYPE>API</TYPE><USER_LOGIN>analyst</USER_LOGIN>"+
			"</SCAN>", s.target, s.ref, s.state, s.title, s.launched)
	}
	fmt.Fprint(w, `</SCAN_LIST></RESPONSE></SCAN_LIST_OUTPUT>`)
}

// fakeTargetHas tells whether a scan TARGET names ip, the way a lenient server might: an
// element that is the address, a range a-b around it, or any element whose text merely
// contains it (so "10.0.0.1" also brings scans of "10.0.0.10", which the engine must drop).
func fakeTargetHas(target, ip string) bool {
	want := netip.MustParseAddr(ip)
	for _, el := range strings.Split(target, ",") {
		el = strings.TrimSpace(el)
		if strings.Contains(el, ip) {
			return true
		}
		if lo, hi, ok := strings.Cut(el, "-"); ok {
			a, errA := netip.ParseAddr(strings.TrimSpace(lo))
			b, errB := netip.ParseAddr(strings.TrimSpace(hi))
			if errA == nil && errB == nil && a.Compare(want) <= 0 && want.Compare(b) <= 0 {
				return true
			}
		}
		if p, err := netip.ParsePrefix(el); err == nil && p.Contains(want) {
			return true
		}
	}

	return false
}

func (f *fakeQualys) writeHostList(w io.Writer, form url.Values) {
	ips, ipv6, ids := listParam(form, "ips"), listParam(form, "ipv6"), listParam(form, "ids")
	pg := newPager(form)

	fmt.Fprint(w, `<HOST_LIST_OUTPUT><RESPONSE><HOST_LIST>`)
	for _, h := range f.hosts {
		if (ips != nil && !slices.Contains(ips, h.ip)) || (ipv6 != nil && h.ipv6 == "") ||
			(ids != nil && !slices.Contains(ids, strconv.FormatInt(h.id, 10))) ||
			!pg.take(h.id) {
			continue
		}
		fmt.Fprintf(w, "<HOST><DNS>%s</DNS><ID>%d</ID><IP>%s</IP><DNS_DATA><FQDN>%s</FQDN>"+
			"</DNS_DATA></HOST>", h.dns, h.id, h.ip, h.fqdn)
	}
	fmt.Fprint(w, `</HOST_LIST>`)
	pg.warning(w, "/api/5.0/fo/asset/host/")
	fmt.Fprint(w, `</RESPONSE></HOST_LIST_OUTPUT>`)
}

// writeProfiles writes the option profiles with GROUP_NAME before ID and no prolog.
func (f *fakeQualys) writeProfiles(w io.Writer) {
	fmt.Fprint(w, `<OPTION_PROFILES>`)
	for _, p := range f.profiles {
		fmt.Fprintf(w, "<OPTION_PROFILE><BASIC_INFO><GROUP_NAME><![CDATA[%s]]></GROUP_NAME>"+
			"<ID>%d</ID></BASIC_INFO></OPTION_PROFILE>", p.title, p.id)
	}
	fmt.Fprint(w, `</OPTION_PROFILES>`)
}

// writeScanners writes the appliances with STATUS first and no DATETIME.
func (f *fakeQualys) writeScanners(w io.Writer) {
	fmt.Fprint(w, `<APPLIANCE_LIST_OUTPUT><RESPONSE>`)
	if len(f.scanners) > 0 {
		fmt.Fprint(w, `<APPLIANCE_LIST>`)
		for _, a := range f.scanners {
			fmt.Fprintf(w, "<APPLIANCE><STATUS>%s</STATUS><NAME>%s</NAME><ID>%d</ID>"+
				"</APPLIANCE>", a.status, a.name, a.id)
		}
		fmt.Fprint(w, `</APPLIANCE_LIST>`)
	}
	fmt.Fprint(w, `</RESPONSE></APPLIANCE_LIST_OUTPUT>`)
}

var criteriaRE = regexp.MustCompile(`field="(\w+)" operator="CONTAINS">([^<]*)<`)

func (f *fakeQualys) writeAssets(w io.Writer, body string) {
	m := criteriaRE.FindStringSubmatch(body)

	fmt.Fprint(w, `<ServiceResponse><responseCode>SUCCESS</responseCode>`+
		`<hasMoreRecords>false</hasMoreRecords><data>`)
	for _, h := range f.hosts {
		name := h.dns
		if m != nil && m[1] == "fqdn" {
			name = h.fqdn
		}
		// QPS CONTAINS ignores case.
		if m == nil || name == "" ||
			!strings.Contains(strings.ToLower(name), strings.ToLower(m[2])) {
			continue
		}
		fmt.Fprintf(w, "<HostAsset><dnsHostName>%s</dnsHostName><id>%d</id>"+
			"<qwebHostId>%d</qwebHostId><fqdn>%s</fqdn></HostAsset>",
			h.dns, 9000+h.id, h.id, h.fqdn)
	}
	fmt.Fprint(w, `</data></ServiceResponse>`)
}

// newTestEngine builds an engine on opts with a fresh cache and a quick lookup timeout.
func newTestEngine(t *testing.T, opts config.Options) *Engine {
	t.Helper()

	opts.LookupTimeout = config.Duration(30 * time.Second)
	e, err := New(opts, Deps{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}

	return e
}
