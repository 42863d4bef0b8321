package lookup

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/qlens/qlens/internal/qualys"
)

// assetFields are the QPS fields a domain is searched in: one search each, as QPS ANDs the
// criteria of one request.
var assetFields = []string{"dnsHostName", "fqdn"}

// hostIndex is the host list reduced to what a domain match needs, for accounts that may not
// use the asset search.
type hostIndex struct {
	hosts     []namedHost
	truncated bool
}

type namedHost struct {
	id        int64
	dns, fqdn string
}

// fetchDomains resolves each domain to host ids: the QPS asset search first (one search per
// domain, as it takes one name), else the host list filtered here.
func (e *Engine) fetchDomains(refresh bool) fetchFunc[domainEntry] {
	return func(ctx context.Context, ids []string) map[string]outcome[domainEntry] {
		out := make(map[string]outcome[domainEntry], len(ids))

		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, domain := range ids {
			wg.Go(func() {
				o := e.resolveDomain(ctx, domain, refresh)
				mu.Lock()
				out[domain] = o
				mu.Unlock()
			})
		}
		wg.Wait()

		return out
	}
}

// qualys: POST /qps/rest/2.0/search/am/hostasset (through the client)

// resolveDomain finds the host ids of one domain.
//
// TODO: an asset the search finds without a VM host id (qwebHostId 0, e.g. an agent-only
// asset not activated for VM) is left out, as it has no VM detections to ask for; showing it
// as a host without detections needs a model field for the asset-only case.
//
// TODO: this costs one QPS search per domain and per field (dnsHostName, fqdn), as QPS ANDs
// the criteria of one request and matches by CONTAINS; a QPS query with OR across fields
// and domains, if the platform accepts one, would make it one call per batch.
func (e *Engine) resolveDomain(ctx context.Context, domain string,
	refresh bool) outcome[domainEntry] {
	entry := domainEntry{ids: []int64{}}
	page, err := e.withSlot(ctx, func(ctx context.Context) (qualys.Page, error) {
		return e.client.SearchHostAssets(ctx, qualys.AssetQuery{Name: domain, Fields: assetFields},
			func(a qualys.Asset) error {
				if a.QWebHostID != 0 && (domainMatches(a.DNSHostName, domain) ||
					domainMatches(a.FQDN, domain)) {
					entry.ids = append(entry.ids, a.QWebHostID)
				}

				return nil
			})
	})
	if err == nil {
		entry.ids, entry.truncated = uniqueIDs(entry.ids), page.Truncated

		return outcome[domainEntry]{val: entry}
	}
	if !searchUnavailable(err) {
		return outcome[domainEntry]{err: fmt.Errorf("search host assets: %w", err)}
	}

	e.log.Debug("asset search unavailable, using the host list", "error", err)
	idx, err := e.hostIndex(ctx, refresh)
	if err != nil {
		return outcome[domainEntry]{err: err}
	}

	entry = domainEntry{ids: []int64{}, truncated: idx.truncated}
	for _, h := range idx.hosts {
		if domainMatches(h.dns, domain) || domainMatches(h.fqdn, domain) {
			entry.ids = append(entry.ids, h.id)
		}
	}
	entry.ids = uniqueIDs(entry.ids)

	return outcome[domainEntry]{val: entry}
}

// qualys: POST /api/5.0/fo/asset/host/ action=list (through the client)

// hostIndex returns the host list (bounded by MaxPages), cached as one entry for all domains.
func (e *Engine) hostIndex(ctx context.Context, refresh bool) (hostIndex, error) {
	q := e.cacheQuery(kindHostList, e.opts.CacheTTL.Hosts.Std(), refresh)
	res, _, err := cached(ctx, e.cache, q, []string{"all"},
		func(ctx context.Context, ids []string) map[string]outcome[hostIndex] {
			idx := hostIndex{}
			page, err := e.withSlot(ctx, func(ctx context.Context) (qualys.Page, error) {
				return e.client.Hosts(ctx, qualys.HostListQuery{}, func(h qualys.HostRecord) error {
					idx.hosts = append(idx.hosts, namedHost{id: h.ID, dns: h.DNS, fqdn: h.FQDN})

					return nil
				})
			})
			if err != nil {
				return failAll[hostIndex](ids, fmt.Errorf("list hosts: %w", err))
			}
			idx.truncated = page.Truncated

			return map[string]outcome[hostIndex]{"all": {val: idx}}
		})
	if err != nil {
		return hostIndex{}, err
	}

	return res["all"].val, res["all"].err
}

// withSlot runs one paged call within the engine's call slots.
func (e *Engine) withSlot(ctx context.Context,
	call func(ctx context.Context) (qualys.Page, error)) (qualys.Page, error) {
	if err := e.acquire(ctx); err != nil {
		return qualys.Page{}, err
	}
	defer e.release()

	return call(ctx)
}

// searchUnavailable reports whether err says the account may not use the asset search (no
// Asset Management permission or module), as opposed to a failure worth reporting. Refused
// credentials are not such a case: the host list would fail the same way.
func searchUnavailable(err error) bool {
	apiErr, ok := errors.AsType[*qualys.APIError](err)
	if !ok {
		return false
	}

	switch {
	case apiErr.Status == http.StatusForbidden, apiErr.Status == http.StatusNotFound:
		return true
	case apiErr.Status == http.StatusUnauthorized, apiErr.Code == "2000",
		apiErr.Code == "INVALID_CREDENTIALS":
		return false
	case apiErr.Code == "UNAUTHORIZED", apiErr.Code == "NOT_AUTHORIZED":
		return true
	}

	text := strings.ToLower(apiErr.Text)
	for _, hint := range []string{"permission", "not authorized", "not allowed", "access denied",
		"not enabled", "not subscribed"} {
		if strings.Contains(text, hint) {
			return true
		}
	}

	return false
}

// uniqueIDs sorts ids and drops repeats.
func uniqueIDs(ids []int64) []int64 {
	slices.Sort(ids)

	return slices.Compact(ids)
}
