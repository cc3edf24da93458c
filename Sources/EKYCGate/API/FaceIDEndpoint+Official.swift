extension FaceIDEndpoint {
    /// Tencent Cloud's API domain: faceid.intl.tencentcloudapi.com and faceid.tencentcloudapi.com
    /// are the documented eKYC hosts.
    public static let officialDomain = "tencentcloudapi.com"

    /// Whether calls go to Tencent Cloud itself: https to a host below tencentcloudapi.com, in
    /// `AbsoluteURL`'s strict form. Every call carries a request signed with the API key pair,
    /// so any other host (a sandbox, a proxy) is one the operator must trust with that.
    public var isOfficial: Bool {
        guard scheme == "https", let url = AbsoluteURL("https://" + host) else { return false }
        return url.host.hasSuffix("." + Self.officialDomain)
    }
}
