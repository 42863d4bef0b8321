// Package qualyssim is an embedded simulator of the Qualys VM/VMDR "FO" XML API and of the QPS
// host-asset search, so that qlens, its tests and its demos run with no Qualys subscription.
//
// The simulator speaks XML over HTTP exactly as the real platform does (envelopes, DOCTYPE lines,
// CDATA, WARNING/id_min paging, SIMPLE_RETURN errors, X-RateLimit-* and X-Concurrency-Limit-*
// headers, 409 blocks) and serves a dataset generated deterministically from a seed. Facts about
// the real API come from shared/reference/qualys-api.md; every behaviour here traces to it.
//
// Endpoints:
//
//	/api/{2.0..5.0}/fo/asset/host/vm/detection/   Host List VM Detection (action=list)
//	/api/{2.0..5.0}/fo/asset/host/                Host List (action=list)
//	/api/{2.0..4.0}/fo/knowledge_base/vuln/       KnowledgeBase (action=list; also index.php)
//	/api/{2.0,3.0}/fo/scan/                       scan list (action=list) and launch (action=launch)
//	/api/{2.0..4.0}/fo/subscription/option_profile/vm/  VM option profile list (action=list)
//	/api/2.0/fo/appliance/                        scanner appliance list (action=list)
//	/qps/rest/2.0/search/am/hostasset             QPS host-asset search (ServiceRequest XML)
package qualyssim
