import Testing
import EKYCGate

/// `--check-config` warns when the signed API calls go anywhere but Tencent Cloud.
@Suite struct FaceIDEndpointTests {
    @Test(arguments: ["faceid.intl.tencentcloudapi.com", "faceid.tencentcloudapi.com", "faceid.tencentcloudapi.com:443",
                      "faceid.ap-guangzhou.tencentcloudapi.com"])
    func tencentHostsAreOfficial(_ host: String) {
        #expect(FaceIDEndpoint(host: host).isOfficial)
    }

    @Test(arguments: ["localhost:8443", "127.0.0.1:8443", "tencentcloudapi.com", "faceid.tencentcloudapi.com.evil.example",
                      "evil-tencentcloudapi.com", "faceid.tencentcloudapi.com.", "FACEID.TENCENTCLOUDAPI.COM",
                      "faceid.tencentcloudapi.com@evil.example", "evil.example\\.tencentcloudapi.com", "faceid.tencentcloudapi.cn"])
    func otherHostsAreNot(_ host: String) {
        #expect(!FaceIDEndpoint(host: host).isOfficial)
    }

    @Test func plainHTTPIsNotOfficial() {
        #expect(!FaceIDEndpoint(host: "faceid.tencentcloudapi.com", scheme: "http").isOfficial)
    }
}
