/// `ekyc-start sign`: prints every TC3 stage for given inputs, to find why Tencent answers
/// `AuthFailure.SignatureFailure` (compare stage by stage with what your client computed).
public enum SignCommand {
    public static let help = """
    usage: ekyc-start sign --secret-id ID --secret-key KEY --timestamp UNIX_SECONDS \\
                           [--host faceid.intl.tencentcloudapi.com] [--service faceid] \\
                           [--content-type application/json] [--action NAME] \\
                           (--payload-file FILE | --payload TEXT)

    Prints each stage of the TC3-HMAC-SHA256 signature of one API request: the canonical
    request, the string to sign, the derived key, the signature and the Authorization header.
    The payload is hashed byte for byte as read from FILE (no newline is added or removed), so
    pass exactly the body your client sent. --secret-key may be '-' to read it from standard
    input instead of the command line. --action is printed for reference only: TC3 does not
    sign it.
    """

    public static let options: [Arguments.Option] = [
        .init("secret-id"), .init("secret-key"), .init("timestamp"), .init("host"), .init("service"),
        .init("content-type"), .init("action"), .init("payload-file"), .init("payload"), .init("help", takesValue: false),
    ]

    /// Renders the stages; the I/O (reading the payload file, stdin) stays with the caller.
    public static func render(arguments: Arguments, payload: [UInt8], secretKey: String) throws(ConfigError) -> String {
        guard let secretId = arguments["secret-id"] else { throw ConfigError("--secret-id is required") }
        guard let text = arguments["timestamp"], let timestamp = Int64(text) else {
            throw ConfigError("--timestamp UNIX_SECONDS is required (the X-TC-Timestamp your client sent)")
        }
        let input = SigningInput(service: arguments["service"] ?? FaceIDEndpoint.service,
                                 host: arguments["host"] ?? "faceid.intl.tencentcloudapi.com",
                                 contentType: arguments["content-type"] ?? "application/json", payload: payload)
        let s = TC3Signer.sign(Credentials(secretId: secretId, secretKey: secretKey), input, timestamp: timestamp)
        var out = ""
        if let action = arguments["action"] { out += "X-TC-Action (not signed): \(action)\n" }
        out += """
        X-TC-Timestamp:        \(timestamp)
        Date (UTC):            \(s.date)
        CredentialScope:       \(s.credentialScope)
        HashedRequestPayload:  \(s.hashedRequestPayload)  (\(payload.count) bytes)

        --- CanonicalRequest ---
        \(s.canonicalRequest)
        --- end ---
        HashedCanonicalRequest: \(s.hashedCanonicalRequest)

        --- StringToSign ---
        \(s.stringToSign)
        --- end ---
        SecretSigning (hex):   \(s.signingKeyHex)
        Signature:             \(s.signature)

        Authorization: \(s.authorization)

        """
        return out
    }
}
