package lookup

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/qlens/qlens/internal/extract"
	"github.com/qlens/qlens/internal/model"
	"github.com/qlens/qlens/internal/qualys"
)

// scanRefRE is the syntax of a Qualys scan reference, e.g. scan/1736361211.27337.
var scanRefRE = regexp.MustCompile(`^(scan|compliance|qscap)/\d{1,20}\.\d{1,10}$`)

// maxActorLen bounds the analyst's name in a scan title (Qualys allows 2000 ASCII characters).
const maxActorLen = 64

// launchRecord is one launch of a scan of one IP: in flight until done closes, then its
// result (or error) and when it finished.
type launchRecord struct {
	done   chan struct{}
	result model.ScanLaunch
	actor  string
	err    error
	at     time.Time
}

// LaunchScan launches a VM scan of one IPv4 under the options' rules; actor names the analyst.
// A second launch of the same IP within the dedup window, or while the first is in flight,
// returns the first scan instead of launching again.
func (e *Engine) LaunchScan(ctx context.Context, ip, actor string) (model.ScanLaunch, error) {
	if !e.opts.EnableScanLaunch {
		return model.ScanLaunch{}, ErrLaunchDisabled
	}

	addr, err := e.launchTarget(ip)
	if err != nil {
		return model.ScanLaunch{}, err
	}
	actor = cleanActor(actor)

	rec, first := e.claimLaunch(addr)
	if !first {
		return e.reuseLaunch(ctx, rec, addr)
	}

	req := qualys.LaunchRequest{
		Title:       fmt.Sprintf("qlens: %s by %s [%s]", addr, actor, launchTag()),
		IP:          addr.String(),
		ScannerName: e.opts.ScannerName,
	}
	profile := strings.TrimSpace(e.opts.ScanOptionProfile)
	if id, ok := optionProfileID(profile); ok {
		req.OptionID = id
	} else {
		req.OptionTitle = profile
	}

	sent := time.Now()
	res, err := e.client.LaunchScan(ctx, req)
	msg := fmt.Sprintf("Scan of %s launched", addr)
	if qualys.LaunchMayHaveStarted(err) {
		if ref, ok := e.findLaunched(ctx, req, sent); ok {
			e.log.Warn("scan launch answer lost; the scan was found in the scan list",
				"actor", actor, "scan_ref", ref, "error", err)
			res, err = qualys.LaunchResult{Ref: ref}, nil
			msg = fmt.Sprintf("Scan of %s launched (Qualys's answer was lost; the scan was "+
				"found in the scan list)", addr)
		}
	}
	e.finishLaunch(addr, rec, actor, model.ScanLaunch{
		Ref:     res.Ref,
		ID:      res.ID,
		Title:   req.Title,
		Message: msg,
	}, err)
	if err != nil {
		e.log.Warn("scan launch failed", "actor", actor, "error", err)

		return model.ScanLaunch{}, fmt.Errorf("launch scan of %s: %w", addr, err)
	}
	e.log.Info("scan launched", "actor", actor, "scan_ref", res.Ref)

	return rec.result, nil
}

// launchTag is a random mark in the title of every scan qlens launches, so that a launch
// whose answer was lost can be told apart in the scan list from any other scan of the IP.
func launchTag() string {
	var b [4]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)

	return hex.EncodeToString(b[:])
}

// Bounds of the search for a launch whose answer was lost: how long it may take, and how far
// before the launch it looks, for a Qualys clock behind ours.
const (
	findLaunchedTimeout = 30 * time.Second
	findLaunchedSkew    = 10 * time.Minute
)

// findLaunched looks in the scan list for the scan req started, by its title (which holds a
// random tag), among the scans of its IP launched since sent. It runs on its own time, since
// ctx may be what ended the launch.
func (e *Engine) findLaunched(ctx context.Context, req qualys.LaunchRequest,
	sent time.Time) (string, bool) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), findLaunchedTimeout)
	defer cancel()

	var ref string
	q := qualys.ScanQuery{Targets: []string{req.IP}, LaunchedAfter: sent.Add(-findLaunchedSkew)}
	err := e.withSlotErr(ctx, func(ctx context.Context) error {
		return e.client.Scans(ctx, q, func(s qualys.Scan) error {
			if ref == "" && strings.TrimSpace(s.Title) == req.Title {
				ref = s.Ref
			}

			return nil
		})
	})
	if err != nil {
		e.log.Warn("look for a launch whose answer was lost", "scan_title", req.Title,
			"error", err)

		return "", false
	}

	return ref, ref != ""
}

// optionProfileID returns the option id that a scanOptionProfile of digits names; for a
// title, ok is false. Launch sends the id as option_id and a title as option_title.
func optionProfileID(profile string) (id int, ok bool) {
	id, err := strconv.Atoi(profile)

	return id, err == nil && strings.Trim(profile, "0123456789") == ""
}

// launchTarget accepts exactly one IPv4 address that a lookup would not skip.
func (e *Engine) launchTarget(ip string) (netip.Addr, error) {
	addr, err := parseAddr(extract.IPv4, strings.TrimSpace(ip))
	if err != nil {
		return netip.Addr{}, fmt.Errorf("%w: scan target %v; give one IPv4 address",
			ErrBadInput, err)
	}
	if skip := addrSkip(addr); skip != "" {
		return netip.Addr{}, fmt.Errorf("%w: %s is a %s address and is not scanned", ErrBadInput,
			addr, skip)
	}
	if e.ignore.Covers(extract.Entity{Type: extract.IPv4, Value: addr.String()}) {
		return netip.Addr{}, fmt.Errorf("%w: %s is on the ignore list and is not scanned",
			ErrBadInput, addr)
	}

	return addr, nil
}

// claimLaunch returns the launch record of addr that a caller must reuse, or a new record
// this caller owns (first is true).
func (e *Engine) claimLaunch(addr netip.Addr) (rec *launchRecord, first bool) {
	key := e.tenant + "|" + addr.String()
	c := e.cache
	now := c.now()
	window := e.opts.ScanDedupWindow.Std()

	c.launchMu.Lock()
	defer c.launchMu.Unlock()

	for k, r := range c.launches {
		if isDone(r) && now.Sub(r.at) >= window {
			delete(c.launches, k)
		}
	}
	if r, ok := c.launches[key]; ok {
		return r, false
	}

	rec = &launchRecord{done: make(chan struct{})}
	c.launches[key] = rec

	return rec, true
}

// finishLaunch records the outcome; a failed launch is forgotten so a retry can launch.
func (e *Engine) finishLaunch(addr netip.Addr, rec *launchRecord, actor string,
	res model.ScanLaunch, err error) {
	c := e.cache
	c.launchMu.Lock()
	defer c.launchMu.Unlock()

	rec.result, rec.actor, rec.err, rec.at = res, actor, err, c.now()
	if err != nil {
		delete(c.launches, e.tenant+"|"+addr.String())
	}
	close(rec.done)
}

// reuseLaunch waits for the first launch of addr and answers with its scan.
func (e *Engine) reuseLaunch(ctx context.Context, rec *launchRecord,
	addr netip.Addr) (model.ScanLaunch, error) {
	select {
	case <-rec.done:
	case <-ctx.Done():
		return model.ScanLaunch{}, ctx.Err()
	}
	if rec.err != nil {
		return model.ScanLaunch{}, fmt.Errorf("launch scan of %s: %w", addr, rec.err)
	}

	out := rec.result
	ago := e.cache.now().Sub(rec.at).Round(time.Second)
	out.Message = fmt.Sprintf("A scan of %s was already launched %s ago by %s (%s); "+
		"not launched again", addr, ago, rec.actor, out.Ref)

	return out, nil
}

func isDone(r *launchRecord) bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// cleanActor keeps a printable ASCII name for the scan title.
func cleanActor(actor string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(actor) {
		if r < unicode.MaxASCII && unicode.IsPrint(r) && b.Len() < maxActorLen {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "unknown analyst"
	}

	return b.String()
}

// ScanStatus reports a scan's state by its reference, asking Qualys each time (no cache).
func (e *Engine) ScanStatus(ctx context.Context, ref string) (model.Scan, error) {
	ref = strings.TrimSpace(ref)
	if !scanRefRE.MatchString(ref) {
		return model.Scan{}, fmt.Errorf("%w: %q is not a scan reference like scan/1736361211.27337",
			ErrBadInput, ref)
	}

	var found *model.Scan
	err := e.withSlotErr(ctx, func(ctx context.Context) error {
		return e.client.Scans(ctx, qualys.ScanQuery{Ref: ref}, func(s qualys.Scan) error {
			if s.Ref == ref && found == nil {
				sc := toScan(s)
				found = &sc
			}

			return nil
		})
	})
	if err != nil {
		return model.Scan{}, fmt.Errorf("get status of scan %s: %w", ref, err)
	}
	if found == nil {
		return model.Scan{}, fmt.Errorf("get status of scan %s: %w", ref, ErrScanNotFound)
	}

	return *found, nil
}

// withSlotErr runs one unpaged call within the engine's call slots.
func (e *Engine) withSlotErr(ctx context.Context, call func(ctx context.Context) error) error {
	if err := e.acquire(ctx); err != nil {
		return err
	}
	defer e.release()

	return call(ctx)
}
