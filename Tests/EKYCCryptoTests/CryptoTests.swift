import Testing
import EKYCCrypto

@Suite struct CryptoTests {
    @Test func sha256KnownAnswers() {
        #expect(SHA256.hexHash("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hexHash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    /// RFC 4231 test case 2.
    @Test func hmacRFC4231() {
        let mac = HMACSHA256.mac(key: Array("Jefe".utf8), message: "what do ya want for nothing?")
        #expect(Hex.encode(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    /// FIPS 180-2's two-block message, and the same bytes from a collection that is not
    /// contiguous (hashed through a copy).
    @Test func sha256MultiBlock() {
        let message = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        let expected = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        #expect(SHA256.hexHash(message) == expected)
        #expect(SHA256.hexHash(message.utf8.lazy.map { $0 }) == expected)
        #expect(SHA256.hexHash([UInt8](repeating: 0x61, count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// RFC 4231 test cases 6 and 7: a key longer than the block is hashed first.
    @Test func hmacLongKey() {
        let key = [UInt8](repeating: 0xaa, count: 131)
        #expect(Hex.encode(HMACSHA256.mac(key: key, message: "Test Using Larger Than Block-Size Key - Hash Key First"))
            == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
        let message = "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm."
        #expect(Hex.encode(HMACSHA256.mac(key: key, message: message))
            == "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2")
        // A key of exactly one block is used as it is.
        #expect(HMACSHA256.mac(key: [UInt8](repeating: 7, count: 64), message: "m").count == 32)
    }

    @Test func hmacEmptyKeyAndMessage() {
        #expect(Hex.encode(HMACSHA256.mac(key: [UInt8](), message: "")) == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }

    @Test func hexRoundTrip() {
        #expect(Hex.decode("00ff10AB") == [0, 255, 16, 171])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Hex.encode([0, 255, 16, 171]) == "00ff10ab")
    }

    @Test func constantTimeEquals() {
        #expect(HMACSHA256.constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!HMACSHA256.constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!HMACSHA256.constantTimeEquals([1, 2], [1, 2, 3]))
    }

    @Test func randomBytesDiffer() throws {
        let a = try SecureRandom.bytes(32), b = try SecureRandom.bytes(32)
        #expect(a.count == 32 && a != b)
    }
}
