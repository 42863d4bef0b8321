package qualys

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
)

// simpleReturn is the SIMPLE_RETURN envelope of errors and of launch answers (§7):
// RESPONSE (DATETIME, CODE?, TEXT, ITEM_LIST?), ITEM (KEY, VALUE*).
type simpleReturn struct {
	Response struct {
		Code  string `xml:"CODE"`
		Text  string `xml:"TEXT"`
		Items []struct {
			Key    string   `xml:"KEY"`
			Values []string `xml:"VALUE"`
		} `xml:"ITEM_LIST>ITEM"`
	} `xml:"RESPONSE"`
}

// itemMap returns the ITEMs keyed by KEY with their first VALUE ("" when an ITEM has none).
func (sr *simpleReturn) itemMap() map[string]string {
	m := make(map[string]string, len(sr.Response.Items))
	for _, it := range sr.Response.Items {
		v := ""
		if len(it.Values) > 0 {
			v = trim(it.Values[0])
		}

		m[trim(it.Key)] = v
	}

	return m
}

// apiError returns the SIMPLE_RETURN as an *APIError, or nil when it carries no CODE.
func (sr *simpleReturn) apiError(status int) error {
	if trim(sr.Response.Code) == "" {
		return nil
	}

	return &APIError{Status: status, Code: trim(sr.Response.Code), Text: trim(sr.Response.Text),
		items: sr.itemMap()}
}

// genericReturn is the GENERIC_RETURN of Qualys internal errors (999).
type genericReturn struct {
	Return struct {
		Number string `xml:"number,attr"`
		Text   string `xml:",chardata"`
	} `xml:"RETURN"`
}

func (gr *genericReturn) apiError(status int) error {
	code := trim(gr.Return.Number)
	if code == "" {
		code = "999"
	}

	return &APIError{Status: status, Code: code, Text: trim(gr.Return.Text)}
}

// qpsError is the error shape of QPS REST answers (200 with a responseCode).
type qpsError struct {
	Code    string `xml:"responseCode"`
	Message string `xml:"responseErrorDetails>errorMessage"`
	Resolve string `xml:"responseErrorDetails>errorResolution"`
}

// parseErrorBody reads an error body of any known XML shape into an *APIError; it returns
// nil when the body is not one of them.
func parseErrorBody(status int, body []byte) *APIError {
	d := newDecoder(bytes.NewReader(body))
	for {
		tok, err := d.Token()
		if err != nil {
			return nil
		}

		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}

		var apiErr error

		switch start.Name.Local {
		case "SIMPLE_RETURN":
			var sr simpleReturn
			if d.DecodeElement(&sr, &start) != nil {
				return nil
			}

			apiErr = sr.apiError(status)
		case "GENERIC_RETURN":
			var gr genericReturn
			if d.DecodeElement(&gr, &start) != nil {
				return nil
			}

			apiErr = gr.apiError(status)
		case "ServiceResponse":
			var qe qpsError
			if d.DecodeElement(&qe, &start) != nil {
				return nil
			}

			apiErr = qe.apiError(status)
		}

		var e *APIError
		if errors.As(apiErr, &e) {
			return e
		}

		return nil
	}
}

func (qe *qpsError) apiError(status int) error {
	code := trim(qe.Code)
	if code == "" || code == "SUCCESS" {
		return nil
	}

	text := trim(qe.Message)
	if r := trim(qe.Resolve); r != "" {
		text += " " + r
	}

	return &APIError{Status: status, Code: code, Text: text}
}

// discard drains up to 64 KiB so the connection can be reused, then closes the body.
func discard(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	_ = body.Close()
}
