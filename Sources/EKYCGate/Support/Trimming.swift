// FoundationEssentials has no CharacterSet trimming; these cover what the code needs.
extension StringProtocol {
    /// Without leading and trailing spaces, tabs and line ends.
    public func trimmed() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
