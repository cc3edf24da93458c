#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Numbers as Tencent's SDKs read them: the Python SDK assigns whatever JSON arrives, so an
/// answer with `"ErrorCode":"0"` or `"Similarity":"96.45"` works there, and must not be a 502
/// here. A number, or a string holding one, is accepted; anything else is still an error.
extension KeyedDecodingContainer {
    func lenientInt64(_ key: Key) throws -> Int64? {
        if try decodeNil(forKey: key) { return nil }
        if let number = try? decode(Int64.self, forKey: key) { return number }
        if let double = try? decode(Double.self, forKey: key), let exact = Int64(exactly: double) { return exact }
        let text = try decode(String.self, forKey: key).trimmed()
        if let number = Int64(text) { return number }
        if let double = Double(text), let exact = Int64(exactly: double) { return exact }
        throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "not an integer: \(text.prefix(40))")
    }

    func lenientDouble(_ key: Key) throws -> Double? {
        if try decodeNil(forKey: key) { return nil }
        if let number = try? decode(Double.self, forKey: key) { return number }
        let text = try decode(String.self, forKey: key).trimmed()
        guard let number = Double(text), number.isFinite else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "not a number: \(text.prefix(40))")
        }
        return number
    }
}
