import EKYCGate
import FuzzSupport

// A token that passes the check names a store file and goes into URLs and logs unescaped.
Fuzzer.run { bytes in
    let token = String(decoding: bytes, as: UTF8.self)
    guard TokenFormat.isValid(token) else { return }
    require((16...128).contains(token.utf8.count), "valid token of \(token.utf8.count) bytes")
    require(!token.utf8.contains { [0x00, 0x2e, 0x2f, 0x5c].contains($0) }, "valid token \(token.debugDescription) holds NUL, '.', '/' or '\\'")
    require(Array(token.utf8) == bytes, "valid token was not UTF-8 as given")
    require(FormEncoding.encode(token) == token, "valid token \(token.debugDescription) needs URL escaping")
}
