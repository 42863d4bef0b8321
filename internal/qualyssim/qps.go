package qualyssim

import (
	"encoding/xml"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// serviceRequest is the QPS search body (qualys-api.md §8).
type serviceRequest struct {
	Preferences struct {
		LimitResults    int `xml:"limitResults"`
		StartFromOffset int `xml:"startFromOffset"`
	} `xml:"preferences"`
	Filters struct {
		Criteria []criterion `xml:"Criteria"`
	} `xml:"filters"`
}

type criterion struct {
	Field    string `xml:"field,attr"`
	Operator string `xml:"operator,attr"`
	Value    string `xml:",chardata"`
}

// qpsTracking maps FO tracking methods to the QPS keyword values.
var qpsTracking = map[string]string{"IP": "IP", "DNS": "DNSNAME", "NETBIOS": "NETBIOS",
	"QAGENT": "QAGENT"}

// serveQPS answers the QPS host-asset search. QPS carries no rate-limit headers and reports
// errors as HTTP 200 with a responseCode (qualys-api.md §7, §8).
// qualys: POST /qps/rest/2.0/search/am/hostasset
// (https://docs.qualys.com/en/ca/api/agents/list_agents.htm)
func (s *Server) serveQPS(w http.ResponseWriter, r *http.Request) {
	w, proceed := s.applyFault(w, r)
	if !proceed {
		return
	}

	if !s.authorized(r) {
		writeQPSError(w, "INVALID_CREDENTIALS", "Authentication failed",
			"Verify both, user and password credentials.")

		return
	}

	s.setCommonHeaders(w.Header())

	var req serviceRequest

	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err == nil && strings.TrimSpace(string(body)) != "" {
		err = xml.Unmarshal(body, &req)
	}

	if err != nil {
		writeQPSError(w, "INVALID_REQUEST", "Invalid XML request body", "Send a ServiceRequest.")

		return
	}

	match, msg := compileCriteria(req.Filters.Criteria)
	if match == nil {
		writeQPSError(w, "INVALID_REQUEST", msg, "Check the field and operator of each Criteria.")

		return
	}

	s.writeHostAssets(w, &req, match)
}

func (s *Server) writeHostAssets(w http.ResponseWriter, req *serviceRequest, match func(*Host) bool) {
	limit := req.Preferences.LimitResults
	if limit <= 0 {
		limit = 100
	}

	limit = min(limit, 1000)
	skip := max(req.Preferences.StartFromOffset-1, 0)

	var page []*Host

	more := false

	// Hosts are sorted by ID and AssetID rises with ID, so this is id order too.
	for i := range s.data.hosts {
		h := &s.data.hosts[i]
		if !match(h) {
			continue
		}

		if skip > 0 {
			skip--

			continue
		}

		if len(page) == limit {
			more = true

			break
		}

		page = append(page, h)
	}

	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(http.StatusOK)

	x := newXW(w)
	x.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ServiceResponse xmlns:xsi=\"http://www.w3.org/" +
		"2001/XMLSchema-instance\" xsi:noNamespaceSchemaLocation=\"/qps/xsd/2.0/am/hostasset.xsd\">\n")
	x.text(1, "responseCode", "SUCCESS")
	x.int(1, "count", int64(len(page)))
	x.text(1, "hasMoreRecords", strconv.FormatBool(more))

	if more {
		x.int(1, "lastId", page[len(page)-1].AssetID)
	}

	if len(page) > 0 {
		x.open(1, "data")

		for _, h := range page {
			s.writeHostAsset(x, h)
		}

		x.close(1, "data")
	}

	x.raw("</ServiceResponse>")
	_ = x.flush()
}

func (s *Server) writeHostAsset(x *xw, h *Host) {
	addr := h.IP
	if !addr.IsValid() {
		addr = h.IPv6
	}

	name := h.FQDN()
	if name == "" {
		name = addr.String()
	}

	x.open(2, "HostAsset")
	x.int(3, "id", h.AssetID)
	x.text(3, "name", name)
	x.unix(3, "created", h.LastScan-400*86400)
	x.unix(3, "modified", h.LastScan)
	x.text(3, "type", "HOST")
	x.int(3, "qwebHostId", h.ID)

	if h.Hostname != "" {
		x.text(3, "fqdn", h.FQDN())
	}

	x.text(3, "os", h.OS)

	if h.Hostname != "" {
		x.text(3, "dnsHostName", h.FQDN())
	}

	if h.NetBIOS != "" {
		x.text(3, "netbiosName", h.NetBIOS)
	}

	x.text(3, "address", addr.String())
	x.text(3, "trackingMethod", qpsTracking[h.TrackingMethod])
	x.open(3, "networkInterface")
	x.open(4, "list")

	for _, a := range []string{h.IP.String(), h.IPv6.String()} {
		if a == "invalid IP" {
			continue
		}

		x.open(5, "HostAssetInterface")
		if h.Hostname != "" {
			x.text(6, "hostname", h.FQDN())
		}

		x.text(6, "address", a)
		x.close(5, "HostAssetInterface")
	}

	x.close(4, "list")
	x.close(3, "networkInterface")
	x.text(3, "isDockerHost", "false")
	x.close(2, "HostAsset")
}

func writeQPSError(w http.ResponseWriter, code, msg, resolution string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(http.StatusOK)

	x := newXW(w)
	x.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ServiceResponse xmlns:xsi=\"http://www.w3.org/" +
		"2001/XMLSchema-instance\" xsi:noNamespaceSchemaLocation=\"/qps/xsd/2.0/am/hostasset.xsd\">\n")
	x.text(1, "responseCode", code)
	x.open(1, "responseErrorDetails")
	x.text(2, "errorMessage", msg)
	x.text(2, "errorResolution", resolution)
	x.close(1, "responseErrorDetails")
	x.raw("</ServiceResponse>")
	_ = x.flush()
}
