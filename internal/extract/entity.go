// Package extract finds the indicators qlens looks up (IPv4 and IPv6 addresses, domains, CVE IDs,
// Qualys QIDs and an organisation's own QID formats) in arbitrary text, in one pass and without I/O.
package extract

// Type names the kind of an indicator. Its string values are part of the public JSON contract.
type Type string

// The indicator types qlens knows. CustomQID exists only when an admin configures its pattern.
const (
	IPv4      Type = "IPv4"
	IPv6      Type = "IPv6"
	Domain    Type = "domain"
	CVE       Type = "cve"
	QID       Type = "qid"
	CustomQID Type = "customQid"
)

// Span is a half-open byte range [start, end) of one occurrence in the input.
type Span [2]int

// Skip reasons: why an entity is reported but not looked up.
const (
	SkipUnspecified = "unspecified" // 0.0.0.0, ::
	SkipBroadcast   = "broadcast"   // 255.255.255.255
	SkipLoopback    = "loopback"    // 127.0.0.0/8, ::1
	SkipMulticast   = "multicast"   // 224.0.0.0/4, ff00::/8
	SkipIgnored     = "ignored"     // on the admin's ignore list (set by the lookup, not here)
)

// Entity is one distinct indicator found in a text, with every place it occurs.
//
// Value is canonical: the address in its standard form, a lower-case domain, an upper-case CVE
// ID, the QID digits as extracted. Raw is the first occurrence as written. Spans lists the byte
// offsets of every occurrence, in order. Skip is set only when no lookup will be made.
type Entity struct {
	Type  Type   `json:"type"`
	Value string `json:"value"`
	Raw   string `json:"raw"`
	Spans []Span `json:"spans"`
	Skip  string `json:"skip,omitempty"`
}
