import FastCGI
import Testing
@testable import EKYCSandbox

/// Inputs `scripts/fuzz` found that once trapped or misparsed, kept as plain tests.
@Suite struct SandboxFuzzRegressionTests {
    /// `abs(now - timestamp)` overflowed for a timestamp near Int64.min and killed the worker
    /// before any authentication; now it is an ordinary SignatureExpire.
    @Test(arguments: ["-9223372036854775808", "-9223372036854775000", "9223372036854775807"])
    func extremeTimestampIsExpiredNotATrap(_ timestamp: String) throws {
        let (sandbox, _) = makeSandbox()
        var sent = apiRequest("GetWebVerificationResultIntl", "{}")
        sent.params["HTTP_X_TC_TIMESTAMP"] = timestamp
        #expect(try errorCode(sandbox.handle(sent, now: testNow)) == "AuthFailure.SignatureExpire")
    }
}
