import EKYCGate
import FuzzSupport

// Input: the Content-Type header on the first line, the body after it.
Fuzzer.run { bytes in
    let (header, body) = fields(bytes, count: 1)
    let boundaries = [Multipart.boundary(contentType: header[0]), "XyZ"].compactMap { $0 }
    if let boundary = boundaries.first, boundaries.count == 2 {
        require((1...70).contains(boundary.utf8.count), "boundary of \(boundary.utf8.count) bytes")
    }
    for boundary in boundaries {
        let parts: [MultipartPart]
        do { parts = try Multipart.parse(body, boundary: boundary) } catch { continue }
        require(parts.count <= Multipart.maxParts, "\(parts.count) parts")
        let separator = Array("\r\n--\(boundary)".utf8)
        var previousEnd = 0
        for part in parts {
            // Every part is a slice of the body, in order, not overlapping, and holds no delimiter.
            require(part.body.startIndex >= previousEnd && part.body.endIndex <= body.count,
                    "part \(part.name.debugDescription) at \(part.body.startIndex)..<\(part.body.endIndex) outside 0..<\(body.count) or before \(previousEnd)")
            require(body[part.body.startIndex..<part.body.endIndex].elementsEqual(part.body), "part bytes differ from the body's")
            require(!occurs(separator, in: part.body), "part \(part.name.debugDescription) holds the delimiter")
            previousEnd = part.body.endIndex
        }
    }
}
