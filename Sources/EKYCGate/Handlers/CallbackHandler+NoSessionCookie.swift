import FastCGI

extension CallbackHandler {
    /// A browser's result request without any session cookie. A browser that started the
    /// verification always has one, so the cookie was not sent to this URL: the callback lies
    /// outside the cookie's path (Apache serving the pair under other URLs, say), the browser
    /// blocks cookies, or it came to another host name than the start. Saying "another browser
    /// session" here sent people looking in the wrong place.
    func noSessionCookie(_ request: HTTPRequest) -> HTTPResponse {
        let here = request.path
        let scope: String
        if let fixed = config.cookiePath.fixed {
            scope = CookiePath.covers(fixed, here)
                ? "the cookie's path (cookie_path = \(fixed)) covers \(here), so the browser blocked it or the start was on another host name"
                : "cookie_path = \(fixed) does not cover \(here), so the browser never sends it here; set cookie_path to a path above both URLs (e.g. /)"
        } else {
            scope = "it is set for the directory of the start URL; if \(here) is not under that directory set cookie_path to a path above both (e.g. /), otherwise the browser blocked it or the start was on another host name"
        }
        return Answers.error(403, code: "no_session_cookie",
                             message: "this browser sent no session cookie (\(config.cookieName)) with the result request: \(scope)")
    }
}
