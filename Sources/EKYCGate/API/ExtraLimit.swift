/// Tencent's bound on `Extra`: "at most 1000 characters". The documents do not say what a
/// character is. Counted here in UTF-16 code units: what Java's `String.length()` and
/// JavaScript count, and what the official Python SDK puts on the wire (`json.dumps` escapes an
/// emoji as two `\uXXXX`). It is the stricter of the two plausible counts (UTF-16 units ≥
/// Unicode scalars), so a text within it is within Tencent's limit whichever Tencent uses.
/// The one rule for the handlers and the sandbox.
public enum ExtraLimit {
    public static let maxCharacters = 1_000

    /// Tencent-counted length of `text`.
    public static func length(_ text: String) -> Int { text.utf16.count }

    public static func allows(_ text: String) -> Bool { length(text) <= maxCharacters }
}
