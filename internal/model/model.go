// Package model holds the JSON shapes of qlens's public contract: what `qlens lookup --json` prints
// and what the HTTP API returns. Field names are camelCase; absent data is an empty list, never
// null; times are RFC 3339 UTC.
package model

import (
	"time"

	"github.com/qlens/qlens/internal/extract"
)

// Lookup is the answer to one lookup request.
type Lookup struct {
	Results []Result `json:"results"`
	Stats   Stats    `json:"stats"`
}

// Stats tells what a lookup cost.
type Stats struct {
	APICalls  int   `json:"apiCalls"`
	CacheHits int   `json:"cacheHits"`
	ElapsedMs int64 `json:"elapsedMs"`
}

// Result is everything qlens knows about one entity.
type Result struct {
	Entity               extract.Entity  `json:"entity"`
	Summary              []string        `json:"summary"`
	HostDetections       []Host          `json:"hostDetections"`
	KnowledgeBaseRecords []KBRecord      `json:"knowledgeBaseRecords"`
	Scans                []Scan          `json:"scans"`
	Truncated            map[string]bool `json:"truncated,omitempty"`
	Errors               []SourceError   `json:"errors"`
}

// Sources of data, as named in SourceError.Source and as keys of Result.Truncated.
const (
	SourceDetections    = "detections"
	SourceKnowledgeBase = "knowledgeBase"
	SourceScans         = "scans"
	SourceHostSearch    = "hostSearch"
)

// Keys of Result.Truncated.
const (
	ListHostDetections = "hostDetections"
	ListKnowledgeBase  = "knowledgeBaseRecords"
	ListScans          = "scans"
)

// SourceError reports that one source failed for this entity; the other sources keep their data.
type SourceError struct {
	Source  string `json:"source"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message"`
}

// Host is a Qualys host and the detections that concern the entity.
type Host struct {
	ID             int64       `json:"id"`
	AssetID        int64       `json:"assetId,omitempty"`
	IP             string      `json:"ip"`
	IPv6           string      `json:"ipv6,omitempty"`
	DNS            string      `json:"dns,omitempty"`
	NetBIOS        string      `json:"netbios,omitempty"`
	OS             string      `json:"os,omitempty"`
	TrackingMethod string      `json:"trackingMethod,omitempty"`
	LastScan       *time.Time  `json:"lastScan,omitempty"`
	Detections     []Detection `json:"detections"`
}

// Detection is one QID found on a host (on one port, when it has one).
type Detection struct {
	QID         int         `json:"qid"`
	Type        string      `json:"type"`
	Severity    int         `json:"severity"`
	Title       string      `json:"title,omitempty"` // the QID's KnowledgeBase title, when known
	Status      string      `json:"status"`
	Port        int         `json:"port,omitempty"`
	Protocol    string      `json:"protocol,omitempty"`
	SSL         bool        `json:"ssl"`
	QDS         int         `json:"qds,omitempty"`
	QDSSeverity string      `json:"qdsSeverity,omitempty"`
	QDSFactors  []QDSFactor `json:"qdsFactors"`
	FirstFound  *time.Time  `json:"firstFound,omitempty"`
	LastFound   *time.Time  `json:"lastFound,omitempty"`
	TimesFound  int         `json:"timesFound"`
	Results     string      `json:"results,omitempty"`
	Ignored     bool        `json:"ignored"`
	Disabled    bool        `json:"disabled"`
}

// QDSFactor is one contributing factor of a Qualys Detection Score.
type QDSFactor struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// KBRecord is a KnowledgeBase vulnerability. Diagnosis, Consequence and Solution are sanitised HTML.
type KBRecord struct {
	QID         int        `json:"qid"`
	Title       string     `json:"title"`
	Severity    int        `json:"severity"`
	VulnType    string     `json:"vulnType"`
	Category    string     `json:"category"`
	Patchable   bool       `json:"patchable"`
	Published   *time.Time `json:"published,omitempty"`
	Modified    *time.Time `json:"modified,omitempty"`
	CVEs        []string   `json:"cves"`
	CVSSBase    float64    `json:"cvssBase,omitempty"`
	CVSS3Base   float64    `json:"cvss3Base,omitempty"`
	ThreatIntel []string   `json:"threatIntel"`
	Diagnosis   string     `json:"diagnosis"`
	Consequence string     `json:"consequence"`
	Solution    string     `json:"solution"`
}

// Scan is one VM scan that touched the entity.
type Scan struct {
	Ref           string     `json:"ref"`
	Title         string     `json:"title"`
	State         string     `json:"state"`
	SubState      string     `json:"subState,omitempty"`
	Type          string     `json:"type"`
	Launched      *time.Time `json:"launched,omitempty"`
	Duration      string     `json:"duration,omitempty"`
	User          string     `json:"user"`
	Target        string     `json:"target"`
	OptionProfile string     `json:"optionProfile,omitempty"`
}

// ScanLaunch is the answer to a scan launch.
type ScanLaunch struct {
	Ref     string `json:"ref"`
	ID      int64  `json:"id"`
	Title   string `json:"title"`
	Message string `json:"message"`
}
