package lookup

import (
	"fmt"
	"slices"
	"strings"

	"github.com/qlens/qlens/internal/extract"
	"github.com/qlens/qlens/internal/model"
)

// summary gives the short tags of a result: the seed's "Host Detections: N" (hosts), "KB
// Records: N" and "Scans: N", plus the detections on those hosts counted apart, the
// urgent ones (severity 4 and 5) apart, "at least" when a page cap cut a list, and no count
// at all for a source that failed (a zero there would be a lie).
func summary(typ extract.Type, r model.Result, failed map[string]bool) []string {
	tags := []string{}
	count := func(label string, n int, list string) string {
		if r.Truncated[list] {
			return fmt.Sprintf("%s: at least %d", label, n)
		}

		return fmt.Sprintf("%s: %d", label, n)
	}

	if (typ == extract.CVE || typ == extract.QID || typ == extract.CustomQID) &&
		!failed[model.SourceKnowledgeBase] {
		tags = append(tags, count("KB Records", len(r.KnowledgeBaseRecords),
			model.ListKnowledgeBase))
	}

	if !failed[model.SourceDetections] && !failed[model.SourceHostSearch] {
		dets, urgent := 0, 0
		for _, h := range r.HostDetections {
			dets += len(h.Detections)
			for _, d := range h.Detections {
				if d.Severity >= 4 {
					urgent++
				}
			}
		}
		tags = append(tags, count("Host Detections", len(r.HostDetections), model.ListHostDetections),
			count("Detections", dets, model.ListHostDetections))
		if urgent > 0 {
			tags = append(tags, count("Sev 4-5", urgent, model.ListHostDetections))
		}
	}

	if typ == extract.IPv4 && !failed[model.SourceScans] {
		tags = append(tags, count("Scans", len(r.Scans), model.ListScans))
	}

	if len(failed) > 0 {
		var sources []string
		for s := range failed {
			sources = append(sources, s)
		}
		slices.Sort(sources)
		tags = append(tags, "Failed: "+strings.Join(sources, ", "))
	}

	return tags
}
