#if canImport(Glibc)
import Glibc
#endif
import CCurl

/// A received HTTP answer.
public struct HTTPClientResponse: Sendable {
    public var status: Int
    /// Header names lower-cased; the last value wins.
    public var headers: [String: String]
    public var body: [UInt8]
}

/// Options fixed for the life of a client.
public struct HTTPClientOptions: Sendable {
    public var connectTimeoutMilliseconds: Int
    public var totalTimeoutMilliseconds: Int
    /// PEM bundle of trusted CAs; nil uses the system store. Verification is never turned off.
    public var caFile: String?
    public var userAgent: String

    public init(connectTimeoutMilliseconds: Int = 3_000, totalTimeoutMilliseconds: Int = 10_000,
                caFile: String? = nil, userAgent: String = "ekyc-gate") {
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.totalTimeoutMilliseconds = totalTimeoutMilliseconds
        self.caFile = caFile
        self.userAgent = userAgent
    }
}

/// One libcurl easy handle, owned by one worker thread and reused for every request; the
/// transfer itself runs in the process's one multi handle (`TransferLoop`), whose kept-alive
/// connections serve every client. libcurl is loaded (`ekyc_curl_load`) and initialised on the
/// first call, not before: a callback answered from the store (every CGI run of one, most reads
/// of a final result) never pays for it, and idle workers hold no easy handle.
public final class HTTPClient {
    private var handle: UnsafeMutableRawPointer?
    private let completion = Completion()
    private let options: HTTPClientOptions
    /// curl writes its detailed message here; allocated once so the pointer stays valid.
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    fileprivate var responseBody: [UInt8] = []
    fileprivate var responseHeaders: [String: String] = [:]

    static let maxIdleSeconds = 20

    /// Loads nothing yet: libcurl and the CA store are loaded by the first call, whose error
    /// names what could not be loaded (a bad `ca_file`, a missing libcurl).
    public init(options: HTTPClientOptions) throws(HTTPClientError) {
        self.options = options
        errorBuffer[0] = 0
    }

    deinit {
        if let handle { ekyc_curl_easy_cleanup(handle) }
        errorBuffer.deallocate()
    }

    /// POSTs `body` to `url` and returns the answer, or throws when no answer came.
    public func post(url: String, headers: [(String, String)], body: [UInt8]) throws(HTTPClientError) -> HTTPClientResponse {
        let handle = try configuredHandle()
        responseBody.removeAll(keepingCapacity: true)
        responseHeaders.removeAll(keepingCapacity: true)
        errorBuffer[0] = 0

        var list: UnsafeMutablePointer<curl_slist>? = nil
        for (name, value) in headers { list = ekyc_curl_slist_append(list, "\(name): \(value)") }
        // curl adds "Expect: 100-continue" to large POSTs; the API does not need the extra round trip.
        list = ekyc_curl_slist_append(list, "Expect:")
        defer { ekyc_curl_slist_free_all(list) }

        try check(ekyc_curl_setopt_string(handle, CURLOPT_URL, url))
        try check(ekyc_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, list))
        try check(ekyc_curl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))

        let code: CURLcode = body.withUnsafeBufferPointer { buffer in
            // COPYPOSTFIELDS would copy the body; POSTFIELDS points at it for the call's duration.
            _ = ekyc_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!))
            return TransferLoop.shared.perform(handle, completion: completion)
        }
        try check(code)
        var status = 0
        _ = ekyc_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPClientResponse(status: status, headers: responseHeaders, body: responseBody)
    }

    /// The worker's easy handle, made on the first call with the options every call shares; a
    /// call sets only its URL, headers and body on top: a `curl_easy_reset` and twenty options
    /// for every call were a visible share of a handler's CPU per request (docs/BENCHMARKS.md,
    /// "How the figures moved").
    private func configuredHandle() throws(HTTPClientError) -> UnsafeMutableRawPointer {
        if let handle { return handle }
        if let problem = ekyc_curl_load() {
            throw HTTPClientError(kind: .setup, code: -1, message: String(cString: problem), requestNotSent: true)
        }
        guard let caStore = SharedCAStore.store(file: options.caFile) else {
            throw HTTPClientError(kind: .tls, code: -1, message: "cannot load the CA certificates from \(options.caFile ?? "the system's default locations") (check ca_file: a PEM file)", requestNotSent: true)
        }
        _ = TransferLoop.shared   // curl_global_init, before the first easy handle
        guard let handle = ekyc_curl_easy_init() else {
            throw HTTPClientError(kind: .setup, code: -1, message: "curl_easy_init failed (out of memory?)", requestNotSent: true)
        }
        do {
            try check(ekyc_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"))
            try check(ekyc_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
            // A connection idle longer than this is not reused but closed: servers drop idle ones
            // (nginx after 75 s, many load balancers after 60 s), and a call sent the moment the
            // server closes fails with a network error (seen: 6 STARTs after a minute of quiet).
            try check(ekyc_curl_setopt_long(handle, CURLOPT_MAXAGE_CONN, Self.maxIdleSeconds))
            // Over HTTP/2, a call waits for a stream on the open connection rather than opening another.
            try check(ekyc_curl_setopt_long(handle, CURLOPT_PIPEWAIT, 1))
            try check(ekyc_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, options.connectTimeoutMilliseconds))
            try check(ekyc_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, options.totalTimeoutMilliseconds))
            try check(ekyc_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1))
            try check(ekyc_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2))
            // Peers are verified against the process's one shared store, so curl loads no bundle.
            try check(ekyc_curl_setopt_string(handle, CURLOPT_CAINFO, nil))
            try check(ekyc_curl_setopt_string(handle, CURLOPT_CAPATH, nil))
            try check(ekyc_curl_setopt_shared_ca_store(handle, caStore))
            try check(ekyc_curl_setopt_string(handle, CURLOPT_USERAGENT, options.userAgent))
            try check(ekyc_curl_setopt_long(handle, CURLOPT_POST, 1))
            try check(ekyc_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
            let me = Unmanaged.passUnretained(self).toOpaque()
            try check(ekyc_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, me))
            try check(ekyc_curl_setopt_write_function(handle, { data, size, count, userdata in
                // On the I/O thread, while the owning worker waits in `Completion.wait`.
                let client = Unmanaged<HTTPClient>.fromOpaque(userdata!).takeUnretainedValue()
                let n = size * count
                data!.withMemoryRebound(to: UInt8.self, capacity: n) { client.responseBody.append(contentsOf: UnsafeBufferPointer(start: $0, count: n)) }
                return n
            }))
            try check(ekyc_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, me))
            try check(ekyc_curl_setopt_header_function(handle, { data, size, count, userdata in
                let client = Unmanaged<HTTPClient>.fromOpaque(userdata!).takeUnretainedValue()
                let n = size * count
                let line = data!.withMemoryRebound(to: UInt8.self, capacity: n) { String(decoding: UnsafeBufferPointer(start: $0, count: n), as: UTF8.self) }
                if let colon = line.firstIndex(of: ":") {
                    let name = line[..<colon].lowercased()
                    let value = line[line.index(after: colon)...].trimmingWhitespace()
                    client.responseHeaders[name] = value
                }
                return n
            }))
        } catch {
            ekyc_curl_easy_cleanup(handle)
            throw error
        }
        self.handle = handle
        return handle
    }

    private func check(_ code: CURLcode) throws(HTTPClientError) {
        guard code != CURLE_OK else { return }
        let text = String(cString: ekyc_curl_easy_strerror(code))
        let detail = String(cString: errorBuffer)
        let message = detail.isEmpty ? text : "\(text): \(detail)"
        let kind: HTTPClientError.Kind
        switch code {
        case CURLE_OPERATION_TIMEDOUT: kind = .timeout
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CACERT_BADFILE,
             CURLE_SSL_CERTPROBLEM: kind = .tls
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_SEND_ERROR, CURLE_RECV_ERROR,
             CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_COULDNT_RESOLVE_PROXY: kind = .network
        default: kind = .setup
        }
        let notSent = code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_CONNECT || kind == .tls
        throw HTTPClientError(kind: kind, code: Int32(code.rawValue), message: message, requestNotSent: notSent)
    }
}

extension Substring {
    /// Trims on Unicode scalars: to Swift, the "\r\n" ending every header line is one Character,
    /// which a Character comparison with "\r" or "\n" never matches.
    fileprivate func trimmingWhitespace() -> String {
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }), let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(scalars[first...last])
    }
}
