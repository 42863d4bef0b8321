package qualys

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Defaults applied by New to zero-valued Config fields.
const (
	DefaultTimeout       = 10 * time.Minute // large HLD pages can take minutes to stream
	DefaultMaxPages      = 20
	DefaultPageSize      = 1000 // Qualys's own default truncation_limit (hosts per page)
	DefaultMaxWait       = 2 * time.Minute
	DefaultMaxAttempts   = 4
	DefaultMaxBlocked    = 10
	DefaultRequestedWith = "qlens"
)

// Config configures a Client. Only BaseURL, Username and Password are required.
type Config struct {
	BaseURL    string // e.g. https://qualysapi.qualys.com, no trailing slash
	Username   string
	Password   Secret
	HTTPClient *http.Client  `json:"-"` // nil: a client with sane timeouts
	Logger     *slog.Logger  `json:"-"` // nil: discard
	Timeout    time.Duration // per request; 0: default
	MaxPages   int           // cap on pages per paged pull; 0: default
	PageSize   int           // truncation_limit; 0: default
	UserAgent  string

	// Versions picks the API version of each endpoint; empty fields take the defaults of
	// DefaultVersions.
	Versions Versions

	// MaxWait bounds one wait for a 409 (1960 concurrency, 1965 rate) or a learned rate
	// window. A 1965 whose hint is longer fails at once with a *RateLimitError.
	MaxWait time.Duration

	// MaxAttempts bounds the attempts of an idempotent call on transport errors and 5xx.
	MaxAttempts int

	// MaxBlocked bounds how many times one call is re-sent after 409 1960/1965.
	MaxBlocked int

	// RequestedWith is the X-Requested-With header value Qualys requires; "" means "qlens".
	RequestedWith string

	// Observer, when set, receives one Event per HTTP attempt and per wait. It must be
	// fast and safe for concurrent use (e.g. increment Prometheus counters).
	Observer func(Event) `json:"-"`
}

// Versions holds the API version ("5.0") used for each endpoint family.
type Versions struct {
	Detection     string
	HostList      string
	KnowledgeBase string
	ScanList      string
	ScanLaunch    string

	OptionProfileList string // VM option profile list
	ApplianceList     string // scanner appliance list
}

// DefaultVersions are the versions Qualys documents as active (qualys-api.md §1, §15).
var DefaultVersions = Versions{
	Detection:     "5.0",
	HostList:      "5.0",
	KnowledgeBase: "4.0", // 4.0 is the one that takes cve=
	ScanList:      "3.0",
	ScanLaunch:    "2.0", // the only version that launches

	// The version every public client of these two lists calls (optionprofiles.go,
	// appliances.go name the sources).
	OptionProfileList: "2.0",
	ApplianceList:     "2.0",
}

var versionRE = regexp.MustCompile(`^[0-9]+\.[0-9]+$`)

// validate reports every problem of cfg at once, without echoing secrets.
func (cfg *Config) validate() error {
	var errs []error

	errs = append(errs, validateBaseURL(cfg.BaseURL))

	if strings.TrimSpace(cfg.Username) == "" {
		errs = append(errs, errors.New("username is empty"))
	}

	if !cfg.Password.IsSet() {
		errs = append(errs, errors.New("password is empty"))
	}

	for name, n := range map[string]int{"max pages": cfg.MaxPages, "page size": cfg.PageSize,
		"max attempts": cfg.MaxAttempts, "max blocked": cfg.MaxBlocked} {
		if n < 0 {
			errs = append(errs, fmt.Errorf("%s is negative: %d", name, n))
		}
	}

	if cfg.Timeout < 0 || cfg.MaxWait < 0 {
		errs = append(errs, errors.New("timeout and max wait must not be negative"))
	}

	for name, v := range map[string]string{"detection": cfg.Versions.Detection,
		"host list": cfg.Versions.HostList, "knowledge base": cfg.Versions.KnowledgeBase,
		"scan list": cfg.Versions.ScanList, "scan launch": cfg.Versions.ScanLaunch,
		"option profile list": cfg.Versions.OptionProfileList,
		"appliance list":      cfg.Versions.ApplianceList} {
		if v != "" && !versionRE.MatchString(v) {
			errs = append(errs, fmt.Errorf("%s version %q is not like 5.0", name, v))
		}
	}

	return errors.Join(errs...)
}

// validateBaseURL checks the seed's URL rules: parses, has a scheme and a host, no trailing
// slash; and qlens's: no credentials, query or fragment in it.
func validateBaseURL(raw string) error {
	if raw == "" {
		return errors.New("base URL is empty")
	}

	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("base URL does not parse")
	}

	shown := shownURL(u)

	switch {
	case u.User != nil:
		return errors.New("base URL must not carry credentials; set username and password")
	case u.Scheme == "":
		return fmt.Errorf("base URL %s has no scheme (want https://...)", shown)
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Errorf("base URL %s: scheme must be https or http", shown)
	case u.Host == "":
		return fmt.Errorf("base URL %s has no host", shown)
	case strings.HasSuffix(raw, "/"):
		return fmt.Errorf("base URL %s must not end with a slash", shown)
	case u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("base URL %s must not have a query or fragment", shown)
	}

	return nil
}

// shownURL renders a base URL for an error message, without its query and fragment (a
// token could sit there). url.Parse reads "user:pw@host" as the scheme "user" with opaque
// data, which Redacted does not hide, so a URL that still holds an "@" is not shown at all.
func shownURL(u *url.URL) string {
	c := *u
	c.RawQuery, c.Fragment, c.RawFragment, c.ForceQuery = "", "", "", false

	s := c.Redacted()
	if strings.Contains(s, "@") {
		return "(not shown: it may hold credentials)"
	}

	return strconv.Quote(s)
}

// withDefaults returns cfg with every zero field set to its default.
func (cfg Config) withDefaults() Config {
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}

	if cfg.MaxPages == 0 {
		cfg.MaxPages = DefaultMaxPages
	}

	if cfg.PageSize == 0 {
		cfg.PageSize = DefaultPageSize
	}

	if cfg.MaxWait == 0 {
		cfg.MaxWait = DefaultMaxWait
	}

	if cfg.MaxAttempts == 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}

	if cfg.MaxBlocked == 0 {
		cfg.MaxBlocked = DefaultMaxBlocked
	}

	if cfg.RequestedWith == "" {
		cfg.RequestedWith = DefaultRequestedWith
	}

	if cfg.UserAgent == "" {
		cfg.UserAgent = "qlens"
	}

	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}

	cfg.Versions = cfg.Versions.withDefaults()

	return cfg
}

func (v Versions) withDefaults() Versions {
	pick := func(s, def string) string {
		if s == "" {
			return def
		}

		return s
	}

	return Versions{
		Detection:     pick(v.Detection, DefaultVersions.Detection),
		HostList:      pick(v.HostList, DefaultVersions.HostList),
		KnowledgeBase: pick(v.KnowledgeBase, DefaultVersions.KnowledgeBase),
		ScanList:      pick(v.ScanList, DefaultVersions.ScanList),
		ScanLaunch:    pick(v.ScanLaunch, DefaultVersions.ScanLaunch),

		OptionProfileList: pick(v.OptionProfileList, DefaultVersions.OptionProfileList),
		ApplianceList:     pick(v.ApplianceList, DefaultVersions.ApplianceList),
	}
}
