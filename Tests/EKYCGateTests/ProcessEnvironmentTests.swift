#if canImport(Glibc)
import Glibc
#endif
import Testing
import EKYCGate

@Suite struct ProcessEnvironmentTests {
    @Test func onlyTheVariablesTheCommandsReadFirstOfTwoWins() {
        let entries = ["PATH=/usr/bin", "EKYC_CONFIG=/etc/ekyc/ekyc.conf", "HTTP_COOKIE=a=b", "EKYC_STORE=file:/x=y",
                       "TENCENTCLOUD_SECRET_ID=AKID", "EKYC_CONFIG=/second", "EKYC=no", "ekyc_config=lower", "EKYC_EMPTY=",
                       // A client's `EKYC-Config:` header, as a web server passes it to CGI: not an override.
                       "HTTP_EKYC_CONFIG=/tmp/evil.conf", "HTTP_TENCENTCLOUD_SECRET_KEY=x"]
        let pointers = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: entries.count + 1)
        defer { pointers.deallocate() }
        for (index, entry) in entries.enumerated() { pointers[index] = strdup(entry) }
        pointers[entries.count] = nil
        defer { for index in entries.indices { free(pointers[index]) } }
        #expect(ProcessEnvironment.relevant(pointers) == [
            "EKYC_CONFIG": "/etc/ekyc/ekyc.conf", "EKYC_STORE": "file:/x=y", "TENCENTCLOUD_SECRET_ID": "AKID", "EKYC_EMPTY": "",
        ])
        #expect(ProcessEnvironment.relevant(nil).isEmpty)
    }
}
