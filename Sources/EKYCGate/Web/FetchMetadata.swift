import FastCGI

/// What the browser says about how a start request was made (Fetch Metadata, `Origin`). A
/// verification starts when a person opens a link or submits the merchant's own form; a
/// third-party page must not make visitors' browsers start verifications (15 `<img>` tags would
/// spend 15 API calls per visitor, from addresses no per-address limit can tell apart).
/// Browsers that send none of these headers (old ones, and every backend) are not refused.
public enum FetchMetadata {
    /// Destinations that are a page the user sees; anything else (`image`, `script`, `style`,
    /// `audio`, `object`, …) is a subresource, which never starts a verification.
    static let pageDestinations: Set<String> = ["document", "iframe", "frame", "empty"]

    static func startRefusal(_ request: HTTPRequest) -> Refusal? {
        let destination = request.header("Sec-Fetch-Dest")?.lowercased()
        let site = request.header("Sec-Fetch-Site")?.lowercased()
        if let destination, !pageDestinations.contains(destination) {
            return Refusal(403, "cross_site", "a verification starts when the user opens the start link, not from an embedded \(destination.prefix(20)); link to /ekyc/start instead")
        }
        if site == "cross-site", let destination, destination != "document" {
            return Refusal(403, "cross_site", "another site cannot start a verification here from a script or frame; link to /ekyc/start instead")
        }
        guard request.method == "POST" else { return nil }
        if site == "cross-site" {
            return Refusal(403, "cross_site", "a form on another site cannot start a verification here; post from the merchant's own pages or from its backend")
        }
        if let origin = request.header("Origin"), !sameOrigin(origin, host: request.header("Host")) {
            return Refusal(403, "cross_site", "a form from \(origin == "null" ? "an opaque origin" : "another origin") cannot start a verification here; post from the merchant's own pages or from its backend")
        }
        return nil
    }

    /// `Origin` names the host (and port) the request was sent to.
    static func sameOrigin(_ origin: String, host: String?) -> Bool {
        guard let url = AbsoluteURL(origin), url.rest.isEmpty, let host, let own = AbsoluteURL(url.scheme + "://" + host) else { return false }
        return url.host == own.host && url.effectivePort == own.effectivePort
    }
}
