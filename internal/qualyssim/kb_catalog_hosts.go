package qualyssim

// catalog returns every KnowledgeBase record: application/TLS, operating-system and network
// vulnerabilities, and Information Gathered QIDs.
func catalog() []*Vuln {
	out := appVulns()
	out = append(out, hostVulns()...)

	return append(out, infoVulns()...)
}

// hostVulns returns the operating-system and device records.
func hostVulns() []*Vuln {
	return []*Vuln{
		{QID: 91345, VulnType: "Vulnerability", Severity: 5, Category: "Windows",
			Title:     "Microsoft SMB Server Remote Code Execution Vulnerability (MS17-010)",
			Published: day("2017-03-14"), Modified: day("2023-08-08"), Patchable: true, PCI: true,
			CVEs:       cves("CVE-2017-0143 CVE-2017-0144 CVE-2017-0145 CVE-2017-0146 CVE-2017-0148"),
			VendorRefs: []Ref{{"MS17-010", "https://learn.microsoft.com/security-updates/securitybulletins/2017/ms17-010"}},
			CVSSBase:   9.3, CVSSTemporal: 8.1, CVSS3Base: 8.1, CVSS3Temporal: 7.7,
			CVSS3Vector: "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H",
			ThreatIntel: []int{2, 3, 4, 9, 11, 14, 15, 16, 18}, AuthTypes: []string{"Windows"},
			Diagnosis:   "The SMBv1 server mishandles specially crafted packets (EternalBlue).",
			Consequence: "Remote code execution as SYSTEM; used by WannaCry and NotPetya.",
			Solution:    "Install the MS17-010 update and disable SMBv1.",
			family:      "win", ports: smbPort, results: "SMBv1 dialect accepted; MS17-010 patch missing"},
		{QID: 91541, VulnType: "Vulnerability", Severity: 5, Category: "Windows",
			Title:     "Microsoft Windows Remote Desktop Services Remote Code Execution (BlueKeep)",
			Published: day("2019-05-14"), Modified: day("2023-03-01"), Patchable: true, PCI: true,
			CVEs: cves("CVE-2019-0708"), CVSSBase: 10, CVSSTemporal: 8.7, CVSS3Base: 9.8,
			CVSS3Temporal: 9.1, CVSS3Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
			ThreatIntel: []int{2, 3, 11, 14, 15, 18}, AuthTypes: []string{"Windows"},
			Diagnosis:   "Remote Desktop Services accepts crafted requests before authentication.",
			Consequence: "Wormable remote code execution.",
			Solution:    "Apply the May 2019 security update; enable Network Level Authentication.",
			family:      "win", ports: []portSpec{{3389, ProtoTCP, false}},
			results: "MS_T120 channel bound; host is unpatched"},
		{QID: 91688, VulnType: "Vulnerability", Severity: 5, Category: "Windows",
			Title:     "Microsoft Netlogon Elevation of Privilege Vulnerability (Zerologon)",
			Published: day("2020-08-11"), Modified: day("2023-05-16"), Patchable: true, PCI: true,
			CVEs: cves("CVE-2020-1472"), CVSSBase: 9.3, CVSSTemporal: 8.1, CVSS3Base: 10,
			CVSS3Temporal: 9.5, CVSS3Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H",
			ThreatIntel: []int{2, 3, 13, 14, 16, 18}, AuthTypes: []string{"Windows"},
			Diagnosis:   "The Netlogon secure channel uses AES-CFB8 with a zero IV.",
			Consequence: "An attacker on the network can become domain administrator.",
			Solution:    "Apply the August 2020 update and enforce secure RPC.",
			family:      "win", results: "%windir%\\system32\\netlogon.dll  Version is 10.0.17763.1369"},
		{QID: 91785, VulnType: "Vulnerability", Severity: 5, Category: "Windows",
			Title:     "Microsoft Windows Print Spooler Remote Code Execution (PrintNightmare)",
			Published: day("2021-07-01"), Modified: day("2023-07-11"), Patchable: true, PCI: true,
			CVEs: cves("CVE-2021-34527 CVE-2021-1675"), CVSSBase: 9, CVSSTemporal: 7.8,
			CVSS3Base: 8.8, CVSS3Temporal: 8.2, CVSS3Vector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
			ThreatIntel: []int{2, 3, 13, 15, 18}, AuthTypes: []string{"Windows"},
			Diagnosis:   "The Print Spooler service performs privileged file operations improperly.",
			Consequence: "Remote code execution with SYSTEM privileges.",
			Solution:    "Install the July 2021 out-of-band update or disable the Print Spooler.",
			family:      "win", results: "Spooler service running; KB5004945 missing"},
		{QID: 90043, VulnType: "Vulnerability", Severity: 2, Category: "Windows",
			Title: "SMB Signing Disabled or SMB Signing Not Required", Published: day("2009-06-10"),
			Modified: day("2022-11-03"), CVSSBase: 5, CVSSTemporal: 4.5, CVSS3Base: 5.3,
			CVSS3Temporal: 5.1, CVSS3Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:L/A:N",
			ThreatIntel: []int{8},
			Diagnosis:   "SMB signing is not required by this host.",
			Consequence: "Unauthenticated relay attacks may be possible.",
			Solution:    "Set \"Microsoft network server: Digitally sign communications (always)\".",
			family:      "win", ports: smbPort, results: "SMB signing is not required"},
		{QID: 379548, VulnType: "Vulnerability", Severity: 5, Category: "Local",
			Title: "XZ Utils Backdoor Vulnerability", Published: day("2024-03-29"),
			Modified: day("2024-04-10"), Patchable: true, PCI: true, CVEs: cves("CVE-2024-3094"),
			Software: []Software{{"xz", "tukaani"}}, CVSS3Base: 10, CVSS3Temporal: 9.6,
			CVSS3Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H",
			ThreatIntel: []int{2, 15}, AuthTypes: []string{"Unix"},
			Diagnosis:   "xz 5.6.0 and 5.6.1 contain malicious code that alters liblzma.",
			Consequence: "sshd linked to liblzma may accept an attacker's key.",
			Solution:    "Downgrade xz to 5.4.x or apply the distribution update.",
			family:      "linux", results: "xz-utils 5.6.1-1 installed"},
		{QID: 38739, VulnType: "Vulnerability", Severity: 3, Category: "General remote services",
			Title: "Deprecated SSH Cryptographic Settings", Published: day("2018-09-18"),
			Modified: day("2023-12-19"), CVSSBase: 6.4, CVSSTemporal: 5.5,
			Diagnosis:   "The SSH server offers deprecated key exchange or MAC algorithms.",
			Consequence: "Weak algorithms may let an attacker break confidentiality.",
			Solution:    "Disable diffie-hellman-group1-sha1 and hmac-md5 in sshd_config.",
			family:      "linux", ports: sshPort, results: "kex: diffie-hellman-group1-sha1 on port {port}"},
		{QID: 105943, VulnType: "Vulnerability", Severity: 4, Category: "Security Policy",
			Title: "EOL/Obsolete Operating System Detected", Published: day("2019-01-15"),
			Modified: day("2024-03-05"), CVSSBase: 7.5, CVSSTemporal: 6.8,
			Diagnosis:   "The operating system no longer receives security updates from its vendor.",
			Consequence: "New vulnerabilities will not be fixed.",
			Solution:    "Upgrade to a supported release.",
			family:      "any", results: "End of support reached for the detected operating system"},
		{QID: 316760, VulnType: "Vulnerability or Potential Vulnerability", Severity: 3,
			Category: "Cisco", Title: "Cisco IOS XE Software Command Injection Vulnerability",
			Published: day("2020-10-07"), Modified: day("2020-10-07"), Patchable: true, PCI: true,
			CVEs: cves("CVE-2020-3403"), Software: []Software{{"ios_xe", "cisco"}},
			CVSSBase: 7.2, CVSSTemporal: 5.3, AuthTypes: []string{"Unix", "SNMP"},
			Diagnosis:   "The CLI lets an authenticated local user inject commands run as root at reboot.",
			Consequence: "Commands run with root privileges each time the device restarts.",
			Solution:    "Upgrade to a fixed Cisco IOS XE release.",
			family:      "net", results: "Cisco IOS XE Software, Version 16.9.4"},
		{QID: 82003, VulnType: "Potential Vulnerability", Severity: 1, Category: "TCP/IP",
			Title: "ICMP Timestamp Request", Published: day("1999-01-01"), Modified: day("2021-01-20"),
			CVEs: cves("CVE-1999-0524"), CVSSBase: 0.1, ThreatIntel: []int{8},
			Diagnosis:   "The host answers ICMP timestamp requests (type 13).",
			Consequence: "The host's clock may be used to defeat time-based protections.",
			Solution:    "Filter ICMP timestamp requests and replies.",
			family:      "any", ports: icmp, results: "Timestamp of host (network byte ordering): 14:52:11 GMT"},
	}
}

// infoVulns returns the Information Gathered records; HLD returns them only with show_igs=1.
func infoVulns() []*Vuln {
	ig := func(qid, sev int, title, diag, results string) *Vuln {
		return &Vuln{QID: qid, VulnType: "Information Gathered", Severity: sev,
			Category: "Information gathering", Title: title, Published: day("2003-01-16"),
			Modified: day("2022-10-17"), Diagnosis: diag, Consequence: "Not applicable.",
			Solution: "Not applicable.", family: "info", results: results}
	}

	return []*Vuln{
		ig(6, 1, "DNS Host Name", "The fully qualified name of this host, if a DNS server "+
			"returned one, is shown in the results.", "IP address\tHost name\n{ip}\t{host}"),
		ig(45017, 2, "Operating System Detected", "The OS was identified by <B>TCP/IP "+
			"fingerprint</B>, NetBIOS or an authenticated check.", "Operating System\tTechnique"),
		ig(45038, 1, "Host Scan Time - Scanner", "The time the scanner took to scan this host.",
			"Scan duration: 1113 seconds"),
	}
}
