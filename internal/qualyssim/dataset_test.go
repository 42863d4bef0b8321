package qualyssim

import (
	"bytes"
	"net/url"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDeterministicBySeed(t *testing.T) {
	t.Parallel()

	pull := func(seed int64) []byte {
		_, ts, _ := setup(t, Config{Seed: seed})
		_, body := do(t, ts, call{path: "/api/5.0/fo/asset/host/vm/detection/",
			form: url.Values{"action": {"list"}, "truncation_limit": {"0"}, "show_igs": {"1"}}})

		// DOCTYPE and WARNING URLs carry the listener's port: compare from the root element on.
		return body[bytes.Index(body, []byte("<HOST_LIST_VM_DETECTION_OUTPUT>")):]
	}

	a, b, c := pull(7), pull(7), pull(8)
	if !bytes.Equal(a, b) {
		t.Error("same seed gave different HLD bodies")
	}

	if bytes.Equal(a, c) {
		t.Error("different seeds gave the same HLD body")
	}
}

func TestDemoValues(t *testing.T) {
	t.Parallel()

	for _, seed := range []int64{0, 1, 42} {
		s, err := New(Config{Seed: seed, Hosts: MinHosts, Clock: newFakeClock().Now})
		if err != nil {
			t.Fatalf("New: %v", err)
		}

		d := s.Dataset()
		dv := d.DemoValues()
		t.Logf("seed %d: %+v", seed, dv)

		if diff := cmp.Diff([]int{376157, 376160, 730297}, dv.CVEQIDs); diff != "" {
			t.Errorf("seed %d: CVE QIDs (-want +got):\n%s", seed, diff)
		}

		if _, ok := d.Vuln(DemoQID); !ok || dv.QIDHosts < 3 {
			t.Errorf("seed %d: QID %d in KB %v, on %d hosts", seed, DemoQID, ok, dv.QIDHosts)
		}

		for _, q := range dv.CVEQIDs {
			if len(d.HostsWithQID(q)) == 0 {
				t.Errorf("seed %d: CVE QID %d detected nowhere", seed, q)
			}
		}

		host, _ := d.HostByIP(mustAddr(DemoIP))
		maxSev := slices.MaxFunc(host.Detections, func(a, b Detection) int {
			return int(a.Severity) - int(b.Severity)
		}).Severity

		if len(host.Detections) < 5 || maxSev != 5 {
			t.Errorf("seed %d: %s has %d detections, max severity %d", seed, DemoIP,
				len(host.Detections), maxSev)
		}

		for _, ip := range []string{DemoIPFirst, DemoIPTen, DemoIPv6} {
			if _, ok := d.HostByIP(mustAddr(ip)); !ok {
				t.Errorf("seed %d: no host %s", seed, ip)
			}
		}

		if dv.DomainHosts < 4 {
			t.Errorf("seed %d: %d hosts in %s", seed, dv.DomainHosts, DemoDomain)
		}
	}
}

func TestUniqueAddressesAndAscendingIDs(t *testing.T) {
	t.Parallel()

	s, err := New(Config{Hosts: 20_000, Clock: newFakeClock().Now})
	if err != nil {
		t.Fatalf("New: %v", err)
	}

	hosts := s.Dataset().Hosts()
	seen := map[string]bool{}

	for i, h := range hosts {
		if i > 0 && h.ID <= hosts[i-1].ID {
			t.Fatalf("IDs not ascending at %d", i)
		}

		for _, a := range []string{h.IP.String(), h.IPv6.String()} {
			if a != "invalid IP" && seen[a] {
				t.Fatalf("address %s used twice", a)
			}

			seen[a] = true
		}
	}
}

func TestHundredThousandHosts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 100,000-host dataset")
	}

	t.Parallel()

	_, ts, _ := setup(t, Config{Hosts: 100_000})
	form := url.Values{"action": {"list"}, "details": {"None"}, "truncation_limit": {"0"}}
	_, body := do(t, ts, call{path: "/api/5.0/fo/asset/host/", form: form})

	if got := len(decodeHLD(t, body).IDs); got != 100_000 {
		t.Errorf("ID_SET has %d IDs, want 100000", got)
	}
}
