package lookup

import (
	"context"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strconv"

	"github.com/qlens/qlens/internal/model"
	"github.com/qlens/qlens/internal/qualys"
)

// qualys: POST /api/5.0/fo/asset/host/vm/detection/ action=list (through the client)

// fetchByIPv4 asks for the detections of every host of the IPv4 addresses (ips=) and files
// each host under its own address, compared as parsed addresses. Addresses that no detection
// names are asked of the host list, so a known host without open detections still shows.
func (e *Engine) fetchByIPv4(ctx context.Context, ids []string) map[string]outcome[hostSet] {
	return e.detections(ctx, ids,
		func(batch []string) qualys.DetectionQuery { return qualys.DetectionQuery{IPs: batch} },
		func(h qualys.Host, add func(string, model.Host)) {
			add(canonicalIP(h.IP), toHost(h, h.Detections))
		},
		e.cleanHosts(func(missing []string) qualys.HostListQuery {
			return qualys.HostListQuery{IPs: missing}
		}, func(h qualys.HostRecord) string { return canonicalIP(h.IP) }))
}

// fetchByIPv6 is fetchByIPv4 for IPv6 addresses, sent as ipv6= and never mixed into ips=.
func (e *Engine) fetchByIPv6(ctx context.Context, ids []string) map[string]outcome[hostSet] {
	return e.detections(ctx, ids,
		func(batch []string) qualys.DetectionQuery { return qualys.DetectionQuery{IPv6: batch} },
		func(h qualys.Host, add func(string, model.Host)) {
			add(canonicalIP(h.IPv6), toHost(h, h.Detections))
		},
		e.cleanHosts(func(missing []string) qualys.HostListQuery {
			return qualys.HostListQuery{IPv6: missing}
		}, func(h qualys.HostRecord) string { return canonicalIP(h.IPv6) }))
}

// cleanFunc completes a detection answer: it gets the keys no detection named and adds hosts
// (without detections) under them. truncated tells that a page cap cut its list.
type cleanFunc func(ctx context.Context, missing []string,
	add func(string, model.Host)) (truncated bool, err error)

// cleanHosts asks the host list (one call for the batch) for the addresses no detection named,
// and files each host it knows under its address with an empty detection list.
func (e *Engine) cleanHosts(query func(missing []string) qualys.HostListQuery,
	key func(qualys.HostRecord) string) cleanFunc {
	return func(ctx context.Context, missing []string, add func(string, model.Host)) (bool,
		error) {
		page, err := e.client.Hosts(ctx, query(missing), func(h qualys.HostRecord) error {
			add(key(h), recordToHost(h))

			return nil
		})
		if err != nil {
			return false, fmt.Errorf("list hosts without detections: %w", err)
		}

		return page.Truncated, nil
	}
}

// fetchByHostID asks for the detections of hosts by id (ids=), for domain lookups; hosts
// without open detections come from the host list.
func (e *Engine) fetchByHostID(ctx context.Context, ids []string) map[string]outcome[hostSet] {
	return e.detections(ctx, ids,
		func(batch []string) qualys.DetectionQuery {
			return qualys.DetectionQuery{IDs: atoi64Keys(batch)}
		},
		func(h qualys.Host, add func(string, model.Host)) {
			add(itoa64(h.ID), toHost(h, h.Detections))
		},
		e.cleanHosts(func(missing []string) qualys.HostListQuery {
			return qualys.HostListQuery{IDs: atoi64Keys(missing)}
		}, func(h qualys.HostRecord) string { return itoa64(h.ID) }))
}

// fetchByQID asks for the hosts carrying the QIDs (qids=) and files under each QID the hosts
// with only that QID's detections (every port of it: 443 and 8443 stay two detections).
func (e *Engine) fetchByQID(ctx context.Context, ids []string) map[string]outcome[hostSet] {
	return e.detections(ctx, ids,
		func(batch []string) qualys.DetectionQuery {
			// Subscription-wide QID pulls leave out RESULTS, which can be huge.
			return qualys.DetectionQuery{QIDs: atoiKeys(batch), OmitResults: true}
		},
		func(h qualys.Host, add func(string, model.Host)) {
			byQID := make(map[int][]qualys.Detection)
			for _, d := range h.Detections {
				byQID[d.QID] = append(byQID[d.QID], d)
			}
			for _, qid := range slices.Sorted(maps.Keys(byQID)) {
				add(itoa(qid), toHost(h, byQID[qid]))
			}
		}, nil)
}

// detections runs one detection call per batch of ids; file gives each answered host to the
// keys it belongs to, and only requested keys keep it. clean, when set, completes the keys no
// detection named. Every requested key gets an answer, empty when Qualys knows no host for it.
//
// A cut detection list (page cap) marks every key of the batch truncated, as the hosts left
// out may belong to any of them; clean is then not asked, since a key without detections may
// just have been cut off, and showing its host with none would be a lie. A failing clean costs
// only the keys it had to complete: the others keep their detections.
func (e *Engine) detections(ctx context.Context, ids []string,
	query func(batch []string) qualys.DetectionQuery,
	file func(h qualys.Host, add func(string, model.Host)),
	clean cleanFunc,
) map[string]outcome[hostSet] {
	return inBatches(ctx, e, ids,
		func(ctx context.Context, batch []string) (map[string]outcome[hostSet], error) {
			sets := make(map[string]*hostSet, len(batch))
			for _, id := range batch {
				sets[id] = &hostSet{hosts: []model.Host{}}
			}
			add := func(key string, h model.Host) {
				if s, ok := sets[key]; ok {
					s.hosts = append(s.hosts, h)
				}
			}

			page, err := e.client.HostDetections(ctx, query(batch), func(h qualys.Host) error {
				file(h, add)

				return nil
			})
			if err != nil {
				return nil, fmt.Errorf("list host detections: %w", err)
			}

			missing := emptyKeys(batch, sets)
			wasMissing := make(map[string]bool, len(missing))
			for _, id := range missing {
				wasMissing[id] = true
			}
			var cleanCut bool
			var cleanErr error
			if clean != nil && len(missing) > 0 && !page.Truncated {
				// Only the keys left empty take hosts from the host list.
				cleanCut, cleanErr = clean(ctx, missing, func(key string, h model.Host) {
					if wasMissing[key] {
						add(key, h)
					}
				})
			}
			if cleanErr != nil {
				e.log.Debug("qualys host list failed", "key_count", len(missing),
					"error", cleanErr)
			}

			out := make(map[string]outcome[hostSet], len(batch))
			for id, s := range sets {
				if cleanErr != nil && wasMissing[id] && len(s.hosts) == 0 {
					out[id] = outcome[hostSet]{err: cleanErr}

					continue
				}
				s.truncated = page.Truncated || cleanCut && wasMissing[id]
				out[id] = outcome[hostSet]{val: *s}
			}

			return out, nil
		})
}

// emptyKeys lists, in batch order, the keys that no host was filed under.
func emptyKeys(batch []string, sets map[string]*hostSet) []string {
	var out []string
	for _, id := range batch {
		if len(sets[id].hosts) == 0 {
			out = append(out, id)
		}
	}

	return out
}

// canonicalIP is an address in netip's standard form, "" when it does not parse.
func canonicalIP(s string) string {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return ""
	}

	return a.Unmap().String()
}

func itoa(n int) string { return strconv.Itoa(n) }

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// sortedOutcomes returns the successful answers of m in key order.
func sortedOutcomes[V any](m map[string]outcome[V]) []outcome[V] {
	out := make([]outcome[V], 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if m[k].err == nil {
			out = append(out, m[k])
		}
	}

	return out
}
