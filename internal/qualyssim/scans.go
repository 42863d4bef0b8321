package qualyssim

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// optionProfile is a scan option profile launch accepts by option_id or option_title.
type optionProfile struct {
	id    int
	title string
	def   bool
}

var optionProfiles = []optionProfile{
	{DemoOptionProfileID, DemoOptionProfile, true}, {43166, "Qualys Top 20 Options", false},
	{104233, "Log4Shell Discovery", false},
}

// Scan is one VM scan: history generated with the dataset, or launched through the API.
type Scan struct {
	ID            int64
	Ref           string // scan/<launch epoch>.<5 digits>
	Title         string
	Type          string // On-Demand, Scheduled or API
	User          string
	Launched      time.Time
	Target        string // comma-separated IPs and ranges, as TARGET shows it
	OptionProfile string
	DefaultFlag   bool
	Priority      string

	targets  ipv4Set
	live     bool          // launched: state follows the clock
	state    string        // history: fixed state
	subState string        // history: fixed sub-state
	duration time.Duration // history: fixed duration
	noHost   bool          // launched: no target IP is a known host
}

// scanStatus is a scan's state at one instant.
type scanStatus struct {
	state, subState, duration string
	processed                 bool
}

// status returns the state of sc at now; launched scans move Queued → Running → Loading →
// Finished on the compressed clock of speed (qualys-api.md §12).
func (sc *Scan) status(now time.Time, speed ScanSpeed) scanStatus {
	if !sc.live {
		st := scanStatus{state: sc.state, subState: sc.subState, duration: "Pending"}
		if sc.state != "Running" && sc.state != "Queued" {
			st.duration, st.processed = hms(sc.duration), sc.state != "Canceled"
		}

		return st
	}

	elapsed := now.Sub(sc.Launched)

	switch {
	case elapsed < speed.Queued:
		return scanStatus{state: "Queued", subState: "Launching", duration: "Pending"}
	case elapsed < speed.Queued+speed.Running:
		return scanStatus{state: "Running", duration: "Pending"}
	case elapsed < speed.Queued+speed.Running+speed.Loading:
		return scanStatus{state: "Loading", duration: "Pending"}
	}

	st := scanStatus{state: "Finished", processed: true,
		duration: hms(speed.Queued + speed.Running + speed.Loading)}
	if sc.noHost {
		st.subState = "No_Host"
	}

	return st
}

// hms formats a duration as the platform's HH:MM:SS (or "N days HH:MM:SS").
func hms(d time.Duration) string {
	s := int(d.Seconds())
	out := fmt.Sprintf("%02d:%02d:%02d", s/3600%24, s/60%60, s%60)

	if days := s / 86400; days > 0 {
		return fmt.Sprintf("%d days %s", days, out)
	}

	return out
}

// scanBook holds every scan, newest last.
type scanBook struct {
	mu     sync.Mutex
	scans  []*Scan
	nextID int64
	rng    *rand.Rand
}

// newScanBook builds the scan history: fixed demo scans touching 10.0.0.x plus generated ones.
func newScanBook(d *Dataset, seed int64) *scanBook {
	b := &scanBook{nextID: 1_780_000, rng: rand.New(rand.NewPCG(uint64(seed), 0x5ca9))}
	day := 24 * time.Hour

	type hist struct {
		title, typ, target, state, sub string
		ago, dur                       time.Duration
	}

	fixed := []hist{
		{"Log4Shell sweep", "On-Demand", "10.0.0.5, 10.0.0.10, 10.0.0.20", "Finished", "", 12 * day, 7 * time.Minute},
		{"Ad hoc 10.0.0.5", "On-Demand", "10.0.0.5", "Error", "", 9 * day, 6 * time.Second},
		{"DMZ perimeter", "Scheduled", "192.0.2.1-192.0.2.254", "Finished", "No_Vuln", 6 * day, 29 * time.Minute},
		{"Weekly corp internal", "Scheduled", "10.0.0.1-10.0.0.30", "Finished", "", 2 * day, 43 * time.Minute},
		{"Printer subnet", "On-Demand", "10.9.9.1-10.9.9.20", "Finished", "No_Host", day + 3*time.Hour, 27 * time.Second},
		{"Weekly corp internal (retry)", "Scheduled", "10.0.0.1-10.0.0.30", "Canceled", "", day, 4 * time.Minute},
		{"Nightly 10.1.0.0/24", "Scheduled", "10.1.0.1-10.1.0.254", "Running", "", 2 * time.Hour, 0},
	}

	for _, h := range fixed {
		b.add(d, &Scan{Title: h.title, Type: h.typ, Target: h.target, Launched: d.anchor.Add(-h.ago),
			state: h.state, subState: h.sub, duration: h.dur})
	}

	for i := range min(10+len(d.hosts)/200, 60) {
		host := &d.hosts[b.rng.IntN(len(d.hosts))]
		if !host.IP.IsValid() {
			continue
		}

		state := [...]string{"Finished", "Finished", "Finished", "Finished", "Finished", "Error"}[b.rng.IntN(6)]
		b.add(d, &Scan{Title: fmt.Sprintf("Vulnerability scan %s #%d", host.IP, i+1),
			Type: "On-Demand", Target: host.IP.String(), state: state,
			Launched: d.anchor.Add(-time.Duration(3+b.rng.IntN(27*24)) * time.Hour),
			duration: time.Duration(30+b.rng.IntN(1800)) * time.Second})
	}

	return b
}

// add completes sc (ID, REF, defaults), stores it and returns it. Callers hold no lock.
func (b *scanBook) add(d *Dataset, sc *Scan) *Scan {
	b.nextID++
	sc.ID = b.nextID
	sc.Ref = fmt.Sprintf("scan/%d.%05d", sc.Launched.Unix(), (sc.ID*7919)%100000)
	sc.targets, _ = parseIPv4Set("target", sc.Target)

	if sc.User == "" {
		sc.User = "qlens_ops"
	}

	if sc.OptionProfile == "" {
		sc.OptionProfile, sc.DefaultFlag = DemoOptionProfile, true
	}

	if sc.Priority == "" {
		sc.Priority = "0 - No Priority"
	}

	sc.noHost = !d.anyHostIn(sc.targets)
	b.scans = append(b.scans, sc)

	return sc
}

// anyHostIn reports whether any host's IPv4 address is in set.
func (d *Dataset) anyHostIn(set ipv4Set) bool {
	for _, r := range set {
		if r.hi-r.lo < 4096 {
			for u := r.lo; u <= r.hi; u++ {
				if _, ok := d.byIP[v4Addr(u)]; ok {
					return true
				}
			}

			continue
		}

		for a := range d.byIP {
			if set.contains(a) {
				return true
			}
		}
	}

	return false
}

// Scans returns a snapshot of every scan, oldest first.
func (s *Server) Scans() []Scan {
	s.scans.mu.Lock()
	defer s.scans.mu.Unlock()

	out := make([]Scan, len(s.scans.scans))
	for i, sc := range s.scans.scans {
		out[i] = *sc
	}

	return out
}

// targetString renders launch targets the way TARGET lists them.
func targetString(tokens []string) string {
	out := make([]string, 0, len(tokens))

	for _, t := range tokens {
		if a, err := netip.ParseAddr(t); err == nil {
			out = append(out, a.String())

			continue
		}

		out = append(out, t)
	}

	return strings.Join(out, ", ")
}
