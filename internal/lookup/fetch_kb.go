package lookup

import (
	"context"
	"fmt"
	"strings"

	"github.com/qlens/qlens/internal/model"
	"github.com/qlens/qlens/internal/qualys"
)

// qualys: POST /api/4.0/fo/knowledge_base/vuln/ action=list (through the client)

// fetchKBByQID asks the KnowledgeBase for the QIDs (ids=). A QID Qualys does not know gets
// an empty answer, which is cached like any other; one left out of a cut answer is marked
// truncated.
func (e *Engine) fetchKBByQID(ctx context.Context, ids []string) map[string]outcome[kbEntry] {
	return inBatches(ctx, e, ids,
		func(ctx context.Context, batch []string) (map[string]outcome[kbEntry], error) {
			out := make(map[string]outcome[kbEntry], len(batch))
			for _, id := range batch {
				out[id] = outcome[kbEntry]{}
			}

			page, err := e.client.KnowledgeBase(ctx, qualys.KBQuery{IDs: atoiKeys(batch)},
				func(v qualys.Vuln) error {
					key := itoa(v.QID)
					if _, ok := out[key]; ok {
						rec := toKBRecord(v)
						out[key] = outcome[kbEntry]{val: kbEntry{rec: &rec}}
					}

					return nil
				})
			if err != nil {
				return nil, fmt.Errorf("list knowledgebase by qid: %w", err)
			}

			// A QID missing from a cut answer may be in the part left out: it is not
			// "unknown to Qualys".
			for id, o := range out {
				if o.val.rec == nil && page.Truncated {
					out[id] = outcome[kbEntry]{val: kbEntry{truncated: true}}
				}
			}

			return out, nil
		})
}

// fetchKBByCVE asks the KnowledgeBase for the CVEs (cve=) and files each record under every
// requested CVE its own CVE list names. The records also fill the per-QID KB cache.
func (e *Engine) fetchKBByCVE(ctx context.Context, ids []string) map[string]outcome[cveEntry] {
	return inBatches(ctx, e, ids,
		func(ctx context.Context, batch []string) (map[string]outcome[cveEntry], error) {
			sets := make(map[string]*cveEntry, len(batch))
			for _, id := range batch {
				sets[id] = &cveEntry{recs: []model.KBRecord{}}
			}
			var all []model.KBRecord

			page, err := e.client.KnowledgeBase(ctx, qualys.KBQuery{CVEs: batch},
				func(v qualys.Vuln) error {
					rec := toKBRecord(v)
					all = append(all, rec)
					for _, cve := range v.CVEs {
						if s, ok := sets[strings.ToUpper(strings.TrimSpace(cve))]; ok {
							s.recs = append(s.recs, rec)
						}
					}

					return nil
				})
			if err != nil {
				return nil, fmt.Errorf("list knowledgebase by cve: %w", err)
			}

			q := e.cacheQuery(kindKBQID, e.opts.CacheTTL.KnowledgeBase.Std(), false)
			for i := range all {
				e.cache.put(q.prefix+itoa(all[i].QID), kbEntry{rec: &all[i]}, q.ttl)
			}

			out := make(map[string]outcome[cveEntry], len(batch))
			for id, s := range sets {
				s.truncated = page.Truncated
				out[id] = outcome[cveEntry]{val: *s}
			}

			return out, nil
		})
}
