package lookup

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/qlens/qlens/internal/qualys"
)

// The launch checks confirm, before an analyst's first launch, what LaunchScan will send:
// scanOptionProfile as option_id (digits) or option_title, and scannerName as iscanner_name
// (blank: default_scanner=1). They list the subscription's VM option profiles and scanner
// appliances (internal/qualys optionprofiles.go and appliances.go name the sources of both
// lists) and say what is wrong and what to set instead.

const (
	// maxNamesShown bounds how many titles or names a failed launch check quotes.
	maxNamesShown = 5

	// maxListed bounds how many profiles or appliances a launch check keeps.
	maxListed = 10_000

	// maxNameShown bounds the runes of one quoted title or name.
	maxNameShown = 60
)

// checkOptionProfile confirms that scanOptionProfile names an option profile of the
// subscription: digits by its ID, anything else by its exact title, as Qualys matches
// option_title.
func (e *Engine) checkOptionProfile(ctx context.Context) CheckResult {
	var profiles []qualys.OptionProfile

	err := e.withSlotErr(ctx, func(ctx context.Context) error {
		return e.client.OptionProfiles(ctx, func(p qualys.OptionProfile) error {
			if len(profiles) < maxListed {
				profiles = append(profiles, p)
			}

			return nil
		})
	})
	if err != nil {
		return listFailed(CheckOptionProfile, "list option profiles", "scanOptionProfile", err)
	}

	return judgeOptionProfile(strings.TrimSpace(e.opts.ScanOptionProfile), profiles)
}

// checkScanner confirms that scannerName names a scanner appliance of the subscription and
// that Qualys reports it Online. A blank scannerName needs no call: launches then send
// default_scanner=1, and the appliance list has no field that marks a default scanner.
func (e *Engine) checkScanner(ctx context.Context) CheckResult {
	want := strings.TrimSpace(e.opts.ScannerName)
	if want == "" {
		return CheckResult{Name: CheckScanner, OK: true, Message: "scannerName is blank, " +
			"so launches ask Qualys for the default scanner (default_scanner=1); nothing to check"}
	}

	var (
		list []qualys.Appliance
		page qualys.Page
	)

	err := e.withSlotErr(ctx, func(ctx context.Context) error {
		var err error

		page, err = e.client.Appliances(ctx, func(a qualys.Appliance) error {
			if len(list) < maxListed {
				list = append(list, a)
			}

			return nil
		})

		return err
	})
	if err != nil {
		return listFailed(CheckScanner, "list scanner appliances", "scannerName", err)
	}

	return judgeScanner(want, list, page.Truncated || len(list) == maxListed)
}

// judgeOptionProfile phrases whether want (a scanOptionProfile) is among profiles.
func judgeOptionProfile(want string, profiles []qualys.OptionProfile) CheckResult {
	id, byID := optionProfileID(want)

	fail := func(format string, args ...any) CheckResult {
		return CheckResult{Name: CheckOptionProfile, Message: fmt.Sprintf(format, args...)}
	}

	var titles []string

	for _, p := range profiles {
		switch {
		case byID && id > 0 && p.ID == int64(id):
			return CheckResult{Name: CheckOptionProfile, OK: true, Message: fmt.Sprintf(
				"option profile %d (%s) is in the subscription", id, quoteShort(p.Title))}
		case !byID && p.Title == want:
			return CheckResult{Name: CheckOptionProfile, OK: true, Message: fmt.Sprintf(
				"option profile %s (id %d) is in the subscription", quoteShort(want), p.ID)}
		}

		titles = append(titles, p.Title)
	}

	if len(profiles) == 0 {
		return fail("option profile %s is not in the subscription: Qualys lists no option "+
			"profile to this account; create one in Qualys or ask the Qualys admin for one, "+
			"then set scanOptionProfile to its title or id", shownSetting(want, byID))
	}

	if byID {
		return fail("option profile id %d is not in the subscription%s; profiles there "+
			"include: %s; set scanOptionProfile to one of these ids or titles", id,
			titledDigits(want, titles), listProfiles(profiles))
	}

	if exact, ok := caseOnly(want, titles); ok {
		return fail("option profile %s is not in the subscription: Qualys matches "+
			"option_title exactly, and %s differs only in case; set scanOptionProfile to %s",
			quoteShort(want), quoteShort(exact), quoteShort(exact))
	}

	return fail("option profile %s is not in the subscription;%s titles there include: %s; "+
		"set scanOptionProfile to one of them, or to its id", quoteShort(want),
		didYouMean(want, titles), listNames(titles))
}

// judgeScanner phrases whether want (a scannerName) is among the listed appliances, and
// whether it is Online; partial says Qualys listed only some of them.
func judgeScanner(want string, list []qualys.Appliance, partial bool) CheckResult {
	fail := func(format string, args ...any) CheckResult {
		return CheckResult{Name: CheckScanner, Message: fmt.Sprintf(format, args...)}
	}

	names := make([]string, 0, len(list))

	for _, a := range list {
		if a.Name == want {
			return applianceReady(a, list)
		}

		names = append(names, a.Name)
	}

	if exact, ok := caseOnly(want, names); ok {
		return fail("scanner appliance %s is not in the subscription as written: Qualys "+
			"lists %s, which differs only in case; set scannerName to %s exactly",
			quoteShort(want), quoteShort(exact), quoteShort(exact))
	}

	if len(list) == 0 {
		return fail("scanner appliance %s is not in the subscription: Qualys lists no "+
			"scanner appliance to this account; leave scannerName blank to use the default "+
			"scanner, or ask the Qualys admin to give the account an appliance", quoteShort(want))
	}

	cut := ""
	if partial {
		cut = " (Qualys listed only part of them)"
	}

	return fail("scanner appliance %s is not in the subscription;%s appliances there "+
		"include: %s%s; set scannerName to one of them, or leave it blank for the default "+
		"scanner", quoteShort(want), didYouMean(want, names), listAppliances(list), cut)
}

// applianceReady phrases a found appliance: ready when Qualys reports it Online (or gives no
// STATUS); otherwise the launch may not run, and the Online ones are named.
func applianceReady(a qualys.Appliance, list []qualys.Appliance) CheckResult {
	if a.Status == "" || strings.EqualFold(a.Status, "Online") {
		state := "listed"
		if a.Status != "" {
			state = "Online"
		}

		return CheckResult{Name: CheckScanner, OK: true, Message: fmt.Sprintf(
			"scanner appliance %s (id %d) is in the subscription and %s",
			quoteShort(a.Name), a.ID, state)}
	}

	var online []string

	for _, o := range list {
		if strings.EqualFold(o.Status, "Online") {
			online = append(online, o.Name)
		}
	}

	others := "no appliance is Online"
	if len(online) > 0 {
		others = "Online ones: " + listNames(online)
	}

	return CheckResult{Name: CheckScanner, Message: fmt.Sprintf("scanner appliance %s is in "+
		"the subscription, but Qualys reports it %s, so a scan launched on it may not run; "+
		"check the appliance in Qualys, set scannerName to another (%s), or leave it blank "+
		"for the default scanner", quoteShort(a.Name), quoteShort(a.Status), others)}
}

// listFailed phrases a list call that failed. An account that may not list (HTTP 403 or
// 404) has not shown the setting wrong: the result passes, saying it was not confirmed, so
// that a role which may launch but not list still passes the check. Any other failure fails
// it as the capability checks do.
//
// TODO: what Qualys answers a role that may not list option profiles or appliances is
// unverified; 403 and 404 are taken for it, as the asset search check does. A recorded
// answer removes this.
func listFailed(name, what, key string, err error) CheckResult {
	apiErr, ok := errors.AsType[*qualys.APIError](err)
	if !ok || errors.Is(err, qualys.ErrUnauthorized) ||
		(apiErr.Status != http.StatusForbidden && apiErr.Status != http.StatusNotFound) {
		return checkResult(name, what, err)
	}

	return CheckResult{Name: name, OK: true, Message: fmt.Sprintf("not confirmed: the account "+
		"may not %s (HTTP %d), so %s was not checked and the first launch will tell; ask the "+
		"Qualys admin for the permission, or compare %s with Qualys by hand", what,
		apiErr.Status, key, key)}
}

// shownSetting renders a scanOptionProfile for a message: an id bare, a title quoted.
func shownSetting(want string, byID bool) string {
	if byID {
		return "id " + want
	}

	return quoteShort(want)
}

// titledDigits explains, when a profile's title is want itself, that digits are sent as an id.
func titledDigits(want string, titles []string) string {
	for _, t := range titles {
		if t == want {
			return fmt.Sprintf(" (a profile is titled %s, but qlens sends digits as "+
				"option_id; set scanOptionProfile to that profile's id)", quoteShort(want))
		}
	}

	return ""
}

// caseOnly returns the name that equals want but for case, if there is one.
func caseOnly(want string, names []string) (string, bool) {
	for _, n := range names {
		if n != want && strings.EqualFold(n, want) {
			return n, true
		}
	}

	return "", false
}

// didYouMean suggests the name closest to want, when one is only a few edits away.
func didYouMean(want string, names []string) string {
	best, bestD := "", -1
	limit := min(3, max(1, utf8.RuneCountInString(want)/3))

	for _, n := range names {
		d := editDistance(strings.ToLower(want), strings.ToLower(n), limit)
		if d <= limit && (bestD < 0 || d < bestD) {
			best, bestD = n, d
		}
	}

	if bestD < 0 {
		return ""
	}

	return fmt.Sprintf(" did you mean %s?", quoteShort(best))
}

// editDistance is the Levenshtein distance of a and b in runes, or limit+1 as soon as it is
// known to exceed limit (names of very different lengths are never compared rune by rune).
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if abs(len(ra)-len(rb)) > limit || len(ra) > 4*maxNameShown || len(rb) > 4*maxNameShown {
		return limit + 1
	}

	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}

	cur := make([]int, len(rb)+1)

	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]

		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}

			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}

		if rowMin > limit {
			return limit + 1
		}

		prev, cur = cur, prev
	}

	return prev[len(rb)]
}

func abs(n int) int {
	if n < 0 {
		return -n
	}

	return n
}

// listProfiles quotes up to maxNamesShown profiles as: 43165 "Initial Options".
func listProfiles(profiles []qualys.OptionProfile) string {
	return listShown(profiles, func(p qualys.OptionProfile) string {
		return fmt.Sprintf("%d %s", p.ID, quoteShort(p.Title))
	})
}

// listAppliances quotes up to maxNamesShown appliances with their status.
func listAppliances(list []qualys.Appliance) string {
	return listShown(list, func(a qualys.Appliance) string {
		if a.Status == "" {
			return quoteShort(a.Name)
		}

		return quoteShort(a.Name) + " (" + a.Status + ")"
	})
}

// listNames quotes up to maxNamesShown names.
func listNames(names []string) string {
	return listShown(names, quoteShort)
}

// listShown joins the first maxNamesShown items as show renders them and says how many more
// there are.
func listShown[T any](items []T, show func(T) string) string {
	shown := make([]string, 0, min(len(items), maxNamesShown))
	for _, it := range items[:min(len(items), maxNamesShown)] {
		shown = append(shown, show(it))
	}

	s := strings.Join(shown, ", ")
	if rest := len(items) - len(shown); rest > 0 {
		s += fmt.Sprintf(" and %d more", rest)
	}

	return s
}

// quoteShort quotes a name from Qualys (or the options) for a message, cut to maxNameShown
// runes; quoting escapes any control character it may hold.
func quoteShort(s string) string {
	if utf8.RuneCountInString(s) > maxNameShown {
		s = string([]rune(s)[:maxNameShown]) + "…"
	}

	return fmt.Sprintf("%q", s)
}
