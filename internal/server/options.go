package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/qlens/qlens/internal/config"
)

// optionsView is the options object of GET and PUT /api/v1/options. The password is write-only:
// GET leaves it out and says only whether one is set. passwordSet and envLocked are read-only.
type optionsView struct {
	config.Options
	Password    string   `json:"password,omitempty"`
	PasswordSet bool     `json:"passwordSet"`
	EnvLocked   []string `json:"envLocked"`
}

// viewOf renders opts for an admin; lists are never null.
func viewOf(opts config.Options, locked map[string]string) optionsView {
	if opts.Ignore == nil {
		opts.Ignore = []string{}
	}
	keys := make([]string, 0, len(locked))
	for k := range locked {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	return optionsView{Options: opts, PasswordSet: opts.Password != "", EnvLocked: keys}
}

// knownOptionKeys are the top-level keys an options object may carry.
var knownOptionKeys = func() map[string]bool {
	raw, err := json.Marshal(optionsView{})
	if err != nil {
		panic(fmt.Sprintf("server: encode options view: %v", err))
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		panic(fmt.Sprintf("server: decode options view: %v", err))
	}
	known := map[string]bool{"password": true}
	for k := range m {
		known[k] = true
	}

	return known
}()

// decodeOptions lays an options object over cur: absent keys keep their value, read-only keys
// are ignored, an absent or empty password keeps the stored one. Unknown keys, keys given twice
// or spelt in another letter case (at any depth) and values of the wrong type are a
// *config.ValidationError naming every one; anything but one JSON object is a 400.
func decodeOptions(raw []byte, cur config.Options) (config.Options, error) {
	var fields []config.FieldError
	flagged := map[string]bool{}
	for _, p := range checkJSON(raw, reflect.TypeFor[optionsView]()) {
		if p.key == "" {
			return config.Options{}, badInput("the body must be a JSON object of options: "+
				"it %s", p.msg)
		}
		fields = append(fields, config.FieldError{Key: p.key, Message: p.msg})
		flagged[p.key] = true
	}

	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil || top == nil {
		return config.Options{}, badInput("the body must be a JSON object of options")
	}

	for k := range top {
		if !knownOptionKeys[k] && !flagged[k] {
			fields = append(fields, config.FieldError{Key: k, Message: "unknown option"})
		}
	}
	if len(fields) > 0 {
		slices.SortStableFunc(fields, func(a, b config.FieldError) int {
			return strings.Compare(a.Key, b.Key)
		})

		return config.Options{}, &config.ValidationError{Fields: fields}
	}

	in := optionsView{Options: cur}
	keys := make([]string, 0, len(top))
	for k := range top {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	var bad []config.FieldError
	for _, k := range keys {
		one, _ := json.Marshal(map[string]json.RawMessage{k: top[k]})
		dec := json.NewDecoder(bytes.NewReader(one))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			bad = append(bad, config.FieldError{Key: k, Message: decodeMessage(err)})
		}
	}
	if len(bad) > 0 {
		return config.Options{}, &config.ValidationError{Fields: bad}
	}

	next := in.Options
	next.Password = cur.Password
	if in.Password != "" {
		next.Password = config.Secret(in.Password)
	}

	return next, nil
}

// decodeMessage says what is wrong with one key's value, without echoing the value.
func decodeMessage(err error) string {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return "must be a JSON " + jsonKind(typeErr)
	}
	if after, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return "has an unknown field " + after
	}
	if strings.Contains(err.Error(), "duration") {
		return "must be a duration with a unit, like 90s or 24h"
	}

	return "is not valid JSON"
}

func jsonKind(e *json.UnmarshalTypeError) string {
	if e.Type == reflect.TypeFor[config.Duration]() {
		return "string with a duration, like 90s or 24h"
	}

	switch e.Type.Kind().String() {
	case "bool":
		return "boolean (true or false)"
	case "int", "int64", "float64":
		return "number"
	case "slice":
		return "list"
	case "struct":
		return "object"
	}

	return "string"
}

// changedKeys lists the option keys whose value differs, sorted; "password" is included when
// the password changed (its values never leave this function).
func changedKeys(old, next config.Options) []string {
	var changed []string

	a, b := optionFields(old), optionFields(next)
	for k, v := range b {
		if !bytes.Equal(a[k], v) {
			changed = append(changed, k)
		}
	}
	if old.Password != next.Password {
		changed = append(changed, "password")
	}
	sort.Strings(changed)

	return changed
}

// optionFields renders each option as JSON for comparison. An unset list and an empty one are
// the same option, so both render as [].
func optionFields(o config.Options) map[string]json.RawMessage {
	if len(o.Ignore) == 0 {
		o.Ignore = []string{}
	}
	raw, _ := json.Marshal(o)
	var m map[string]json.RawMessage
	_ = json.Unmarshal(raw, &m)

	return m
}

// lockErrors refuses changes to keys the environment sets, since the environment would win.
func lockErrors(changed []string, locked map[string]string) []config.FieldError {
	var errs []config.FieldError
	for _, k := range changed {
		if env, ok := locked[k]; ok {
			errs = append(errs, config.FieldError{Key: k, Message: fmt.Sprintf(
				"is set by %s in the server's environment, which wins; change it there", env)})
		}
	}

	return errs
}
