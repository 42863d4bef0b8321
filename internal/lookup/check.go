package lookup

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/qlens/qlens/internal/qualys"
)

// CheckResult is one step of a connection and permission check.
type CheckResult struct {
	Name    string `json:"name"`
	OK      bool   `json:"ok"`
	Message string `json:"message"`
}

// Check names, in the order Check runs them. The last two run only with enableScanLaunch on,
// and are named after the options they confirm.
const (
	CheckDetections    = "detections"
	CheckKnowledgeBase = "knowledgeBase"
	CheckScans         = "scans"
	CheckAssetSearch   = "assetSearch"
	CheckOptionProfile = "scanOptionProfile"
	CheckScanner       = "scannerName"
)

// checkQID is a long-standing QID (DNS host name) that every KnowledgeBase holds.
const checkQID = 6

// Check tests the connection and what the account may do (detections, KB, scans, asset
// search) with one tiny call each, bypassing the cache. With enableScanLaunch on, it also
// confirms that scanOptionProfile and scannerName exist in the subscription (check_launch.go).
// It fails only when ctx ends; each refused capability or unknown setting is a CheckResult
// that says what to do.
func (e *Engine) Check(ctx context.Context) ([]CheckResult, error) {
	steps := []struct {
		name string
		what string
		call func(ctx context.Context) error
	}{
		{CheckDetections, "read host detections", func(ctx context.Context) error {
			_, err := e.client.HostDetections(ctx, qualys.DetectionQuery{IDs: []int64{1}},
				func(qualys.Host) error { return nil })

			return err
		}},
		{CheckKnowledgeBase, "read the KnowledgeBase", func(ctx context.Context) error {
			_, err := e.client.KnowledgeBase(ctx, qualys.KBQuery{IDs: []int{checkQID}},
				func(qualys.Vuln) error { return nil })

			return err
		}},
		{CheckScans, "list scans", func(ctx context.Context) error {
			return e.client.Scans(ctx, qualys.ScanQuery{Targets: []string{"192.0.2.1"}},
				func(qualys.Scan) error { return nil })
		}},
		{CheckAssetSearch, "search host assets by DNS name", func(ctx context.Context) error {
			_, err := e.client.SearchHostAssets(ctx, qualys.AssetQuery{Name: "qlens-check.invalid"},
				func(qualys.Asset) error { return nil })

			return err
		}},
	}

	out := make([]CheckResult, 0, len(steps))
	for _, s := range steps {
		err := e.withSlotErr(ctx, s.call)
		if ctx.Err() != nil {
			return out, fmt.Errorf("check qualys access: %w", ctx.Err())
		}
		out = append(out, checkResult(s.name, s.what, err))
	}

	if !e.opts.EnableScanLaunch {
		return out, nil
	}

	for _, step := range []func(context.Context) CheckResult{e.checkOptionProfile,
		e.checkScanner} {
		res := step(ctx)
		if ctx.Err() != nil {
			return out, fmt.Errorf("check qualys access: %w", ctx.Err())
		}
		out = append(out, res)
	}

	return out, nil
}

// checkResult phrases the outcome of one check step.
func checkResult(name, what string, err error) CheckResult {
	if err == nil {
		return CheckResult{Name: name, OK: true, Message: "the account may " + what}
	}

	msg := describe(err)
	if apiErr, ok := errors.AsType[*qualys.APIError](err); ok {
		switch {
		case errors.Is(err, qualys.ErrUnauthorized):
			msg = "Qualys refused the credentials (HTTP 401): check the username, the password " +
				"and the platform URL"
		case apiErr.Status == http.StatusForbidden || apiErr.Status == http.StatusNotFound:
			msg = fmt.Sprintf("the account may not %s (HTTP %d); ask the Qualys admin for the "+
				"permission", what, apiErr.Status)
		}
	}
	if name == CheckAssetSearch && searchUnavailable(err) &&
		!errors.Is(err, qualys.ErrUnauthorized) {
		msg += "; domain lookups fall back to the host list, which is slower"
	}

	return CheckResult{Name: name, OK: false, Message: msg}
}
