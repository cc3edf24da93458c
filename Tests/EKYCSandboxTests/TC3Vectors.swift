import Foundation

/// Signing vectors produced by Tencent's official Python SDK (its own signing path with time
/// pinned), read from the project's vector file: the faceid ones, with the headers the SDK put
/// on the wire.
struct TC3Vector: Sendable, Decodable, CustomStringConvertible {
    var id: String
    var secretId: String
    var secretKey: String
    var timestamp: Int64
    var payload: String
    var headers: [String: String]
    var description: String { id }

    private enum Keys: String, CodingKey { case id, inputs, sdk_headers_sent }
    private struct Inputs: Decodable {
        var secret_id: String
        var secret_key: String
        var service: String
        var timestamp: Int64
        var payload: String
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        let inputs = try container.decode(Inputs.self, forKey: .inputs)
        id = try container.decode(String.self, forKey: .id)
        secretId = inputs.secret_id
        secretKey = inputs.secret_key
        timestamp = inputs.timestamp
        payload = inputs.payload
        headers = try container.decode([String: String].self, forKey: .sdk_headers_sent)
        service = inputs.service
    }

    private var service = ""
    var isFaceID: Bool { service == "faceid" }
}

/// The faceid vectors, or the read or decode error (reported by a test, never an empty list).
let loadedTC3Vectors: Result<[TC3Vector], any Error> = Result {
    struct File: Decodable { var vectors: [TC3Vector] }
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/tc3-signing.json")
    return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).vectors.filter(\.isFaceID)
}
let tc3Vectors: [TC3Vector] = (try? loadedTC3Vectors.get()) ?? []
