package lookup

import (
	"strings"
	"time"

	"github.com/qlens/qlens/internal/model"
	"github.com/qlens/qlens/internal/qualys"
)

// toHost converts a Qualys host with the detections that concern the entity.
func toHost(h qualys.Host, dets []qualys.Detection) model.Host {
	out := model.Host{
		ID:             h.ID,
		AssetID:        h.AssetID,
		IP:             h.IP,
		IPv6:           h.IPv6,
		DNS:            firstNonEmpty(h.DNS, h.FQDN),
		NetBIOS:        h.NetBIOS,
		OS:             h.OS,
		TrackingMethod: h.TrackingMethod,
		LastScan:       timePtr(h.LastScan),
		Detections:     make([]model.Detection, 0, len(dets)),
	}
	for _, d := range dets {
		out.Detections = append(out.Detections, toDetection(d))
	}

	return out
}

// recordToHost is a host of the host list: known to Qualys, with no open detection.
func recordToHost(h qualys.HostRecord) model.Host {
	return model.Host{
		ID:             h.ID,
		AssetID:        h.AssetID,
		IP:             h.IP,
		IPv6:           h.IPv6,
		DNS:            firstNonEmpty(h.DNS, h.FQDN),
		NetBIOS:        h.NetBIOS,
		OS:             h.OS,
		TrackingMethod: h.TrackingMethod,
		LastScan:       timePtr(h.LastScan),
		Detections:     []model.Detection{},
	}
}

func toDetection(d qualys.Detection) model.Detection {
	factors := make([]model.QDSFactor, 0, len(d.QDSFactors))
	for _, f := range d.QDSFactors {
		factors = append(factors, model.QDSFactor{Name: f.Name, Value: f.Value})
	}

	return model.Detection{
		QID:         d.QID,
		Type:        d.Type,
		Severity:    d.Severity,
		Status:      d.Status,
		Port:        d.Port,
		Protocol:    d.Protocol,
		SSL:         d.SSL,
		QDS:         d.QDS,
		QDSSeverity: d.QDSSeverity,
		QDSFactors:  factors,
		FirstFound:  timePtr(d.FirstFound),
		LastFound:   timePtr(d.LastFound),
		TimesFound:  d.TimesFound,
		Results:     d.Results,
		Ignored:     d.Ignored,
		Disabled:    d.Disabled,
	}
}

// toKBRecord converts a VULN and sanitises its HTML, once.
func toKBRecord(v qualys.Vuln) model.KBRecord {
	cves := make([]string, 0, len(v.CVEs))
	for _, c := range v.CVEs {
		cves = append(cves, strings.ToUpper(strings.TrimSpace(c)))
	}

	return model.KBRecord{
		QID:         v.QID,
		Title:       v.Title,
		Severity:    v.Severity,
		VulnType:    v.VulnType,
		Category:    v.Category,
		Patchable:   v.Patchable,
		Published:   timePtr(v.Published),
		Modified:    timePtr(v.Modified),
		CVEs:        cves,
		CVSSBase:    v.CVSSBase,
		CVSS3Base:   v.CVSS3Base,
		ThreatIntel: append([]string{}, v.ThreatIntel...),
		Diagnosis:   sanitizeHTML(v.Diagnosis),
		Consequence: sanitizeHTML(v.Consequence),
		Solution:    sanitizeHTML(v.Solution),
	}
}

func toScan(s qualys.Scan) model.Scan {
	return model.Scan{
		Ref:           s.Ref,
		Title:         s.Title,
		State:         s.State,
		SubState:      s.SubState,
		Type:          s.Type,
		Launched:      timePtr(s.Launched),
		Duration:      s.Duration,
		User:          s.User,
		Target:        s.Target,
		OptionProfile: s.OptionProfile,
	}
}

// timePtr is t in UTC, nil when unknown.
func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()

	return &u
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}

	return b
}
