public import FastCGI
import EKYCGate

/// A property every input must keep; a violation aborts, which libFuzzer reports as a crash
/// and saves the input.
public func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                    file: StaticString = #fileID, line: UInt = #line) {
    if !condition() { fatalError("property violated: \(message())", file: file, line: line) }
}

/// What every handler answer must be: a real HTTP status, and for JSON answers a JSON body,
/// with `{"error": {"code": "…", "message": "…"}}` on every 4xx/5xx but an expired result.
public func requireWellFormed(_ response: HTTPResponse) {
    require((200..<600).contains(response.status), "status \(response.status)")
    let contentType = response.headers.first { $0.name.lowercased() == "content-type" }?.value
    guard contentType == "application/json" else {
        require(response.status < 400, "a \(response.status) answer that is not JSON")
        return
    }
    guard let body = JSONValue.parse(response.body) else {
        fatalError("property violated: the JSON answer does not parse: \(String(decoding: response.body.prefix(200), as: UTF8.self))")
    }
    // 410 is the result of an expired token, the one 4xx that is not an error answer.
    if response.status == 410, case .string("expired")? = body["status"] { return }
    if response.status >= 400 {
        guard case .string? = body["error"]?["code"], case .string? = body["error"]?["message"] else {
            fatalError("property violated: a \(response.status) answer without error.code and error.message")
        }
    }
}

/// Splits an input into `count` newline-terminated text fields and the remaining bytes, the
/// shape of the seed files (`GET\nquery\ncookie\nbody…`). Missing fields are empty.
public func fields(_ bytes: [UInt8], count: Int) -> (fields: [String], rest: [UInt8]) {
    var result: [String] = []
    var start = 0
    while result.count < count {
        guard let newline = bytes[start...].firstIndex(of: 10) else {
            result.append(String(decoding: bytes[start...], as: UTF8.self))
            start = bytes.count
            break
        }
        result.append(String(decoding: bytes[start..<newline], as: UTF8.self))
        start = newline + 1
    }
    while result.count < count { result.append("") }
    return (result, Array(bytes[start...]))
}

/// Whether `needle` occurs in `haystack`, byte for byte.
public func occurs(_ needle: some Collection<UInt8>, in haystack: some Collection<UInt8>) -> Bool {
    let needle = Array(needle), haystack = Array(haystack)
    guard !needle.isEmpty else { return true }
    guard haystack.count >= needle.count else { return false }
    for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
        if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
    }
    return false
}
