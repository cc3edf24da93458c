import EKYCGate
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import FastCGI

/// One API call as the platform accepts it, authenticated: TC3-HMAC-SHA256 with a JSON body
/// (POST, what every SDK sends by default) or with the parameters in the query (GET), or the
/// older HmacSHA256 signing with every parameter, `Action` and `Signature` included, in the
/// query (GET) or a form body (POST). The SDKs' GET and form encodings flatten `Config` to
/// `Config.CheckMode=3` and send every value as text.
struct APICall {
    var action: String
    var version: String?
    /// Parameters from a query or form: nested by their dotted names, every value a string.
    var textual: Bool
    private var form: [String: String]?
    private var body: [UInt8]

    /// The parameters of the older signing that belong to the platform, not to the action.
    static let commonParameters: Set<String> = [
        "Action", "Version", "Region", "Timestamp", "Nonce", "SecretId", "Signature", "SignatureMethod",
        "Token", "RequestClient", "Language",
    ]

    static func read(_ request: HTTPRequest, authenticator: RequestAuthenticator, nowSeconds: Int64) throws(APIError) -> APICall {
        let isForm = (request.header("Content-Type") ?? "").lowercased().hasPrefix("application/x-www-form-urlencoded")
        let text = request.method == "GET" ? request.queryString : (isForm ? String(decoding: request.body, as: UTF8.self) : "")
        let fields = FormFields(text)
        if request.header("Authorization") == nil, fields["Signature"] != nil {
            try authenticator.verifyOldSignature(request, fields: fields, nowSeconds: nowSeconds)
            let params = fields.all.filter { !commonParameters.contains($0.key) }
            return APICall(action: fields["Action"] ?? "", version: fields["Version"], textual: true, form: params, body: [])
        }
        try authenticator.verify(request, nowSeconds: nowSeconds)
        let action = request.header("X-TC-Action") ?? ""
        if request.method == "GET" {
            return APICall(action: action, version: request.header("X-TC-Version"), textual: true, form: fields.all, body: [])
        }
        return APICall(action: action, version: request.header("X-TC-Version"), textual: false, form: nil, body: request.body)
    }

    /// The action's parameters as a JSON object.
    func parameters() throws(APIError) -> JSONValue {
        guard let form else {
            do { return try JSONDecoder().decode(JSONValue.self, from: Data(body)) } catch {
                throw .invalidParameter("The request body is not valid JSON.")
            }
        }
        return Self.nested(form)
    }

    /// `{"Config.CheckMode": "3"}` as `{"Config": {"CheckMode": "3"}}`.
    static func nested(_ flat: [String: String]) -> JSONValue {
        var top: [String: [String: String]] = [:]
        var members: [(String, JSONValue)] = []
        for (key, value) in flat.sorted(by: { $0.key < $1.key }) {
            if let dot = key.firstIndex(of: ".") {
                top[String(key[..<dot]), default: [:]][String(key[key.index(after: dot)...])] = value
            } else {
                members.append((key, .string(value)))
            }
        }
        for (name, inner) in top.sorted(by: { $0.key < $1.key }) { members.append((name, nested(inner))) }
        return .object(members)
    }
}
