import EKYCGate
import EKYCSandbox
import FastCGI
import FuzzSupport

// Input: the Authorization header, the X-TC-Timestamp header, then the body, as the sandbox
// API receives them.
let credentials = Credentials(secretId: "AKIDEXAMPLEekyc0000000000000000000001", secretKey: "EXAMPLEsecretKey0000000000000000")
let authenticator = RequestAuthenticator(credentials: credentials)
let host = "faceid.intl.tencentcloudapi.com"
let now = Fixtures.now

func request(authorization: String, timestamp: String, body: [UInt8]) -> HTTPRequest {
    HTTPRequest(params: ["REQUEST_METHOD": "POST", "DOCUMENT_URI": "/", "QUERY_STRING": "", "CONTENT_TYPE": "application/json",
                         "HTTP_HOST": host, "HTTP_AUTHORIZATION": authorization, "HTTP_X_TC_TIMESTAMP": timestamp,
                         "HTTP_X_TC_ACTION": "GetWebVerificationResultIntl", "CONTENT_LENGTH": String(body.count)],
                body: body)
}

Fuzzer.run { bytes in
    let (lines, body) = fields(bytes, count: 2)
    let header = lines[0]
    let timestamp = lines[1]

    if let parsed = try? TC3Authorization(parsing: header) {
        require(parsed.signature.utf8.count == 64 && parsed.signature.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) },
                "signature \(parsed.signature.debugDescription)")
        require(parsed.date.utf8.count == 10, "date \(parsed.date.debugDescription)")
        require(!parsed.secretId.isEmpty && !parsed.service.isEmpty && !parsed.signedHeaders.isEmpty, "an empty part in \(header.debugDescription)")
        require(parsed.signedHeaders.allSatisfy { !$0.isEmpty && $0 == $0.lowercased() }, "signed headers \(parsed.signedHeaders)")
        // Written back in the canonical form, the header parses to the same value.
        let canonical = "\(TC3Signer.algorithm) Credential=\(parsed.secretId)/\(parsed.date)/\(parsed.service)/tc3_request, "
            + "SignedHeaders=\(parsed.signedHeaders.joined(separator: ";")), Signature=\(parsed.signature)"
        require((try? TC3Authorization(parsing: canonical)) == parsed, "\(header.debugDescription) does not survive a rewrite as \(canonical.debugDescription)")
    }

    // The sandbox's whole check: only the signature the signer makes passes.
    if (try? authenticator.verify(request(authorization: header, timestamp: timestamp, body: body), nowSeconds: now)) != nil {
        guard let seconds = Int64(timestamp) else { fatalError("property violated: accepted timestamp \(timestamp.debugDescription)") }
        let expected = TC3Signer.sign(credentials, SigningInput(service: "faceid", host: host, payload: body), timestamp: seconds)
        let parsed = try? TC3Authorization(parsing: header)
        require(parsed?.signature == expected.signature || parsed?.signedHeaders != ["content-type", "host"],
                "accepted a signature the signer does not make: \(header.debugDescription)")
        require(abs(seconds - now) <= RequestAuthenticator.allowedSkewSeconds, "accepted timestamp \(seconds)")
    }
    // A request the official way, signed at the given time: passes within five minutes of now.
    // (Within about thirty years of now: the signer's date arithmetic is for real clocks.)
    if let seconds = Int64(timestamp), seconds > now - 1_000_000_000, seconds < now + 1_000_000_000 {
        let signed = TC3Signer.sign(credentials, SigningInput(service: "faceid", host: host, payload: body), timestamp: seconds)
        let passed = (try? authenticator.verify(request(authorization: signed.authorization, timestamp: timestamp, body: body), nowSeconds: now)) != nil
        let inWindow = seconds >= now - RequestAuthenticator.allowedSkewSeconds && seconds <= now + RequestAuthenticator.allowedSkewSeconds
        require(passed == inWindow, "a correctly signed request at \(seconds) \(passed ? "passed" : "failed")")
    }
}
