package qualyssim

import (
	"strconv"
	"strings"
)

// qpsText returns the value of a QPS text field of h, and whether the field is known.
func qpsText(h *Host, field string) (string, bool) {
	switch field {
	case "dnsHostName", "fqdn":
		return h.FQDN(), true
	case "name":
		if n := h.FQDN(); n != "" {
			return n, true
		}

		return hostAddress(h), true
	case "address":
		return hostAddress(h), true
	case "os":
		return h.OS, true
	case "netbiosName":
		return h.NetBIOS, true
	case "trackingMethod":
		return qpsTracking[h.TrackingMethod], true
	}

	return "", false
}

// qpsInt returns the value of a QPS integer field of h.
func qpsInt(h *Host, field string) (int64, bool) {
	switch field {
	case "id":
		return h.AssetID, true
	case "qwebHostId":
		return h.ID, true
	}

	return 0, false
}

func hostAddress(h *Host) string {
	if h.IP.IsValid() {
		return h.IP.String()
	}

	return h.IPv6.String()
}

// compileCriteria turns the Criteria (ANDed) into a matcher, or returns nil and why.
// Text comparisons are case-insensitive. Operators: EQUALS, NOT EQUALS, CONTAINS, IN (text and
// integer), GREATER and LESSER (integer), as the operator matrix of qualys-api.md §8 lists.
func compileCriteria(cs []criterion) (func(*Host) bool, string) {
	var preds []func(*Host) bool

	for _, c := range cs {
		pred, msg := compileCriterion(c)
		if pred == nil {
			return nil, msg
		}

		preds = append(preds, pred)
	}

	return func(h *Host) bool {
		for _, p := range preds {
			if !p(h) {
				return false
			}
		}

		return true
	}, ""
}

func compileCriterion(c criterion) (func(*Host) bool, string) {
	value := strings.TrimSpace(c.Value)
	op := strings.ToUpper(strings.TrimSpace(c.Operator))

	if _, ok := qpsInt(&Host{}, c.Field); ok {
		return intCriterion(c.Field, op, value)
	}

	if _, ok := qpsText(&Host{}, c.Field); !ok {
		return nil, "Unsupported field: " + c.Field
	}

	want := strings.ToLower(value)
	items := strings.Split(want, ",")

	get := func(h *Host) string {
		v, _ := qpsText(h, c.Field)

		return strings.ToLower(v)
	}

	switch op {
	case "EQUALS":
		return func(h *Host) bool { return get(h) == want }, ""
	case "NOT EQUALS":
		return func(h *Host) bool { return get(h) != want }, ""
	case "CONTAINS":
		return func(h *Host) bool { return strings.Contains(get(h), want) }, ""
	case "IN":
		return func(h *Host) bool {
			v := get(h)
			for _, it := range items {
				if strings.TrimSpace(it) == v {
					return true
				}
			}

			return false
		}, ""
	}

	return nil, "Unsupported operator " + c.Operator + " for field " + c.Field
}

func intCriterion(field, op, value string) (func(*Host) bool, string) {
	var nums []int64

	for part := range strings.SplitSeq(value, ",") {
		n, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
		if err != nil {
			return nil, "Invalid value " + value + " for field " + field
		}

		nums = append(nums, n)
	}

	get := func(h *Host) int64 { v, _ := qpsInt(h, field); return v }

	switch {
	case op == "EQUALS" && len(nums) == 1:
		return func(h *Host) bool { return get(h) == nums[0] }, ""
	case op == "NOT EQUALS" && len(nums) == 1:
		return func(h *Host) bool { return get(h) != nums[0] }, ""
	case op == "GREATER" && len(nums) == 1:
		return func(h *Host) bool { return get(h) > nums[0] }, ""
	case op == "LESSER" && len(nums) == 1:
		return func(h *Host) bool { return get(h) < nums[0] }, ""
	case op == "IN":
		return func(h *Host) bool {
			v := get(h)
			for _, n := range nums {
				if n == v {
					return true
				}
			}

			return false
		}, ""
	}

	return nil, "Unsupported operator " + op + " for field " + field
}
