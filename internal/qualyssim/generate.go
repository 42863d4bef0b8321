package qualyssim

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// osChoice is an OS string and the detection family it belongs to.
type osChoice struct{ name, family string }

var osChoices = []osChoice{
	{"Windows Server 2019 Datacenter 10.0.17763", "win"}, {"Windows Server 2016 Standard", "win"},
	{"Windows 10 Enterprise 22H2", "win"}, {"Windows 11 Enterprise 23H2", "win"},
	{"Ubuntu 22.04.4 LTS", "linux"}, {"Ubuntu 20.04.6 LTS", "linux"},
	{"Red Hat Enterprise Linux 8.9", "linux"}, {"CentOS Linux 7.9.2009", "linux"},
	{"Debian GNU/Linux 12", "linux"}, {"Amazon Linux 2", "linux"},
	{"Cisco IOS XE 16.9.4", "net"}, {"VMware ESXi 7.0.3", "linux"},
}

var hostPrefixes = map[string][]string{
	"win":   {"ws", "file", "print", "sql", "exch", "rdp"},
	"linux": {"web", "app", "db", "k8s-node", "cache", "mq", "jump"},
	"net":   {"rtr", "sw", "fw"},
}

// domainChoices weights the DNS domains of generated hosts ("" = no DNS name).
var domainChoices = []struct {
	domain string
	weight int
}{
	{"corp.example.com", 36}, {"lab.corp.example.com", 4}, {"prod.example.net", 25},
	{"dev.example.org", 15}, {"notcorp.example.com", 5}, {"", 15},
}

// ipAllocator hands out unique IPv4 addresses per region, skipping .0 and .255.
type ipAllocator struct{ next [4]uint32 }

func newIPAllocator() *ipAllocator {
	return &ipAllocator{next: [4]uint32{
		v4(netip.MustParseAddr("10.1.0.1")), v4(netip.MustParseAddr("192.168.0.1")),
		v4(netip.MustParseAddr("172.16.0.1")), v4(netip.MustParseAddr("198.51.100.1")),
	}}
}

func (a *ipAllocator) take(region int) netip.Addr {
	if region == 3 && a.next[3] > v4(netip.MustParseAddr("198.51.100.254")) {
		region = 0 // the documentation range is small; overflow into 10/8
	}

	if region == 1 && a.next[1] > v4(netip.MustParseAddr("192.168.255.254")) {
		region = 2
	}

	u := a.next[region]
	for u&0xff == 0 || u&0xff == 0xff {
		u++
	}

	a.next[region] = u + 1

	return v4Addr(u)
}

// buildDataset generates n hosts from seed; every date is relative to anchor.
func buildDataset(seed int64, n int, anchor time.Time) *Dataset {
	d := &Dataset{hosts: make([]Host, n), byIP: make(map[netip.Addr]int, n), kb: newKnowledgeBase(),
		anchor: anchor}
	ips := newIPAllocator()
	uniq := int64(5_000_000_000)

	for i := range n {
		rng := rand.New(rand.NewPCG(uint64(seed), uint64(i)))
		h := &d.hosts[i]
		h.ID = 110_000_000 + int64(i)*16 + rng.Int64N(16)
		h.AssetID = 41_000_000 + int64(i)*8 + rng.Int64N(8)
		h.LastScan = anchor.Add(-time.Duration(1+rng.IntN(20*24)) * time.Hour).Unix()
		h.ScanSeconds = int32(120 + rng.IntN(3000))

		if p, ok := pinnedHosts[i]; ok {
			d.fillPinned(h, p, rng, &uniq)
		} else {
			d.fillRandom(h, rng, ips, &uniq, i)
		}

		if h.IP.IsValid() {
			d.byIP[h.IP] = i
		}

		if h.IPv6.IsValid() {
			d.byIP[h.IPv6] = i
		}
	}

	return d
}

func (d *Dataset) fillPinned(h *Host, p pinnedHost, rng *rand.Rand, uniq *int64) {
	if p.ip != "" {
		h.IP = netip.MustParseAddr(p.ip)
	}

	if p.ipv6 != "" {
		h.IPv6 = netip.MustParseAddr(p.ipv6)
	}

	h.Hostname, h.Domain, h.NetBIOS, h.OS, h.TrackingMethod =
		p.hostname, p.domain, p.netbios, p.os, p.tracking

	for _, pd := range p.dets {
		v := d.kb.byQID[int(pd.qid)]
		spec := portSpec{port: pd.port, ssl: pd.ssl}

		if pd.port != 0 {
			spec.proto = ProtoTCP
		}

		h.Detections = append(h.Detections, newDetection(v, spec, pd.status, h.LastScan, rng, uniq))
	}
}

func (d *Dataset) fillRandom(h *Host, rng *rand.Rand, ips *ipAllocator, uniq *int64, i int) {
	osc := osChoices[rng.IntN(len(osChoices))]
	h.OS = osc.name

	switch r := rng.IntN(100); {
	case r < 68:
		h.IP = ips.take(0)
	case r < 83:
		h.IP = ips.take(1)
	case r < 95:
		h.IP = ips.take(2)
	default:
		h.IP = ips.take(3)
	}

	if rng.IntN(100) < 8 {
		h.IPv6 = netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 0x01, 0x00, 12: byte(i >> 24),
			13: byte(i >> 16), 14: byte(i >> 8), 15: byte(i)})
	}

	h.Domain = pickDomain(rng)
	h.TrackingMethod = "IP"

	if h.Domain != "" {
		prefixes := hostPrefixes[osc.family]
		h.Hostname = prefixes[rng.IntN(len(prefixes))] + "-" + strconv.Itoa(i)
		h.TrackingMethod = [...]string{"IP", "IP", "DNS", "QAGENT"}[rng.IntN(4)]

		if osc.family == "win" {
			h.NetBIOS = strings.ToUpper(h.Hostname)
			if rng.IntN(3) == 0 {
				h.TrackingMethod = "NETBIOS"
			}
		}
	}

	d.addRandomDetections(h, osc.family, rng, uniq)
}

func pickDomain(rng *rand.Rand) string {
	r := rng.IntN(100)
	for _, c := range domainChoices {
		if r < c.weight {
			return c.domain
		}

		r -= c.weight
	}

	return ""
}

// addRandomDetections gives h 2-8 vulnerabilities fitting its OS and roles, plus the usual
// Information Gathered QIDs.
func (d *Dataset) addRandomDetections(h *Host, family string, rng *rand.Rand, uniq *int64) {
	roles := map[string]bool{"any": true, family: true, "tls": rng.IntN(10) < 8,
		"web": rng.IntN(2) == 0, "java": rng.IntN(100) < 7}

	var pool []*Vuln

	for _, q := range d.kb.qids {
		if v := d.kb.byQID[q]; roles[v.family] {
			pool = append(pool, v)
		}
	}

	rng.Shuffle(len(pool), func(a, b int) { pool[a], pool[b] = pool[b], pool[a] })

	for _, v := range pool[:min(len(pool), 2+rng.IntN(7))] {
		spec := portSpec{}
		if len(v.ports) > 0 {
			spec = v.ports[rng.IntN(len(v.ports))]
		}

		h.Detections = append(h.Detections, newDetection(v, spec, randomStatus(rng), h.LastScan, rng, uniq))

		if v.family == "tls" && spec.port == 443 && rng.IntN(4) == 0 {
			second := portSpec{8443, ProtoTCP, true}
			h.Detections = append(h.Detections, newDetection(v, second, StatusActive, h.LastScan, rng, uniq))
		}
	}

	for _, q := range []int{6, 45017, 45038} {
		if q == 6 && h.Hostname == "" {
			continue
		}

		h.Detections = append(h.Detections,
			newDetection(d.kb.byQID[q], portSpec{}, StatusActive, h.LastScan, rng, uniq))
	}

	slices.SortStableFunc(h.Detections, func(a, b Detection) int {
		if a.QID != b.QID {
			return int(a.QID - b.QID)
		}

		return int(a.Port) - int(b.Port)
	})
}

func randomStatus(rng *rand.Rand) DetectionStatus {
	switch r := rng.IntN(100); {
	case r < 70:
		return StatusActive
	case r < 82:
		return StatusNew
	case r < 88:
		return StatusReopened
	default:
		return StatusFixed
	}
}

// newDetection builds one detection of v found by the scan at lastScan.
func newDetection(v *Vuln, spec portSpec, st DetectionStatus, lastScan int64, rng *rand.Rand,
	uniq *int64) Detection {
	*uniq++
	det := Detection{UniqueID: *uniq, QID: int32(v.QID), Severity: uint8(v.Severity),
		Type: v.detectionType(), Status: st, Port: spec.port, Protocol: spec.proto, SSL: spec.ssl,
		TimesFound: int32(1 + rng.IntN(400))}
	det.FirstFound = lastScan - int64(rng.IntN(500*24))*3600
	det.LastFound = lastScan

	if st == StatusFixed {
		det.LastFound = lastScan - int64(1+rng.IntN(30))*86400
		det.LastFixed = lastScan
	}

	if det.Type != TypeInfo {
		det.QDS = uint8(min(100, v.Severity*18+len(v.ThreatIntel)*2+rng.IntN(8)))
	}

	return det
}
