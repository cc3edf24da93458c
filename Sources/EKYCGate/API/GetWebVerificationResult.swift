/// `GetWebVerificationResultIntl` request body.
public struct GetResultRequest: Codable, Sendable, Equatable {
    public var bizToken: String
    public init(bizToken: String) { self.bizToken = bizToken }
    enum CodingKeys: String, CodingKey { case bizToken = "BizToken" }
}

/// One attempt of the user on the eKYC page (`VerificationDetail`); every field may be null.
public struct VerificationDetail: Codable, Sendable, Equatable {
    public var errorCode: Int64?
    public var errorMsg: String?
    public var livenessErrorCode: Int64?
    public var livenessErrorMsg: String?
    public var compareErrorCode: Int64?
    public var compareErrorMsg: String?
    /// Milliseconds since the epoch.
    public var reqTimestamp: UInt64?
    public var similarity: Double?
    public var seq: String?
    public var livenessInfoTag: [String]?

    public init(errorCode: Int64? = nil, errorMsg: String? = nil, livenessErrorCode: Int64? = nil,
                livenessErrorMsg: String? = nil, compareErrorCode: Int64? = nil, compareErrorMsg: String? = nil,
                reqTimestamp: UInt64? = nil, similarity: Double? = nil, seq: String? = nil, livenessInfoTag: [String]? = nil) {
        self.errorCode = errorCode
        self.errorMsg = errorMsg
        self.livenessErrorCode = livenessErrorCode
        self.livenessErrorMsg = livenessErrorMsg
        self.compareErrorCode = compareErrorCode
        self.compareErrorMsg = compareErrorMsg
        self.reqTimestamp = reqTimestamp
        self.similarity = similarity
        self.seq = seq
        self.livenessInfoTag = livenessInfoTag
    }

    enum CodingKeys: String, CodingKey {
        case errorCode = "ErrorCode"
        case errorMsg = "ErrorMsg"
        case livenessErrorCode = "LivenessErrorCode"
        case livenessErrorMsg = "LivenessErrorMsg"
        case compareErrorCode = "CompareErrorCode"
        case compareErrorMsg = "CompareErrorMsg"
        case reqTimestamp = "ReqTimestamp"
        case similarity = "Similarity"
        case seq = "Seq"
        case livenessInfoTag = "LivenessInfoTag"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func text(_ key: CodingKeys) throws -> String? { try c.decodeIfPresent(String.self, forKey: key) }
        func int(_ key: CodingKeys) throws -> Int64? { c.contains(key) ? try c.lenientInt64(key) : nil }
        errorCode = try int(.errorCode)
        errorMsg = try text(.errorMsg)
        livenessErrorCode = try int(.livenessErrorCode)
        livenessErrorMsg = try text(.livenessErrorMsg)
        compareErrorCode = try int(.compareErrorCode)
        compareErrorMsg = try text(.compareErrorMsg)
        reqTimestamp = try int(.reqTimestamp).flatMap { UInt64(exactly: $0) }
        similarity = c.contains(.similarity) ? try c.lenientDouble(.similarity) : nil
        seq = try text(.seq)
        livenessInfoTag = try c.decodeIfPresent([String].self, forKey: .livenessInfoTag)
    }
}

/// Document recognition result (`OCRResult`). The card structures are carried as JSON so
/// every documented field reaches a merchant backend that enabled them, unchanged.
public struct OCRResult: Codable, Sendable, Equatable {
    public var isPass: Bool?
    public var cardImageBase64: String?
    public var cardInfo: JSONValue?
    public var normalCardInfo: JSONValue?
    public var requestId: String?
    public var cardCutImageBase64: String?
    public var cardBackCutImageBase64: String?
    public var warnCardInfos: [Int64]?
    public var originalCardInfo: String?
    public var headImageBase64: String?
    public var cardBackImageBase64: String?

    enum CodingKeys: String, CodingKey {
        case isPass = "IsPass"
        case cardImageBase64 = "CardImageBase64"
        case cardInfo = "CardInfo"
        case normalCardInfo = "NormalCardInfo"
        case requestId = "RequestId"
        case cardCutImageBase64 = "CardCutImageBase64"
        case cardBackCutImageBase64 = "CardBackCutImageBase64"
        case warnCardInfos = "WarnCardInfos"
        case originalCardInfo = "OriginalCardInfo"
        case headImageBase64 = "HeadImageBase64"
        case cardBackImageBase64 = "CardBackImageBase64"
    }
}

/// `GetWebVerificationResultIntl` answer. `errorCode == nil` means the user has not finished.
public struct GetResultResponse: Codable, Sendable, Equatable {
    public var errorCode: Int64?
    public var errorMsg: String?
    public var verificationDetailList: [VerificationDetail]?
    public var videoBase64: String?
    public var bestFrameBase64: String?
    public var ocrResult: [OCRResult]?
    public var extra: String?
    public var requestId: String?

    public init(errorCode: Int64? = nil, errorMsg: String? = nil, verificationDetailList: [VerificationDetail]? = nil,
                videoBase64: String? = nil, bestFrameBase64: String? = nil, ocrResult: [OCRResult]? = nil,
                extra: String? = nil, requestId: String? = nil) {
        self.errorCode = errorCode
        self.errorMsg = errorMsg
        self.verificationDetailList = verificationDetailList
        self.videoBase64 = videoBase64
        self.bestFrameBase64 = bestFrameBase64
        self.ocrResult = ocrResult
        self.extra = extra
        self.requestId = requestId
    }

    enum CodingKeys: String, CodingKey {
        case errorCode = "ErrorCode"
        case errorMsg = "ErrorMsg"
        case verificationDetailList = "VerificationDetailList"
        case videoBase64 = "VideoBase64"
        case bestFrameBase64 = "BestFrameBase64"
        case ocrResult = "OCRResult"
        case extra = "Extra"
        case requestId = "RequestId"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        errorCode = c.contains(.errorCode) ? try c.lenientInt64(.errorCode) : nil
        errorMsg = try c.decodeIfPresent(String.self, forKey: .errorMsg)
        verificationDetailList = try c.decodeIfPresent([VerificationDetail].self, forKey: .verificationDetailList)
        videoBase64 = try c.decodeIfPresent(String.self, forKey: .videoBase64)
        bestFrameBase64 = try c.decodeIfPresent(String.self, forKey: .bestFrameBase64)
        ocrResult = try c.decodeIfPresent([OCRResult].self, forKey: .ocrResult)
        extra = try c.decodeIfPresent(String.self, forKey: .extra)
        requestId = try c.decodeIfPresent(String.self, forKey: .requestId)
    }
}
