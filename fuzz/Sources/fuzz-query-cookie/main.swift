import EKYCGate
import FuzzSupport

// Query strings, form bodies and the Cookie header: byte-level formats, so the properties are
// stated over bytes (what nginx, browsers and a merchant backend see), not Swift Characters.
Fuzzer.run { bytes in
    let text = String(decoding: bytes, as: UTF8.self)
    let raw = Array(text.utf8)

    // Encoding is total and decoding inverts it, byte for byte.
    let encoded = FormEncoding.encode(text)
    require(encoded.utf8.allSatisfy { $0 < 0x80 && $0 != UInt8(ascii: "&") && $0 != UInt8(ascii: "=") && $0 != UInt8(ascii: "+") },
            "encode left a delimiter or non-ASCII byte in \(encoded.debugDescription)")
    require(FormEncoding.decode(Substring(encoded)).map { Array($0.utf8) } == raw, "decode(encode(s)) != s for \(text.debugDescription)")

    if let pairs = FormEncoding.parse(text) {
        // One pair per non-empty '&'-separated run of bytes.
        let runs = raw.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true)
        require(pairs.count == runs.count, "\(pairs.count) pairs from \(runs.count) '&'-separated parts of \(text.debugDescription)")
        for (pair, run) in zip(pairs, runs) {
            let name = run.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)[0]
            require(FormEncoding.decode(Substring(decoding: name, as: UTF8.self)).map { Array($0.utf8) } == Array(pair.name.utf8),
                    "pair name \(pair.name.debugDescription) is not the bytes before the first '=' of \(text.debugDescription)")
        }
        // What parses re-encodes to the same pairs.
        let rebuilt = pairs.map { FormEncoding.encode($0.name) + "=" + FormEncoding.encode($0.value) }.joined(separator: "&")
        let again = FormEncoding.parse(rebuilt)
        require(again?.map { Array($0.name.utf8) } == pairs.map { Array($0.name.utf8) }
                && again?.map { Array($0.value.utf8) } == pairs.map { Array($0.value.utf8) },
                "pairs of \(text.debugDescription) do not survive a re-encoding")
        if let first = pairs.first {
            require(FormEncoding.value(first.name, in: text).map { Array($0.utf8) } == Array(first.value.utf8), "value(first name) is not the first value")
        }
    }

    // The Cookie header: a found value is the bytes after "name=" up to the next ';'.
    for name in ["ekyc_session", "a"] {
        guard let value = Cookies.value(name, in: text) else { continue }
        require(!value.utf8.contains(UInt8(ascii: ";")), "cookie value with ';': \(value.debugDescription)")
        require(occurs((name + "=" + value).utf8, in: raw), "cookie value \(value.debugDescription) not in the header \(text.debugDescription)")
    }
    // A session value set by the handlers is read back from any header that carries it.
    let session = Fixtures.session
    for header in ["\(text); ekyc_session=\(session)", "ekyc_session=\(session)"] where !text.contains("ekyc_session") {
        require(Cookies.value("ekyc_session", in: header) == session, "the session cookie is lost after \(text.debugDescription)")
    }
}
