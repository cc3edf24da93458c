// TC3 signatures per second on one thread: signs the body ekyc-start sends for a GET /ekyc/start
// in a loop for the given number of seconds (default 2) and prints the rate.
// Built by scripts/bench as its own package that depends on this repository.
import EKYCGate
#if canImport(Glibc)
import Glibc
#endif

func seconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

let duration = CommandLine.arguments.dropFirst().first.flatMap(Double.init) ?? 2
let credentials = Credentials(secretId: "AKIDekycGateDemo0000000000000000demo", secretKey: "ekycGateDemoSecretKey00000000000")
let input = SigningInput(service: "faceid", host: "faceid.intl.tencentcloudapi.com", contentType: "application/json",
                         payload: Array(#"{"RedirectURL":"https://shop.example.com/verified.html"}"#.utf8))
var timestamp: Int64 = 1_764_300_000
var checksum = 0
var count = 0
let started = seconds()
var elapsed = 0.0
while elapsed < duration {
    for _ in 0..<200 {
        // A new timestamp each time, so the date and the whole chain are computed as in a real call.
        checksum &+= TC3Signer.sign(credentials, input, timestamp: timestamp).authorization.utf8.count
        timestamp += 1
    }
    count += 200
    elapsed = seconds() - started
}
print("\(Int(Double(count) / elapsed)) \(checksum)")
