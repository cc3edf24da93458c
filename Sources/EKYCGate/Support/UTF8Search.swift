extension StringProtocol {
    /// The range of the first `needle` (ASCII) in this text, compared byte by byte in UTF-8. The
    /// standard library's `firstRange(of:)` and `contains(_:)` for a string come from
    /// _StringProcessing, whose first call in a process sets up a quarter of a million
    /// instructions of generic metadata: as much as the rest of a CGI callback's config
    /// checks (docs/BENCHMARKS.md, "CGI mode").
    func firstUTF8Range(of needle: String) -> Range<Index>? {
        let pattern = Array(needle.utf8)
        let text = utf8
        var start = text.startIndex
        while start != text.endIndex {
            var end = start, matched = 0
            while matched < pattern.count, end != text.endIndex, text[end] == pattern[matched] {
                text.formIndex(after: &end)
                matched += 1
            }
            // An ASCII needle begins and ends on character boundaries: the range slices the text.
            if matched == pattern.count { return start..<end }
            text.formIndex(after: &start)
        }
        return nil
    }
}
