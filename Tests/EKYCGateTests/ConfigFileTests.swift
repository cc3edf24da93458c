import Testing
import EKYCGate

@Suite struct ConfigFileTests {
    func parse(_ text: String) throws(ConfigError) -> [String: String] {
        let file = try ConfigFile(parsing: text, path: "ekyc.conf")
        return Dictionary(uniqueKeysWithValues: file.keys.map { ($0, file[$0]!) })
    }

    func refusal(_ text: String) -> String {
        do { _ = try parse(text); return "accepted" } catch { return error.message }
    }

    @Test func keysAndValuesWithCommentsBlankLinesSpacesAndQuotes() throws {
        let text = """
        # comment = not a key
        \t
          secret_file = /etc/ekyc/secret.conf\u{20}\u{20}
        theme_color = "#2d72f1"
        REDIRECT_URL=https://shop.example.com/done?a=b
        empty =
        quoted_empty = ""
        one_quote = "a
        language = 中文\r
        store = file:/var/lib/ekyc/tokens
        """
        #expect(try parse(text) == [
            "secret_file": "/etc/ekyc/secret.conf", "theme_color": "#2d72f1",
            // Keys are read in lower case; a value keeps everything after the first '='.
            "redirect_url": "https://shop.example.com/done?a=b",
            "empty": "", "quoted_empty": "", "one_quote": "\"a",
            // Values are UTF-8, and a CRLF file reads as an LF one.
            "language": "中文", "store": "file:/var/lib/ekyc/tokens",
        ])
    }

    @Test func eachLineIsNumberedForOrigins() throws {
        let file = try ConfigFile(parsing: "\n# x\nstore = file:/a\n\nworkers = 4", path: "ekyc.conf")
        #expect(file.origin(of: "store") == "ekyc.conf:3" && file.origin(of: "workers") == "ekyc.conf:5")
        #expect(try ConfigFile(parsing: "", path: "ekyc.conf").keys.isEmpty)
        #expect(try ConfigFile(parsing: "\n\n", path: "ekyc.conf").keys.isEmpty)
    }

    @Test func refusalsNameTheLineAndTheFix() {
        #expect(refusal("store = a\nno equals sign here") == "ekyc.conf:2: expected 'key = value', found 'no equals sign here'")
        #expect(refusal("store = a\n\nStore = b") == "ekyc.conf:3: 'Store' is set twice (first on line 1); keep one")
        #expect(refusal(" = value") == "ekyc.conf:1: '' is not a valid key (letters, digits and _ only)")
        #expect(refusal("redirect url = x") == "ekyc.conf:1: 'redirect url' is not a valid key (letters, digits and _ only)")
        #expect(refusal("clé = x") == "ekyc.conf:1: 'clé' is not a valid key (letters, digits and _ only)")
        // A byte-order mark is not a space: the first key is then not a valid key, as before.
        #expect(refusal("\u{FEFF}store = x") == "ekyc.conf:1: '\u{FEFF}store' is not a valid key (letters, digits and _ only)")
        let long = String(repeating: "x", count: 100)
        #expect(refusal(long) == "ekyc.conf:1: expected 'key = value', found '\(String(repeating: "x", count: 60))'")
    }

    @Test func theBytesAndTheTextParseAlike() throws {
        let text = "a = 1\nb = \"two\"\n# c = 3\n"
        #expect(try ConfigFile(parsing: Array(text.utf8), path: "f") == ConfigFile(parsing: text, path: "f"))
    }
}

@Suite struct ConfigFileRandomInputTests {
    /// Bytes the parser branches on, and some it must carry through (invalid UTF-8 included):
    /// whatever a file holds, it parses or throws a ConfigError, and what it parses holds only
    /// valid keys, in lower case.
    @Test func anyBytesParseOrAreRefusedNeverCrash() {
        let alphabet: [UInt8] = Array("a_Z9.=\"# \t\r\n".utf8) + [0xC3, 0xA9, 0xFF, 0x00]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {  // xorshift64: the same inputs on every run
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        for _ in 0..<3_000 {
            let bytes = (0..<Int(next() % 40)).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] }
            guard let file = try? ConfigFile(parsing: bytes, path: "f") else { continue }
            for key in file.keys {
                #expect(!key.isEmpty && key.utf8.allSatisfy { $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || (48...57).contains($0) || (97...122).contains($0) })
            }
        }
    }
}
