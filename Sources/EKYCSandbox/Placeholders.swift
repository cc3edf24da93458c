/// Small but valid media for results, so clients that decode `BestFrameBase64` or
/// `VideoBase64` get real bytes of the right kind.
enum Placeholders {
    /// A 1×1 JPEG (SOI, JFIF, quantisation table, frame, Huffman table, scan, end of image).
    static let bestFrameJPEG =
        "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxD/2Q=="

    /// An MP4 `ftyp` box (isom, iso2, avc1, mp41) followed by an empty `free` box: the start
    /// of a real MP4 file, which is all a client can check without a decoder.
    static let videoMP4 = "AAAAIGZ0eXBpc29tAAACAGlzb21pc28yYXZjMW1wNDEAAAAIZnJlZQ=="
}
