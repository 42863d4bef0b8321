package qualys

// Hand-written fixtures in the shapes of real Qualys answers (qualys-api.md §2-§10), with
// this project's own values. Each one carries a pitfall of §15.

// hldTwoHosts: DOCTYPE line, comments around the root, padded CDATA, one host with a single
// DETECTION and one with two in shuffled order, optional elements missing, unknown ones
// present, entities inside CDATA, QDS with attribute and factors.
const hldTwoHosts = `<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE HOST_LIST_VM_DETECTION_OUTPUT SYSTEM "https://qualysapi.example.test/api/5.0/fo/asset/host/vm/detection/dtd/output.dtd">
<!-- produced for the qlens test-suite //-->
<HOST_LIST_VM_DETECTION_OUTPUT>
  <RESPONSE>
    <DATETIME>2025-03-04T10:00:00Z </DATETIME>
    <HOST_LIST>
      <HOST>
        <ID>4401</ID>
        <ASSET_ID>9901</ASSET_ID>
        <IP>192.0.2.10</IP>
        <TRACKING_METHOD>DNS</TRACKING_METHOD>
        <ASSET_GROUP_LIST />
        <OS>
            <![CDATA[  Ubuntu 22.04 LTS  ]]>
        </OS>
        <DNS><![CDATA[web01.corp.example]]></DNS>
        <DNS_DATA>
          <HOSTNAME><![CDATA[web01]]></HOSTNAME>
          <DOMAIN/>
          <FQDN>
            <![CDATA[web01.corp.example]]>
          </FQDN>
        </DNS_DATA>
        <NETBIOS><![CDATA[WEB01]]></NETBIOS>
        <LAST_SCAN_DATETIME> 2025-03-01T08:15:00Z </LAST_SCAN_DATETIME>
        <TAGS><TAG><TAG_ID>7</TAG_ID><NAME><![CDATA[DMZ]]></NAME></TAG></TAGS>
        <DETECTION_LIST>
          <DETECTION>
            <UNIQUE_VULN_ID>880001</UNIQUE_VULN_ID>
            <QID>38173</QID>
            <TYPE>Confirmed</TYPE>
            <SEVERITY>2</SEVERITY>
            <PORT>443</PORT>
            <PROTOCOL>tcp</PROTOCOL>
            <SSL>1</SSL>
            <RESULTS><![CDATA[Certificate subject: CN=&quot;web01&quot; &amp; expired]]></RESULTS>
            <STATUS>Active</STATUS>
            <FIRST_FOUND_DATETIME>2024-11-02T01:02:03Z</FIRST_FOUND_DATETIME>
            <LAST_FOUND_DATETIME>2025-03-01T08:15:00Z</LAST_FOUND_DATETIME>
            <QDS severity="MEDIUM">47</QDS>
            <QDS_FACTORS>
              <QDS_FACTOR name="CVSS_version"><![CDATA[v3.x]]></QDS_FACTOR>
              <QDS_FACTOR name="exploit_maturity"><![CDATA[ poc ]]></QDS_FACTOR>
            </QDS_FACTORS>
            <TIMES_FOUND>12</TIMES_FOUND>
            <IS_IGNORED>0</IS_IGNORED>
            <IS_DISABLED>0</IS_DISABLED>
          </DETECTION>
        </DETECTION_LIST>
      </HOST>
      <!-- keep-alive for HOST_LIST_VM_DETECTION_OUTPUT -->
      <HOST>
        <IPV6>2001:db8::7</IPV6>
        <ID> 4402 </ID>
        <TRACKING_METHOD>Cloud Agent</TRACKING_METHOD>
        <DETECTION_LIST>
          <DETECTION>
            <STATUS>Re-Opened</STATUS>
            <QID>105500</QID>
            <SEVERITY>5</SEVERITY>
            <TYPE>Potential</TYPE>
            <SSL>0</SSL>
            <FIRST_FOUND_DATETIME>2025-02-20T00:00:00Z</FIRST_FOUND_DATETIME>
            <LAST_FOUND_DATETIME>2025-01-10T00:00:00Z</LAST_FOUND_DATETIME>
            <TIMES_FOUND>1</TIMES_FOUND>
            <IS_IGNORED>1</IS_IGNORED>
            <IS_DISABLED>0</IS_DISABLED>
          </DETECTION>
          <DETECTION>
            <QID>6</QID>
            <TYPE>Info</TYPE>
            <SEVERITY>1</SEVERITY>
            <STATUS>New</STATUS>
            <IS_DISABLED>1</IS_DISABLED>
          </DETECTION>
        </DETECTION_LIST>
      </HOST>
    </HOST_LIST>
  </RESPONSE>
</HOST_LIST_VM_DETECTION_OUTPUT>
<!-- CONFIDENTIAL test material //-->
`

// hldEmpty: nothing matched; RESPONSE holds only DATETIME.
const hldEmpty = `<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE HOST_LIST_VM_DETECTION_OUTPUT SYSTEM "">
<HOST_LIST_VM_DETECTION_OUTPUT>
  <RESPONSE>
    <DATETIME>2025-03-04T10:00:00Z</DATETIME>
  </RESPONSE>
</HOST_LIST_VM_DETECTION_OUTPUT>
<!-- keep-alive for HOST_LIST_VM_DETECTION_OUTPUT -->
`

// kbTwoVulns: keep-alive comments, CVE_LIST placed before CATEGORY, HTML with entities
// inside CDATA, CVSS with a source attribute, one CVE as a single element, empty TITLE.
const kbTwoVulns = `<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE KNOWLEDGE_BASE_VULN_LIST_OUTPUT SYSTEM "https://qualysapi.example.test/api/4.0/fo/knowledge_base/vuln/knowledge_base_vuln_list_output.dtd">
<KNOWLEDGE_BASE_VULN_LIST_OUTPUT>
  <RESPONSE>
    <DATETIME>2025-03-04T10:00:00Z</DATETIME>
<!-- keep-alive for KNOWLEDGE_BASE_VULN_LIST_OUTPUT  -->
    <VULN_LIST>
      <VULN>
        <QID>38173</QID>
        <VULN_TYPE>Vulnerability</VULN_TYPE>
        <SEVERITY_LEVEL>2</SEVERITY_LEVEL>
        <TITLE>
          <![CDATA[ TLS Certificate Has Expired ]]>
        </TITLE>
        <CVE_LIST>
          <CVE><ID><![CDATA[cve-2024-0001]]></ID><URL><![CDATA[https://cve.example.test/0001]]></URL></CVE>
          <CVE><ID><![CDATA[CVE-2024-0002 ]]></ID></CVE>
          <CVE><ID><![CDATA[]]></ID></CVE>
        </CVE_LIST>
        <CATEGORY>General remote services</CATEGORY>
        <LAST_SERVICE_MODIFICATION_DATETIME>2025-01-02T03:04:05Z</LAST_SERVICE_MODIFICATION_DATETIME>
        <PUBLISHED_DATETIME>2019-05-06T07:08:09Z</PUBLISHED_DATETIME>
        <PATCHABLE>1</PATCHABLE>
        <DIAGNOSIS><![CDATA[The server's certificate is past its &quot;notAfter&quot; date.<P>See <A HREF="https://example.test/x" TARGET="_blank">x</A>]]></DIAGNOSIS>
        <CONSEQUENCE><![CDATA[Clients warn.]]></CONSEQUENCE>
        <SOLUTION><![CDATA[Renew it.]]></SOLUTION>
        <CVSS><BASE source="service">5.4</BASE><TEMPORAL>4.1</TEMPORAL></CVSS>
        <CVSS_V3><BASE>6.5</BASE><CVSS3_VERSION>3.1</CVSS3_VERSION></CVSS_V3>
        <THREAT_INTELLIGENCE>
          <THREAT_INTEL id="2"><![CDATA[Exploit_Public]]></THREAT_INTEL>
          <THREAT_INTEL id="8"><![CDATA[ No_Patch ]]></THREAT_INTEL>
        </THREAT_INTELLIGENCE>
        <DISCOVERY><REMOTE>1</REMOTE></DISCOVERY>
      </VULN>
<!-- keep-alive for KNOWLEDGE_BASE_VULN_LIST_OUTPUT  -->
      <VULN>
        <QID>105500</QID>
        <VULN_TYPE>Potential Vulnerability</VULN_TYPE>
        <SEVERITY_LEVEL>5</SEVERITY_LEVEL>
        <TITLE><![CDATA[]]></TITLE>
        <PATCHABLE>0</PATCHABLE>
        <PUBLISHED_DATETIME>2020-01-01T00:00:00Z</PUBLISHED_DATETIME>
        <CVE_LIST><CVE><ID>CVE-2023-9999</ID></CVE></CVE_LIST>
        <DISCOVERY><REMOTE>0</REMOTE></DISCOVERY>
      </VULN>
    </VULN_LIST>
  </RESPONSE>
</KNOWLEDGE_BASE_VULN_LIST_OUTPUT>
<!-- keep-alive for KNOWLEDGE_BASE_VULN_LIST_OUTPUT  -->
`

// scanListTwo: one finished scan with SUB_STATE and OPTION_PROFILE, one running without.
const scanListTwo = `<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE SCAN_LIST_OUTPUT SYSTEM
"https://qualysapi.example.test/api/3.0/fo/scan/scan_list_output.dtd">
<SCAN_LIST_OUTPUT>
  <RESPONSE>
    <DATETIME>2025-03-04T10:00:00Z</DATETIME>
    <SCAN_LIST>
      <SCAN>
        <REF>scan/1740000000.12345</REF>
        <TYPE>API</TYPE>
        <TITLE>
            <![CDATA[qlens 192.0.2.10]]>
        </TITLE>
        <USER_LOGIN>qlens_api</USER_LOGIN>
        <LAUNCH_DATETIME>2025-02-19T21:20:00Z</LAUNCH_DATETIME>
        <DURATION>00:05:12</DURATION>
        <PROCESSING_PRIORITY>0 - No Priority</PROCESSING_PRIORITY>
        <PROCESSED>1</PROCESSED>
        <STATUS><STATE>Finished</STATE><SUB_STATE>No_Vuln</SUB_STATE></STATUS>
        <TARGET><![CDATA[192.0.2.10]]></TARGET>
        <OPTION_PROFILE><TITLE><![CDATA[Initial Options]]></TITLE><DEFAULT_FLAG>1</DEFAULT_FLAG></OPTION_PROFILE>
      </SCAN>
      <SCAN>
        <REF>scan/1740003600.54321</REF>
        <TYPE>On-Demand</TYPE>
        <TITLE><![CDATA[weekly]]></TITLE>
        <USER_LOGIN>analyst1</USER_LOGIN>
        <LAUNCH_DATETIME>2025-02-19T22:20:00Z</LAUNCH_DATETIME>
        <DURATION>Pending</DURATION>
        <PROCESSED>0</PROCESSED>
        <STATUS><STATE>Running</STATE></STATUS>
        <TARGET><![CDATA[192.0.2.10, 192.0.2.20-192.0.2.30]]></TARGET>
      </SCAN>
    </SCAN_LIST>
  </RESPONSE>
</SCAN_LIST_OUTPUT>
`

// scanListEmpty: no SCAN_LIST at all.
const scanListEmpty = `<?xml version="1.0" encoding="UTF-8" ?>
<SCAN_LIST_OUTPUT><RESPONSE><DATETIME>2025-03-04T10:00:00Z</DATETIME></RESPONSE></SCAN_LIST_OUTPUT>`

// launchOK: items in the opposite order of the docs, an extra item, padded values.
const launchOK = `<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE SIMPLE_RETURN SYSTEM "https://qualysapi.example.test/api/2.0/simple_return.dtd">
<SIMPLE_RETURN>
  <RESPONSE>
    <DATETIME>2025-03-04T10:00:00Z</DATETIME>
    <TEXT>New vm scan launched</TEXT>
    <ITEM_LIST>
      <ITEM><KEY>REFERENCE</KEY><VALUE>
        scan/1741082400.77001
      </VALUE></ITEM>
      <ITEM><KEY>NOTE</KEY></ITEM>
      <ITEM><KEY>ID</KEY><VALUE>770001</VALUE></ITEM>
    </ITEM_LIST>
  </RESPONSE>
</SIMPLE_RETURN>`

// simpleError renders a SIMPLE_RETURN error with optional ITEMs (key, value pairs).
func simpleError(code, text string, kv ...string) string {
	items := ""
	for i := 0; i+1 < len(kv); i += 2 {
		items += "<ITEM><KEY>" + kv[i] + "</KEY><VALUE>" + kv[i+1] + "</VALUE></ITEM>"
	}

	if items != "" {
		items = "<ITEM_LIST>" + items + "</ITEM_LIST>"
	}

	return "<SIMPLE_RETURN>\n <RESPONSE>\n  <DATETIME>2025-03-04T10:00:00Z </DATETIME>\n  <CODE>" +
		code + "</CODE>\n  <TEXT> " + text + "</TEXT>" + items + "\n </RESPONSE>\n</SIMPLE_RETURN>\n"
}

// qpsTwoAssets: one QPS page.
const qpsOneAsset = `<?xml version="1.0" encoding="UTF-8"?>
<ServiceResponse xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <responseCode>SUCCESS</responseCode>
  <count>1</count>
  <hasMoreRecords>%s</hasMoreRecords>
  %s
  <data>
    <HostAsset>
      <id>%d</id>
      <name>web01</name>
      <sourceInfo><list><AssetSource/></list></sourceInfo>
      <qwebHostId>%d</qwebHostId>
      <fqdn>web01.corp.example</fqdn>
      <dnsHostName> web01.corp.example </dnsHostName>
      <address>192.0.2.10</address>
      <networkInterface><list><HostAssetInterface><hostname>web01</hostname><address>192.0.2.10</address></HostAssetInterface></list></networkInterface>
    </HostAsset>
  </data>
</ServiceResponse>`

const qpsBadCredentials = `<?xml version="1.0" encoding="UTF-8"?>
<ServiceResponse>
  <responseCode>INVALID_CREDENTIALS</responseCode>
  <responseErrorDetails>
    <errorMessage>Authentication failed</errorMessage>
    <errorResolution>Check user and password.</errorResolution>
  </responseErrorDetails>
</ServiceResponse>`

const maintenanceHTML = `<!DOCTYPE html>
<html><head><title>Service Unavailable</title><style>body{color:red}</style></head>
<body><h1>Service   Unavailable</h1>
<p>The platform is down for planned maintenance.</p></body></html>`

const moved301 = `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head><title>301 Moved Permanently</title></head><body>
<h1>Moved Permanently</h1><p>The document has moved <a href="https://qualysapi.example.test/api/2.0/fo/scan/">here</a>.</p>
</body></html>`
