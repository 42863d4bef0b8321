package lookup

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"slices"

	"github.com/qlens/qlens/internal/model"
	"github.com/qlens/qlens/internal/qualys"
)

// qualys: POST /api/3.0/fo/scan/ action=list target=... (through the client)

// fetchScans asks for the scans of all the IPv4 addresses at once (target=) and files each
// scan under every requested address its TARGET covers, newest first.
//
// TODO: only the scans of Qualys's default window (launched in the last 30 days) are
// listed; an admin option sent as launched_after_datetime removes this limit.
func (e *Engine) fetchScans(ctx context.Context, ids []string) map[string]outcome[scanSet] {
	return inBatches(ctx, e, ids,
		func(ctx context.Context, batch []string) (map[string]outcome[scanSet], error) {
			addrs := make([]netip.Addr, len(batch))
			sets := make(map[string]*scanSet, len(batch))
			for i, id := range batch {
				addrs[i], _ = netip.ParseAddr(id)
				sets[id] = &scanSet{scans: []model.Scan{}}
			}

			err := e.client.Scans(ctx, qualys.ScanQuery{Targets: batch}, func(s qualys.Scan) error {
				ranges := parseTarget(s.Target)
				for i, a := range addrs {
					set := sets[batch[i]]
					if targetCovers(ranges, a) && !hasScan(set.scans, s.Ref) {
						set.scans = append(set.scans, toScan(s))
					}
				}

				return nil
			})
			if err != nil {
				return nil, fmt.Errorf("list scans: %w", err)
			}

			out := make(map[string]outcome[scanSet], len(batch))
			for id, s := range sets {
				slices.SortStableFunc(s.scans, newestFirst)
				out[id] = outcome[scanSet]{val: *s}
			}

			return out, nil
		})
}

func hasScan(scans []model.Scan, ref string) bool {
	return slices.ContainsFunc(scans, func(s model.Scan) bool { return s.Ref == ref })
}

// newestFirst orders scans by launch time, newest first; unknown times go last.
func newestFirst(a, b model.Scan) int {
	switch {
	case a.Launched == nil && b.Launched == nil:
		return cmp.Compare(a.Ref, b.Ref)
	case a.Launched == nil:
		return 1
	case b.Launched == nil:
		return -1
	}

	return b.Launched.Compare(*a.Launched)
}
