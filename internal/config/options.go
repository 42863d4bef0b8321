// Package config holds qlens's options: the seven of the Polarity Qualys integration plus qlens's
// own, loaded from a YAML file and the environment (environment wins), with defaults set in one
// place and validation that answers every bad key at once.
package config

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"time"
)

// Secret is a password or token. It never prints, logs or marshals its value.
type Secret string

const redacted = "REDACTED"

// String implements fmt.Stringer.
func (s Secret) String() string { return redacted }

// GoString implements fmt.GoStringer, for %#v.
func (s Secret) GoString() string { return redacted }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON implements json.Marshaler; the value never leaves the process this way.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(redacted) }

// Reveal returns the secret's value, for the one place that must send it.
func (s Secret) Reveal() string { return string(s) }

// Duration is a time.Duration written as "90s" or "24h" in YAML and JSON.
type Duration time.Duration

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("parse duration %q: want a number with a unit, like 90s or 24h", b)
	}
	*d = Duration(v)

	return nil
}

// Std returns the value as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// CacheTTL sets how long each kind of Qualys answer is reused.
type CacheTTL struct {
	KnowledgeBase Duration `yaml:"knowledgeBase" json:"knowledgeBase"`
	Detections    Duration `yaml:"detections" json:"detections"`
	Scans         Duration `yaml:"scans" json:"scans"`
	Hosts         Duration `yaml:"hosts" json:"hosts"`
}

// Options are the admin-only settings. The first seven keep the meaning they have in the Polarity
// integration; the rest are qlens's own. The password is write-only: JSON never carries it.
type Options struct {
	URL                 string `yaml:"url" json:"url"`
	Username            string `yaml:"username" json:"username"`
	Password            Secret `yaml:"password" json:"-"`
	EnableScanLaunch    bool   `yaml:"enableScanLaunch" json:"enableScanLaunch"`
	ScanOptionProfile   string `yaml:"scanOptionProfile" json:"scanOptionProfile"`
	ScannerName         string `yaml:"scannerName" json:"scannerName"`
	CustomQIDValueRegex string `yaml:"customQidValueRegex" json:"customQidValueRegex"`
	CustomQIDRegex      string `yaml:"customQidRegex" json:"customQidRegex"`

	// Ignore lists IPs, CIDR ranges and domains that are never looked up.
	Ignore []string `yaml:"ignore" json:"ignore"`
	// MinSeverity drops detections below it (1 to 5).
	MinSeverity int `yaml:"minSeverity" json:"minSeverity"`
	// MaxPages caps the pages of one paged Qualys pull; a cut list is reported as truncated.
	MaxPages int `yaml:"maxPages" json:"maxPages"`
	// PageSize is the truncation_limit asked of Qualys.
	PageSize int `yaml:"pageSize" json:"pageSize"`
	// BatchSize bounds how many addresses or QIDs go into one request.
	BatchSize int `yaml:"batchSize" json:"batchSize"`
	// Concurrency caps parallel Qualys calls; Qualys's own X-Concurrency-Limit-Limit may lower it.
	Concurrency int `yaml:"concurrency" json:"concurrency"`
	// RequestTimeout bounds one HTTP request to Qualys.
	RequestTimeout Duration `yaml:"requestTimeout" json:"requestTimeout"`
	// LookupTimeout bounds a whole lookup.
	LookupTimeout Duration `yaml:"lookupTimeout" json:"lookupTimeout"`
	// CacheTTL sets reuse per kind of answer.
	CacheTTL CacheTTL `yaml:"cacheTtl" json:"cacheTtl"`
	// ScanDedupWindow: a second launch for the same IP within it returns the first scan.
	ScanDedupWindow Duration `yaml:"scanDedupWindow" json:"scanDedupWindow"`
}

// Defaults returns the options a fresh install starts from.
func Defaults() Options {
	return Options{
		MinSeverity:    1,
		MaxPages:       20,
		PageSize:       1000,
		BatchSize:      500,
		Concurrency:    2,
		RequestTimeout: Duration(2 * time.Minute),
		LookupTimeout:  Duration(5 * time.Minute),
		CacheTTL: CacheTTL{
			KnowledgeBase: Duration(24 * time.Hour),
			Detections:    Duration(5 * time.Minute),
			Scans:         Duration(time.Minute),
			Hosts:         Duration(15 * time.Minute),
		},
		ScanDedupWindow: Duration(10 * time.Minute),
	}
}
