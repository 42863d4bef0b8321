package lookup

import (
	"cmp"
	"slices"

	"github.com/qlens/qlens/internal/extract"
	"github.com/qlens/qlens/internal/model"
)

// resultBuilder gathers one entity's data by exact keys, then shapes it.
type resultBuilder struct {
	res       model.Result
	keepHosts bool // an address or domain entity shows its hosts even with no detection left
	failed    map[string]bool
}

// results correlates the fetched answers to each entity, in the order of ents, and gives
// every detection the title of its QID when the KnowledgeBase returned one.
func (e *Engine) results(ents []extract.Entity, f *fetched) []model.Result {
	titles := f.kbTitles()
	out := make([]model.Result, len(ents))
	for i, ent := range ents {
		out[i] = e.result(ent, f)
		for _, h := range out[i].HostDetections {
			for k := range h.Detections {
				h.Detections[k].Title = titles[h.Detections[k].QID]
			}
		}
	}

	return out
}

func (e *Engine) result(ent extract.Entity, f *fetched) model.Result {
	b := &resultBuilder{res: emptyResult(ent), failed: map[string]bool{}}
	if ent.Skip != "" {
		b.res.Summary = []string{"Skipped: " + ent.Skip}

		return b.res
	}

	switch ent.Type {
	case extract.IPv4:
		b.keepHosts = true
		b.addHosts(f.det4, ent.Value)
		b.addScans(f.scans, ent.Value)
	case extract.IPv6:
		b.keepHosts = true
		b.addHosts(f.det6, ent.Value)
	case extract.Domain:
		b.keepHosts = true
		b.addDomain(f, ent.Value)
	case extract.CVE:
		b.addCVE(f, ent.Value)
	case extract.QID, extract.CustomQID:
		if key, ok := qidKey(ent.Value); ok {
			b.addKB(f.kbQID, key)
			b.addHosts(f.detQID, key)
		}
	}

	b.res.HostDetections = filterSeverity(b.res.HostDetections, e.opts.MinSeverity, b.keepHosts)
	b.res.Summary = summary(ent.Type, b.res, b.failed)

	return b.res
}

// emptyResult is a result with every list present and empty, never null.
func emptyResult(ent extract.Entity) model.Result {
	if ent.Spans == nil {
		ent.Spans = []extract.Span{}
	}

	return model.Result{
		Entity:               ent,
		Summary:              []string{},
		HostDetections:       []model.Host{},
		KnowledgeBaseRecords: []model.KBRecord{},
		Scans:                []model.Scan{},
		Errors:               []model.SourceError{},
	}
}

// addHosts merges the hosts filed under key, host by host id, so a CVE's QIDs found on one
// host make one host with all of those detections.
func (b *resultBuilder) addHosts(m map[string]outcome[hostSet], key string) {
	o, ok := m[key]
	if !ok {
		return
	}
	if o.err != nil {
		b.fail(model.SourceDetections, o.err)

		return
	}
	if o.val.truncated {
		b.truncate(model.ListHostDetections)
	}

	for _, h := range o.val.hosts {
		i := slices.IndexFunc(b.res.HostDetections, func(x model.Host) bool { return x.ID == h.ID })
		if i < 0 {
			h.Detections = slices.Clone(h.Detections)
			b.res.HostDetections = append(b.res.HostDetections, h)

			continue
		}
		b.res.HostDetections[i].Detections = append(b.res.HostDetections[i].Detections,
			h.Detections...)
	}
}

func (b *resultBuilder) addScans(m map[string]outcome[scanSet], key string) {
	o := m[key]
	if o.err != nil {
		b.fail(model.SourceScans, o.err)

		return
	}
	b.res.Scans = append(b.res.Scans, o.val.scans...)
}

func (b *resultBuilder) addKB(m map[string]outcome[kbEntry], key string) {
	o := m[key]
	if o.err != nil {
		b.fail(model.SourceKnowledgeBase, o.err)

		return
	}
	if o.val.truncated {
		b.truncate(model.ListKnowledgeBase)
	}
	if o.val.rec != nil {
		b.res.KnowledgeBaseRecords = append(b.res.KnowledgeBaseRecords, *o.val.rec)
	}
}

// addCVE gives a CVE the KB records whose CVE list names it and the hosts carrying any of
// their QIDs, each detection labelled with its own QID. A cut KB answer may lack some of the
// CVE's QIDs, so the hosts are then "at least" too.
func (b *resultBuilder) addCVE(f *fetched, cve string) {
	o := f.kbCVE[cve]
	if o.err != nil {
		b.fail(model.SourceKnowledgeBase, o.err)
		b.fail(model.SourceDetections, errCVEUnresolved)

		return
	}
	if o.val.truncated {
		b.truncate(model.ListKnowledgeBase)
		b.truncate(model.ListHostDetections)
	}

	b.res.KnowledgeBaseRecords = append(b.res.KnowledgeBaseRecords, o.val.recs...)
	for _, rec := range o.val.recs {
		b.addHosts(f.detQID, itoa(rec.QID))
	}
	slices.SortStableFunc(b.res.HostDetections, func(x, y model.Host) int {
		return cmp.Compare(x.ID, y.ID)
	})
}

// addDomain gives a domain the hosts its search found, with all their detections.
func (b *resultBuilder) addDomain(f *fetched, domain string) {
	o := f.domains[domain]
	if o.err != nil {
		b.fail(model.SourceHostSearch, o.err)

		return
	}
	if o.val.truncated {
		b.truncate(model.ListHostDetections)
	}

	for _, id := range o.val.ids {
		b.addHosts(f.detHost, itoa64(id))
	}
}

func (b *resultBuilder) truncate(list string) {
	if b.res.Truncated == nil {
		b.res.Truncated = map[string]bool{}
	}
	b.res.Truncated[list] = true
}

// fail records that source failed for this entity, once per source.
func (b *resultBuilder) fail(source string, err error) {
	if b.failed[source] {
		return
	}
	b.failed[source] = true
	b.res.Errors = append(b.res.Errors, sourceError(source, err))
}

// bySeverity orders detections most severe first, then by QID and port, so the urgent ones
// lead in every face.
func bySeverity(x, y model.Detection) int {
	if c := cmp.Compare(y.Severity, x.Severity); c != 0 {
		return c
	}
	if c := cmp.Compare(x.QID, y.QID); c != 0 {
		return c
	}

	return cmp.Compare(x.Port, y.Port)
}

// filterSeverity drops detections below minSev, and hosts left with none unless keep, and
// orders the rest by severity. It builds new slices: the cached hosts are shared.
func filterSeverity(hosts []model.Host, minSev int, keep bool) []model.Host {
	out := make([]model.Host, 0, len(hosts))
	for _, h := range hosts {
		dets := make([]model.Detection, 0, len(h.Detections))
		for _, d := range h.Detections {
			if d.Severity >= minSev {
				dets = append(dets, d)
			}
		}
		if len(dets) == 0 && !keep {
			continue
		}
		slices.SortStableFunc(dets, bySeverity)
		h.Detections = dets
		out = append(out, h)
	}

	return out
}
