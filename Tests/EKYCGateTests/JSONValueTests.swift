import Foundation
import Testing
@testable import EKYCGate

@Suite struct JSONValueTests {
    @Test func stringsAreEscapedForJSONAndForAScriptBlock() {
        let value = JSONValue.object([("a\"b", .string("q\" b\\ n\n r\r t\t <script> \u{1} \u{1f} \u{2028}\u{2029} é 😀"))])
        #expect(value.serialized() == #"{"a\"b":"q\" b\\ n\n r\r t\t \u003cscript\u003e \u0001 \u001f \u2028\u2029 é 😀"}"#)
    }

    @Test func whatIsWrittenParsesBackTheSame() throws {
        let value = JSONValue.object([
            ("s", .string("line\u{2028}sep \u{0} \"x\" \\ </b> 中文 \u{E2}")), ("n", .null), ("t", .bool(true)), ("i", .integer(-42)),
            ("d", .number(1.5)), ("a", .array([.string(""), .integer(0), .object([])])),
        ])
        // The parser does not keep the order of an object's keys; each one reads back the same.
        let parsed = try #require(JSONValue.parse(value.bytes))
        for key in ["s", "n", "t", "i", "d", "a"] { #expect(parsed[key] == value[key], "\(key)") }
        // And Foundation reads it as the same text.
        let decoded = try JSONSerialization.jsonObject(with: Data(value.bytes)) as? [String: Any]
        #expect(decoded?["s"] as? String == "line\u{2028}sep \u{0} \"x\" \\ </b> 中文 \u{E2}")
    }
}
