// Package qualys is a client for the parts of the Qualys VM "FO" XML API and the QPS asset
// search that qlens needs: host list VM detection, host list, host asset search by DNS name,
// KnowledgeBase, scan list and scan launch, and the VM option profile and scanner appliance
// lists that confirm a launch's profile and scanner.
//
// Responses are decoded as streams, one HOST, VULN, SCAN or HostAsset at a time, so memory
// stays flat whatever the page size; a host page whose body breaks off is asked again from
// just past its last host. Every call of one subscription (base URL and username) goes
// through a shared governor that learns the concurrency cap and each API's rate window from
// the X-Concurrency-Limit-* and X-RateLimit-* headers and waits out 409 answers with codes
// 1960 and 1965. Idempotent calls are re-sent after transport errors, timeouts and 5xx; a
// scan launch only after 1960 or 1965. Errors are typed: *APIError carries the HTTP status, the Qualys CODE and
// TEXT, and a short sanitised snippet of non-XML bodies; ErrUnauthorized matches bad
// credentials or a wrong platform URL. The password is a Secret and never prints.
package qualys
