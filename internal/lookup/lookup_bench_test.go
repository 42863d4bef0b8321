package lookup

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/qlens/qlens/internal/config"
	"github.com/qlens/qlens/internal/extract"
	"github.com/qlens/qlens/internal/qualyssim"
)

// benchLatency delays every simulator answer so that round trips dominate, as with Qualys.
const benchLatency = 20 * time.Millisecond

// mixedBatch is 10 IPv4, 2 IPv6, 3 domains, 3 CVEs, 3 QIDs and 1 custom QID.
func mixedBatch() []EntityRef {
	var refs []EntityRef
	for _, ip := range []string{"10.0.0.1", "10.0.0.5", "10.0.0.10", "10.0.0.20", "192.0.2.44",
		"10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.6", "10.0.0.7"} {
		refs = append(refs, EntityRef{extract.IPv4, ip})
	}
	refs = append(refs,
		EntityRef{extract.IPv6, qualyssim.DemoIPv6}, EntityRef{extract.IPv6, "2001:db8::99"},
		EntityRef{extract.Domain, "corp.example.com"}, EntityRef{extract.Domain, "notcorp.example.com"},
		EntityRef{extract.Domain, "prod.example.net"},
		EntityRef{extract.CVE, "CVE-2021-44228"}, EntityRef{extract.CVE, "CVE-2014-0160"},
		EntityRef{extract.CVE, "CVE-2017-0144"},
		EntityRef{extract.QID, "38623"}, EntityRef{extract.QID, "91688"}, EntityRef{extract.QID, "6"},
		EntityRef{extract.CustomQID, "00042430"})

	return refs
}

func benchOptions(b *testing.B) config.Options {
	b.Helper()

	_, opts := startSim(b, qualyssim.Config{Latency: benchLatency})

	return opts
}

// BenchmarkLookupMixedBatch measures one cold lookup (fresh cache) and one warm repeat of the
// mixed batch, reporting API calls of each and the cold and warm elapsed time.
func BenchmarkLookupMixedBatch(b *testing.B) {
	opts := benchOptions(b)
	refs := mixedBatch()

	var cold, warm, coldMs, warmMs int64
	for b.Loop() {
		e, err := New(opts, Deps{})
		if err != nil {
			b.Fatalf("New: %v", err)
		}

		c, err := e.Lookup(b.Context(), Request{Entities: refs})
		if err != nil {
			b.Fatalf("cold Lookup: %v", err)
		}
		w, err := e.Lookup(b.Context(), Request{Entities: refs})
		if err != nil {
			b.Fatalf("warm Lookup: %v", err)
		}
		cold += int64(c.Stats.APICalls)
		warm += int64(w.Stats.APICalls)
		coldMs += c.Stats.ElapsedMs
		warmMs += w.Stats.ElapsedMs
	}

	n := float64(b.N)
	b.ReportMetric(float64(cold)/n, "api-calls-cold")
	b.ReportMetric(float64(warm)/n, "api-calls-warm")
	b.ReportMetric(float64(coldMs)/n, "ms-cold")
	b.ReportMetric(float64(warmMs)/n, "ms-warm")
}

// BenchmarkLookupIPv4Scaling reports the API calls of a cold lookup of n IPv4 addresses: they
// stay flat (one detection and one scan-list call per BatchSize addresses).
func BenchmarkLookupIPv4Scaling(b *testing.B) {
	opts := benchOptions(b)

	for _, n := range []int{1, 10, 100, 1000} {
		b.Run(fmt.Sprintf("ips=%d", n), func(b *testing.B) {
			refs := make([]EntityRef, n)
			base := netip.MustParseAddr("10.0.0.1")
			for i := range refs {
				refs[i] = EntityRef{extract.IPv4, base.String()}
				base = base.Next()
			}

			var calls int64
			for b.Loop() {
				e, err := New(opts, Deps{})
				if err != nil {
					b.Fatalf("New: %v", err)
				}
				l, err := e.Lookup(b.Context(), Request{Entities: refs})
				if err != nil {
					b.Fatalf("Lookup: %v", err)
				}
				calls += int64(l.Stats.APICalls)
			}
			b.ReportMetric(float64(calls)/float64(b.N), "api-calls")
		})
	}
}
