/// One HTTP request as the web server handed it over (FastCGI params or CGI environment),
/// copied out of C memory at once so handlers never see FastCGI.
public struct HTTPRequest: Sendable {
    /// The CGI/FastCGI parameters (`REQUEST_METHOD`, `QUERY_STRING`, `HTTP_COOKIE`, …).
    public var params: [String: String]
    /// The request body; empty when `bodyOmitted`.
    public var body: [UInt8]
    /// True when the declared body was larger than the server's limit and was not read:
    /// the handler answers 413 without the process ever holding it.
    public var bodyOmitted: Bool
    /// The request's id in the log line and in error answers: the web server's
    /// (`RequestID.given`), or one made here when it gave none.
    public var id: String { RequestID.given(by: params) ?? madeID }
    /// Made only for a request that arrived without the web server's id.
    private let madeID: String

    public init(params: [String: String], body: [UInt8] = [], bodyOmitted: Bool = false) {
        self.params = params
        self.body = body
        self.bodyOmitted = bodyOmitted
        madeID = RequestID.given(by: params) == nil ? RequestID.make() : "-"
    }

    public var method: String { params["REQUEST_METHOD"] ?? "GET" }
    public var queryString: String { params["QUERY_STRING"] ?? "" }

    /// The path without query, from `DOCUMENT_URI` (nginx) or `SCRIPT_NAME` + `PATH_INFO` (CGI).
    public var path: String {
        if let uri = params["DOCUMENT_URI"], !uri.isEmpty { return uri }
        let script = params["SCRIPT_NAME"] ?? ""
        let info = params["PATH_INFO"] ?? ""
        if !(script + info).isEmpty { return script + info }
        let requestURI = params["REQUEST_URI"] ?? "/"
        return String(requestURI.prefix { $0 != "?" })
    }

    /// The declared body length, nil when absent or not a number.
    public var contentLength: Int? { params["CONTENT_LENGTH"].flatMap { Int($0) } }

    /// A request header by its HTTP name, case-insensitive (`header("Cookie")`).
    public func header(_ name: String) -> String? {
        let key = name.uppercased().replacingOccurrences(of: "-", with: "_")
        switch key {
        case "CONTENT_TYPE", "CONTENT_LENGTH": return params[key]
        default: return params["HTTP_" + key]
        }
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
