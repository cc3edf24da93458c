/// The CheckMode every Apply sends, explicitly. Tencent's default, 2 (liveness + comparison
/// with `CompareImageBase64`), has nothing to compare with when no photo is sent, so the mode is
/// never left to Tencent: the configured one, else 2 with a reference photo and 3 (liveness only)
/// without. Mode 1 compares with the document's own portrait and needs no reference photo.
/// The one rule for the browser's start, the backend's create and `--check-config`.
enum CheckModeChoice {
    static let livenessAndComparison = 2
    static let livenessOnly = 3

    /// Whether a mode compares the face with a caller-supplied photo.
    static func needsReferencePhoto(_ mode: Int) -> Bool { mode == livenessAndComparison }

    /// The mode to send for this request, or 400 `photo_required`. `photoField` names where
    /// this request's photo would have come from, for the message.
    static func resolve(configured: Int?, hasPhoto: Bool, photoField: String) -> Result<Int, Refusal> {
        let mode = configured ?? (hasPhoto ? livenessAndComparison : livenessOnly)
        if needsReferencePhoto(mode), !hasPhoto {
            return .failure(Refusal(400, "photo_required", "check_mode 2 compares the face with a reference photo and this request has none: send \(photoField), or use check_mode 3 (liveness only)"))
        }
        return .success(mode)
    }

    /// At start-up: a configured mode 2 needs a way for a photo to arrive (browser uploads, or
    /// the merchant's backend, which needs link_key); nil when there is one.
    static func configProblem(configured: Int?, browserImages: Bool, backend: Bool) -> String? {
        guard let configured, needsReferencePhoto(configured), !browserImages, !backend else { return nil }
        return "check_mode = 2 compares the face with a reference photo, but no photo can arrive here (browser_images = refuse and no link_key for backend-created verifications): use check_mode = 3, or set link_key and send photos from the backend (POST /ekyc/verifications)"
    }
}
