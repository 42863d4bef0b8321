package lookup

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qlens/qlens/internal/extract"
	"github.com/qlens/qlens/internal/model"
	"github.com/qlens/qlens/internal/qualyssim"
)

// jsonKind is what a field of the contract holds.
type jsonKind int

const (
	jString jsonKind = iota
	jNumber
	jBool
	jTime // an RFC 3339 string in UTC
	jList
	jObject
)

// jsonShape lists the fields of one object of the contract (DESIGN.md §5): required ones
// must be present, optional ones may be absent, any other is a break of the contract.
type jsonShape struct {
	required map[string]jsonKind
	optional map[string]jsonKind
}

var (
	shapeLookup = jsonShape{required: map[string]jsonKind{"results": jList, "stats": jObject}}
	shapeStats  = jsonShape{required: map[string]jsonKind{"apiCalls": jNumber,
		"cacheHits": jNumber, "elapsedMs": jNumber}}
	shapeResult = jsonShape{
		required: map[string]jsonKind{"entity": jObject, "summary": jList,
			"hostDetections": jList, "knowledgeBaseRecords": jList, "scans": jList,
			"errors": jList},
		optional: map[string]jsonKind{"truncated": jObject},
	}
	shapeEntity = jsonShape{
		required: map[string]jsonKind{"type": jString, "value": jString, "raw": jString,
			"spans": jList},
		optional: map[string]jsonKind{"skip": jString},
	}
	shapeHost = jsonShape{
		required: map[string]jsonKind{"id": jNumber, "ip": jString, "detections": jList},
		optional: map[string]jsonKind{"assetId": jNumber, "ipv6": jString, "dns": jString,
			"netbios": jString, "os": jString, "trackingMethod": jString, "lastScan": jTime},
	}
	shapeDetection = jsonShape{
		required: map[string]jsonKind{"qid": jNumber, "type": jString, "severity": jNumber,
			"status": jString, "ssl": jBool, "qdsFactors": jList, "timesFound": jNumber,
			"ignored": jBool, "disabled": jBool},
		// title is qlens's addition, documented in the README.
		optional: map[string]jsonKind{"port": jNumber, "protocol": jString, "qds": jNumber,
			"qdsSeverity": jString, "firstFound": jTime, "lastFound": jTime, "results": jString,
			"title": jString},
	}
	shapeQDSFactor = jsonShape{required: map[string]jsonKind{"name": jString, "value": jString}}
	shapeKB        = jsonShape{
		required: map[string]jsonKind{"qid": jNumber, "title": jString, "severity": jNumber,
			"vulnType": jString, "category": jString, "patchable": jBool, "cves": jList,
			"threatIntel": jList, "diagnosis": jString, "consequence": jString,
			"solution": jString},
		optional: map[string]jsonKind{"published": jTime, "modified": jTime,
			"cvssBase": jNumber, "cvss3Base": jNumber},
	}
	shapeScan = jsonShape{
		required: map[string]jsonKind{"ref": jString, "title": jString, "state": jString,
			"type": jString, "user": jString, "target": jString},
		optional: map[string]jsonKind{"subState": jString, "launched": jTime,
			"duration": jString, "optionProfile": jString},
	}
	shapeError = jsonShape{
		required: map[string]jsonKind{"source": jString, "message": jString},
		optional: map[string]jsonKind{"code": jString},
	}
)

var camelCase = regexp.MustCompile(`^[a-z][a-zA-Z0-9]*$`)

// contractChecker collects the breaks of the contract found in one JSON document.
type contractChecker struct {
	problems []string
}

func (c *contractChecker) fail(path, format string, args ...any) {
	c.problems = append(c.problems, path+": "+fmt.Sprintf(format, args...))
}

// object checks v against shape and returns it as a map (nil when it is not an object).
func (c *contractChecker) object(path string, v any, shape jsonShape) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		c.fail(path, "want an object, got %T", v)

		return nil
	}

	for k := range shape.required {
		if _, ok := m[k]; !ok {
			c.fail(path, "required field %q is absent", k)
		}
	}
	for k, val := range m {
		kind, ok := shape.required[k]
		if !ok {
			kind, ok = shape.optional[k]
		}
		if !ok {
			c.fail(path, "field %q is not in the contract", k)

			continue
		}
		if !camelCase.MatchString(k) {
			c.fail(path, "field %q is not camelCase", k)
		}
		c.value(path+"."+k, val, kind)
	}

	return m
}

func (c *contractChecker) value(path string, v any, kind jsonKind) {
	if v == nil {
		c.fail(path, "null")

		return
	}

	ok := true
	switch kind {
	case jString:
		_, ok = v.(string)
	case jNumber:
		_, ok = v.(json.Number)
	case jBool:
		_, ok = v.(bool)
	case jList:
		_, ok = v.([]any)
	case jObject:
		_, ok = v.(map[string]any)
	case jTime:
		s, isString := v.(string)
		ts, err := time.Parse(time.RFC3339, s)
		ok = isString && err == nil && strings.HasSuffix(s, "Z") && ts.Location() == time.UTC
	}
	if !ok {
		c.fail(path, "value %v is not of the contract's kind %d", v, kind)
	}
}

// list is v as a list; a value of another kind was reported by object already.
func list(v any) []any {
	l, _ := v.([]any)

	return l
}

// checkLookupJSON checks a whole lookup document and returns the problems found.
func checkLookupJSON(raw []byte) []string {
	c := &contractChecker{}

	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return []string{"not JSON: " + err.Error()}
	}

	top := c.object("$", doc, shapeLookup)
	if top == nil {
		return c.problems
	}
	c.object("$.stats", top["stats"], shapeStats)

	sources := []string{model.SourceDetections, model.SourceKnowledgeBase, model.SourceScans,
		model.SourceHostSearch}
	lists := []string{model.ListHostDetections, model.ListKnowledgeBase, model.ListScans}
	types := []string{"IPv4", "IPv6", "domain", "cve", "qid", "customQid"}

	for i, rv := range list(top["results"]) {
		rp := fmt.Sprintf("$.results[%d]", i)
		r := c.object(rp, rv, shapeResult)
		if r == nil {
			continue
		}

		ent := c.object(rp+".entity", r["entity"], shapeEntity)
		if typ, _ := ent["type"].(string); !slices.Contains(types, typ) {
			c.fail(rp+".entity.type", "unknown type %q", typ)
		}
		if skip, ok := ent["skip"].(string); ok && skip == "" {
			c.fail(rp+".entity.skip", "present but empty")
		}
		for j, span := range list(ent["spans"]) {
			pair, _ := span.([]any)
			if len(pair) != 2 {
				c.fail(fmt.Sprintf("%s.entity.spans[%d]", rp, j), "want [start, end]")
			}
			for _, n := range pair {
				c.value(fmt.Sprintf("%s.entity.spans[%d]", rp, j), n, jNumber)
			}
		}
		for j, s := range list(r["summary"]) {
			c.value(fmt.Sprintf("%s.summary[%d]", rp, j), s, jString)
		}

		for j, hv := range list(r["hostDetections"]) {
			hp := fmt.Sprintf("%s.hostDetections[%d]", rp, j)
			h := c.object(hp, hv, shapeHost)
			for k, dv := range list(h["detections"]) {
				dp := fmt.Sprintf("%s.detections[%d]", hp, k)
				d := c.object(dp, dv, shapeDetection)
				for n, fv := range list(d["qdsFactors"]) {
					c.object(fmt.Sprintf("%s.qdsFactors[%d]", dp, n), fv, shapeQDSFactor)
				}
			}
		}
		for j, kv := range list(r["knowledgeBaseRecords"]) {
			kp := fmt.Sprintf("%s.knowledgeBaseRecords[%d]", rp, j)
			k := c.object(kp, kv, shapeKB)
			for n, s := range list(k["cves"]) {
				c.value(fmt.Sprintf("%s.cves[%d]", kp, n), s, jString)
			}
			for n, s := range list(k["threatIntel"]) {
				c.value(fmt.Sprintf("%s.threatIntel[%d]", kp, n), s, jString)
			}
		}
		for j, sv := range list(r["scans"]) {
			c.object(fmt.Sprintf("%s.scans[%d]", rp, j), sv, shapeScan)
		}
		for j, ev := range list(r["errors"]) {
			ep := fmt.Sprintf("%s.errors[%d]", rp, j)
			e := c.object(ep, ev, shapeError)
			if src, _ := e["source"].(string); !slices.Contains(sources, src) {
				c.fail(ep+".source", "%q is not one of %v", src, sources)
			}
			if msg, _ := e["message"].(string); msg == "" {
				c.fail(ep+".message", "empty")
			}
		}

		if tv, ok := r["truncated"]; ok {
			cut, _ := tv.(map[string]any)
			if len(cut) == 0 {
				c.fail(rp+".truncated", "present but empty: it must be absent when nothing is cut")
			}
			for k, v := range cut {
				if !slices.Contains(lists, k) || v != true {
					c.fail(rp+".truncated."+k, "want one of %v set to true, got %v", lists, v)
				}
			}
		}
	}

	return c.problems
}

func TestLookupJSONContract(t *testing.T) {
	t.Parallel()

	// The fake: every type, a skipped address, a failing source (scans), lists cut by the
	// page cap next to lists that are not.
	fake := newFakeQualys()
	fake.setFault(epScanList, fakeFault{status: http.StatusBadRequest, code: "1905",
		text: "parameter target has invalid value"})
	opts := fake.start(t)
	opts.PageSize, opts.MaxPages = 1, 1
	fakeLookup, err := newTestEngine(t, opts).Lookup(t.Context(), Request{Text: "10.0.0.1 " +
		"10.0.0.20 2001:db8::5 corp.example.com CVE-2021-44228 QID 1234 QID 999999 127.0.0.1"})
	if err != nil {
		t.Fatalf("fake Lookup: %v", err)
	}

	sim, simOpts := startSim(t, qualyssim.Config{})
	demo := sim.Dataset().DemoValues()
	simLookup, err := newTestEngine(t, simOpts).Lookup(t.Context(), Request{Text: strings.Join(
		[]string{demo.IP, demo.IPv6, demo.Domain, demo.CVE, "QID:38623", "0.0.0.0"}, " ")})
	if err != nil {
		t.Fatalf("simulator Lookup: %v", err)
	}

	for name, l := range map[string]model.Lookup{"fake": fakeLookup, "simulator": simLookup} {
		raw, err := json.Marshal(l)
		if err != nil {
			t.Fatalf("%s: marshal: %v", name, err)
		}
		for _, p := range checkLookupJSON(raw) {
			t.Errorf("%s: %s", name, p)
		}
	}

	// The fake lookup must have exercised what it is there for.
	var cut, whole, failed, skipped int
	for _, r := range fakeLookup.Results {
		switch {
		case r.Entity.Skip != "":
			skipped++
		case len(r.Truncated) > 0:
			cut++
		default:
			whole++
		}
		if len(r.Errors) > 0 {
			failed++
		}
	}
	if cut == 0 || whole == 0 || failed == 0 || skipped == 0 {
		t.Errorf("fake lookup has %d cut, %d whole, %d failed, %d skipped results; want each",
			cut, whole, failed, skipped)
	}
}

// TestCheckLookupJSONFindsBreaks keeps the checker honest: each break is reported.
func TestCheckLookupJSONFindsBreaks(t *testing.T) {
	t.Parallel()

	good := model.Lookup{Results: []model.Result{emptyResult(extract.Entity{
		Type: extract.IPv4, Value: "10.0.0.1", Raw: "10.0.0.1"})}}
	raw, err := json.Marshal(good)
	if err != nil {
		t.Fatal(err)
	}
	if p := checkLookupJSON(raw); len(p) != 0 {
		t.Fatalf("a good document has problems: %v", p)
	}

	breaks := map[string]string{
		"null_list":      strings.Replace(string(raw), `"scans":[]`, `"scans":null`, 1),
		"snake_case":     strings.Replace(string(raw), `"hostDetections"`, `"host_detections"`, 1),
		"number_as_text": strings.Replace(string(raw), `"apiCalls":0`, `"apiCalls":"0"`, 1),
		"empty_truncated": strings.Replace(string(raw), `"errors":[]`,
			`"errors":[],"truncated":{}`, 1),
		"bad_source": strings.Replace(string(raw), `"errors":[]`,
			`"errors":[{"source":"kb","message":"x"}]`, 1),
		"local_time": strings.Replace(string(raw), `"scans":[]`,
			`"scans":[{"ref":"r","title":"t","state":"s","type":"x","user":"u","target":"t",`+
				`"launched":"2024-01-01T10:00:00+02:00"}]`, 1),
	}
	for name, doc := range breaks {
		if doc == string(raw) {
			t.Fatalf("%s: the replacement did not apply", name)
		}
		if p := checkLookupJSON([]byte(doc)); len(p) == 0 {
			t.Errorf("%s: no problem found in %s", name, doc)
		}
	}
}
