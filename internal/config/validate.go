package config

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"sort"
	"strings"

	"github.com/qlens/qlens/internal/extract"
)

// FieldError is one invalid option, named by its key.
type FieldError struct {
	Key     string `json:"key"`
	Message string `json:"message"`
}

// ValidationError lists every invalid option at once.
type ValidationError struct {
	Fields []FieldError
}

// Error implements error.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Key + ": " + f.Message
	}

	return "invalid options: " + strings.Join(parts, "; ")
}

// Validate checks every option and returns a *ValidationError naming each bad key, or nil.
func (o Options) Validate() error {
	var errs []FieldError
	add := func(key, format string, args ...any) {
		errs = append(errs, FieldError{Key: key, Message: fmt.Sprintf(format, args...)})
	}

	if msg := checkURL(o.URL); msg != "" {
		add("url", "%s", msg)
	}
	if strings.TrimSpace(o.Username) == "" {
		add("username", "is required: the Qualys API account's user name")
	}
	if strings.TrimSpace(string(o.Password)) == "" {
		add("password", "is required: the Qualys API account's password")
	}
	if o.EnableScanLaunch && strings.TrimSpace(o.ScanOptionProfile) == "" {
		add("scanOptionProfile", "is required when enableScanLaunch is on: "+
			"an option profile title (e.g. Initial Options) or its numeric id")
	}
	errs = append(errs, o.checkRegexes()...)
	for _, entry := range o.Ignore {
		if _, err := ParseIgnore(entry); err != nil {
			add("ignore", "%v", err)
		}
	}
	errs = append(errs, o.checkLimits()...)

	if len(errs) == 0 {
		return nil
	}
	sort.SliceStable(errs, func(i, j int) bool { return keyOrder(errs[i].Key) < keyOrder(errs[j].Key) })

	return &ValidationError{Fields: errs}
}

// checkURL applies the seed's rules to the platform URL: it parses, has a scheme and a host, and
// has no trailing slash. It returns "" when the URL is fine.
func checkURL(raw string) string {
	if strings.TrimSpace(raw) == "" {
		return "is required: the Qualys API platform URL, e.g. https://qualysapi.qualys.com"
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error quotes the whole URL, which may hold a pasted secret; its cause does not.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}

		return "is not a valid URL: " + err.Error()
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return "must start with https:// (e.g. https://qualysapi.qualys.com)"
	}
	if u.Host == "" {
		return "has no host name"
	}
	if u.User != nil {
		return "must not carry a user name or password: set username and password instead"
	}
	if strings.HasSuffix(raw, "/") {
		return "must not end with a slash"
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "must not carry a query or a fragment"
	}

	return ""
}

func (o Options) checkRegexes() []FieldError {
	_, err := extract.New(extract.Options{
		CustomQIDPattern:      o.CustomQIDRegex,
		CustomQIDValuePattern: o.CustomQIDValueRegex,
	})
	if err == nil {
		return nil
	}

	if oe, ok := errors.AsType[*extract.OptionError](err); ok {
		return []FieldError{{Key: oe.Key, Message: oe.Message}}
	}

	return []FieldError{{Key: "customQidRegex", Message: err.Error()}}
}

func (o Options) checkLimits() []FieldError {
	var errs []FieldError
	between := func(key string, v, lo, hi int) {
		if v < lo || v > hi {
			errs = append(errs, FieldError{Key: key,
				Message: fmt.Sprintf("must be between %d and %d, got %d", lo, hi, v)})
		}
	}
	positive := func(key string, d Duration) {
		if d <= 0 {
			errs = append(errs, FieldError{Key: key, Message: "must be a positive duration, like 90s"})
		}
	}

	between("minSeverity", o.MinSeverity, 1, 5)
	between("maxPages", o.MaxPages, 1, 10000)
	between("pageSize", o.PageSize, 1, 1000000)
	between("batchSize", o.BatchSize, 1, 10000)
	between("concurrency", o.Concurrency, 1, 50)
	positive("requestTimeout", o.RequestTimeout)
	positive("lookupTimeout", o.LookupTimeout)
	positive("cacheTtl.knowledgeBase", o.CacheTTL.KnowledgeBase)
	positive("cacheTtl.detections", o.CacheTTL.Detections)
	positive("cacheTtl.scans", o.CacheTTL.Scans)
	positive("cacheTtl.hosts", o.CacheTTL.Hosts)
	positive("scanDedupWindow", o.ScanDedupWindow)

	return errs
}

var keys = []string{"url", "username", "password", "enableScanLaunch", "scanOptionProfile",
	"scannerName", "customQidValueRegex", "customQidRegex"}

// keyOrder sorts the seed's seven keys first, in the seed's order, then qlens's own.
func keyOrder(key string) int {
	for i, k := range keys {
		if k == key {
			return i
		}
	}

	return len(keys)
}

// Ignore is one parsed entry of the ignore list: an address range or a domain (with its
// subdomains).
type Ignore struct {
	Prefix netip.Prefix
	Domain string
}

// ParseIgnore reads an IP, a CIDR range or a domain.
func ParseIgnore(entry string) (Ignore, error) {
	s := strings.TrimSpace(entry)
	if p, err := netip.ParsePrefix(s); err == nil {
		return Ignore{Prefix: p.Masked()}, nil
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return Ignore{Prefix: netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())}, nil
	}
	d := strings.TrimSuffix(strings.ToLower(s), ".")
	if d == "" || strings.ContainsAny(d, " /:@") || !strings.Contains(d, ".") {
		return Ignore{}, fmt.Errorf("%q is neither an IP, a CIDR range nor a domain", entry)
	}

	return Ignore{Domain: d}, nil
}
