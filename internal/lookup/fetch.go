package lookup

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/qlens/qlens/internal/model"
)

// Cache kinds: the first part of every cache key.
const (
	kindDetIPv4   = "detections_ipv4"
	kindDetIPv6   = "detections_ipv6"
	kindDetQID    = "detections_qid"
	kindDetHostID = "detections_host"
	kindKBQID     = "kb_qid"
	kindKBCVE     = "kb_cve"
	kindDomain    = "domain"
	kindHostList  = "hostlist"
	kindScans     = "scans"
)

// hostSet is the answer for one detection key: the hosts it names, each with the detections
// that concern the key.
type hostSet struct {
	hosts     []model.Host
	truncated bool // a page cap cut the call that produced it
}

// kbEntry is the KB answer for one QID; rec is nil when Qualys has no such QID, or when a
// page cap cut the answer before it (truncated).
type kbEntry struct {
	rec       *model.KBRecord
	truncated bool
}

// cveEntry is the KB answer for one CVE: every record whose CVE list names it.
type cveEntry struct {
	recs      []model.KBRecord
	truncated bool
}

// domainEntry is the host ids whose DNS name or FQDN is the domain or a subdomain of it.
type domainEntry struct {
	ids       []int64
	truncated bool
}

// scanSet is the scans whose target covers one IPv4 address.
type scanSet struct {
	scans []model.Scan
}

// fetched is everything Qualys (or the cache) said for one plan, per key.
type fetched struct {
	det4, det6, detQID, detHost map[string]outcome[hostSet]
	kbQID                       map[string]outcome[kbEntry]
	kbCVE                       map[string]outcome[cveEntry]
	domains                     map[string]outcome[domainEntry]
	scans                       map[string]outcome[scanSet]
	titles                      map[string]outcome[kbEntry] // the other QIDs of detections
	hits                        atomic.Int64
}

// fetch gets every answer p needs. Independent calls run in parallel; the QID detections wait
// for the CVE resolution and the host-id detections for the domain search, so that each of
// those is one call for the whole batch.
//
// TODO: the direct QIDs' detections wait for the CVE resolution so both share one qids=
// call; starting them at once would save one round trip for one more call.
func (e *Engine) fetch(ctx context.Context, p plan, refresh bool) *fetched {
	f := &fetched{}
	ttl := e.opts.CacheTTL

	var wg sync.WaitGroup
	wg.Go(func() {
		f.det4 = keyed(ctx, e, f, kindDetIPv4, ttl.Detections.Std(), refresh, p.ipv4, e.fetchByIPv4)
	})
	wg.Go(func() {
		f.det6 = keyed(ctx, e, f, kindDetIPv6, ttl.Detections.Std(), refresh, p.ipv6, e.fetchByIPv6)
	})
	wg.Go(func() {
		f.kbQID = keyed(ctx, e, f, kindKBQID, ttl.KnowledgeBase.Std(), refresh, p.qids,
			e.fetchKBByQID)
	})
	wg.Go(func() {
		f.scans = keyed(ctx, e, f, kindScans, ttl.Scans.Std(), refresh, p.ipv4, e.fetchScans)
	})
	wg.Go(func() {
		f.kbCVE = keyed(ctx, e, f, kindKBCVE, ttl.KnowledgeBase.Std(), refresh, p.cves,
			e.fetchKBByCVE)
		qids := union(p.qids, cveQIDs(f.kbCVE))
		f.detQID = keyed(ctx, e, f, kindDetQID, ttl.Detections.Std(), refresh, qids, e.fetchByQID)
	})
	wg.Go(func() {
		f.domains = keyed(ctx, e, f, kindDomain, ttl.Hosts.Std(), refresh, p.domains,
			e.fetchDomains(refresh))
		ids := domainHostIDs(f.domains)
		f.detHost = keyed(ctx, e, f, kindDetHostID, ttl.Detections.Std(), refresh, ids,
			e.fetchByHostID)
	})
	wg.Wait()

	// Detections carry no title: the KB records of their QIDs, one call for all those the
	// batch and the cache do not hold yet, give one.
	f.titles = keyed(ctx, e, f, kindKBQID, ttl.KnowledgeBase.Std(), refresh, f.untitledQIDs(),
		e.fetchKBByQID)

	return f
}

// untitledQIDs lists, sorted, the QIDs detected on any host fetched whose KB record this
// fetch does not hold.
func (f *fetched) untitledQIDs() []string {
	known := f.kbTitles()
	seen := map[int]bool{}
	for _, m := range []map[string]outcome[hostSet]{f.det4, f.det6, f.detQID, f.detHost} {
		for _, o := range m {
			for _, h := range o.val.hosts {
				for _, d := range h.Detections {
					if _, ok := known[d.QID]; !ok {
						seen[d.QID] = true
					}
				}
			}
		}
	}

	out := make([]int, 0, len(seen))
	for qid := range seen {
		out = append(out, qid)
	}
	slices.Sort(out)

	ids := make([]string, len(out))
	for i, qid := range out {
		ids[i] = itoa(qid)
	}

	return ids
}

// kbTitles maps each QID of every KB record fetched to its title.
func (f *fetched) kbTitles() map[int]string {
	titles := map[int]string{}
	for _, m := range []map[string]outcome[kbEntry]{f.kbQID, f.titles} {
		for _, o := range m {
			if o.val.rec != nil {
				titles[o.val.rec.QID] = o.val.rec.Title
			}
		}
	}
	for _, o := range f.kbCVE {
		for _, r := range o.val.recs {
			titles[r.QID] = r.Title
		}
	}

	return titles
}

// keyed answers ids of one kind through the cache. When ctx ends first, every id gets ctx's
// error, which the shape step reports on the entities (a lookup timeout) or which Lookup
// returns (a cancelled request).
func keyed[V any](ctx context.Context, e *Engine, f *fetched, kind string, ttl time.Duration,
	refresh bool, ids []string, fetch fetchFunc[V]) map[string]outcome[V] {
	if len(ids) == 0 {
		return map[string]outcome[V]{}
	}

	q := e.cacheQuery(kind, ttl, refresh)
	res, hits, err := cached(ctx, e.cache, q, ids, fetch)
	f.hits.Add(int64(hits))
	if e.cacheObserver != nil {
		e.cacheObserver(kind, hits, len(ids)-hits)
	}
	if err != nil {
		return failAll[V](ids, err)
	}

	return res
}

// cacheQuery places one kind of answer of this engine's tenant in the cache.
func (e *Engine) cacheQuery(kind string, ttl time.Duration, refresh bool) cacheQuery {
	return cacheQuery{
		prefix:  kind + "|" + e.tenant + "|",
		ttl:     ttl,
		refresh: refresh,
		timeout: e.lookupTimeout(),
	}
}

// failAll gives every id the same error.
func failAll[V any](ids []string, err error) map[string]outcome[V] {
	out := make(map[string]outcome[V], len(ids))
	for _, id := range ids {
		out[id] = outcome[V]{err: err}
	}

	return out
}

// inBatches runs one call per batch of ids in parallel (each within the engine's call slots)
// and merges the answers. A failed batch gives its error to its ids only.
func inBatches[V any](ctx context.Context, e *Engine, ids []string,
	call func(ctx context.Context, batch []string) (map[string]outcome[V], error),
) map[string]outcome[V] {
	parts := batches(ids, e.opts.BatchSize)
	results := make([]map[string]outcome[V], len(parts))

	var wg sync.WaitGroup
	for i, batch := range parts {
		wg.Go(func() {
			if err := e.acquire(ctx); err != nil {
				results[i] = failAll[V](batch, err)

				return
			}
			defer e.release()

			got, err := call(ctx, batch)
			if err != nil {
				e.log.Debug("qualys call failed", "batch_size", len(batch), "error", err)
				results[i] = failAll[V](batch, err)

				return
			}
			results[i] = got
		})
	}
	wg.Wait()

	out := make(map[string]outcome[V], len(ids))
	for _, r := range results {
		for k, v := range r {
			out[k] = v
		}
	}

	return out
}

// cveQIDs lists, in order, the QIDs the CVE answers resolved to.
func cveQIDs(m map[string]outcome[cveEntry]) []string {
	var out []string
	for _, o := range sortedOutcomes(m) {
		for _, r := range o.val.recs {
			out = append(out, itoa(r.QID))
		}
	}

	return union(nil, out)
}

// domainHostIDs lists the host ids the domain answers resolved to.
func domainHostIDs(m map[string]outcome[domainEntry]) []string {
	var out []string
	for _, o := range sortedOutcomes(m) {
		for _, id := range o.val.ids {
			out = append(out, itoa64(id))
		}
	}

	return union(nil, out)
}
