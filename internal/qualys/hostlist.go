package qualys

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strconv"
)

// HostListQuery selects hosts for the plain host list. An empty query lists every host of
// the subscription, up to Config.MaxPages pages.
type HostListQuery struct {
	IPs  []string
	IDs  []int64
	IPv6 []string // sent as ipv6=
}

func (q HostListQuery) form(pageSize int) url.Values {
	f := url.Values{
		"action":           {"list"},
		"details":          {"All"}, // Basic lacks the last scan dates
		"show_asset_id":    {"1"},
		"truncation_limit": {strconv.Itoa(pageSize)},
	}

	setList(f, "ips", joinStrings(q.IPs))
	setList(f, "ipv6", joinStrings(q.IPv6))
	setList(f, "ids", joinInts(q.IDs))

	return f
}

// Hosts streams every host of the host list matching q to emit, following pages. It calls
// the Host List API (https://docs.qualys.com/en/vm/qweb-all-api/mergedProjects/qapi-assets/host_lists/host_list.htm)
// with details=All so DNS, FQDN, NetBIOS, OS, tracking method and last scan come back.
//
// qualys: POST /api/5.0/fo/asset/host/ action=list
func (c *Client) Hosts(ctx context.Context, q HostListQuery, emit func(HostRecord) error) (
	Page, error) {
	path := "/api/" + c.cfg.Versions.HostList + "/fo/asset/host/"

	page, err := pullList(ctx, c, "host_list", path, q.form(c.cfg.PageSize), true,
		decodeHostListPage, emit)
	if err != nil {
		return page, fmt.Errorf("list hosts: %w", err)
	}

	return page, nil
}

// decodeHostListPage streams one HOST_LIST_OUTPUT page to emit.
func decodeHostListPage(ctx context.Context, r io.Reader, minID int64,
	emit func(HostRecord) error) (pageInfo, error) {
	return decodeHostPage(ctx, r, "HOST_LIST_OUTPUT", false, minID, (*Host).record, emit)
}
