import Testing
@testable import EKYCGate

@Suite struct Base64Tests {
    /// Every prefix of every encoding, cut inside a quantum, at its edge or in the padding,
    /// decodes to exactly the first bytes of the whole: what image sniffing relies on.
    @Test func everyPrefixDecodesToTheHeadOfTheWhole() throws {
        var generator = SystemRandomNumberGenerator()
        for length in 0...20 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let text = Array(Base64.encode(bytes[...]).utf8)
            #expect(Base64.isWellFormed(text))
            for cut in 0...text.count {
                let prefix = text.prefix(cut)
                let significant = prefix.filter { $0 != UInt8(ascii: "=") }.count
                let expected = Array(bytes.prefix(significant * 6 / 8))
                #expect(Base64.decodedHead(prefix, bytes: 64) == expected, "\(length) bytes cut at \(cut)")
                #expect(Base64.decodedHead(prefix, bytes: 2) == Array(expected.prefix(2)))
            }
        }
    }

    @Test(arguments: [
        ("/9j/4A==", true), ("/9j/4A=", true), ("/9j/4A", true), ("", true),
        ("/9j=/4A=", false), ("/9j/4===", false), ("/9j/ 4A=", false), ("/9j/4A==x", false), ("_-", false),
    ])
    func wellFormed(_ text: String, _ expected: Bool) {
        #expect(Base64.isWellFormed(text.utf8) == expected)
    }

    @Test func headStopsAtPaddingAndRefusesOtherBytes() {
        #expect(Base64.decodedHead("/9j/4A==".utf8, bytes: 16) == [0xFF, 0xD8, 0xFF, 0xE0])
        #expect(Base64.decodedHead("/9j/4A*=".utf8, bytes: 16) == nil)
    }
}
