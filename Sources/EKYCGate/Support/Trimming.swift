// FoundationEssentials has no CharacterSet trimming; these cover what the code needs.
extension StringProtocol {
    /// Without leading and trailing spaces, tabs and line ends.
    public func trimmed() -> String {
        // "\r\n" is one Character, whose asciiValue is that of "\n".
        let isSpace: (Character) -> Bool = { $0.asciiValue.map(isTrimmedSpace) ?? false }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}

/// The bytes `trimmed()` removes: space, tab and line ends.
func isTrimmedSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
}
