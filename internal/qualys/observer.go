package qualys

import "time"

// Event kinds.
const (
	EventRequest = "request" // one HTTP attempt finished
	EventWait    = "wait"    // the client waited before sending
)

// Event is what Config.Observer receives: enough to count requests by endpoint and outcome,
// measure their durations and count 409 waits, with low-cardinality values only.
type Event struct {
	Kind     string        // EventRequest or EventWait
	Endpoint string        // detection, host_list, host_asset, knowledge_base, scan_list, ...
	Outcome  string        // request: ok, qualys_error, http_3xx/4xx/5xx, transport_error, canceled; wait: the reason
	Status   int           // HTTP status; 0 when no response
	Code     string        // Qualys CODE or QPS responseCode, when any
	Attempt  int           // 1-based attempt number of the call
	Duration time.Duration // request: time to headers and body; wait: the wait
}

// observe sends ev to the observer, if any.
func (c *Client) observe(ev Event) {
	if c.cfg.Observer != nil {
		c.cfg.Observer(ev)
	}
}

// outcomeOf classifies an attempt's result for an Event.
func outcomeOf(status int, err error, apiErr *APIError) string {
	switch {
	case err == nil:
		return "ok"
	case apiErr != nil && apiErr.Code != "":
		return "qualys_error"
	case apiErr != nil:
		return "http_" + string(rune('0'+apiErr.Status/100)) + "xx"
	case status == 0:
		return "transport_error"
	}

	return "decode_error"
}
