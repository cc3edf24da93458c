import Testing
import FastCGI

@Suite struct HTTPMessageTests {
    @Test func requestAccessors() {
        let request = HTTPRequest(params: ["REQUEST_METHOD": "POST", "QUERY_STRING": "a=1", "DOCUMENT_URI": "/ekyc/start",
                                           "HTTP_COOKIE": "x=1", "CONTENT_TYPE": "text/plain", "HTTP_X_REQUEST_ID": "abc"])
        #expect(request.method == "POST")
        #expect(request.path == "/ekyc/start")
        #expect(request.header("Cookie") == "x=1")
        #expect(request.header("content-type") == "text/plain")
        #expect(request.header("X-Request-Id") == "abc")
    }

    @Test func cgiPathWithoutDocumentURI() {
        #expect(HTTPRequest(params: ["SCRIPT_NAME": "/ekyc/callback"]).path == "/ekyc/callback")
        #expect(HTTPRequest(params: ["REQUEST_URI": "/x?y=1"]).path == "/x")
    }

    @Test func headRemovesLineBreaksFromHeaders() {
        let response = HTTPResponse(status: 303, headers: [("Location", "https://a/\r\nSet-Cookie: evil=1")], text: "x")
        let head = response.cgiHead()
        #expect(head.hasPrefix("Status: 303 See Other\r\n"))
        #expect(head.contains("Location: https://a/Set-Cookie: evil=1\r\n"))
        #expect(!head.contains("\r\nSet-Cookie"))
        #expect(head.contains("Content-Length: 1\r\n"))
        #expect(head.hasSuffix("\r\n\r\n"))
    }

    @Test func listenAddresses() throws {
        #expect(try ListenAddress(parsing: "unix:/run/ekyc/start.sock") == .unix(path: "/run/ekyc/start.sock"))
        #expect(try ListenAddress(parsing: "127.0.0.1:9000") == .tcp(host: "127.0.0.1", port: 9000))
        #expect(try ListenAddress(parsing: ":9000") == .tcp(host: "127.0.0.1", port: 9000))
        #expect(throws: ServerError.self) { try ListenAddress(parsing: "unix:") }
        #expect(throws: ServerError.self) { try ListenAddress(parsing: "localhost:99999") }
    }

    @Test func loopbackListenAddresses() throws {
        for text in ["unix:/run/ekyc/sandbox.sock", "127.0.0.1:9003", ":9003", "127.8.9.10:9003", "localhost:9003",
                     "::1:9003", "[::1]:9003"] {
            #expect(try ListenAddress(parsing: text).isLoopback, "\(text)")
        }
        for text in ["0.0.0.0:9003", "*:9003", "192.168.1.5:9003", "10.0.0.1:9003", "sandbox.example:9003",
                     "0127.0.0.1:9003", "127.1:9003", "127.0.0.1.5:9003", "127.0.0.256:9003", "128.0.0.1:9003",
                     "127.0.0.0x1:9003", "[::]:9003", "127.0.0.١:9003"] {
            #expect(try !ListenAddress(parsing: text).isLoopback, "\(text)")
        }
        #expect(throws: ServerError.self) { try ListenAddress(parsing: "nonsense") }
    }

    @Test func logLineQuotesValues() {
        let request = HTTPRequest(params: ["REQUEST_METHOD": "GET", "DOCUMENT_URI": "/ekyc/callback", "REQUEST_ID": "r1"])
        let response = HTTPResponse(status: 404, logFields: [LogField("detail", "unknown token\n\"x\"")])
        let line = RequestLog.line(request: request, response: response, milliseconds: 1.26)
        #expect(line.text == #"method=GET path=/ekyc/callback status=404 ms=1.3 req=r1 detail="unknown token\n\"x\"""#)
    }

    @Test func everyValueIsEscapedAndNoneCanForgeAField() {
        let line = LogLine(event: "store_error", ("error", "disk full\nevent=forged x=\"1\""), ("empty", ""), ("tab", "a\tb"))
        #expect(line.text == #"event=store_error error="disk full\nevent=forged x=\"1\"" empty="" tab="a\u{9}b""#)
        #expect(!line.text.contains("\n"))
    }

    @Test func theWebServersRequestIdOrAMadeOne() {
        #expect(HTTPRequest(params: ["REQUEST_ID": "nginx1", "UNIQUE_ID": "apache1"]).id == "nginx1")
        #expect(HTTPRequest(params: ["UNIQUE_ID": "apache1", "HTTP_X_REQUEST_ID": "client"]).id == "apache1")
        #expect(HTTPRequest(params: ["HTTP_X_REQUEST_ID": "proxy"]).id == "proxy")
        let made = HTTPRequest(params: [:]).id
        #expect(made.count == 16)
        #expect(made.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" })
        #expect(HTTPRequest(params: [:]).id != made)
    }

    @Test func anErrorAnswersCodeIsLoggedFromItsTypedDetail() {
        var response = HTTPResponse(status: 404, text: "x")
        response.error = ErrorDetail(code: "unknown_token", message: "no verification")
        let line = RequestLog.line(request: HTTPRequest(params: ["REQUEST_ID": "r"]), response: response, milliseconds: 0)
        #expect(line.text.hasSuffix("req=r error=unknown_token"))
    }
}
