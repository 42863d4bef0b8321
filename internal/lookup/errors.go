package lookup

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/qlens/qlens/internal/model"
	"github.com/qlens/qlens/internal/qualys"
)

// errCVEUnresolved marks the detections of a CVE whose KB lookup failed: without its QIDs
// there is nothing to ask for.
var errCVEUnresolved = errors.New("the CVE could not be resolved to QIDs, " +
	"so the hosts carrying it are unknown; try again later")

// sourceError turns a failure into what the analyst sees: the source, the Qualys code when
// there is one, and a message saying what to do. Error texts of the client carry no secret.
func sourceError(source string, err error) model.SourceError {
	se := model.SourceError{Source: source, Message: describe(err)}
	if apiErr, ok := errors.AsType[*qualys.APIError](err); ok {
		se.Code = apiErr.Code
	}

	return se
}

// describe phrases err for a person.
func describe(err error) string {
	if errors.Is(err, errCVEUnresolved) {
		return err.Error()
	}
	if rl, ok := errors.AsType[*qualys.RateLimitError](err); ok {
		return fmt.Sprintf("Qualys API rate limit reached; the next call is allowed in %s. "+
			"Try again then, or ask the admin to raise the cache TTLs", rl.ToWait)
	}
	if errors.Is(err, qualys.ErrUnauthorized) {
		return "Qualys refused the credentials: check the username, the password and the " +
			"platform URL in the options"
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "Qualys did not answer in time; try again, or look up fewer indicators at once"
	}

	apiErr, ok := errors.AsType[*qualys.APIError](err)
	if !ok {
		return "could not get an answer from Qualys: " + err.Error()
	}

	switch {
	case apiErr.Code == "1960" || apiErr.Code == "1965" || apiErr.Code == "1920":
		return "Qualys is busy (concurrency or rate limit): try again in a few minutes. " +
			"Qualys said: " + apiErr.Text
	case apiErr.Status == http.StatusForbidden:
		return "the Qualys account may not use this API; ask the Qualys admin for the " +
			"permission. Qualys said: " + apiErr.Text
	case apiErr.Status >= 500 || apiErr.Code == "":
		return "Qualys failed to answer (HTTP " + fmt.Sprint(apiErr.Status) +
			"); try again later. " + apiErr.Error()
	}

	return "Qualys refused the request: " + apiErr.Error()
}
