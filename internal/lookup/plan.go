package lookup

import (
	"strconv"

	"github.com/qlens/qlens/internal/extract"
)

// plan is what a batch of entities needs from Qualys, each key once, in order of first need.
// Every list becomes one call (or one call per BatchSize keys) whatever the number of entities
// that share it; only the asset search goes per domain, as QPS takes one name per search.
type plan struct {
	ipv4    []string // detections (ips=) and scan history (target=)
	ipv6    []string // detections (ipv6=)
	domains []string // asset search, then detections by host id (ids=)
	cves    []string // KB by CVE (cve=), then detections of the QIDs found (qids=)
	qids    []string // KB by QID (ids=) and detections (qids=); canonical integer text
}

// newPlan gathers the keys of the entities that are looked up; skipped ones need nothing.
func newPlan(ents []extract.Entity) plan {
	var p plan
	seen := make(map[string]bool)
	add := func(list *[]string, kind, key string) {
		if !seen[kind+key] {
			seen[kind+key] = true
			*list = append(*list, key)
		}
	}

	for _, ent := range ents {
		if ent.Skip != "" {
			continue
		}

		switch ent.Type {
		case extract.IPv4:
			add(&p.ipv4, "4", ent.Value)
		case extract.IPv6:
			add(&p.ipv6, "6", ent.Value)
		case extract.Domain:
			add(&p.domains, "d", ent.Value)
		case extract.CVE:
			add(&p.cves, "c", ent.Value)
		case extract.QID, extract.CustomQID:
			if key, ok := qidKey(ent.Value); ok {
				add(&p.qids, "q", key)
			}
		}
	}

	return p
}

// qidKey is the cache and plan key of QID digits: the integer, so "00091" and "91" are one.
func qidKey(digits string) (string, bool) {
	n, err := parseQID(digits)
	if err != nil {
		return "", false
	}

	return strconv.Itoa(n), true
}

// batches splits keys into runs of at most size.
func batches[T any](keys []T, size int) [][]T {
	size = max(size, 1)
	out := make([][]T, 0, (len(keys)+size-1)/size)
	for len(keys) > size {
		out = append(out, keys[:size:size])
		keys = keys[size:]
	}
	if len(keys) > 0 {
		out = append(out, keys)
	}

	return out
}

// union appends to a the keys of b it lacks, keeping a's order first.
func union(a, b []string) []string {
	seen := make(map[string]bool, len(a)+len(b))
	out := make([]string, 0, len(a)+len(b))
	for _, list := range [][]string{a, b} {
		for _, k := range list {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}

	return out
}

// atoiKeys turns canonical integer keys back into integers; a bad key is dropped.
func atoiKeys(keys []string) []int {
	out := make([]int, 0, len(keys))
	for _, k := range keys {
		if n, err := strconv.Atoi(k); err == nil {
			out = append(out, n)
		}
	}

	return out
}

// atoi64Keys is atoiKeys for host ids.
func atoi64Keys(keys []string) []int64 {
	out := make([]int64, 0, len(keys))
	for _, k := range keys {
		if n, err := strconv.ParseInt(k, 10, 64); err == nil {
			out = append(out, n)
		}
	}

	return out
}
