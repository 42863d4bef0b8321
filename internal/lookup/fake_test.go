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
// simulator: it keeps its own tiny dataset, writes elements in its own order, uses
// single-element lists, and counts calls per endpoint. A fault set for an endpoint makes
// it answer with a SIMPLE_RETURN error instead.
type fakeQualys struct {
	mu       sync.Mutex
	calls    map[string]int
	faults   map[string]fakeFault
	launches []url.Values
	hosts    []fakeHost
	vulns    []fakeVuln
	scans    []fakeScan
}

type fakeFault struct {
	status int
	code   string
	text   string
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

// Endpoint names of fakeQualys, for call counts and faults.
const (
	epDetection = "detection"
	epKB        = "kb"
	epScanList  = "scanList"
	epLaunch    = "launch"
	epHostList  = "hostList"
	epAssets    = "assets"
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
	if ep == epLaunch {
		f.launches = append(f.launches, form)
	}
	f.mu.Unlock()

	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	if faulty {
		w.WriteHeader(ft.status)
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

func (f *fakeQualys) writeDetections(w io.Writer, form url.Values) {
	ips, ipv6, ids := listParam(form, "ips"), listParam(form, "ipv6"), listParam(form, "ids")
	qids := listParam(form, "qids")

	fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8" ?><HOST_LIST_VM_DETECTION_OUTPUT>`+
		`<RESPONSE><HOST_LIST>`)
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
		if dets.Len() == 0 {
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
	fmt.Fprint(w, `</HOST_LIST><DATETIME>2024-05-01T00:00:00Z</DATETIME></RESPONSE>`+
		`</HOST_LIST_VM_DETECTION_OUTPUT>`)
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
			return targetCovers(parseTarget(s.target), netip.MustParseAddr(ip))
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

func (f *fakeQualys) writeHostList(w io.Writer, form url.Values) {
	ips, ipv6, ids := listParam(form, "ips"), listParam(form, "ipv6"), listParam(form, "ids")

	fmt.Fprint(w, `<HOST_LIST_OUTPUT><RESPONSE><HOST_LIST>`)
	for _, h := range f.hosts {
		if (ips != nil && !slices.Contains(ips, h.ip)) || (ipv6 != nil && h.ipv6 == "") ||
			(ids != nil && !slices.Contains(ids, strconv.FormatInt(h.id, 10))) {
			continue
		}
		fmt.Fprintf(w, "<HOST><DNS>%s</DNS><ID>%d</ID><IP>%s</IP><DNS_DATA><FQDN>%s</FQDN>"+
			"</DNS_DATA></HOST>", h.dns, h.id, h.ip, h.fqdn)
	}
	fmt.Fprint(w, `</HOST_LIST></RESPONSE></HOST_LIST_OUTPUT>`)
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
		if m == nil || name == "" || !strings.Contains(name, m[2]) {
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
