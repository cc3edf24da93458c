/// The two FaceID actions the handlers use. `FaceIDClient` calls Tencent (or the sandbox)
/// over libcurl; tests use an in-memory twin.
public protocol FaceIDAPI: AnyObject {
    func apply(_ request: ApplyRequest) throws(FaceIDError) -> ApplyResponse
    func getResult(bizToken: String) throws(FaceIDError) -> GetResultResponse
}

/// Where and how the API is called.
public struct FaceIDEndpoint: Sendable, Equatable {
    /// `host[:port]`, sent and signed as the `Host` header.
    public var host: String
    public var region: String
    public var scheme: String
    public static let service = "faceid"
    /// The regions Tencent documents for the two eKYC actions (API pages, revisions of 2025-11 and 2025-12).
    public static let regions: Set<String> = ["ap-bangkok", "ap-hongkong", "ap-jakarta", "ap-singapore", "sa-saopaulo"]
    public static let version = "2018-03-01"

    public init(host: String = "faceid.intl.tencentcloudapi.com", region: String = "ap-singapore", scheme: String = "https") {
        self.host = host
        self.region = region
        self.scheme = scheme
    }

    public var url: String { "\(scheme)://\(host)/" }
}
