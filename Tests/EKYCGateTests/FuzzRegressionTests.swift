import EKYCGate
import Testing

/// Inputs `scripts/fuzz` found that once trapped or misparsed, kept as plain tests.
@Suite struct FuzzRegressionTests {
    /// "&" or "=" followed by a combining mark (U+0301) is one Swift Character; the query was split
    /// on Characters, so it read other pairs than nginx, browsers and merchant backends do.
    @Test func queryIsSplitOnBytesNotCharacters() throws {
        let pairs = try #require(FormEncoding.parse("token=A&\u{301}b=1&c=\u{301}d"))
        #expect(pairs.map(\.name) == ["token", "\u{301}b", "c"])
        #expect(pairs.map(\.value) == ["A", "1", "\u{301}d"])
        #expect(FormEncoding.value("token", in: "token=A&\u{301}token=B") == "A")
    }

    @Test func cookieIsSplitOnBytesNotCharacters() {
        let session = String(repeating: "5e", count: 32)
        #expect(Cookies.value("ekyc_session", in: "theme=dark;\u{301}x=1; ekyc_session=\(session)") == session)
        #expect(Cookies.value("a", in: "a=1;\u{301}b=2") == "1")
        // A name is matched byte for byte, not by canonical equivalence.
        #expect(Cookies.value("\u{e9}", in: "e\u{301}=1") == nil)
    }
}
